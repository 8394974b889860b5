"""Logins and CSRF for the desk's writes.

Reading stays open unless LOGIN_REQUIRED (xxgk serve --private) says otherwise; every write needs
a login (Flask-Login's session cookie: HttpOnly, SameSite=Lax) and the session's CSRF token, in the
form field `csrf_token` or the `X-CSRF-Token` header. The session key is SECRET_KEY, else
$XXGK_SECRET_KEY, else a file beside the index made once (so that every serve process shares it).
"""

from __future__ import annotations

import hmac
import os
import secrets
from functools import wraps
from pathlib import Path

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import LoginManager, current_user

from review.accounts import get_user

from .respond import wants_json
from .state import get_engine

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
OPEN_ENDPOINTS = {"accounts.login", "static", "favicon"}  # reachable before login when everything needs one


class Account:
    """The logged-in user as Flask-Login wants it."""

    def __init__(self, user) -> None:
        self.user = user

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.user.id)

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin


def secret_key(index_dir: str) -> bytes:
    """The session key: $XXGK_SECRET_KEY, else `<index>-secret` beside the index (made once, mode 0600)."""
    if os.environ.get("XXGK_SECRET_KEY"):
        return os.environ["XXGK_SECRET_KEY"].encode()
    path = Path(index_dir).resolve()
    path = path.parent / (path.name + "-secret")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes()
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def csrf_token() -> str:
    """The session's CSRF token (made on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def init_auth(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.config["INDEX_DIR"])
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    manager = LoginManager(app)
    manager.login_view = "accounts.login"
    manager.login_message = "请先登录"

    @manager.user_loader
    def load(user_id: str):
        user = get_user(get_engine(), int(user_id)) if user_id.isdigit() else None
        return Account(user) if user and user.active else None

    @manager.unauthorized_handler
    def unauthorized():
        if wants_json() or request.method in UNSAFE:
            return {"error": "请先登录"}, 401
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    app.add_template_global(csrf_token)

    @app.before_request
    def guard():
        if request.method in UNSAFE:
            sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
            if not sent or "csrf" not in session or not hmac.compare_digest(sent, session["csrf"]):
                if wants_json():
                    return {"error": "请求缺少有效的安全令牌（CSRF），请刷新页面后重试"}, 400
                abort(400, "请求缺少有效的安全令牌（CSRF），请刷新页面后重试")
        elif (
            app.config.get("LOGIN_REQUIRED")
            and request.endpoint not in OPEN_ENDPOINTS
            and not current_user.is_authenticated
        ):
            return manager.unauthorized()
        return None


def login_required(view):
    """A page or write for a logged-in desk account (401 or the login page otherwise)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        g.user = current_user.name
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    """A page or write for an administrator (403 for a reviewer)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
