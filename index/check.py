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
from .corpus import corpora
from .durable import file_sha256, read_sums, segment_files
from .part import PartError, SegmentPart, part_path
from .store import FORMAT_FILE, INDEX_FORMAT, INDEX_NAME, acquire_writer, holds_index, schema, written_format

# what reading a truncated or corrupted index file raises
DAMAGE = (EOFError, struct.error, zlib.error, pickle.UnpicklingError, ValueError, KeyError, IndexError, OSError)


@dataclass
class CheckResult:
    segments: int = 0
    reports: int = 0
    toc: str | None = None  # why the table of contents cannot be read
    format: str | None = None  # what is wrong with the format file
    damaged: dict[str, str] = field(default_factory=dict)  # segment id → what is wrong
    duplicates: dict[str, int] = field(default_factory=dict)  # report id → documents

    @property
    def ok(self) -> bool:
        return self.toc is None and self.format is None and not self.damaged and not self.duplicates

    def problems(self) -> list[str]:
        out = [f"table of contents: {self.toc}"] if self.toc else []
        out += [f"format file: {self.format}"] if self.format else []
        out += [f"segment {seg}: {why}" for seg, why in self.damaged.items()]
        out += [f"report {rid}: {n} documents (one expected)" for rid, n in self.duplicates.items()]
        return out


class RepairRefused(Exception):
    """A repair would drop reports it cannot build back (their corpus is not there): nothing was changed."""


class RepairIncomplete(Exception):
    """A repair dropped what was damaged but could not build every report back; the message names them."""


def check_index(index_dir: Path | str) -> CheckResult:
    """Given an index folder, verify every segment and the one-document-per-report rule."""
    folder = Path(index_dir)
    result = CheckResult()
    try:
        ix = whoosh_index.open_dir(folder, indexname=INDEX_NAME)
        segments = ix._segments()
    except whoosh_index.EmptyIndexError:
        result.toc = "segments without a table of contents" if holds_index(folder) else "no index here"
        return result
    except DAMAGE as exc:
        result.toc = f"cannot be read ({type(exc).__name__}: {exc})"
        return result
    if _fields(ix.schema) != _fields(schema()):  # a flipped byte in the TOC renames a field
        result.toc = "its schema is not the one this version writes (damaged)"
        return result
    written = written_format(folder)
    if written is None:
        result.format = "missing or unreadable"
    elif written != INDEX_FORMAT:
        result.format = f"format {written}, this version writes {INDEX_FORMAT}: rebuild with `xxgk index --rebuild`"
    ids: Counter[str] = Counter()
    result.segments = len(segments)
    for seg in segments:
        why = _segment_problem(folder, seg)
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


def _fields(s) -> dict[str, str]:
    return {name: type(s[name]).__name__ for name in s.names()}


def _segment_problem(folder: Path, seg) -> str | None:
    files = segment_files(folder, [seg])
    if not files:
        return "its file is missing"
    sums = read_sums(folder, seg.segment_id())
    if sums is None:
        return f"it has no readable checksums ({seg.segment_id()}.sums missing or damaged): it cannot be verified"
    recorded = set(sums)
    present = {p.name for p in files}
    if recorded - present:
        return f"{', '.join(sorted(recorded - present))} is missing"
    for path in files:
        entry = sums.get(path.name)
        if entry is None:
            return f"{path.name} is not among its recorded files"
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


def repair_index(index_dir: Path | str, corpus: Iterable[Path | str] | None = None, wait: float = 10.0) -> BuildSummary:
    """Given a damaged index, drop what is damaged and build it back from the corpus: by default every
    corpus folder the index was built from.

    Nothing is dropped that cannot be built back: RepairRefused (nothing changed) when a damaged
    segment's reports come from a corpus folder that is not there, or cannot be told; RepairIncomplete,
    naming them, when reports dropped were not built back."""
    folder = Path(index_dir)
    corpus = [str(c) for c in (corpus if corpus is not None else corpora(folder))]
    found = check_index(folder)
    if found.ok:
        return BuildSummary()
    absent = [c for c in corpus if not Path(c).exists()]
    if not corpus or absent:
        raise RepairRefused(
            "the corpus the index was built from is not there"
            + (f" ({', '.join(absent)})" if absent else " (no corpus folder is recorded; give --corpus)")
            + ": nothing was dropped; mount or restore it, or give --corpus"
        )
    if found.format is not None and found.toc is None and not found.damaged and written_format(folder) is None:
        # only the format file is gone: the segments and their parts were checked sound and of this version
        (folder / FORMAT_FILE).write_text(INDEX_FORMAT + "\n", encoding="utf-8")
        found.format = None
        if found.ok:
            return BuildSummary()
    lost = _sources(folder, found)
    if found.toc is not None or found.format is not None:
        # nothing of it can be trusted (or it is an earlier version's): start again from the corpus
        summary = build_index(corpus, folder, wait=wait, rebuild=True)
    else:
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
        summary = build_index(corpus, folder, wait=wait)
    held = set(_held_sources(folder))
    missing = sorted(src for src in lost if src not in held)
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        raise RepairIncomplete(f"{len(missing)} reports dropped with the damage could not be built back: {shown}")
    return summary


def _sources(folder: Path, found: CheckResult) -> list[str]:
    """The files of the reports a repair will drop, as far as they can still be read."""
    if found.toc is not None:
        return []
    out: list[str] = []
    try:
        ix = whoosh_index.open_dir(folder, indexname=INDEX_NAME)
        for seg in ix._segments():
            if seg.segment_id() not in found.damaged:
                continue
            reader = SegmentReader(ix.storage, ix.schema, seg)
            try:
                out += [f["source"] for _, f in reader.iter_docs() if f.get("kind") == "report" and "source" in f]
            except DAMAGE:
                continue  # its documents cannot be read: the corpus check above stands for it
            finally:
                reader.close()
    except DAMAGE:
        pass
    return out


def _held_sources(folder: Path) -> list[str]:
    ix = whoosh_index.open_dir(folder, indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        return [f["source"] for f in searcher.all_stored_fields() if f.get("kind") == "report"]
