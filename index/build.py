"""Building the index incrementally: files → parsed reports → Whoosh documents, committed atomically.

A report is keyed by its file path and fingerprinted by the hash of its bytes:
unchanged files are skipped and changed ones replaced. What to add is decided
under the write lock, from the index as it then is, and the index never takes
a second document for a report id it holds, so concurrent builds cannot
duplicate a report. Reports are removed only when asked (`prune`) and only when
their file is positively gone from a folder that was listed completely (see
corpus.py). A file that fails to parse — for any reason — is reported and, if
an earlier version was indexed, that version stays. Nothing is visible to
searchers until a commit, which Whoosh makes atomic (a new table of contents
renamed into place), so a build killed at any moment leaves the last committed
index intact. Builds of up to BATCH changed files are one commit; larger ones
commit every BATCH files.

A batch weighing MP_THRESHOLD files or more is split between worker processes
(forked, so they share the loaded jieba dictionary): each parses its share and
writes its own segment, and this process commits them all with one table of
contents. It keeps the write lock throughout, applies the deletions, and stops
the batch at once when a worker dies.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import queue as queues
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from .analysis import query_dictionary, warm_dictionary
from .corpus import display, list_corpus, record_corpora
from .durable import segment_checksums, write_atomic
from .manifest import annotate
from .reader.errors import ParseError
from .reader.formats.cache import TextCache
from .reader.formats.files import DOCUMENT_SUFFIXES, read_report_file
from .reader.formats.guard import die_with_parent
from .reader.parse import parse_bytes, report_id
from .store import INDEX_NAME, acquire_writer, open_or_create, remove_orphans, report_documents
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
# A worker tells the parent its files' outcomes this often (seconds), not one message a file.
REPORT_EVERY = 0.1

Progress = Callable[[int, int, str], None]
Job = tuple[Path, str, str]  # a changed file, the hash of its bytes and its report id


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


def indexed_reports(ix) -> dict[str, tuple[str, str]]:
    """Given an index (or a writer's reader of it), return {source path: (content hash, report id)} of its reports."""
    out = {}
    with ix.searcher() if hasattr(ix, "searcher") else Searcher(ix) as searcher:
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
    prune: bool = False,
    dry_run: bool = False,
    rebuild: bool = False,
    follow_links: bool = False,
) -> BuildSummary:
    """Given corpus folders or files, bring the index in `index_dir` up to date with them.

    New files are added and changed ones replaced. With `prune`, reports whose file is
    positively gone (from a folder that was listed completely) are removed; nothing is
    ever removed because a folder is missing or could not be read. With `dry_run`, the
    summary says what would be done and the index is not touched. What to add is decided
    under the write lock, from the index as it is then, so two builds never add a report
    twice. Raises store.IndexBusy when another build holds the index for longer than `wait`;
    store.IndexOutdated or store.IndexDamaged when the folder holds an index that must not be built
    on, unless `rebuild` says to start it again from the corpus given.
    """
    summary = BuildSummary()
    query_dictionary()  # compiled once per machine, so that searches need not load jieba
    listing = list_corpus(corpus, follow_links, exclude=[index_dir])  # never the index's own files
    summary.failed += listing.problems
    files = hashed_files(listing.files, summary)  # read before the lock: reading is most of the I/O
    if dry_run and (rebuild or not whoosh_index.exists_in(index_dir, indexname=INDEX_NAME)):  # nothing created
        todo = plan_build(files, {}, set(), summary)
        summary.added = [display(p) for p, _, _ in todo]
        return summary
    ix = open_or_create(index_dir, wait, rebuild=rebuild)
    writer = acquire_writer(ix, wait)
    refused = Refused(Path(index_dir))
    try:
        before = indexed_reports(writer.reader())
        removed = [src for src in before if prune and listing.gone(src)]
        todo = refused.skip(plan_build(files, before, set(removed), summary), summary)
        if dry_run or (not todo and not removed):
            if dry_run:
                summary.added = [display(p) for p, _, _ in todo if display(p) not in before]
                summary.updated = [display(p) for p, _, _ in todo if display(p) in before]
                summary.removed = removed
            writer.cancel()
            if not dry_run:
                record_corpora(index_dir, listing.roots)
            return summary
        record_corpora(index_dir, listing.roots)  # under the write lock: where its reports' files are
    except BaseException:
        writer.cancel()
        raise

    done = 0
    attempt: list[tuple[str, str | None]] = []  # the outcomes of the batch being built

    def finished(source: str, reason: str | None) -> None:
        nonlocal done
        done += 1
        attempt.append((source, reason))
        if progress:
            progress(done, len(todo), source)
        if reason is not None:
            summary.failed.append((source, reason))
        elif source in before:  # the new version is in; the old one goes (only now: a failure keeps it)
            writer.delete_by_term("source", source)
            summary.updated.append(source)
        else:
            summary.added.append(source)

    def forget_attempt() -> None:
        """A batch given up: its outcomes are told again when it is built once more."""
        nonlocal done
        for source, reason in attempt:
            done -= 1
            if reason is not None:
                summary.failed.remove((source, reason))
            elif source in summary.updated:
                summary.updated.remove(source)
            else:
                summary.added.remove(source)
        attempt.clear()

    first, batch = 0, todo[:BATCH]
    while first < max(len(todo), 1):
        attempt.clear()
        if first or writer is None:
            writer = acquire_writer(ix, wait)
        try:
            # the first batch's writer is the one `before` was read with; later ones re-read what is held
            held = indexed_reports(writer.reader()) if first else before
            if first:  # another build may have committed between batches: add only what is still missing
                batch = [job for job in batch if held.get(display(job[0]), (None,))[0] != job[1]]
            else:
                for src in removed:
                    writer.delete_by_term("source", src)
                summary.removed = list(removed)  # (a batch built again deletes them again, counts them once)
            known = {rid for src, (_, rid) in held.items() if src not in summary.removed}
            workers = min(procs, len(batch)) if _weight(batch) >= MP_THRESHOLD else 1
            if workers > 1:
                segments, checksums = _build_in_processes(
                    Path(index_dir), batch, workers, finished, known, listing.names
                )
                writer.commit_with(segments, checksums)
            else:
                cache = TextCache(Path(index_dir) / EXTRACTED)
                for job in batch:
                    finished(display(job[0]), _add_file(writer, job, cache, known, listing.names))
                writer.commit()
        except WorkerDied as exc:
            writer.cancel()
            writer = None
            if exc.job is None:
                raise
            # the file a killed worker was reading is refused (and skipped until it changes); the rest is built again
            forget_attempt()
            refused.add(exc.job, exc.reason)
            summary.failed.append((display(exc.job[0]), exc.reason))
            batch = [job for job in batch if job is not exc.job]
            continue
        except BaseException:
            try:
                writer.cancel()
            finally:
                _clean_after_failure(ix)
            raise
        refused.forget([job for job in batch])
        first += BATCH
        batch = todo[first : first + BATCH]
    return summary


