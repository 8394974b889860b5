"""Each segment's search part: what a search reads, as raw arrays in one file beside the segment.

Whoosh keeps the stored documents, the few ID fields builds look documents up by,
deletions and the table of contents; everything a query needs is in this part,
written once when the segment is finished (`<segment>.xsp`, index/arrays.py):

- per document: kind, section, year, template, agency and report (indexes into
  the part's string tables), its number of words (BM25's length), its text as
  stored (a section's text, a report's whole body: what snippets and records
  read, uncompressed) and normalised (UTF-8, with byte offsets), and where it
  starts in the character sequence;
- grams: every bigram of the normalised texts with its document list and its
  positions (index/grams.py), so a phrase is matched exactly by position algebra;
- words: jieba's words with their documents and frequencies (index/words.py);
- figures: each figure key's report documents and values, and each report's figures in the order
  its record lists them (the stored record leaves them out: see `with_texts`).

The character sequence is the segment's texts one after another, each followed by
a separator that no character equals, so no bigram spans two documents.
"""

from __future__ import annotations

import mmap
import operator
from array import array
from functools import cached_property
from itertools import repeat
from pathlib import Path

import numpy as np

from .analysis import normalize, word_pieces, words_of_piece
from .arrays import read_arrays, write_arrays
from .grams import build_grams
from .reader.report import SECTIONS, TEMPLATES
from .words import build_words

EXT = ".xsp"
PART_FORMAT = 3  # 2: stored texts; 3: each report's figures, in its record's order
RUNS_KEPT = 500_000  # distinct runs whose word ids a builder remembers


