"""A time budget per request: work a query causes is bounded, and says so when it runs out.

The web app gives each request a budget (QUERY_BUDGET seconds); the matching
loops call `check()` between steps, so a query that would keep a core busy for
seconds is stopped with a message instead of slowing every other user. The
command line sets no budget.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .errors import QueryError

_deadline: ContextVar[float | None] = ContextVar("xxgk_deadline", default=None)


class QueryTooCostly(QueryError):
    """A query that needs more work than a request may spend."""


@contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Within the block, `check()` raises QueryTooCostly once `seconds` have passed (None: no limit)."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def start(seconds: float | None):
    """Begin a budget without a block (a web request's before/teardown hooks); returns the token to end it."""
    return _deadline.set(None if seconds is None else time.monotonic() + seconds)


def end(token) -> None:
    _deadline.reset(token)


def check() -> None:
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTooCostly("查询过于复杂，超出了单次请求的计算时间上限；请缩短短语、减少条件或缩小范围后再试")
