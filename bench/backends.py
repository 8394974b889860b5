"""Both backends on the same corpus: `python -m bench.backends [--reports N] [--url URL]`.

Builds the embedded index and the OpenSearch indexes from the same synthetic corpus
(bench/synth.py, as `python -m bench` makes it), then runs the query set of
bench/queries.py on each: p50 / p95 / max of a search (top 10 with snippets, exact
counts), and each answer's full set of (report, section) checked against the Python
scan. Without --url the cluster is the loopback one of tools/cluster.py (started if
needed). Prints ratios; results go to <workdir>/backends-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import shutil
import statistics
import time
from functools import partial
from pathlib import Path

from index.analysis import jieba_tokenizer
from index.build import build_index
from search.engine import Page, SearchIndex, match_keys, search
from search.filters import make_filters
from search.opensearch.backend import OpenSearchBackend
from search.opensearch.build import build_remote
from search.query import parse_query

from .__main__ import CORPUS_VERSION, cold_search, load_sections, percentile
from .builds import dir_size
from .contenders import scan
from .queries import QUERIES
from .synth import SyntheticCorpus

PREFIX = "xxgk-bench"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.backends", description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--url", help="OpenSearch nodes (default: tools/cluster.py's loopback cluster)")
    parser.add_argument("--workdir", type=Path, default=Path("var/bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="query what a previous run built")
    args = parser.parse_args(argv)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    corpus = args.workdir / f"corpus-v{CORPUS_VERSION}-{args.seed}-{args.reports}"
    if not (corpus / ".complete").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        SyntheticCorpus(args.seed).write(args.reports, corpus)
        (corpus / ".complete").write_text("")
    if not args.url:
        from tools import cluster

        args.url = ",".join(cluster.url(i) for i in range(2)) if cluster.health() else cluster.start(2)
    jieba_tokenizer().lcut("预热")
    ours_dir = args.workdir / f"index-{args.reports}"
    remote = OpenSearchBackend(args.url, PREFIX, shards=2, replicas=1, retry_for=600)
    results: dict = {"reports": args.reports, "machine": f"{platform.machine()}, Python {platform.python_version()}"}
    if not args.reuse:
        shutil.rmtree(ours_dir, ignore_errors=True)
        started = time.perf_counter()
        build_index([corpus], ours_dir, procs=args.procs)
        results["whoosh_build_s"] = time.perf_counter() - started
        remote.drop()
        started = time.perf_counter()
        summary = build_remote([corpus], remote, procs=args.procs)
        results["opensearch_build_s"] = time.perf_counter() - started
        if summary.failed:
            raise SystemExit(f"{len(summary.failed)} reports failed on the cluster, e.g. {summary.failed[0]}")
        stats = remote.client.request("GET", f"/{PREFIX}/_stats/store")["_all"]
        results["opensearch_store_mb"] = stats["total"]["store"]["size_in_bytes"] / 2**20  # with replicas
        results["whoosh_index_mb"] = dir_size(ours_dir) / 2**20
        print(f"builds of {args.reports} reports: embedded {results['whoosh_build_s']:.1f}s "
              f"({results['whoosh_index_mb']:.0f} MB), OpenSearch {results['opensearch_build_s']:.1f}s "
              f"({results['opensearch_store_mb']:.0f} MB with the replica): "
              f"{results['opensearch_build_s'] / results['whoosh_build_s']:.2f}x")  # fmt: skip
    ix = SearchIndex.open(ours_dir)
    sections = load_sections(ix)
    times: dict[str, list[float]] = {"whoosh": [], "opensearch": []}
    exact = {"whoosh": True, "opensearch": True}
    print(f"\n  {'query':<28} {'sections':>8} {'embedded':>9} {'OpenSearch':>10}  ms")
    for text, options, _ in QUERIES:
        filters = make_filters(**options)
        truth = scan(sections, parse_query(text), filters)
        for name, backend in (("whoosh", ix), ("opensearch", remote)):
            exact[name] &= match_keys(backend, text, filters) == truth
            run = partial(cold_search, ix, text, filters) if name == "whoosh" else partial(
                search, remote, text, filters, Page(10, 1)
            )  # fmt: skip
            measured = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                run()
                measured.append(time.perf_counter() - started)
            times[name].append(statistics.median(measured))
        label = (text + " " + " ".join(f"{k}={v}" for k, v in options.items()))[:28]
        print(f"  {label:<28} {len(truth):8} {times['whoosh'][-1] * 1000:9.1f} {times['opensearch'][-1] * 1000:10.1f}")
    print(f"\n  {'':<11} {'p50':>8} {'p95':>8} {'max':>8}  ms   exact")
    for name in times:
        for q, p in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
            results[f"{name}_{q}_ms"] = percentile(times[name], p) * 1000
        print(f"  {name:<11} {results[f'{name}_p50_ms']:8.1f} {results[f'{name}_p95_ms']:8.1f} "
              f"{results[f'{name}_max_ms']:8.1f}       {'yes' if exact[name] else 'NO'}")  # fmt: skip
    results["exact"] = exact
    out = args.workdir / f"backends-{args.reports}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"\nresults in {out}")
    return 0 if all(exact.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