class PartBuilder:
    """Collects a segment's documents, in document order, and writes its part."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.raws: list[bytes] = []
        self.kinds = array("B")
        self.sections = array("b")
        self.years = array("H")
        self.templates = array("b")
        self.agencies = array("i")
        self.reports = array("i")
        self.word_ids = array("I")
        self.word_counts = array("I")
        self.vocabulary: dict[str, int] = {}
        self._agency_ids: dict[str, int] = {}
        self._report_ids: dict[str, int] = {}
        # every figure of every report, in document order: its key's id, document and value
        self._figure_ids: dict[str, int] = {}
        self.figure_keys = array("I")
        self.figure_docs = array("I")
        self.figure_values = array("d")
        self.figure_ints = array("B")  # 1 where the figure is an int (so that it is read back as one)
        self._words_of_run: dict[str, array] = {}

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, fields: dict) -> None:
        """Add one document, given its fields as added to the writer or as stored."""
        kind = fields.get("kind")
        docnum = len(self.texts)
        raw = fields.get("text") if kind == "section" else (fields.get("record") or {}).get("body")
        self.raws.append((raw or "").encode("utf-8", "surrogatepass"))
        text = normalize(raw) if kind == "section" and raw else ""
        self.texts.append(text)
        self.kinds.append(1 if kind == "section" else 0)
        section = fields.get("section")
        self.sections.append(SECTIONS.index(section) if section in SECTIONS else -1)
        self.years.append(fields.get("year") or 0)
        template = fields.get("template")
        self.templates.append(TEMPLATES.index(template) if template in TEMPLATES else -1)
        agency = fields.get("agency") or ""
        self.agencies.append(self._agency_ids.setdefault(agency, len(self._agency_ids)) if agency else -1)
        report = fields.get("report_id") or ""
        self.reports.append(self._report_ids.setdefault(report, len(self._report_ids)))
        before = len(self.word_ids)
        if text:
            self._add_words(text)
        self.word_counts.append(len(self.word_ids) - before)
        figures = (fields.get("record") or {}).get("figures") if kind == "report" else None
        if figures:  # ~200 a report: added at C speed, grouped by key when the part is written
            ids = self._figure_ids
            for key in figures.keys() - ids.keys():
                ids[key] = len(ids)
            self.figure_keys.extend(map(ids.__getitem__, figures))
            self.figure_values.extend(map(float, figures.values()))
            self.figure_ints.extend(map(operator.is_, map(type, figures.values()), repeat(int)))
            self.figure_docs.extend(repeat(docnum, len(figures)))

    def _add_words(self, text: str) -> None:
        # each distinct run's word ids are looked up once: reports repeat the format's wording
        vocabulary, known, extend = self.vocabulary, self._words_of_run, self.word_ids.extend
        if len(known) > RUNS_KEPT:
            known.clear()
        for piece in word_pieces(text):
            ids = known.get(piece)
            if ids is None:  # the builder's own cache is the one that hits: jieba's words of it, uncached
                words = words_of_piece(piece)
                ids = known[piece] = array("I", [vocabulary.setdefault(w, len(vocabulary)) for w in words])
            extend(ids)

    def write(self, path: Path | str) -> None:
        """Write the part of the documents added so far."""
        n = len(self.texts)
        encoded = [t.encode("utf-8", "surrogatepass") for t in self.texts]
        chars = np.fromiter(map(len, self.texts), np.int64, n)
        char_start = np.zeros(n + 1, np.int64)
        np.cumsum(chars + 1, out=char_start[1:])  # each text and its separator
        pos_type = np.uint32 if char_start[-1] < 2**32 else np.uint64
        arrays: dict[str, np.ndarray] = {
            "kind": np.frombuffer(self.kinds, np.uint8),
            "section": np.frombuffer(self.sections, np.int8),
            "year": np.frombuffer(self.years, np.uint16),
            "template": np.frombuffer(self.templates, np.int8),
            "agency": np.frombuffer(self.agencies, np.int32),
            "report": np.frombuffer(self.reports, np.int32),
            "word_len": np.frombuffer(self.word_counts, np.uint32),
            "text": np.frombuffer(b"".join(encoded), np.uint8),
            "text_off": _offsets(encoded),
            "raw": np.frombuffer(b"".join(self.raws), np.uint8),
            "raw_off": _offsets(self.raws),
            "char_start": char_start.astype(pos_type),
        }
        arrays.update(build_grams(self.texts, char_start, pos_type))
        arrays.update(build_words(self.vocabulary, np.frombuffer(self.word_ids, np.uint32), arrays["word_len"]))
        keys = sorted(self._figure_ids)
        arrays.update(self._figure_arrays(keys))
        meta = {
            "format": PART_FORMAT,
            "docs": n,
            "sections": list(SECTIONS),
            "templates": list(TEMPLATES),
            "agencies": list(self._agency_ids),
            "reports": list(self._report_ids),
            "figures": keys,
        }
        write_arrays(path, {k: v.astype(v.dtype.newbyteorder("<"), copy=False) for k, v in arrays.items()}, meta)

    def _figure_arrays(self, keys: list[str]) -> dict[str, np.ndarray]:
        """Each figure key's documents (ascending) and values, keys in sorted order."""
        rank = np.empty(len(keys), np.int64)
        rank[[self._figure_ids[k] for k in keys]] = np.arange(len(keys))
        ranks = rank[np.frombuffer(self.figure_keys, np.uint32)]
        order = np.argsort(ranks, kind="stable")  # stable: documents stay in order within a key
        figure_ptr = np.zeros(len(keys) + 1, np.uint64)
        np.cumsum(np.bincount(ranks, minlength=len(keys)), out=figure_ptr[1:])
        docs = np.frombuffer(self.figure_docs, np.uint32)
        at = np.empty(len(order), np.uint32)  # where each report's figures went, in the record's order
        at[order] = np.arange(len(order), dtype=np.uint32)
        doc_ptr = np.zeros(len(self.texts) + 1, np.uint64)
        np.cumsum(np.bincount(docs, minlength=len(self.texts)), out=doc_ptr[1:])
        return {
            "figure_ptr": figure_ptr,
            "figure_doc": docs[order],
            "figure_value": np.frombuffer(self.figure_values, np.float64)[order],
            "figure_int": np.frombuffer(self.figure_ints, np.uint8)[order],
            "doc_figure_ptr": doc_ptr,
            "doc_figure_at": at,
        }