def hashed_files(files: list[Path], summary: BuildSummary) -> list[Job]:
    """Read every file once; return (path, hash of its bytes, report id); unreadable files are failures."""
    out: list[Job] = []
    for path in files:
        try:
            data = read_report_file(path)
        except ParseError as exc:
            summary.failed.append((display(path), exc.reason))
            continue
        except Exception as exc:  # one odd file never stops the batch
            summary.failed.append((display(path), unexpected_failure(exc)))
            continue
        digest = hashlib.sha256(data).hexdigest()
        out.append((path, digest, report_id(data, digest)))
    return out


def _clean_after_failure(ix) -> None:
    """Remove what a failed batch wrote (a full disk must not keep its debris until the next commit), under the
    lock taken again at once; when another build took it, that build's commit cleans them."""
    with contextlib.suppress(Exception):
        lock = ix.lock("WRITELOCK")  # the lock alone: a writer would need room to start
        if lock.acquire(blocking=False):
            try:
                remove_orphans(ix)
            finally:
                lock.release()


def plan_build(files: list[Job], before: dict, removed: set[str], summary: BuildSummary) -> list[Job]:
    """Given the corpus's files and what the index holds, record the unchanged and duplicate files; return the rest.

    A file whose bytes the index holds under another name is a duplicate, unless that name is
    being removed (a moved file) or is itself in the corpus with other bytes now.
    """
    current = {display(p): digest for p, digest, _ in files}
    seen_ids = {
        rid: src for src, (digest, rid) in before.items() if src not in removed and current.get(src, digest) == digest
    }
    todo: list[Job] = []
    for job in files:
        path, digest, rid = job
        source = display(path)
        if source in before and before[source][0] == digest:
            summary.unchanged.append(source)
            continue
        twin = seen_ids.setdefault(rid, source)  # a report's id is the hash of its bytes
        if twin != source:
            summary.duplicates.append((source, twin))
            continue
        todo.append(job)  # bytes are read again when parsed: memory stays flat
    return todo


