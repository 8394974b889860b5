"""Each segment's section texts, normalised, as one part of the segment: matched at C speed.

A phrase is verified in a candidate section by searching that section's normalised
text in place, in the memory map of its segment (mmap.find between the section's
offsets): no per-candidate Python work on position lists, and exactly the
substring semantics of the scan that tests hold the index to. The part is written
beside the segment's other files before they are assembled into the compound
segment file, so it is committed, checksummed and cleaned up with the segment.

Layout: uint32 document count n, n + 1 uint64 offsets into the text area, then
the texts (UTF-8). Report documents have empty texts.
"""

from __future__ import annotations

import struct
from array import array
from bisect import bisect_right

from .analysis import normalize

EXT = ".ntx"


def section_text(fields: dict) -> bytes:
    """Given a document's fields (as added or as stored), return the normalised text it contributes."""
    if fields.get("kind") != "section" or not fields.get("text"):
        return b""
    return normalize(fields["text"]).encode("utf-8")


def write_text_column(storage, segment, texts: list[bytes], doccount: int) -> None:
    """Write a segment's text column (`texts` holds one entry per document, in doc order)."""
    if len(texts) != doccount:
        raise ValueError(f"text column has {len(texts)} texts for {doccount} documents")
    offsets = array("Q", [0])
    for text in texts:
        offsets.append(offsets[-1] + len(text))
    if offsets.itemsize != 8:  # pragma: no cover - every supported platform has 64-bit unsigned long long
        raise RuntimeError("text column needs 64-bit offsets")
    stream = storage.create_file(segment.make_filename(EXT))
    stream.write(struct.pack("<I", doccount))
    stream.write(offsets.tobytes())
    for text in texts:
        stream.write(text)
    stream.close()


class TextColumn:
    """The text columns of a reader's segments, read in place; None from `open` when any segment lacks one."""

    def __init__(self, parts: list[tuple[object, int, array]], bases: list[int], deleted: list[set[int]]) -> None:
        self._parts = parts  # (the segment's mmap, where its texts start, its offsets)
        self._bases = bases  # the first document number of each segment in the reader
        self._deleted = deleted  # each segment's deleted documents (local numbers)

    @classmethod
    def open(cls, reader) -> TextColumn | None:
        readers = getattr(reader, "readers", None)
        subreaders, bases = (readers, list(reader.doc_offsets)) if readers else ([reader], [0])
        parts, deleted = [], []
        for sub in subreaders:
            storage = getattr(sub, "_storage", None)
            storage = getattr(storage, "a", storage)  # Whoosh overlays the compound file on the folder
            segment = getattr(sub, "_segment", None)
            source = getattr(storage, "_source", None)
            if segment is None or source is None:
                return None
            name = segment.make_filename(EXT)
            if not storage.file_exists(name):
                return None  # written before text columns: the caller verifies by positions
            start, _ = storage.range(name)
            (count,) = struct.unpack_from("<I", source, start)
            offsets = array("Q")
            offsets.frombytes(source[start + 4 : start + 4 + 8 * (count + 1)])
            parts.append((source, start + 4 + 8 * (count + 1), offsets))
            deleted.append(set(sub.deleted_docs_set) if sub.has_deletions() else set())
        return cls(parts, bases, deleted)

    def containing(self, docs, phrase: str, check=None) -> set[int]:
        """Given document numbers and a normalised phrase, return those whose text contains it."""
        needle = phrase.encode("utf-8")
        bases, parts = self._bases, self._parts
        found = set()
        add = found.add
        ordered = sorted(docs)
        for i, base in enumerate(bases):  # one segment at a time: its map and offsets bound once
            end = bases[i + 1] if i + 1 < len(bases) else None
            lo = bisect_right(ordered, base - 1)
            hi = len(ordered) if end is None else bisect_right(ordered, end - 1)
            if lo >= hi:
                continue
            find, text_start, offsets = parts[i][0].find, parts[i][1], parts[i][2]
            for n in range(lo, hi):
                if check is not None and n % 4096 == 0:
                    check()
                local = ordered[n] - base
                if find(needle, text_start + offsets[local], text_start + offsets[local + 1]) >= 0:
                    add(ordered[n])
        return found

    def scan(self, phrase: str, check=None) -> set[int]:
        """Given a normalised phrase, return every live document whose text contains it: each segment's texts
        searched from end to end, one search per matching document (a phrase found almost everywhere costs
        less this way than reading its bigrams' posting lists)."""
        needle = phrase.encode("utf-8")
        found = set()
        for (source, text_start, offsets), base, deleted in zip(self._parts, self._bases, self._deleted, strict=True):
            end = text_start + offsets[-1]
            pos = source.find(needle, text_start, end)
            n = 0
            while pos >= 0:
                n += 1
                if check is not None and n % 4096 == 0:
                    check()
                local = bisect_right(offsets, pos - text_start) - 1
                if local not in deleted:
                    found.add(base + local)
                pos = source.find(needle, text_start + offsets[local + 1], end)
        return found
