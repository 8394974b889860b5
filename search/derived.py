"""Work done once per index generation and kept beside the index: copied text across every report.

Finding copied sentences compares every report's sentences with every other's: minutes of
CPU and gigabytes at tens of thousands of reports. It is never done on a request's path, nor
once per server process: the first server process to ask starts one job (a process of its
own, at low priority, holding a lock so that no other process starts another), which writes
its result to `copies-<generation>.json` in the index folder; every process reads that file
once it is there. A later generation's job replaces it; `xxgk copies` computes the same
offline.

    python -m search.derived INDEX_DIR   # what the job runs
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

from .copies import copies_summary, find_copies
from .reports import all_records, record_to_report

LOCK = "copies.lock"
_jobs: list[subprocess.Popen] = []  # started here: kept (and reaped) so that none is left a zombie


def generation_name(index) -> str:
    """A name for the index's current generation (its table of contents' number)."""
    return str(index.ix.latest_generation())


def result_path(folder: Path, generation: str) -> Path:
    return Path(folder) / f"copies-{generation}.json"


def copies(index) -> tuple[list[dict] | None, str]:
    """The reports with copied sentences for the index's current generation, most copied first, and "ready";
    or None and "computing" while the job runs (this call starts it when nobody has), or "failed" when it
    failed for this generation (its reason is in the server's log folder, never on a page)."""
    folder = Path(index.folder)
    path = result_path(folder, generation_name(index))
    try:
        return json.loads(path.read_text(encoding="utf-8")), "ready"
    except (OSError, ValueError):
        pass
    if path.with_suffix(".failed").exists():
        return None, "failed"
    start_job(folder)
    return None, "computing"


def start_job(folder: Path) -> None:
    """Start the job for the current generation unless one is running (the lock says so)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder / LOCK, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return  # another process's job holds it
        finally:
            os.close(fd)  # the job takes the lock itself; a start racing this one finds it taken, or a result
        _jobs[:] = [job for job in _jobs if job.poll() is None]
        if _jobs:
            return  # this process's job for an earlier generation still runs; it is asked again later
        job = subprocess.Popen(
            [sys.executable, "-m", "search.derived", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _jobs.append(job)


def run(folder: Path) -> int:
    """The job: under the lock, compute copied text for the index's current generation and write it."""
    from .engine import SearchIndex

    with contextlib.suppress(OSError):
        os.nice(19)  # at low priority: searches come first
    fd = os.open(folder / LOCK, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0  # another job runs
    try:
        index = SearchIndex.open(folder)
        generation = generation_name(index)
        path = result_path(folder, generation)
        if path.exists():
            return 0
        try:
            reports = [record_to_report(r) for r in all_records(index)]
            rows = [c for c in copies_summary(reports, find_copies(reports)) if c["copied_sentences"]]
        except Exception as exc:  # said on the page as failed; the reason stays beside the index
            path.with_suffix(".failed").write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8")
            return 1
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        for old in [*folder.glob("copies-*.json"), *folder.glob("copies-*.failed")]:  # earlier generations'
            if old != path:
                old.unlink(missing_ok=True)
        return 0
    finally:
        os.close(fd)


if __name__ == "__main__":
    raise SystemExit(run(Path(sys.argv[1])))
