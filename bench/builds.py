"""Each contender's build from the same report files, in a process of its own, timed and measured.

    python -m bench.builds {xxgk,fts5,tantivy} CORPUS OUT

prints one JSON line: {"seconds": …} (the build alone: jieba's dictionary is loaded
before the clock starts, as the other contenders need none). `measure` runs it and
samples the resident memory of the process and its children (xxgk's workers) while
it runs, so every contender's peak is measured the same way.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

KINDS = ("xxgk", "fts5", "tantivy")


def rss_tree(pid: int) -> int:
    """Resident bytes of a process and its children, read from /proc."""
    total = 0
    try:
        with open(f"/proc/{pid}/statm") as f:
            total = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            total += sum(rss_tree(int(child)) for child in f.read().split())
    except OSError:
        pass
    return total


class PeakMemory:
    """Samples a process tree's resident memory while a block runs (this process when no pid is given)."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid or os.getpid()

    def __enter__(self) -> PeakMemory:
        self.peak, self.running = 0, True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_tree(self.pid))
            time.sleep(0.05)

    def __exit__(self, *exc) -> None:
        self.running = False
        self.thread.join()


def dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure(kind: str, corpus: Path, out: Path, procs: int = 2) -> dict:
    """Run one build in a process of its own; return its seconds, peak resident MB and index MB."""
    if out.is_dir():
        shutil.rmtree(out)
    else:
        out.unlink(missing_ok=True)
    args = [sys.executable, "-m", "bench.builds", kind, str(corpus), str(out), "--procs", str(procs)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    with PeakMemory(proc.pid) as mem:
        stdout, _ = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"the {kind} build failed (exit {proc.returncode})")
    result = json.loads(stdout.strip().splitlines()[-1])
    return result | {"peak_mb": mem.peak / 2**20, "index_mb": dir_size(out) / 2**20}


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.builds")
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--procs", type=int, default=2)
    args = parser.parse_args(argv)
    files = sorted(args.corpus.rglob("*.txt"))
    if args.kind == "xxgk":
        from index.analysis import jieba_tokenizer
        from index.build import build_index

        jieba_tokenizer().lcut("预热")
        started = time.perf_counter()
        summary = build_index([args.corpus], args.out, procs=args.procs)
        seconds = time.perf_counter() - started
        if summary.failed:
            raise SystemExit(f"{len(summary.failed)} files failed, e.g. {summary.failed[0]}")
    else:
        from .contenders import fts5_from_files, tantivy_from_files

        started = time.perf_counter()
        (fts5_from_files if args.kind == "fts5" else tantivy_from_files)(files, args.out)
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "files": len(files)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
