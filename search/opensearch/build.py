"""Bringing an OpenSearch cluster up to date with corpus files, as index/build.py does the embedded index.

The plan is the embedded build's (index/build.py hashed_files and plan_build, shared): a report is keyed
by its file and fingerprinted by its bytes, so unchanged files are skipped and a file
held under another name is a duplicate. Worker processes parse and tokenise; this
process sends their documents in bulk (client.py retries and backs off). Every document
id is derived from the report id, so a document sent twice replaces itself: a build cut
off at any point (a node gone, the process killed) is resumed by running it again, and
nothing is lost or duplicated. A report counts as held once its own document is in,
which is sent only after all its sections went in. A changed file's old report is
deleted after its new one is in.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Iterable
from pathlib import Path

from index.analysis import warm_dictionary
from index.build import BuildSummary, Progress, hashed_files, plan_build, unexpected_failure
from index.corpus import display, list_corpus, record_corpora
from index.manifest import annotate
from index.reader.errors import ParseError
from index.reader.formats.files import read_report_file
from index.reader.parse import parse_bytes

from .backend import OpenSearchBackend
from .documents import documents

BULK_REPORTS = 200  # reports per bulk round: bounded memory, and a resumed build repeats little


def _prepare(job: tuple[Path, str, str, str | None]) -> tuple[str, str | None, list]:
    """In a worker: parse one file and return (source, why it failed or None, its documents)."""
    path, digest, _, name = job
    source = display(path)
    try:
        data = read_report_file(path)
        if hashlib.sha256(data).hexdigest() != digest:
            raise ParseError(source, "file changed while the index was being built; run xxgk index again")
        report = parse_bytes(data, source, path.suffix)
        annotate(report, path)
    except ParseError as exc:
        return source, exc.reason, []
    except Exception as exc:  # one odd file never stops the batch
        return source, unexpected_failure(exc), []
    return source, None, documents(report, source, digest, name)


def build_remote(
    corpus: Iterable[Path | str],
    backend: OpenSearchBackend,
    procs: int = 2,
    progress: Progress | None = None,
    prune: bool = False,
    dry_run: bool = False,
) -> BuildSummary:
    """Given corpus folders or files, bring the cluster's indexes up to date with them."""
    summary = BuildSummary()
    listing = list_corpus(corpus)
    summary.failed += listing.problems
    files = hashed_files(listing.files, summary)
    before = backend.held()
    removed = [src for src in before if prune and listing.gone(src)]
    todo = plan_build(files, before, set(removed), summary)
    if dry_run:
        summary.added = [display(p) for p, _, _ in todo if display(p) not in before]
        summary.updated = [display(p) for p, _, _ in todo if display(p) in before]
        summary.removed = removed
        return summary
    if backend.folder:  # the local folder of the cluster's aliases: where its reports' files may be served from
        record_corpora(backend.folder, listing.roots)
    if removed:
        backend.remove([before[src][1] for src in removed])
        summary.removed += removed
    jobs = [(path, digest, rid, listing.names.get(display(path))) for path, digest, rid in todo]
    known = {rid for src, (_, rid) in before.items() if src not in removed}
    replaced: list[str] = []
    done = 0
    warm_dictionary()
    workers = min(procs, len(jobs)) if len(jobs) >= 20 else 1
    pool = multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None
    bulk = len(jobs) >= BULK_REPORTS
    if bulk:
        backend.loading(True)
    try:
        results = pool.imap(_prepare, jobs, chunksize=8) if pool else map(_prepare, jobs)
        pending: list[tuple[str, list]] = []
        for source, reason, docs in results:
            if reason is None and docs[0][1]["report_id"] in known:
                reason = f"report {docs[0][1]['report_id']} is already in the index (the same bytes under another name)"
            if reason is not None:
                summary.failed.append((source, reason))
            else:
                known.add(docs[0][1]["report_id"])
                pending.append((source, docs))
            done += 1
            if progress:
                progress(done, len(jobs), source)
            if len(pending) >= BULK_REPORTS:
                replaced += _send(backend, pending, before, summary)
                pending = []
        replaced += _send(backend, pending, before, summary)
    finally:
        if pool:
            pool.terminate()
            pool.join()
        if bulk:
            backend.loading(False)
    if replaced:  # the old versions of changed files go only now that their new ones are in
        backend.remove(replaced)
    backend.commit(expunge=bool(replaced or removed))
    return summary


def _send(
    backend: OpenSearchBackend, pending: list[tuple[str, list]], before: dict, summary: BuildSummary
) -> list[str]:
    """Index a round of reports; record each one's outcome; return the old report ids they replace."""
    if not pending:
        return []
    failed = backend.add([pair for _, docs in pending for pair in docs])
    bad = {}
    for f in failed:
        bad.setdefault((f.get("_id") or "").split("/")[0], f["error"])
    replaced = []
    for source, docs in pending:
        rid = docs[0][1]["report_id"]
        if rid in bad:
            summary.failed.append((source, f"not indexed: {bad[rid]}"))
        elif source in before:
            summary.updated.append(source)
            if before[source][1] != rid:
                replaced.append(before[source][1])
        else:
            summary.added.append(source)
    return replaced
