"""A throwaway PostgreSQL server for the review desk's tests: Debian's postgresql binaries, a data folder
in a temporary directory, a Unix socket only (no TCP port), trust authentication; stopped at the end."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


def _as(user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--"] if user else []


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a PostgreSQL server; yield a SQLAlchemy URL of an empty database on it. As root the server
    runs as the `postgres` user (PostgreSQL refuses to run as root)."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root without a postgres user to run the server as") from None
        user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="xxgk-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if user:
        shutil.chown(root, user)
        shutil.chown(sock, user)
    os.chmod(root, 0o755)
    run = dict(check=True, capture_output=True, text=True)
    try:
        subprocess.run([*_as(user), str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--locale=C.UTF-8"], **run)  # fmt: skip
        options = f"-c listen_addresses='' -k {sock} -c fsync=off"
        subprocess.run([*_as(user), str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-t", "120",
                        "-l", str(root / "log"), "start"], **run)  # fmt: skip
        subprocess.run([str(bin_dir / "createdb"), "-h", str(sock), "-U", "postgres", "xxgk"], **run)
        yield f"postgresql+psycopg://postgres@/xxgk?host={sock}"
    finally:
        subprocess.run([*_as(user), str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(url: str, name: str) -> str:
    """A new empty database on the server of `url`, named `name`; its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    with psycopg.connect(dbname="postgres", user="postgres", host=parsed.query["host"], autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)
