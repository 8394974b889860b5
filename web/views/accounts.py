"""Logging in and out, and (for administrators) the accounts and the log of every write."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from review.accounts import ROLES, add_user, authenticate, list_users, set_active, set_password, set_role
from review.errors import ReviewError
from review.log import recent

from ..auth import Account, admin_required, login_required
from ..state import get_engine

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site only (never another host)."""
    if not target:
        return url_for("review.desk")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("review.desk")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        name, password = request.form.get("name", ""), request.form.get("password", "")
        try:
            user = authenticate(get_engine(), name, password, request.remote_addr or "")
        except ReviewError as exc:
            error = str(exc)
        else:
            session.pop("csrf", None)  # a new token for the logged-in session (one seen before login is void)
            login_user(Account(user))
            return redirect(_safe_next(request.args.get("next")))
    page = render_template("accounts/login.html", error=error, next=request.args.get("next", ""))
    return page, 401 if error else 200


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("已退出登录")
    return redirect(url_for("search.home"))


@bp.route("/admin/users", methods=["GET", "POST"])
@admin_required
def users():
    engine, me = get_engine(), current_user.name
    if request.method == "POST":
        action, name = request.form.get("action", ""), request.form.get("name", "").strip()
        try:
            if action == "add":
                add_user(engine, name, request.form.get("password", ""), request.form.get("role", "reviewer"), by=me)
                flash(f"已添加账号 {name}")
            elif action == "password":
                set_password(engine, name, request.form.get("password", ""), by=me)
                flash(f"已重设 {name} 的密码")
            elif action == "role":
                set_role(engine, name, request.form.get("role", ""), by=me)
                flash(f"已修改 {name} 的角色")
            elif action in ("disable", "enable"):
                if name == me:
                    raise ReviewError("不能停用自己的账号")
                set_active(engine, name, action == "enable", by=me)
                flash(f"已{'启用' if action == 'enable' else '停用'}账号 {name}")
            else:
                raise ReviewError("未知的操作")
        except ReviewError as exc:
            flash(str(exc), "error")
        return redirect(url_for("accounts.users"))
    return render_template("accounts/users.html", users=list_users(engine), roles=ROLES)


@bp.get("/admin/log")
@admin_required
def log():
    return render_template("accounts/log.html", rows=recent(get_engine(), 300))
