"""The review database's tables, and the migrations that bring a database to them.

Migrations are numbered; `schema_version` holds the last one applied, and each runs in its own
transaction. Migration 1 creates the tables as defined here: a later change to a table adds a
migration of its own (an ALTER), and migration 1 must then create the table as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from .errors import DatabaseError

metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, primary_key=True))

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password", String(255), nullable=False),  # werkzeug's scrypt hash, never the password
    Column("role", String(16), nullable=False),  # reviewer | admin
    Column("active", Boolean, nullable=False, default=True),
    Column("created", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# every login attempt: the rate limit counts recent failures per name and per address
logins = Table(
    "logins",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, index=True),
    Column("address", String(64), nullable=False, index=True),
    Column("ok", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)

# the roster: the units an office supervises; `key` is the agency identity (search/identity.py)
units = Table(
    "units",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(255), nullable=False, unique=True),
    Column("name", String(255), nullable=False),
    Column("parent", String(255)),  # the parent unit's key
    Column("parent_name", String(255)),
    Column("region", String(255), nullable=False, default=""),
    Column("level", String(32), nullable=False, default=""),  # 省级 地市级 县级 乡镇 (a government) or 部门
    Column("kind", String(32), nullable=False, default=""),
    Column("sums", Boolean, nullable=False, default=False),  # its report sums its units' (逐级汇总)
    Column("position", Integer, nullable=False, default=0),  # its row in the roster file
    Column("updated", DateTime(timezone=True), nullable=False),
)

# Verdicts on findings, one row per change (the history); the latest row of a finding is its state.
# `slot` names the report whatever its file (agency@year): a replaced file keeps its verdicts where the
# finding is unchanged. seq counts a finding's changes: two reviewers writing at once cannot both
# write the same seq, so neither change is lost in silence.
verdicts = Table(
    "verdicts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slot", String(300), nullable=False),
    Column("finding", String(32), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("report_id", String(16), nullable=False),
    Column("rule", String(16), nullable=False),
    Column("location", String(200), nullable=False, default=""),
    Column("message", Text, nullable=False),
    Column("decision", String(16), nullable=False),  # confirmed | dismissed | open
    Column("status", String(16)),  # 整改: todo | fixed | passed | returned (confirmed only)
    Column("responsible", String(255)),
    Column("note", Text, nullable=False, default=""),
    Column("user", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("slot", "finding", "seq", name="verdict_change"),
)

# Corrections of figures, one row per change; the latest row of a cell is in force unless withdrawn.
corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slot", String(300), nullable=False),
    Column("key", String(120), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("report_id", String(16), nullable=False),
    Column("value", String(40)),  # the number as written ("" = the cell is blank); NULL = withdrawn
    Column("original", String(40)),  # what the index read then ("" blank, NULL not read)
    Column("origin", String(16), nullable=False),  # reader (读取有误) | unit (单位提供)
    Column("note", Text, nullable=False, default=""),
    Column("user", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("slot", "key", "seq", name="correction_change"),
)

# every write anyone made, with who and when: the desk's own audit log
writes = Table(
    "writes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", String(300), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)


def _create(conn: Connection) -> None:
    metadata.create_all(conn, tables=[t for t in metadata.sorted_tables if t is not schema_version])


MIGRATIONS: list[Callable[[Connection], None]] = [_create]
VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0


def migrate(engine: Engine) -> int:
    """Bring the database to the current schema; return its version. Two processes migrating at once:
    one applies each step, the other finds it done."""
    try:
        schema_version.create(engine, checkfirst=True)
    except DBAPIError:  # created by another process between the check and the CREATE
        if not inspect(engine).has_table("schema_version"):
            raise
    with engine.connect() as conn:
        version = current_version(conn)
    if version > VERSION:
        raise DatabaseError(f"数据库由较新版本的 xxgk 建立（结构版本 {version}，本版本支持到 {VERSION}），请升级 xxgk")
    for number in range(version + 1, VERSION + 1):
        try:
            with engine.begin() as conn:
                conn.execute(insert(schema_version).values(version=number))  # claims the step first
                MIGRATIONS[number - 1](conn)
        except IntegrityError:
            continue  # another process applied it
    return VERSION