def unexpected_failure(exc: BaseException) -> str:
    return f"could not be read ({type(exc).__name__}: {exc})"


def _weight(batch: list[Job]) -> int:
    """How much work a batch is, in text files: PDF and Word files weigh more (extraction)."""
    return sum(DOCUMENT_WEIGHT if path.suffix.lower() in DOCUMENT_SUFFIXES else 1 for path, _, _ in batch)


def _add_file(writer, job: Job, cache: TextCache | None, known: set[str], names: dict | None = None) -> str | None:
    """Parse one changed file and add its documents; return why it could not be, or None.

    `known` holds the report ids in the index and those added since: a second document
    for a report id is refused, whatever led to it.
    """
    path, digest, _ = job
    source = display(path)
    try:
        data = read_report_file(path)
        if hashlib.sha256(data).hexdigest() != digest:
            raise ParseError(source, "file changed while the index was being built; run xxgk index again")
        report = parse_bytes(data, source, path.suffix, cache)
        annotate(report, path)
    except ParseError as exc:
        return exc.reason
    except Exception as exc:  # one odd file never stops the batch
        return unexpected_failure(exc)
    if report.id in known:
        return f"report {report.id} is already in the index (the same bytes under another name)"
    for doc in report_documents(report, source, digest, (names or {}).get(source)):
        writer.add_document(**doc)
    known.add(report.id)
    return None


