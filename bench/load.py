"""A load test of `xxgk serve` on loopback (not part of `make test`).

    python -m bench.load [--index var/index] [--clients 8,32] [--processes 1,2] [--seconds 15] [--during-build]

For each server configuration (worker processes; the first is the baseline) and
each number of concurrent clients, starts the server on a free 127.0.0.1 port,
runs client threads requesting a rotation of pages (search, API search, report,
topics, mentions) for --seconds, and prints requests/s, errors and latency
p50/p99 as ratios to the baseline. When `wrk` is installed it is run too (one
search URL; its C client leaves the cores to the server). With --during-build, a
build re-indexing a changed copy of the corpus commits into the same index
again and again while the clients run.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PATHS = [
    "/?q=" + urllib.parse.quote("培训"),
    "/api/search?section=all&q=" + urllib.parse.quote("信息公开"),
    "/?section=all&by_report=1&q=" + urllib.parse.quote("政务新媒体"),
    "/api/search?section=all&q=" + urllib.parse.quote("人员 OR 编制") + "&page=2",
    "/topics",
    "/mentions?topic=" + urllib.parse.quote("人员力量不足"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index: str, processes: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = ["--index", index, "--port", str(port), "--threads", "4", "--processes", str(processes)]
    server = subprocess.Popen(
        [sys.executable, "-m", "xxgk", "serve", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/", timeout=2).read()
            break
        except OSError:
            time.sleep(0.1)
    return server, base


def python_clients(base: str, clients: int, seconds: float) -> dict:
    ids = json.loads(urllib.request.urlopen(base + PATHS[1], timeout=30).read())["hits"]
    paths = PATHS + [f"/reports/{h['report_id']}" for h in ids[:3]]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(k: int) -> None:
        i = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(base + paths[(k + i) % len(paths)], timeout=30) as resp:
                    resp.read()
                    ok = resp.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += not ok
            i += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    lat = sorted(latencies)
    return {
        "rps": len(lat) / elapsed,
        "errors": errors[0],
        "p50": lat[len(lat) // 2] * 1000,
        "p99": lat[int(0.99 * (len(lat) - 1))] * 1000,
    }


def wrk(base: str, clients: int, seconds: float) -> dict | None:
    if not shutil.which("wrk"):
        return None
    url = base + "/api/search?section=all&q=" + urllib.parse.quote("信息公开")
    out = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{max(1, int(seconds))}s", "--latency", url],
        capture_output=True,
        text=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    if not (rps and p50 and p99):
        return None
    return {
        "rps": float(rps.group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "p50": float(p50.group(1)) * scale[p50.group(2)],
        "p99": float(p99.group(1)) * scale[p99.group(2)],
    }


class BuildLoop:
    """A build committing into the index again and again: a changed copy of the corpus, re-indexed."""

    def __init__(self, index: str, corpus: str) -> None:
        self.index, self.folder = index, Path(tempfile.mkdtemp(prefix="xxgk-load-"))
        for path in sorted(Path(corpus).glob("*.txt"))[:3]:
            shutil.copy(path, self.folder / path.name)
        self.stop = threading.Event()
        self.commits = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            for path in self.folder.glob("*.txt"):
                path.write_text(path.read_text(encoding="utf-8") + f"\n第{n}次修订。", encoding="utf-8")
            cmd = [sys.executable, "-m", "xxgk", "index", "--corpus", str(self.folder), "--index", self.index]
            subprocess.run([*cmd, "--quiet", "--wait", "60"], capture_output=True)
            self.commits += 1

    def __enter__(self) -> BuildLoop:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        shutil.rmtree(self.folder)  # the index it committed into is a copy, thrown away


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--index", default="var/index")
    parser.add_argument("--corpus", default="corpus", help="copied for --during-build")
    parser.add_argument("--clients", default="8,32", help="concurrent clients, comma-separated")
    parser.add_argument(
        "--processes", default="1,2", help="server worker processes to compare; the first is the baseline"
    )
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--during-build", action="store_true", help="a build commits into the index meanwhile")
    args = parser.parse_args()
    index = args.index
    if args.during_build:  # never disturb the real index: a copy takes the commits
        copy = Path(tempfile.mkdtemp(prefix="xxgk-load-index-")) / "ix"
        shutil.copytree(args.index, copy)
        index = str(copy)
    clients = [int(c) for c in args.clients.split(",")]
    processes = [int(p) for p in args.processes.split(",")]
    baseline: dict[tuple[str, int], dict] = {}
    failed = False
    print(
        f"{'server':14} {'client':8} {'conns':>5} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
    )
    for procs in processes:
        server, base = start_server(index, procs)
        try:
            builder = BuildLoop(index, args.corpus) if args.during_build else None
            if builder:
                builder.__enter__()
            try:
                for n in clients:
                    for name, run in (("python", python_clients), ("wrk", wrk)):
                        got = run(base, n, args.seconds)
                        if got is None:
                            continue
                        first = baseline.setdefault((name, n), got)
                        failed |= got["errors"] > 0
                        server_name = f"{procs} process{'es' if procs > 1 else ''}"
                        ratio = got["rps"] / first["rps"]
                        print(f"{server_name:14} {name:8} {n:5} {got['rps']:8.1f} {ratio:5.2f}x "
                              f"{got['p50']:8.1f} {got['p99']:8.1f} {got['errors']:6}")  # fmt: skip
            finally:
                if builder:
                    builder.__exit__()
                    print(f"  (a build committed {builder.commits} times meanwhile)")
        finally:
            server.terminate()
            server.wait(timeout=20)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
