"""The benchmark: `make bench` or `python -m bench [--reports N]`.

Every speed is printed as a ratio against other contenders run in the same process
on the same machine, never as a bare number to compare with another day's:
- builds from the same report files, each in a process of its own (bench/builds.py):
  xxgk (parse, sections, figures, audit, words, bigrams; 2 worker processes), SQLite
  FTS5 with the trigram tokenizer and tantivy with CJK bigrams (2 threads); time,
  peak resident memory and index size of each;
- queries (bench/queries.py: 40, from rare to common, boolean, filtered, figure
  conditions): xxgk's search (top 10 with snippets, exact counts; timed cold)
  against a substring scan in Python, a C-speed scan of one buffer, FTS5 and
  tantivy over the same section texts (bench/contenders.py); p50 / p95 / max of
  each, and every contender's result set checked against the Python scan.
Optional: the naive jieba + Whoosh recipe's build (--naive), copied-text detection
(--copies) and PDF extraction (--pdfs N). Results go to <workdir>/results-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import statistics
import sys
import time
from functools import partial
from pathlib import Path

from index.analysis import jieba_tokenizer
from search.copies import find_copies
from search.engine import Page, SearchIndex, match_keys, search
from search.filters import make_filters
from search.query import parse_query
from search.reports import all_records, record_to_report

from .builds import PeakMemory, dir_size, measure
from .contenders import CScan, Fts5, Tantivy, allowed, scan
from .pdf import time_pdf
from .queries import CLASSES, QUERIES, hit_class
from .synth import SyntheticCorpus

CORPUS_VERSION = 2  # the synthetic corpus's version: a new one is generated when it changes


def tantivy_installed() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def naive_build(files: list[Path], folder: Path) -> None:
    """The recipe from jieba's README: ChineseAnalyzer on the whole text, default writer."""
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema

    folder.mkdir(parents=True)
    schema = Schema(path=ID(stored=True), content=TEXT(stored=True, analyzer=ChineseAnalyzer()))
    writer = index.create_in(folder, schema).writer()
    for path in files:
        writer.add_document(path=str(path), content=path.read_text(encoding="utf-8"))
    writer.commit()


