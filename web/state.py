"""The app's open index and what is derived from it, cached until a build commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app

from search.engine import SearchIndex

T = TypeVar("T")


def get_index() -> SearchIndex:
    """The app's SearchIndex (opened on first use: IndexMissing until one is built)."""
    ext = current_app.extensions.setdefault("xxgk", {})
    if "index" not in ext:
        ext["index"] = SearchIndex.open(current_app.config["INDEX_DIR"])
    return ext["index"]


def cached(name: str, compute: Callable[[], T]) -> T:
    """Given a name and how to compute it, return the value for the index's current generation."""
    index = get_index()
    generation = index.searcher().reader().generation()
    store = current_app.extensions["xxgk"].setdefault("cache", {})
    hit = store.get(name)
    if hit is None or hit[0] != generation:
        hit = (generation, compute())
        store[name] = hit
    return hit[1]
