"""Verifying an index and repairing it from the corpus (`xxgk index --check [--repair]`).

A check reads the table of contents, then every segment: its files are present,
their sizes and SHA-256 match what the commit recorded (durable.py), and its
stored documents can be read; and it counts the documents of every report id,
which must be one. A repair drops the damaged segments and the extra documents
under the write lock, in one commit, and then builds from the corpus, which
adds back every report that was lost with them.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader

from .build import BuildSummary, build_index
from .durable import CHECKSUMS, file_sha256, read_checksums, segment_files
from .part import PartError, SegmentPart, part_path
from .store import INDEX_NAME, acquire_writer

# what reading a truncated or corrupted index file raises
DAMAGE = (EOFError, struct.error, zlib.error, pickle.UnpicklingError, ValueError, KeyError, IndexError, OSError)


@dataclass
class CheckResult:
    segments: int = 0
    reports: int = 0
    toc: str | None = None  # why the table of contents cannot be read
    damaged: dict[str, str] = field(default_factory=dict)  # segment id → what is wrong
    duplicates: dict[str, int] = field(default_factory=dict)  # report id → documents

    @property
    def ok(self) -> bool:
        return self.toc is None and not self.damaged and not self.duplicates

    def problems(self) -> list[str]:
        out = [f"table of contents: {self.toc}"] if self.toc else []
        out += [f"segment {seg}: {why}" for seg, why in self.damaged.items()]
        out += [f"report {rid}: {n} documents (one expected)" for rid, n in self.duplicates.items()]
        return out


def check_index(index_dir: Path | str) -> CheckResult:
    """Given an index folder, verify every segment and the one-document-per-report rule."""
    folder = Path(index_dir)
    result = CheckResult()
    try:
        ix = whoosh_index.open_dir(folder, indexname=INDEX_NAME)
        segments = ix._segments()
    except whoosh_index.EmptyIndexError:
        result.toc = "no index here"
        return result
    except DAMAGE as exc:
        result.toc = f"cannot be read ({type(exc).__name__}: {exc})"
        return result
    sums = read_checksums(folder)
    ids: Counter[str] = Counter()
    result.segments = len(segments)
    for seg in segments:
        why = _segment_problem(folder, seg, sums)
        if why is None:
            try:
                ids.update(_report_ids(ix, seg))
            except DAMAGE as exc:
                why = f"documents cannot be read ({type(exc).__name__}: {exc})"
        if why:
            result.damaged[seg.segment_id()] = why
    result.reports = len(ids)
    result.duplicates = {rid: n for rid, n in ids.items() if n > 1}
    return result


def _segment_problem(folder: Path, seg, sums: dict) -> str | None:
    files = segment_files(folder, [seg])
    if not files:
        return "its file is missing"
    for path in files:
        entry = sums.get(path.name)
        if entry is None:
            continue  # committed before checksums were kept: reading its documents is the check
        size = path.stat().st_size
        if size != entry["size"]:
            return f"{path.name} is {size} bytes, {entry['size']} were committed (truncated or overwritten)"
        if file_sha256(path) != entry["sha256"]:
            return f"{path.name} does not match its committed checksum"
    try:
        part = SegmentPart(part_path(folder, seg))
    except PartError as exc:
        return f"its search part cannot be read ({exc})"
    if part.count != seg.doc_count_all():
        return f"its search part holds {part.count} documents, the segment {seg.doc_count_all()}"
    return None


def _report_ids(ix, seg) -> list[str]:
    reader = SegmentReader(ix.storage, ix.schema, seg)
    try:
        return [
            fields["report_id"]
            for docnum, fields in reader.iter_docs()
            if fields.get("kind") == "report" and "report_id" in fields
        ]
    finally:
        reader.close()


def repair_index(index_dir: Path | str, corpus: Iterable[Path | str], wait: float = 10.0) -> BuildSummary:
    """Given a damaged index and its corpus, drop what is damaged and build the rest back from the corpus."""
    folder = Path(index_dir)
    found = check_index(folder)
    if found.toc is not None and found.toc != "no index here":
        # nothing of it can be trusted: start again (the extraction cache is kept)
        for path in folder.iterdir():
            if path.is_file() and (path.name.startswith((INDEX_NAME, f"_{INDEX_NAME}")) or path.name == CHECKSUMS):
                path.unlink()
    elif found.damaged or found.duplicates:
        ix = whoosh_index.open_dir(folder, indexname=INDEX_NAME)
        writer = acquire_writer(ix, wait)
        try:
            writer.segments = [s for s in writer.segments if s.segment_id() not in found.damaged]
            for rid in found.duplicates:  # every copy goes; the build adds the report back once
                writer.delete_by_term("report_id", rid)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
    return build_index(corpus, folder, wait=wait)
