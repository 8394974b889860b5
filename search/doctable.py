"""Per-document facts of one index generation, as plain lists indexed by document number.

Filters, facets, tie-breaks and the per-report grouping look these up for every
matching section; reading Whoosh's column readers one document at a time costs
about a microsecond each, so each column is read whole, once per generation
(the first time a query needs it), and kept while the generation is current.

Each thread searches with a searcher of its own (Whoosh's readers keep file
positions), but document numbers are the same in every searcher of a
generation, so the lists are computed once and shared by all threads' tables:
at 100,000 reports they take seconds to read and hundreds of MB to hold.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any

from index.textcolumn import TextColumn

from .columns import column_values, field_lengths
from .postings import read_postings


def generation_key(reader) -> tuple:
    """What identifies a reader's generation: its TOC generation and its segments (an index
    recreated from scratch starts counting generations again, with new segment ids)."""
    segments = tuple(leaf.segment().segment_id() for leaf, _ in reader.leaf_readers() if leaf.segment())
    return (reader.generation(), segments)


class Generation:
    """The facts of one index generation, computed once whichever thread asks first."""

    def __init__(self, key: tuple) -> None:
        self.key = key
        self._values: dict[Hashable, Any] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()
        # the sections recent phrases matched (a page turn or a refined query asks again); a phrase found
        # almost everywhere is not kept
        self.phrases = SizedLRU(max_items=2_000_000, max_entry=500_000)
        # recent words' BM25 terms per document ({doc: score}); the common words are the ones asked again
        self.words = SizedLRU(max_items=3_000_000, max_entry=3_000_000)

    def get(self, name: Hashable, compute: Callable[[], Any]) -> Any:
        """The value called `name`, computing it if no thread has; other threads asking meanwhile wait."""
        try:
            return self._values[name]
        except KeyError:
            pass
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:  # values depend on others only in one direction, so these locks never cycle
            if name not in self._values:
                self._values[name] = compute()
        return self._values[name]


class SizedLRU:
    """A thread-safe cache of sized values (sets, dicts), least recently used out first, holding at most
    `max_items` elements in all and no single value over `max_entry` (one huge value would evict the rest)."""

    def __init__(self, max_items: int, max_entry: int) -> None:
        self.max_items, self.max_entry = max_items, max_entry
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
            return found

    def put(self, key: Hashable, value: Any) -> None:
        if len(value) > self.max_entry:
            return
        with self._lock:
            if key in self._values:
                return
            self._values[key] = value
            self._size += len(value)
            while self._size > self.max_items:
                _, old = self._values.popitem(last=False)
                self._size -= len(old)

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        found = self.get(key)
        if found is None:
            found = compute()  # outside the lock: two threads may both compute a value, never wrongly
            self.put(key, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._size = 0


class shared_property:  # named like functools.cached_property, used the same way
    """A DocTable attribute computed with the asking thread's reader and kept in its generation."""

    def __init__(self, func: Callable[[DocTable], Any]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, table: DocTable | None, owner: type | None = None) -> Any:
        if table is None:
            return self
        return table.generation.get(self.name, lambda: self.func(table))


class DocTable:
    """One thread's view of a generation's facts: its own searcher and reader, shared lists."""

    def __init__(self, searcher, generation: Generation) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.count = self.reader.doc_count_all()
        self.generation = generation

    @cached_property
    def text_column(self) -> TextColumn | None:
        """This reader's segments' normalised texts, read in place (None for an index written without them)."""
        return TextColumn.open(self.reader)

    def _column(self, name: str) -> list:
        if not self.reader.has_column(name):
            return [None] * self.count
        return column_values(self.reader, name)

    @shared_property
    def section(self) -> list[str]:
        return self._column("section")

    @shared_property
    def year(self) -> list[int]:
        return self._column("year")

    @shared_property
    def agency(self) -> list[str]:
        return self._column("agency")

    @shared_property
    def template(self) -> list[str]:
        return self._column("template")

    @shared_property
    def report_ids(self) -> list[str]:
        return self._column("report_id")

    @shared_property
    def report_docs(self) -> dict[str, int]:
        """{report id: document number of its report document}, live reports only."""
        ids = self.report_ids
        return {ids[d]: d for d in read_postings(self.reader, "kind", "report").ids}

    @shared_property
    def report_of(self) -> list[int]:
        """For each document, the document number of its report's record document (-1 if none)."""
        docs = self.report_docs
        return [docs.get(rid, -1) for rid in self.report_ids]

    @shared_property
    def text_length(self) -> list[int]:
        """Each document's length in words (BM25's document length)."""
        return field_lengths(self.reader, "text")

    @shared_property
    def average_text_length(self) -> float:
        return self.searcher.avg_field_length("text") or 1.0

    def figure(self, field: str) -> list[float | None]:
        """A figure's value per report document number (None where the report does not have it).

        Figures have no column (one per figure would be written for every document):
        each distinct value is a term, so its postings say which reports have it.
        """
        return self.generation.get(("figure", field), lambda: self._figure(field))

    def _figure(self, field: str) -> list[float | None]:
        values: list[float | None] = [None] * self.count
        if field in self.reader.schema:
            fieldobj = self.reader.schema[field]
            for tbytes in self.reader.lexicon(field):
                value = fieldobj.from_bytes(tbytes)
                for d in read_postings(self.reader, field, tbytes).ids:
                    values[d] = value
        return values
