"""Per-document facts of one index generation, as numpy arrays indexed by document number.

A generation is one table of contents: its segments, each with its search part
(index/part.py) at a document-number offset, and its deletions. Filters, facets,
ranking and grouping by report read whole arrays of facts; they are assembled
from the segments' parts once per generation (the first time a query needs
them) and shared by every thread, whose own Whoosh searcher reads stored
documents. Parts are immutable, so a part opened for one generation serves the
next ones too while its segment lives.
"""

from __future__ import annotations

import os
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import numpy as np

from index.part import SegmentPart, part_path, with_texts
from index.reader.report import SECTIONS, TEMPLATES

# the tie-break key holds a report's rank and its section's: report documents sort after its sections
_NO_SECTION = len(SECTIONS)
_PARTS_KEPT = 256
_parts: OrderedDict[Path, SegmentPart] = OrderedDict()
_parts_lock = threading.Lock()


def open_part(path: Path) -> SegmentPart:
    """A segment's part, opened once per process while it is in use (parts never change)."""
    with _parts_lock:
        part = _parts.get(path)
        if part is not None:
            _parts.move_to_end(path)
            return part
    part = SegmentPart(path)
    with _parts_lock:
        _parts[path] = part
        while len(_parts) > _PARTS_KEPT:
            _parts.popitem(last=False)
    return part


def generation_key(reader) -> tuple:
    """What identifies a reader's generation: its TOC generation and its segments (an index
    recreated from scratch starts counting generations again, with new segment ids)."""
    segments = tuple(leaf.segment().segment_id() for leaf, _ in reader.leaf_readers() if leaf.segment())
    return (reader.generation(), segments)


class Segment:
    """One segment of a generation: its part, its first document number and its deleted documents."""

    __slots__ = ("base", "count", "deleted", "part")

    def __init__(self, part: SegmentPart, base: int, deleted: np.ndarray) -> None:
        self.part, self.base, self.count, self.deleted = part, base, part.count, deleted