def _offsets(chunks: list[bytes]) -> np.ndarray:
    out = np.zeros(len(chunks) + 1, np.uint64)
    np.cumsum(np.fromiter(map(len, chunks), np.uint64, len(chunks)), out=out[1:])
    return out


class PartError(ValueError):
    """A segment's part is missing, damaged or of another format."""


class SegmentPart:
    """One segment's part, read in place: arrays by name, string tables, term look-ups."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.meta, self.arrays, self._starts = read_arrays(self.path)
        except OSError as exc:
            raise PartError(f"{self.path.name}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise PartError(str(exc)) from None
        if self.meta.get("format") != PART_FORMAT:
            raise PartError(f"{self.path.name}: part format {self.meta.get('format')!r}, expected {PART_FORMAT}")
        self.count = self.meta["docs"]
        a = self.arrays
        if len(a["kind"]) != self.count or len(a["char_start"]) != self.count + 1:
            raise PartError(f"{self.path.name}: per-document arrays do not hold {self.count} documents")
        self.gram_key = a["gram_key"]
        self.gram_pos, self.gram_pos_ptr = a["gram_pos"], a["gram_pos_ptr"]
        self.gram_doc, self.gram_doc_ptr = a["gram_doc"], a["gram_doc_ptr"]
        self.char_start = a["char_start"]
        self.word_doc, self.word_tf, self.word_ptr = a["word_doc"], a["word_tf"], a["word_ptr"]
        self._word_text, self._word_off = a["word_text"], a["word_text_off"]
        self.words = len(self._word_off) - 1

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    # grams

    def gram(self, key: int) -> int:
        """The index of a bigram key in this part, or -1."""
        i = int(np.searchsorted(self.gram_key, key))
        return i if i < len(self.gram_key) and int(self.gram_key[i]) == key else -1

    def gram_range(self, low: int, high: int) -> tuple[int, int]:
        """The indexes of the bigram keys in [low, high)."""
        return int(np.searchsorted(self.gram_key, low)), int(np.searchsorted(self.gram_key, high))

    def gram_docs(self, i: int) -> np.ndarray:
        return self.gram_doc[self.gram_doc_ptr[i] : self.gram_doc_ptr[i + 1]]

    def gram_positions(self, i: int) -> np.ndarray:
        return self.gram_pos[self.gram_pos_ptr[i] : self.gram_pos_ptr[i + 1]]

    def gram_position_count(self, i: int) -> int:
        return int(self.gram_pos_ptr[i + 1] - self.gram_pos_ptr[i])

    def docs_at(self, positions: np.ndarray) -> np.ndarray:
        """The local documents holding sorted positions of the character sequence, once each, in order."""
        if len(positions) > self.count:  # more positions than documents: count each document's positions
            held = np.searchsorted(positions, self.char_start)
            return np.flatnonzero(held[1:] > held[:-1])
        docs = np.searchsorted(self.char_start, positions, side="right") - 1
        if docs.size > 1:
            docs = docs[np.concatenate(([True], docs[1:] != docs[:-1]))]
        return docs

    # words

    def word(self, word: str) -> int:
        """The index of a word in this part's sorted vocabulary, or -1."""
        target = word.encode("utf-8")
        text, off = self._word_text, self._word_off
        lo, hi = 0, self.words
        while lo < hi:
            mid = (lo + hi) // 2
            if bytes(text[off[mid] : off[mid + 1]]) < target:
                lo = mid + 1
            else:
                hi = mid
        if lo < self.words and bytes(text[off[lo] : off[lo + 1]]) == target:
            return lo
        return -1

    def word_postings(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """A word's local documents and frequencies."""
        start, end = self.word_ptr[i], self.word_ptr[i + 1]
        return self.word_doc[start:end], self.word_tf[start:end]

    # texts

    def text_bytes(self, local: int) -> bytes:
        """A document's normalised text, UTF-8."""
        off = self.arrays["text_off"]
        return bytes(self.arrays["text"][off[local] : off[local + 1]])

    def raw(self, local: int) -> str:
        """A document's text as stored: a section's text, a report's body."""
        off = self.arrays["raw_off"]
        try:
            return bytes(self.arrays["raw"][off[local] : off[local + 1]]).decode("utf-8", "surrogatepass")
        except UnicodeDecodeError as exc:  # a flipped byte: damage, never a request's crash
            raise PartError(f"{self.path.name}: document {local}'s text is damaged ({exc.reason})") from None

    @cached_property
    def _map(self) -> mmap.mmap:
        with open(self.path, "rb") as f:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)

    def containing(self, docs: np.ndarray, needle: bytes) -> np.ndarray:
        """Given local documents and a normalised phrase's UTF-8 bytes, return those whose text holds it
        (each text searched in place at C speed)."""
        find, start, off = self._map.find, self._starts["text"], self.arrays["text_off"]
        lows = (off[docs] + start).tolist()
        highs = (off[docs + 1] + start).tolist()
        keep = [find(needle, lo, hi) >= 0 for lo, hi in zip(lows, highs, strict=True)]
        return docs[np.array(keep, bool)] if keep else docs

    # figures

    def figures_of(self, local: int) -> dict[str, int | float]:
        """A report document's figures, as its record held them (the same keys, order and types)."""
        ptr = self.arrays["doc_figure_ptr"]
        at = self.arrays["doc_figure_at"][ptr[local] : ptr[local + 1]]
        keys = self.meta["figures"]
        names = np.searchsorted(self.arrays["figure_ptr"], at, side="right") - 1
        values = self.arrays["figure_value"][at].tolist()
        ints = self.arrays["figure_int"][at].tolist()
        return {keys[k]: int(v) if i else v for k, v, i in zip(names.tolist(), values, ints, strict=True)}

    def figure(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """A figure's local report documents and values (empty when no report here has it)."""
        keys = self.meta["figures"]
        i = _bisect(keys, key)
        if i < len(keys) and keys[i] == key:
            ptr = self.arrays["figure_ptr"]
            return self.arrays["figure_doc"][ptr[i] : ptr[i + 1]], self.arrays["figure_value"][ptr[i] : ptr[i + 1]]
        return np.empty(0, np.uint32), np.empty(0, np.float64)


def _bisect(keys: list[str], key: str) -> int:
    lo, hi = 0, len(keys)
    while lo < hi:
        mid = (lo + hi) // 2
        if keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


def with_texts(stored: dict, part: SegmentPart, local: int) -> dict:
    """A stored document with what its part keeps for it put back: a section's text, a record's body and
    figures (where the record holds None for them)."""
    if stored.get("kind") == "section":
        return stored | {"text": part.raw(local)}
    record = (stored.get("record") or {}) | {"body": part.raw(local)}
    if "figures" in record and record["figures"] is None:
        record["figures"] = part.figures_of(local)
    return stored | {"record": record}


def kept_in_part(record: dict) -> dict:
    """A record as Whoosh stores it: without its body, and without its figures when the part gives
    them back exactly (ints and floats: None keeps their place in the record)."""
    out = {k: v for k, v in record.items() if k != "body"}
    figures = out.get("figures")
    if isinstance(figures, dict) and set(map(type, figures.values())) <= {int, float}:
        out["figures"] = None
    return out


def part_path(folder: Path | str, segment) -> Path:
    """Where a segment's part is, in the index folder."""
    return Path(folder) / segment.make_filename(EXT)
