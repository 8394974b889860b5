"""The review database: SQLite (WAL) beside the index by default, any SQLAlchemy URL otherwise.

Several `serve` processes share one database: SQLite in WAL mode lets readers run beside one
writer, and a writer that finds the file locked waits (busy_timeout) instead of failing; on
PostgreSQL the server does the same. Every write is one transaction (engine.begin()).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import NullPool

from .errors import DatabaseError
from .schema import migrate

URL_VARIABLE = "XXGK_DATABASE_URL"
BUSY_MS = 15_000  # how long a SQLite writer waits for another process's write to finish


def default_url(index_dir: Path | str) -> str:
    """Where the review database of an index lives: $XXGK_DATABASE_URL, else `<index>-review.sqlite`
    beside the index folder (never inside it: a rebuild clears the index folder, never decisions)."""
    if os.environ.get(URL_VARIABLE):
        return os.environ[URL_VARIABLE]
    index_dir = Path(index_dir).resolve()
    return f"sqlite:///{index_dir.parent / (index_dir.name + '-review.sqlite')}"


def open_database(url: str) -> Engine:
    """Given a database URL, return an engine on a database migrated to the current schema."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"数据库地址无法识别：{exc}") from None
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        # no pool: a connection per transaction, closed after it (the desk writes seldom; nothing is left
        # open for a forked serve process to share, or for a finished test to leak)
        engine = create_engine(parsed, poolclass=NullPool)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"无法连接数据库 {parsed.render_as_string()}：{exc}") from None
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    try:
        migrate(engine)
    except OperationalError as exc:
        raise DatabaseError(f"无法打开数据库 {parsed.render_as_string()}：{exc.orig}") from None
    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction. On SQLite it takes the write lock at BEGIN (IMMEDIATE): a transaction that
    read first and then asked for the lock could find another process's commit in between and fail."""
    with engine.connect() as conn:
        conn.execution_options(xxgk_write=True)
        with conn.begin():
            yield conn


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("xxgk_write") else "BEGIN")


def _sqlite_pragmas(connection, _record) -> None:
    connection.isolation_level = None  # the driver's own BEGIN off: _sqlite_begin says which BEGIN
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never corrupt
    cursor.close()