class Generation:
    """The facts of one index generation, computed once whichever thread asks first."""

    def __init__(self, key: tuple, reader=None, folder: Path | None = None) -> None:
        self.key = key
        self.folder = folder  # the index folder (its aliases file: search/identity.py)
        self._values: dict[Hashable, Any] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()
        self.segments: list[Segment] = []
        if reader is not None and folder is not None:
            for leaf, base in reader.leaf_readers():
                segment = leaf.segment()
                if segment is None:
                    continue
                deleted = np.fromiter(sorted(leaf.deleted_docs_set), np.int64) if leaf.has_deletions() else None
                part = open_part(part_path(folder, segment))
                if part.count != leaf.doc_count_all():
                    from index.part import PartError

                    raise PartError(f"{part.path.name}: {part.count} documents, the segment has {leaf.doc_count_all()}")
                self.segments.append(Segment(part, base, deleted if deleted is not None else np.empty(0, np.int64)))
        self.count = sum(s.count for s in self.segments)
        self._bases = [s.base for s in self.segments]
        # every file of the generation that is read through a memory map, with its size when opened
        self._files: list[tuple[Path, int]] = []
        if reader is not None and folder is not None:
            ids = {leaf.segment().segment_id() for leaf, _ in reader.leaf_readers() if leaf.segment() is not None}
            for path in Path(folder).iterdir():
                if path.name.split(".", 1)[0] in ids and not path.name.endswith(".sums"):
                    self._files.append((path, path.stat().st_size))
        # the sections recent phrases matched (a page turn or a refined query asks again); a phrase found
        # almost everywhere is not kept
        self.phrases = SizedLRU(max_items=4_000_000, max_entry=1_000_000)
        # recent words' postings over the generation (global documents, frequencies)
        self.words = SizedLRU(max_items=8_000_000, max_entry=4_000_000)

    def verify(self) -> None:
        """Raise IndexDamaged when a file of this generation changed size since it was opened (truncated or
        overwritten in place): reading it through its map would kill the process with a bus error."""
        for path, size in self._files:
            try:
                now = os.stat(path).st_size
            except OSError:
                continue  # removed by a later commit: the map keeps the file's pages alive
            if now != size:
                from index.store import IndexDamaged

                raise IndexDamaged(f"{path.name} changed from {size} to {now} bytes while being served")

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

    # per-document arrays, concatenated over the segments

    def _concat(self, name: str, dtype) -> np.ndarray:
        if not self.segments:
            return np.zeros(0, dtype)
        return np.concatenate([s.part[name].astype(dtype, copy=False) for s in self.segments])

    @property
    def live(self) -> np.ndarray:
        """Whether each document is live (not deleted)."""

        def compute() -> np.ndarray:
            live = np.ones(self.count, bool)
            for s in self.segments:
                live[s.base + s.deleted] = False
            return live

        return self.get("live", compute)

    @property
    def kind(self) -> np.ndarray:
        """1 for a section document, 0 for a report document."""
        return self.get("kind", lambda: self._concat("kind", np.uint8))

    @property
    def section(self) -> np.ndarray:
        """Each document's section, as an index into SECTIONS (-1 for a report document)."""
        return self.get("section", lambda: self._concat("section", np.int8))

    @property
    def year(self) -> np.ndarray:
        """Each document's report year (0 where unknown)."""
        return self.get("year", lambda: self._concat("year", np.int32))

    @property
    def template(self) -> np.ndarray:
        """Each document's template, as an index into TEMPLATES (-1 where unknown)."""
        return self.get("template", lambda: self._concat("template", np.int8))

    @property
    def word_len(self) -> np.ndarray:
        """Each document's number of words (BM25's length)."""
        return self.get("word_len", lambda: self._concat("word_len", np.int64))

    @property
    def char_len(self) -> np.ndarray:
        """Each document's number of characters (the length of its grams)."""

        def compute() -> np.ndarray:
            lengths = [np.diff(s.part.char_start.astype(np.int64)) - 1 for s in self.segments]  # minus the SEP
            return np.concatenate(lengths) if lengths else np.zeros(0, np.int64)

        return self.get("char_len", compute)

    @property
    def agencies(self) -> tuple[list[str], np.ndarray]:
        """The agency names of the generation, and each document's index into them (-1: none)."""

        def compute():
            names: dict[str, int] = {}
            codes = []
            for s in self.segments:
                remap = np.array([names.setdefault(a, len(names)) for a in s.part.meta["agencies"]] + [-1], np.int32)
                codes.append(remap[s.part["agency"]])  # -1 indexes the appended -1
            return list(names), (np.concatenate(codes) if codes else np.zeros(0, np.int32))

        return self.get("agencies", compute)

    @property
    def reports(self) -> tuple[list[str], np.ndarray]:
        """The report ids of the generation in ascending order, and each document's index into them."""

        def compute():
            ids = sorted({r for s in self.segments for r in s.part.meta["reports"]})
            rank = {r: i for i, r in enumerate(ids)}
            codes = [np.array([rank[r] for r in s.part.meta["reports"]], np.int64)[s.part["report"]]
                     for s in self.segments]  # fmt: skip
            return ids, (np.concatenate(codes) if codes else np.zeros(0, np.int64))

        return self.get("reports", compute)

    @property
    def report_doc(self) -> np.ndarray:
        """For each report (index into `reports`), the document number of its live report document (-1 if none)."""

        def compute():
            ids, codes = self.reports
            out = np.full(len(ids), -1, np.int64)
            docs = np.flatnonzero((self.kind == 0) & self.live)
            out[codes[docs]] = docs
            return out

        return self.get("report_doc", compute)

    @property
    def report_of(self) -> np.ndarray:
        """For each document, the document number of its report's live report document (-1 if none)."""
        return self.get("report_of", lambda: self.report_doc[self.reports[1]])

    @property
    def order_key(self) -> np.ndarray:
        """A key ordering documents by report id, then section in the format's order: relevance's last
        tie-break, the same on every backend."""

        def compute():
            section = self.section.astype(np.int64)
            return self.reports[1] * (_NO_SECTION + 1) + np.where(section < 0, _NO_SECTION, section)

        return self.get("order_key", compute)

    @property
    def sections_live(self) -> np.ndarray:
        """Every live section document, ascending."""
        return self.get("sections_live", lambda: np.flatnonzero((self.kind == 1) & self.live))

    def figure(self, key: str) -> np.ndarray:
        """A figure's value per document number, at report documents (NaN where a report does not have it)."""

        def compute():
            out = np.full(self.count, np.nan)
            for s in self.segments:
                docs, values = s.part.figure(key)
                out[s.base + docs.astype(np.int64)] = values
            return out

        return self.get(("figure", key), compute)

    def locate(self, docnum: int) -> tuple[Segment, int]:
        """The segment holding a document, and the document's number within it."""
        i = bisect_right(self._bases, docnum) - 1
        if i < 0 or docnum >= self.count:
            raise IndexError(f"no document {docnum} in this generation")
        return self.segments[i], docnum - self.segments[i].base

    def text(self, docnum: int) -> str:
        """A document's text as stored: a section's text, a report's whole body."""
        segment, local = self.locate(docnum)
        return segment.part.raw(local)

    def section_names(self, docs: np.ndarray) -> list[str]:
        return [SECTIONS[i] for i in self.section[docs]]

    def template_name(self, code: int) -> str | None:
        return TEMPLATES[code] if code >= 0 else None


class SizedLRU:
    """A thread-safe cache of sized values (arrays, sets, dicts), least recently used out first, holding at
    most `max_items` elements in all and no single value over `max_entry` (one huge value would evict the
    rest)."""

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
        if _size(value) > self.max_entry:
            return
        with self._lock:
            if key in self._values:
                return
            self._values[key] = value
            self._size += _size(value)
            while self._size > self.max_items:
                _, old = self._values.popitem(last=False)
                self._size -= _size(old)

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


def _size(value: Any) -> int:
    if isinstance(value, tuple):
        return sum(map(_size, value))
    return len(value)


class DocTable:
    """One thread's view of a generation: its own searcher (stored documents), the shared facts."""

    def __init__(self, searcher, generation: Generation) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.generation = generation
        self.count = generation.count

    def __getattr__(self, name: str) -> Any:  # the generation's facts, as if the table's own
        return getattr(self.generation, name)

    def stored(self, docnum: int) -> dict:
        """A document's stored fields with its text as stored (a section's `text`, a record's `body`)."""
        segment, local = self.generation.locate(docnum)
        return with_texts(self.searcher.stored_fields(docnum), segment.part, local)
