"""Building the index incrementally: files → parsed reports → Whoosh documents, committed atomically.

A report is keyed by its file path and fingerprinted by the hash of its bytes:
unchanged files are skipped, changed ones replaced, files no longer in the
corpus removed. A file that fails to parse is reported and, if an earlier
version was indexed, that version stays. Nothing is visible to searchers
until a commit, which Whoosh makes atomic (a new table of contents renamed
into place), so a build killed at any moment leaves the last committed index
intact. Builds of up to BATCH changed files are one commit; larger ones commit
every BATCH files.

A batch of MP_THRESHOLD files or more is split between worker processes (forked,
so they share the loaded jieba dictionary): each parses its share and writes its
own segment, and this process commits them all with one table of contents. It
keeps the write lock throughout and applies the deletions.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import queue as queues
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from .analysis import jieba_tokenizer
from .reader.errors import ParseError
from .reader.formats.cache import TextCache
from .reader.formats.files import DOCUMENT_SUFFIXES, SUFFIXES, read_report_file
from .reader.parse import parse_bytes, report_id
from .store import INDEX_NAME, acquire_writer, open_or_create, report_documents
from .writer import FastSegmentWriter

# Below this, starting worker processes costs more than it saves. A PDF or Word
# file costs about as much to extract as DOCUMENT_WEIGHT text files to parse.
MP_THRESHOLD = 200
DOCUMENT_WEIGHT = 25
# Text extracted from PDF and Word files, beside the index (see formats/cache.py).
EXTRACTED = "extracted"
# Large builds commit every BATCH files. A segment's postings are held in memory
# until it is written (about 60 MB per 1,000 reports), and a build killed mid-way
# keeps its committed batches; the next run adds the rest.
BATCH = 10_000

Progress = Callable[[int, int, str], None]
Job = tuple[Path, str]  # a changed file and the hash of its bytes


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
    ix = open_or_create(index_dir, wait)
    before = indexed_reports(ix)
    todo = _changed_files(files, before, summary)
    removed = [src for src in before if src not in {str(p) for p in files}]
    if not todo and not removed:
        return summary

    done = 0

    def finished(source: str, reason: str | None) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, len(todo), source)
        if reason is not None:
            summary.failed.append((source, reason))
        elif source in before:  # the new version is in; the old one goes (only now: a failure keeps it)
            writer.delete_by_term("source", source)
            summary.updated.append(source)
        else:
            summary.added.append(source)

    for first in range(0, max(len(todo), 1), BATCH):
        batch = todo[first : first + BATCH]
        writer = acquire_writer(ix, wait)
        try:
            if first == 0:
                for src in removed:
                    writer.delete_by_term("source", src)
                    summary.removed.append(src)
            workers = min(procs, len(batch)) if _weight(batch) >= MP_THRESHOLD else 1
            if workers > 1:
                writer.commit_with(_build_in_processes(Path(index_dir), batch, workers, finished))
            else:
                cache = TextCache(Path(index_dir) / EXTRACTED)
                for path, digest in batch:
                    finished(str(path), _add_file(writer, path, digest, cache))
                writer.commit()
        except BaseException:
            writer.cancel()
            raise
    return summary


def _changed_files(files: list[Path], before: dict, summary: BuildSummary) -> list[Job]:
    """Hash every file; record the unchanged, unreadable and duplicate ones; return the rest to index."""
    wanted = {str(p) for p in files}
    seen_ids = {rid: src for src, (_, rid) in before.items() if src in wanted}
    todo: list[Job] = []
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
            continue
        twin = seen_ids.setdefault(report_id(data), source)  # a report's id is the hash of its bytes
        if twin != source:
            summary.duplicates.append((source, twin))
            continue
        todo.append((path, digest))  # bytes are read again when parsed: memory stays flat
    return todo


def _weight(batch: list[Job]) -> int:
    """How much work a batch is, in text files: PDF and Word files weigh more (extraction)."""
    return sum(DOCUMENT_WEIGHT if path.suffix.lower() in DOCUMENT_SUFFIXES else 1 for path, _ in batch)


def _add_file(writer, path: Path, digest: str, cache: TextCache | None = None) -> str | None:
    """Parse one changed file and add its documents; return why it could not be, or None."""
    source = str(path)
    try:
        data = read_report_file(path)
        if hashlib.sha256(data).hexdigest() != digest:
            raise ParseError(source, "file changed while the index was being built; run xxgk index again")
        report = parse_bytes(data, source, path.suffix, cache)
    except ParseError as exc:
        return exc.reason
    for doc in report_documents(report, source, digest):
        writer.add_document(**doc)
    return None


def _build_in_processes(index_dir: Path, batch: list[Job], workers: int, finished) -> list:
    """Split a batch between forked worker processes; return the segments they wrote.

    Each file's outcome is passed to `finished` as it arrives. A worker that fails
    makes the whole batch fail (nothing of it is committed).
    """
    jieba_tokenizer()  # loaded once here, shared by the forked workers
    ctx = multiprocessing.get_context("fork")
    messages = ctx.Queue()
    size = -(-len(batch) // workers)
    chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
    processes = [ctx.Process(target=_worker, args=(index_dir, chunk, messages), daemon=True) for chunk in chunks]
    for process in processes:
        process.start()
    segments, running = [], len(processes)
    try:
        while running:
            try:
                kind, *rest = messages.get(timeout=1.0)
            except queues.Empty:
                dead = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"an indexing process died (exit code {dead[0]})") from None
                continue
            if kind == "file":
                finished(*rest)
            elif kind == "segment":
                running -= 1
                if rest[0] is not None:
                    segments.append(rest[0])
            else:
                raise RuntimeError(f"an indexing process failed: {rest[0]}")
    finally:
        for process in processes:
            if process.is_alive() and running:
                process.terminate()
            process.join()
    return segments


def _worker(index_dir: Path, jobs: list[Job], messages) -> None:
    """In a worker process: write the jobs' reports into a new segment and send it back."""
    parent = os.getppid()
    try:
        ix = whoosh_index.open_dir(index_dir, indexname=INDEX_NAME)
        writer = FastSegmentWriter(ix, _lk=False)  # the parent holds the lock
        cache = TextCache(Path(index_dir) / EXTRACTED)
        for path, digest in jobs:
            if os.getppid() != parent:  # the build was killed: stop writing files nobody will commit
                os._exit(1)
            messages.put(("file", str(path), _add_file(writer, path, digest, cache)))
        messages.put(("segment", writer._finalize_segment() if writer._added else None))
    except BaseException as exc:  # reported to the parent, which cancels the batch
        messages.put(("error", f"{type(exc).__name__}: {exc}"))
