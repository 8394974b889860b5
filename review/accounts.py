"""Accounts: who may write at the desk. Passwords are kept as werkzeug scrypt hashes; logins are
rate limited per name and per address, counted in the database (every serve process sees them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from .db import writing
from .errors import Invalid, LoginFailed
from .log import now, record
from .schema import logins, users

ROLES = {"reviewer": "审核人员", "admin": "管理员"}
MIN_PASSWORD = 10
MAX_FAILURES = 5  # failed logins per name in WINDOW before further attempts at it are refused
# per address, more: an office behind one proxy shares an address, and one person's typos must not lock out all
MAX_ADDRESS_FAILURES = 20
WINDOW = timedelta(minutes=15)
_NAME = re.compile(r"^[\w.@-]{2,64}$")
# a hash to check against when the name is unknown, so that a wrong name takes as long as a wrong password
_DUMMY = generate_password_hash("xxgk-no-such-user", method="scrypt")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"密码至少 {MIN_PASSWORD} 个字符")


def add_user(engine: Engine, name: str, password: str, role: str = "reviewer", by: str = "admin") -> User:
    """Create an account; Invalid when the name is taken or malformed, the role unknown, the password short."""
    if not _NAME.match(name):
        raise Invalid("账号名只能用 2 到 64 个字母、数字、下划线、点、@ 或 -")
    if role not in ROLES:
        raise Invalid(f"角色只能是：{'、'.join(f'{k}（{v}）' for k, v in ROLES.items())}")
    _check_password(password)
    try:
        with writing(engine) as conn:
            hashed = generate_password_hash(password, method="scrypt")
            new = conn.execute(insert(users).values(name=name, password=hashed, role=role, active=True))
            record(conn, by, "user.add", name, role=role)
    except IntegrityError:
        raise Invalid(f"账号“{name}”已存在") from None
    return User(new.inserted_primary_key[0], name, role, True)


def set_password(engine: Engine, name: str, password: str, by: str) -> None:
    _check_password(password)
    _update(engine, name, by, "user.password", password=generate_password_hash(password, method="scrypt"))


def set_role(engine: Engine, name: str, role: str, by: str) -> None:
    if role not in ROLES:
        raise Invalid("角色只能是 reviewer 或 admin")
    _update(engine, name, by, "user.role", role=role)


def set_active(engine: Engine, name: str, active: bool, by: str) -> None:
    _update(engine, name, by, "user.active", active=active)


def _update(engine: Engine, name: str, by: str, action: str, **values) -> None:
    with writing(engine) as conn:
        if conn.execute(update(users).where(users.c.name == name).values(**values)).rowcount == 0:
            raise Invalid(f"没有账号“{name}”")
        record(conn, by, action, name, **{k: v for k, v in values.items() if k != "password"})


def get_user(engine: Engine, user_id: int) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return User(row["id"], row["name"], row["role"], row["active"]) if row else None


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.name)).mappings().all()
    return [User(r["id"], r["name"], r["role"], r["active"]) for r in rows]


def authenticate(engine: Engine, name: str, password: str, address: str = "") -> User:
    """The account whose password this is; LoginFailed otherwise, or when the name has failed
    MAX_FAILURES times in WINDOW, or the address MAX_ADDRESS_FAILURES times (then not even checked)."""
    name, address = name.strip()[:64], address[:64]
    since = now() - WINDOW
    with engine.connect() as conn:
        failed = and_(logins.c.ok.is_(False), logins.c.at >= since)
        by_name = conn.execute(select(func.count()).where(failed, logins.c.name == name)).scalar()
        by_address = (
            conn.execute(select(func.count()).where(failed, logins.c.address == address)).scalar() if address else 0
        )
    if by_name >= MAX_FAILURES or by_address >= MAX_ADDRESS_FAILURES:
        raise LoginFailed(f"登录失败次数过多，请 {int(WINDOW.total_seconds() // 60)} 分钟后再试")
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    ok = check_password_hash(row["password"] if row else _DUMMY, password) and bool(row) and row["active"]
    with writing(engine) as conn:
        conn.execute(insert(logins).values(name=name, address=address, ok=ok, at=now()))
        if ok:
            record(conn, name, "login", name, address=address)
    if not ok:
        raise LoginFailed("账号或密码不正确")
    return User(row["id"], row["name"], row["role"], row["active"])
