"""The app's open index and what is derived from it, cached until a build commits."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g
from sqlalchemy import Engine

from review.db import default_url, open_database
from review.desk import Desk
from search.backend import open_backend
from search.engine import SearchIndex

T = TypeVar("T")
log = logging.getLogger(__name__)


def get_index() -> SearchIndex:
    """The app's backend (search/backend.py): the embedded SearchIndex (opened on first use: IndexMissing
    until one is built) or, configured so, an OpenSearch cluster."""
    ext = current_app.extensions.setdefault("xxgk", {})
    if "index" not in ext:
        config = current_app.config
        ext["index"] = open_backend(config["BACKEND"], config["INDEX_DIR"], config["OPENSEARCH_URL"], config["PREFIX"])
    return ext["index"]


def get_engine() -> Engine:
    """The review desk's database (opened and migrated on first use)."""
    ext = current_app.extensions.setdefault("xxgk", {})
    if "engine" not in ext:
        config = current_app.config
        ext["engine"] = open_database(config.get("DATABASE_URL") or default_url(config["INDEX_DIR"]))
    return ext["engine"]


def get_desk() -> Desk:
    """The index and the review database read together, for one request (it keeps the reports it read)."""
    if "desk" not in g:
        g.desk = Desk(get_index(), get_engine(), current_app.config["OTHER_SHARE"])
    return g.desk


def _remember(name, compute: Callable[[], T]) -> T:
    index = get_index()
    if getattr(index, "remote", False):
        return index.remember(name, compute)
    return index.table().generation.get(name, compute)


def cached(name: str, compute: Callable[[], T]) -> T:
    """Given a name and how to compute it, return the value for the index's current generation
    (computed by the first request that asks; others asking meanwhile wait for it)."""
    return _remember(("web", name), compute)


class Pending(Exception):
    """A value is still being computed in the background (or its computation failed)."""

    def __init__(self, failed: bool = False) -> None:
        super().__init__("failed" if failed else "computing")
        self.status = "failed" if failed else "computing"


def cached_in_background(name: str, compute: Callable[[], T], wait: float) -> T:
    """Like `cached`, but computed in a thread of its own, so that a slow computation
    (copied text over a large index takes minutes) never holds a request: wait up to
    `wait` seconds for it, then raise Pending; a later request gets the value.
    """
    job = _remember(("web background", name), lambda: _start(name, compute))
    if not job["done"].wait(wait):
        raise Pending()
    if job["failed"]:
        raise Pending(failed=True)
    return job["value"]


def _start(name: str, compute: Callable) -> dict:
    """Start computing in a thread of its own; return the job it fills in."""
    job = {"done": threading.Event(), "value": None, "failed": False}
    app = current_app._get_current_object()
    threading.Thread(target=_run, args=(app, job, compute), name=f"xxgk-{name}", daemon=True).start()
    return job


def _run(app, job: dict, compute: Callable) -> None:
    with app.app_context():
        try:
            job["value"] = compute()
        except Exception:  # the page says it failed; the traceback goes to the log only
            log.exception("background computation %s failed", threading.current_thread().name)
            job["failed"] = True
        finally:
            job["done"].set()
