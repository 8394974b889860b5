"""A short load test of `xxgk serve` on loopback (not part of `make test`).

    python -m bench.load [--index var/index] [--clients 8] [--seconds 20]

Starts the server on a free 127.0.0.1 port, runs N client threads that request
a rotation of pages (search, API search, report, topics, compare) until the
time is up or each has sent --max-requests, then prints requests/s, error
count and latency percentiles, and stops the server.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

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


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--index", default="var/index")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=5000, help="per client")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "xxgk", "serve", "--index", args.index, "--port", str(port), "--threads", "4"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        ids = json.loads(urllib.request.urlopen(base + PATHS[1], timeout=30).read())["hits"]
        paths = PATHS + [f"/reports/{h['report_id']}" for h in ids[:3]]
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds

        def client(k: int) -> None:
            for i in range(args.max_requests):
                if time.monotonic() >= deadline:
                    return
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

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        lat = sorted(latencies)
        print(f"{len(lat)} requests in {elapsed:.1f}s from {args.clients} clients: {len(lat) / elapsed:.1f} req/s, "
              f"{errors[0]} errors; latency p50 {statistics.median(lat) * 1000:.0f} ms, "
              f"p95 {lat[int(0.95 * (len(lat) - 1))] * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms")  # fmt: skip
        return 1 if errors[0] else 0
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