def load_sections(index: SearchIndex) -> list[tuple[str, str, str, dict]]:
    """Every section text of the index as stored (not the parts' normalised texts, which are what is
    being tested), normalised here, with its report's facts."""
    from index.analysis import normalize

    table = index.table()
    facts = {}
    for docnum in table.searcher.document_numbers(kind="report"):
        record = table.stored(docnum)["record"]
        facts[record["id"]] = {k: record[k] for k in ("year", "template", "agency", "figures")}
    out = []
    for docnum in table.searcher.document_numbers(kind="section"):
        stored = table.stored(docnum)
        out.append((stored["report_id"], stored["section"], normalize(stored["text"]), facts[stored["report_id"]]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path("var/bench"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query (the median is kept)")
    parser.add_argument("--build-runs", type=int, default=1, help="builds of each contender, alternating (fastest)")
    parser.add_argument("--skip-builds", action="store_true", help="time only xxgk's build (no FTS5/tantivy builds)")
    parser.add_argument("--reuse-index", action="store_true", help="query the index a previous run built")
    parser.add_argument("--naive", action="store_true", help="also build the naive jieba + Whoosh recipe")
    parser.add_argument("--copies", action="store_true", help="also time copied-text detection")
    parser.add_argument("--pdfs", type=int, default=0, help="reports rendered as PDF to time extraction (0: skip)")
    # earlier spellings, kept working
    parser.add_argument("--skip-naive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-copies", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build_runs < 1 or args.repeat < 1:
        parser.error("--build-runs and --repeat must be at least 1")
    logging.getLogger("jieba").setLevel(logging.WARNING)

    corpus = args.workdir / f"corpus-v{CORPUS_VERSION}-{args.seed}-{args.reports}"
    if not (corpus / ".complete").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        started = time.perf_counter()
        written = SyntheticCorpus(args.seed).write(args.reports, corpus)
        (corpus / ".complete").write_text("")
        planted = sum(bool(r.rare or r.planted) for r in written)
        print(f"generated {len(written)} reports in {time.perf_counter() - started:.1f}s "
              f"({planted} with a rare phrase)")  # fmt: skip
    files = sorted(corpus.rglob("*.txt"))
    results: dict = {
        "reports": len(files),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    jieba_tokenizer().lcut("预热")
    ours_dir = args.workdir / f"index-{args.reports}"
    if not args.reuse_index:
        time_builds(args, corpus, files, ours_dir, results)
    ix = SearchIndex.open(ours_dir)
    time_queries(args, ix, results)
    if args.copies:
        time_copies(ix, results)
    if args.pdfs:
        time_pdf(results, args.pdfs, args.seed)
    out = args.workdir / f"results-{len(files)}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nresults in {out}")
    return 0 if results["exact"] else 1


def time_builds(args, corpus: Path, files: list[Path], ours_dir: Path, results: dict) -> None:
    """Build every contender from the same files, alternately `--build-runs` times; keep each one's fastest
    (noise from a shared machine only ever adds time), with its peak memory and index size."""
    kinds = ["xxgk"] + ([] if args.skip_builds else ["fts5"] + (["tantivy"] if tantivy_installed() else []))
    outs = {"xxgk": ours_dir, "fts5": args.workdir / "fts5-files.db", "tantivy": args.workdir / "tantivy-files"}
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(args.build_runs):
        for kind in kinds:
            runs[kind].append(measure(kind, corpus, outs[kind], args.procs))
    if args.naive and not args.skip_naive:
        naive_dir = args.workdir / "naive"
        shutil.rmtree(naive_dir, ignore_errors=True)
        with PeakMemory() as mem:
            started = time.perf_counter()
            naive_build(files, naive_dir)
            seconds = time.perf_counter() - started
        runs["naive"] = [{"seconds": seconds, "peak_mb": mem.peak / 2**20, "index_mb": dir_size(naive_dir) / 2**20}]
    builds = {
        kind: min(r, key=lambda b: b["seconds"]) | {"runs": [b["seconds"] for b in r]} for kind, r in runs.items()
    }
    results["builds"] = builds
    print(f"\nbuilds of {len(files)} reports from the files (fastest of {args.build_runs})")
    print(f"  {'':<9} {'seconds':>9} {'reports/s':>10} {'peak MB':>9} {'index MB':>9} {'xxgk / it':>10}")
    ours = builds["xxgk"]["seconds"]
    for kind, b in builds.items():
        print(f"  {kind:<9} {b['seconds']:9.1f} {len(files) / b['seconds']:10.1f} {b['peak_mb']:9.0f} "
              f"{b['index_mb']:9.0f} {ours / b['seconds']:9.2f}x")  # fmt: skip
    if "fts5" in builds:
        results["build_vs_fts5"] = ours / builds["fts5"]["seconds"]
        print(f"  xxgk / FTS5 = {results['build_vs_fts5']:.2f}x (target ≤ 3); "
              f"xxgk peak {builds['xxgk']['peak_mb']:.0f} MB (target ≤ 2,560)")  # fmt: skip


def cold_search(ix: SearchIndex, text: str, filters) -> dict:
    """A search as a new query meets it: the generation's phrase and word caches emptied first (a repeat,
    or an earlier query sharing a word, would hit them)."""
    generation = ix.table().generation
    generation.phrases.clear()
    generation.words.clear()
    return search(ix, text, filters, Page(10, 1))


NAMES = {"xxgk": "xxgk", "scan": "scan", "cscan": "C-scan", "fts5": "FTS5", "tantivy": "tantivy"}


def time_queries(args, ix: SearchIndex, results: dict) -> None:
    """Run the queries against the index and every contender; check every answer against the Python scan."""
    sections = load_sections(ix)
    total_reports = len({rid for rid, _, _, _ in sections})
    built = {}
    started = time.perf_counter()
    contenders: dict = {"cscan": CScan(sections)}
    built["cscan"] = (time.perf_counter() - started, len(contenders["cscan"].buffer) * 4)
    contenders["fts5"] = Fts5(sections, args.workdir / "fts5.db")
    built["fts5"] = (contenders["fts5"].build_seconds, contenders["fts5"].size)
    if tantivy_installed():
        keys = sorted({cond.key for _, options, _ in QUERIES for cond in make_filters(**options).where})
        contenders["tantivy"] = Tantivy(sections, args.workdir / "tantivy", keys)
        built["tantivy"] = (contenders["tantivy"].build_seconds, contenders["tantivy"].size)
    print(f"\nindexes of the same {len(sections)} section texts: "
          + ", ".join(f"{NAMES[k]} {s:.1f}s {b / 2**20:.0f} MB" for k, (s, b) in built.items()))  # fmt: skip
    names = ["xxgk", "scan", *contenders]
    times: dict[str, list[float]] = {name: [] for name in names}
    rows, exact, classes, strays = [], {name: True for name in names if name != "scan"}, {}, []
    for text, options, meant in QUERIES:
        filters, query = make_filters(**options), parse_query(text)
        passing = allowed(sections, filters)
        truth = scan(sections, query, filters)
        answers = {"xxgk": match_keys(ix, text, filters), "cscan": contenders["cscan"].search(query, passing)}
        answers["fts5"] = contenders["fts5"].search(query, passing)
        if "tantivy" in contenders:
            answers["tantivy"] = contenders["tantivy"].search(query, filters)
        ok = {name: found == truth for name, found in answers.items()}
        for name, good in ok.items():
            exact[name] &= good
        run = {
            "xxgk": partial(cold_search, ix, text, filters),
            "scan": partial(scan, sections, query, filters),
            "cscan": partial(contenders["cscan"].search, query, passing),
            "fts5": partial(contenders["fts5"].search, query, passing),
        }
        if "tantivy" in contenders:
            run["tantivy"] = partial(contenders["tantivy"].top, query, filters)
        measured: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(args.repeat):
            for name in names:
                started = time.perf_counter()
                run[name]()
                measured[name].append(time.perf_counter() - started)
        for name in names:
            times[name].append(statistics.median(measured[name]))
        reports = len({rid for rid, _ in truth})
        kind = hit_class(reports, total_reports, text, options)
        classes[kind] = classes.get(kind, 0) + 1
        if kind != meant:
            strays.append(f"{text} {options or ''} stands for {meant} but hits {reports / total_reports:.1%}")
        rows.append((text, options, len(truth), reports, kind, {n: times[n][-1] for n in names}, ok))
    _print_queries(rows, names)
    print("  query set: " + ", ".join(f"{k} {classes.get(k, 0)}" for k in CLASSES))
    for stray in strays:
        print(f"  NOTE: {stray}")
    for name, values in times.items():
        for q, p in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
            results[f"{name}_{q}_ms"] = percentile(values, p) * 1000
    results["per_query_ms"] = [
        {"query": text, "filters": options, "sections": n, "reports": r, "class": kind}
        | {name: t[name] * 1000 for name in names}
        for text, options, n, r, kind, t, _ in rows
    ]
    results["exact"] = all(exact.values())
    results["exact_by_contender"] = exact
    results["query_classes"] = classes
    print(f"\n  {'':<9} {'p50':>8} {'p95':>8} {'max':>8}  ms   exact")
    for name in names:
        mark = "yes" if name == "scan" or exact[name] else "NO"
        print(f"  {NAMES[name]:<9} {results[f'{name}_p50_ms']:8.1f} {results[f'{name}_p95_ms']:8.1f} "
              f"{results[f'{name}_max_ms']:8.1f}       {mark}")  # fmt: skip
    p95, p50 = results["xxgk_p95_ms"] / results["cscan_p95_ms"], results["xxgk_p50_ms"] / results["fts5_p50_ms"]
    print(f"  xxgk p95 / C-scan p95 = {p95:.2f} (target ≤ 1); xxgk p50 / FTS5 p50 = {p50:.2f} (target ≤ 1)")
    if "tantivy" in contenders:
        ratio = results["xxgk_p50_ms"] / results["tantivy_p50_ms"]
        print(f"  xxgk p50 / tantivy p50 = {ratio:.1f}; p95 = {results['xxgk_p95_ms'] / results['tantivy_p95_ms']:.1f}")
    results["p95_vs_cscan"], results["p50_vs_fts5"] = p95, p50
    print("  exact on every query: " + ", ".join(f"{NAMES[n]} {'yes' if v else 'NO'}" for n, v in exact.items()))


def _print_queries(rows, names) -> None:
    print(f"\nqueries ({len(rows)}), ms per query: xxgk top 10 with snippets and exact counts, tantivy top 10 and "
          "count, the others the exact set")  # fmt: skip
    header = "".join(f"{NAMES[n]:>9}" for n in names)
    print(f"  {'query':<16} {'filters':<24} {'sections':>8} {'kind':<12}{header}")
    for text, options, n, _, kind, t, ok in rows:
        extra = " ".join(f"{k}={v}" for k, v in options.items())
        marks = "" if all(ok.values()) else "  MISMATCH " + ",".join(k for k, v in ok.items() if not v)
        cells = "".join(f"{t[name] * 1000:9.1f}" for name in names)
        print(f"  {text[:16]:<16} {extra[:24]:<24} {n:8d} {kind:<12}{cells}{marks}")


def time_copies(ix: SearchIndex, results: dict) -> None:
    """Time copied-text detection over every report of the index."""
    started = time.perf_counter()
    reports = [record_to_report(r) for r in all_records(ix)]
    results["load_reports_seconds"] = time.perf_counter() - started
    with PeakMemory() as mem:
        started = time.perf_counter()
        found = find_copies(reports)
        results["copies_seconds"] = time.perf_counter() - started
    results["copies_peak_mb"] = mem.peak / 2**20
    copied = sum(1 for f in found.values() if f["sentences"])
    print(f"\ncopied text over {len(reports)} reports: {results['copies_seconds']:.1f}s "
          f"(reading them {results['load_reports_seconds']:.1f}s), peak {results['copies_peak_mb']:.0f} MB, "
          f"{copied} reports share sentences")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