class WorkerDied(RuntimeError):
    """A worker process of the build ended without finishing its share (killed, out of memory); `job` is the file
    it was reading when it died, when known."""

    def __init__(self, message: str, job: Job | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.job, self.reason = job, reason


REFUSED = "refused.json"  # in the index folder: files that killed the process reading them, by path and hash


class Refused:
    """Files that killed the process reading them: skipped by the next builds until they change."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / REFUSED
        try:
            found = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found = {}
        self.files: dict[str, dict] = found if isinstance(found, dict) else {}

    def skip(self, todo: list[Job], summary: BuildSummary) -> list[Job]:
        """The jobs to build: those refused before, with the same bytes, are failures again without being read."""
        out = []
        for job in todo:
            entry = self.files.get(display(job[0]))
            if entry is not None and entry.get("sha256") == job[1]:
                summary.failed.append(
                    (display(job[0]), f"{entry['reason']} (refused earlier: tried again once it changes)")
                )
            else:
                out.append(job)
        return out

    def add(self, job: Job, reason: str) -> None:
        self.files[display(job[0])] = {"sha256": job[1], "reason": reason}
        self._write()

    def forget(self, jobs: list[Job]) -> None:
        """Files built at last (changed since they were refused) are no longer refused."""
        gone = [display(job[0]) for job in jobs if display(job[0]) in self.files]
        for source in gone:
            del self.files[source]
        if gone:
            self._write()

    def _write(self) -> None:
        write_atomic(self.path, json.dumps(self.files, ensure_ascii=False, indent=1).encode())


def _build_in_processes(
    index_dir: Path, batch: list[Job], workers: int, finished, known: set[str], names: dict[str, str]
) -> tuple[list, dict[str, dict]]:
    """Split a batch between forked worker processes; return the segments they wrote and their files' checksums.

    Each file's outcome is passed to `finished` as it arrives. A worker that fails or
    dies makes the whole batch fail at once (nothing of it is committed).
    """
    warm_dictionary()  # jieba loaded once here, shared by the forked workers
    ctx = multiprocessing.get_context("fork")
    messages = ctx.Queue()
    size = -(-len(batch) // workers)
    chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
    # report ids are unique across chunks (the plan drops files with the same bytes), so each
    # worker checks against the index's ids and its own
    # each worker says in shared memory which of its files it is reading: if it is killed, that file is named
    current = [ctx.Value("i", -1, lock=False) for _ in chunks]
    processes = [
        ctx.Process(target=_worker, args=(index_dir, chunk, messages, known, names, at), daemon=True)
        for chunk, at in zip(chunks, current, strict=True)
    ]
    for process in processes:
        process.start()
    segments, checksums, done = [], {}, set()
    try:
        while len(done) < len(processes):
            try:
                kind, who, *rest = messages.get(timeout=0.2)
            except queues.Empty:
                kind = None
            if kind == "files":
                for source, reason in rest[0]:
                    finished(source, reason)
            elif kind == "segment":
                done.add(who)
                if rest[0] is not None:
                    segments.append(rest[0])
                    checksums.update(rest[1])
            elif kind == "error":
                raise WorkerDied(f"an indexing process failed: {rest[0]}")
            # a worker that is gone without saying it finished was killed
            dead = [p for p in processes if p.pid not in done and p.exitcode is not None]
            if dead and messages.empty():
                code = dead[0].exitcode
                how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
                number = processes.index(dead[0])
                reading = current[number].value
                job = chunks[number][reading] if 0 <= reading < len(chunks[number]) else None
                cause = " (out of memory?)" if code == -signal.SIGKILL else ""
                raise WorkerDied(
                    f"an indexing process ended before finishing its files ({how}); "
                    "nothing of this batch was committed",
                    job,
                    f"the process reading it was {how}{cause}: the file is skipped until it changes",
                )
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
    return segments, checksums


def _worker(index_dir: Path, jobs: list[Job], messages, known: set[str], names: dict, current) -> None:
    """In a worker process: write the jobs' reports into a new segment and send it back; `current` says which
    job it is reading."""
    parent, me = os.getppid(), os.getpid()
    die_with_parent()  # an orphan would hold the index's lock (an inherited descriptor) and memory for nothing
    try:
        ix = whoosh_index.open_dir(index_dir, indexname=INDEX_NAME)
        writer = FastSegmentWriter(ix, _lk=False)  # the parent holds the lock
        cache = TextCache(Path(index_dir) / EXTRACTED)
        outcomes, told = [], time.monotonic()
        for number, job in enumerate(jobs):
            if os.getppid() != parent:  # the build was killed: stop writing files nobody will commit
                os._exit(1)
            current.value = number
            outcomes.append((display(job[0]), _add_file(writer, job, cache, known, names)))
            if time.monotonic() - told >= REPORT_EVERY:
                messages.put(("files", me, outcomes))
                outcomes, told = [], time.monotonic()
        messages.put(("files", me, outcomes))
        segment = writer._finalize_segment() if writer._added else None
        sums = segment_checksums(Path(index_dir), [segment]) if segment is not None else {}
        messages.put(("segment", me, segment, sums))
    except BaseException as exc:  # reported to the parent, which cancels the batch
        messages.put(("error", me, f"{type(exc).__name__}: {exc}"))
