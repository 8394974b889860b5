"""Building the index incrementally: files → parsed reports → Whoosh documents, committed atomically.

A report is keyed by its file path and fingerprinted by the hash of its bytes:
unchanged files are skipped, changed ones replaced, files no longer in the
corpus removed. A file that fails to parse is reported and, if an earlier
version was indexed, that version stays. Nothing is visible to searchers
until a commit, which Whoosh makes atomic (a new table of contents renamed
into place), so a build killed at any moment leaves the last committed index
intact. Builds of up to BATCH changed files are one commit; larger ones commit
every BATCH files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ParseError
from .load import SUFFIXES, read_report_file
from .parse import parse_bytes
from .store import acquire_writer, open_or_create, report_documents

# Whoosh's multi-process writer starts one jieba per process (about a second
# each): worth it only for a batch this large.
MP_THRESHOLD = 400
# Large builds commit every BATCH files: Whoosh spills postings to temporary files
# (about 0.6 MB per report), which would otherwise grow to tens of GB. A build
# killed mid-way keeps its committed batches; the next run adds the rest.
BATCH = 5000

Progress = Callable[[int, int, str], None]


@dataclass
class BuildSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, file with the same bytes)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in ("added", "updated", "unchanged", "removed", "failed")}


def list_corpus(paths: Iterable[Path | str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Given corpus directories and files, return the report files in them and the paths that are missing."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            files.append(path)
        else:
            missing.append((str(path), "no such file or directory"))
    return list(dict.fromkeys(p.resolve() for p in files)), missing


def indexed_reports(ix) -> dict[str, tuple[str, str]]:
    """Given an index, return {source path: (content hash, report id)} of the reports in it."""
    out = {}
    with ix.searcher() as searcher:
        for docnum in searcher.document_numbers(kind="report"):
            stored = searcher.stored_fields(docnum)
            out[stored["source"]] = (stored["hash"], stored["report_id"])
    return out


def build_index(
    corpus: Iterable[Path | str],
    index_dir: Path | str,
    procs: int = 2,
    wait: float = 10.0,
    progress: Progress | None = None,
) -> BuildSummary:
    """Given corpus directories or files, bring the index in `index_dir` up to date with them.

    Raises store.IndexBusy when another build holds the index for longer than `wait` seconds.
    """
    summary = BuildSummary()
    files, summary.failed = list_corpus(corpus)
    ix = open_or_create(index_dir)
    before = indexed_reports(ix)
    wanted = {str(p) for p in files}
    seen_ids = {rid: src for src, (_, rid) in before.items() if src in wanted}

    todo: list[tuple[Path, str]] = []
    for path in files:
        source = str(path)
        try:
            data = read_report_file(path)
        except ParseError as exc:
            summary.failed.append((source, exc.reason))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if source in before and before[source][0] == digest:
            summary.unchanged.append(source)
        else:
            todo.append((path, digest))  # bytes are read again when parsed: memory stays flat

    removed = [src for src in before if src not in wanted]
    if not todo and not removed:
        return summary

    done = 0
    for first in range(0, max(len(todo), 1), BATCH):
        batch = todo[first : first + BATCH]
        mp = procs > 1 and len(batch) >= MP_THRESHOLD
        writer = acquire_writer(ix, wait, **({"procs": procs, "multisegment": True} if mp else {}))
        try:
            if first == 0:
                for src in removed:
                    writer.delete_by_term("source", src)
                    summary.removed.append(src)
            for path, digest in batch:
                done += 1
                if progress:
                    progress(done, len(todo), str(path))
                _add_file(writer, path, digest, before, seen_ids, summary)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
    return summary


def _add_file(writer, path: Path, digest: str, before: dict, seen_ids: dict, summary: BuildSummary) -> None:
    """Parse one changed file and add its documents (replacing its earlier version), or record why not."""
    source = str(path)
    try:
        data = read_report_file(path)
        if hashlib.sha256(data).hexdigest() != digest:
            raise ParseError(source, "file changed while the index was being built; run xxgk index again")
        report = parse_bytes(data, source, path.suffix)
    except ParseError as exc:
        summary.failed.append((source, exc.reason))
        return
    twin = seen_ids.get(report.id)
    if twin is not None and twin != source:
        summary.duplicates.append((source, twin))
        return
    seen_ids[report.id] = source
    if source in before:
        writer.delete_by_term("source", source)
        summary.updated.append(source)
    else:
        summary.added.append(source)
    for doc in report_documents(report, source, digest):
        writer.add_document(**doc)
