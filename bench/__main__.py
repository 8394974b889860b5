"""The benchmark: `make bench` or `python -m bench [--reports N]`.

Every speed is printed as a ratio against a baseline run in the same process:
- indexing: our build (parse, sections, figures, words + grams, multi-process
  writer) against the naive recipe from jieba's README (ChineseAnalyzer on the
  whole text, Whoosh's default writer), on the same files;
- queries: top-10 with snippets and exact counts against a brute-force
  substring scan of the same normalised section texts held in memory, a C-speed
  scan of one normalised buffer, and SQLite FTS5 with the trigram tokenizer
  (bench/contenders.py), each answer checked against the scan; the query set's
  distribution by hit rate (rare < 1 %, 1–20 %, 20–50 %, > 50 %, boolean, filtered)
  is printed with it. The corpus recombines the sentences of every bundled report
  (corpus/ and corpus/dev).
- PDF extraction: pages per second against pdfplumber's plain extract_text.
Also printed: peak memory of each build and the index sizes. Results are
written to <workdir>/results-<N>.json.
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
import threading
import time
from functools import partial
from pathlib import Path

from index.analysis import jieba_tokenizer, normalize
from index.build import build_index
from search.copies import find_copies
from search.engine import Page, SearchIndex, match_keys, search
from search.filters import make_filters
from search.query import parse_query
from search.reports import all_records, record_to_report

from .contenders import CScan, Fts5, fts5_from_files
from .pdf import time_pdf
from .synth import RARE_PHRASE, SyntheticCorpus

# 30 queries: phrases of 2-8 characters from rare to very common, AND/OR/NOT, filtered.
QUERIES: list[tuple[str, dict]] = [
    (RARE_PHRASE, {}),
    ("数字人", {}),
    ("信息源", {}),
    ("更新不及时", {}),
    ("人员编制", {}),
    ("流动性大", {}),
    ("政务新媒体", {}),
    ("保密审查", {}),
    ("政策解读", {}),
    ("依申请公开", {}),
    ("考核", {}),
    ("培训", {}),
    ("网站", {}),
    ("信息公开", {}),
    ("公开", {}),
    ("政府", {}),
    ("进一步加强", {}),
    ("以公开为常态", {}),
    ("不公开为例外", {}),
    ("主动公开意识有待", {}),
    ("人员 培训", {}),
    ("政务新媒体 更新", {}),
    ("更新不及时 OR 人员不足", {}),
    ("公开 -保密", {}),
    ("政策解读 信息公开 网站", {}),
    ("公开", {"sections": ["narrative"]}),
    ("培训", {"sections": ["narrative"], "year": "2021-2023"}),
    ("政务新媒体", {"where": ["applications.new.total>=10"]}),
    ("信息公开", {"template": "2019"}),
    ("考核", {"agency": "郑州", "year": "2022"}),
]


class PeakMemory:
    """Samples this process's resident memory (and its children's) while a block runs."""

    def __enter__(self) -> PeakMemory:
        self.peak, self.running = 0, True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, _rss_tree(os.getpid()))
            time.sleep(0.05)

    def __exit__(self, *exc) -> None:
        self.running = False
        self.thread.join()


def _rss_tree(pid: int) -> int:
    """Resident bytes of a process and its children, read from /proc."""
    total = 0
    try:
        with open(f"/proc/{pid}/statm") as f:
            total = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            total += sum(_rss_tree(int(child)) for child in f.read().split())
    except OSError:
        pass
    return total


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


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


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def scan_search(texts: list[tuple[str, str, str, dict]], text: str, options: dict) -> tuple[int, list]:
    """The baseline: substring scan of every normalised section text; returns (count, first ten)."""
    query, filters = parse_query(text), make_filters(**options)
    hits = [(rid, name) for rid, name, norm, meta in texts if scan_match(name, norm, meta, query, filters)]
    return len(hits), hits[:10]


def scan_match(name: str, norm: str, meta: dict, query, filters) -> bool:
    """Whether one normalised section text, with its report's metadata, matches query and filters."""
    if filters.sections and name not in filters.sections:
        return False
    if not _meta_ok(meta, filters):
        return False
    return all(any(p in norm for p in clause) for clause in query.clauses) and not any(
        p in norm for p in query.excluded
    )


def _meta_ok(meta: dict, filters) -> bool:
    year = meta["year"]
    if filters.year_from is not None and (year is None or year < filters.year_from):
        return False
    if filters.year_to is not None and (year is None or year > filters.year_to):
        return False
    if filters.template and meta["template"] != filters.template:
        return False
    if filters.agency and normalize(filters.agency) not in normalize(meta["agency"] or ""):
        return False
    for cond in filters.where:
        value = meta["figures"].get(cond.key)
        if value is None or not _compare(value, cond.op, cond.value):
            return False
    return True


def _compare(a: float, op: str, b: float) -> bool:
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b, "=": a == b, "!=": a != b}[op]


def load_sections(index: SearchIndex) -> list[tuple[str, str, str, dict]]:
    """Every section text of the index, normalised, with its report's metadata, in memory."""
    searcher = index.searcher()
    records = {}
    for docnum in searcher.document_numbers(kind="report"):
        stored = searcher.stored_fields(docnum)
        records[stored["report_id"]] = stored["record"]
    out = []
    for docnum in searcher.document_numbers(kind="section"):
        stored = searcher.stored_fields(docnum)
        out.append((stored["report_id"], stored["section"], normalize(stored["text"]), records[stored["report_id"]]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path("var/bench"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query (the median is kept)")
    parser.add_argument(
        "--build-runs", type=int, default=2, help="builds of each index, alternating (the fastest is kept)"
    )
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-copies", action="store_true", help="do not time copied-text detection")
    parser.add_argument("--pdfs", type=int, default=20, help="reports rendered as PDF to time extraction (0: skip)")
    parser.add_argument(
        "--reuse-index", action="store_true", help="query the index a previous run built (no indexing timings)"
    )
    args = parser.parse_args(argv)
    if args.build_runs < 1 or args.repeat < 1:
        parser.error("--build-runs and --repeat must be at least 1")
    logging.getLogger("jieba").setLevel(logging.WARNING)

    corpus = args.workdir / f"corpus-{args.seed}-{args.reports}"
    if not (corpus / ".complete").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        started = time.perf_counter()
        written = SyntheticCorpus(args.seed).write(args.reports, corpus)
        (corpus / ".complete").write_text("")
        print(f"generated {len(written)} reports in {time.perf_counter() - started:.1f}s "
              f"({sum(r.rare for r in written)} with the rare phrase)")  # fmt: skip
    files = sorted(corpus.rglob("*.txt"))
    results: dict = {
        "reports": len(files),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }

    import jieba

    jieba.lcut("预热")  # both builds start with their dictionaries loaded
    jieba_tokenizer().lcut("预热")

    naive_dir, ours_dir = args.workdir / "naive", args.workdir / "index"
    if not args.reuse_index:
        time_builds(args, corpus, files, naive_dir, ours_dir, results)
    ix = SearchIndex.open(ours_dir)
    time_queries(args, ix, results)
    if not args.skip_copies:
        time_copies(ix, results)
    if args.pdfs:
        time_pdf(results, args.pdfs, args.seed)
    out = args.workdir / f"results-{len(files)}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"\nresults in {out}")
    return 0 if results["exact"] else 1


def time_builds(args, corpus: Path, files: list[Path], naive_dir: Path, ours_dir: Path, results: dict) -> None:
    """Build the naive index and ours from the same files, alternately `--build-runs` times;
    record the fastest time of each (noise from a shared machine only ever adds time),
    the peak memory and the sizes."""
    naive_runs: list[float] = []
    ours_runs: list[float] = []
    for _ in range(args.build_runs):
        for path in (naive_dir, ours_dir):
            shutil.rmtree(path, ignore_errors=True)
        if not args.skip_naive:
            with PeakMemory() as mem:
                started = time.perf_counter()
                naive_build(files, naive_dir)
                naive_runs.append(time.perf_counter() - started)
            results["naive_peak_mb"] = max(results.get("naive_peak_mb", 0), mem.peak / 2**20)
            results["naive_index_mb"] = dir_size(naive_dir) / 2**20
        with PeakMemory() as mem:
            started = time.perf_counter()
            summary = build_index([corpus], ours_dir, procs=args.procs)
            ours_runs.append(time.perf_counter() - started)
        assert not summary.failed, summary.failed[:3]
        results["index_peak_mb"] = max(results.get("index_peak_mb", 0), mem.peak / 2**20)
        results["index_mb"] = dir_size(ours_dir) / 2**20
    results["index_seconds"], results["index_runs"] = min(ours_runs), ours_runs
    if naive_runs:
        results["naive_seconds"], results["naive_runs"] = min(naive_runs), naive_runs
    print(f"\nindexing {len(files)} reports")
    if not args.skip_naive:
        results["index_speedup"] = results["naive_seconds"] / results["index_seconds"]
        rate = len(files) / results["naive_seconds"]
        print(f"  naive recipe  {results['naive_seconds']:8.1f}s  {rate:7.1f} reports/s"
              f"  peak {results['naive_peak_mb']:6.0f} MB  index {results['naive_index_mb']:6.0f} MB")  # fmt: skip
    rate = len(files) / results["index_seconds"]
    print(f"  xxgk index    {results['index_seconds']:8.1f}s  {rate:7.1f} reports/s"
          f"  peak {results['index_peak_mb']:6.0f} MB  index {results['index_mb']:6.0f} MB")  # fmt: skip
    results["fts5_files_seconds"] = fts5_from_files(files, args.workdir / "fts5-files.db")
    ratio = results["index_seconds"] / results["fts5_files_seconds"]
    print(f"  SQLite FTS5 (trigram) from the files, whole texts: {results['fts5_files_seconds']:.1f}s; "
          f"xxgk / FTS5 = {ratio:.1f}x (target ≤ 3)")  # fmt: skip
    if not args.skip_naive:
        runs = f"fastest of {args.build_runs}: naive {_seconds(naive_runs)}, xxgk {_seconds(ours_runs)}"
        print(f"  throughput ratio (xxgk / naive): {results['index_speedup']:.2f}x ({runs})")


def _seconds(runs: list[float]) -> str:
    return " ".join(f"{t:.1f}s" for t in runs)


def cold_search(ix: SearchIndex, text: str, filters) -> dict:
    """A search as a new query meets it: the generation's phrase and word caches emptied first (a repeat,
    or an earlier query sharing a word, would hit them)."""
    generation = ix.table().generation
    generation.phrases.clear()
    generation.words.clear()
    return search(ix, text, filters, Page(10, 1))


def hit_class(reports: int, total: int, text: str, options: dict) -> str:
    """The kind of query, for the distribution the query set must keep: by the share of reports it hits."""
    if options:
        return "filtered"
    if " OR " in text or " -" in text or " " in text.strip():
        return "boolean"
    share = reports / max(total, 1)
    return "rare <1%" if share < 0.01 else "mid 1-20%" if share < 0.2 else "20-50%" if share <= 0.5 else "common >50%"


def time_queries(args, ix: SearchIndex, results: dict) -> None:
    """Run the queries against the index, the in-memory Python scan, a C-speed scan and SQLite FTS5 (trigram);
    check every answer against the scan."""
    texts = load_sections(ix)
    total_reports = len({rid for rid, _, _, _ in texts})
    started = time.perf_counter()
    cscan = CScan(texts)
    cscan_build = time.perf_counter() - started
    fts = Fts5(texts, args.workdir / "fts5.db")
    results["fts5_build_seconds"], results["fts5_bytes"] = fts.build_seconds, fts.size
    print(f"\nSQLite FTS5 (trigram) index of the same sections: {fts.build_seconds:.1f}s, {fts.size / 2**20:.0f} MB; "
          f"C-scan buffer {cscan_build:.1f}s")  # fmt: skip
    times: dict[str, list[float]] = {"xxgk": [], "scan": [], "cscan": [], "fts5": []}
    rows, exact, classes = [], True, {}
    for text, options in QUERIES:
        filters, query = make_filters(**options), parse_query(text)
        allowed = [_section_ok(name, meta, filters) for _, name, _, meta in texts]
        truth = {(rid, name) for rid, name, norm, meta in texts if scan_match(name, norm, meta, query, filters)}
        answers = {
            "xxgk": match_keys(ix, text, filters),
            "cscan": cscan.search(query, allowed),
            "fts5": fts.search(query, allowed),
        }
        ok = {name: found == truth for name, found in answers.items()}
        exact &= ok["xxgk"]
        runs: dict[str, list[float]] = {name: [] for name in times}
        for _ in range(args.repeat):
            for name, run in (
                ("xxgk", partial(cold_search, ix, text, filters)),
                ("scan", partial(scan_search, texts, text, options)),
                ("cscan", partial(cscan.search, query, allowed)),
                ("fts5", partial(fts.search, query, allowed)),
            ):
                started = time.perf_counter()
                run()
                runs[name].append(time.perf_counter() - started)
        for name in times:
            times[name].append(statistics.median(runs[name]))
        reports = len({rid for rid, _ in truth})
        kind = hit_class(reports, total_reports, text, options)
        classes[kind] = classes.get(kind, 0) + 1
        rows.append((text, options, len(truth), kind, {n: times[n][-1] for n in times}, ok))
    print(f"\nqueries ({len(QUERIES)}): ms per query (top 10 with snippets for xxgk; the exact set for the others)")
    print(f"  {'query':<18} {'filters':<26} {'hits':>7} {'kind':<11} {'xxgk':>8} {'scan':>8} {'C-scan':>8} {'FTS5':>8}")
    for text, options, n, kind, t, ok in rows:
        extra = " ".join(f"{k}={v}" for k, v in options.items())
        marks = "" if all(ok.values()) else "  MISMATCH " + ",".join(k for k, v in ok.items() if not v)
        print(f"  {text[:18]:<18} {extra[:26]:<26} {n:7d} {kind:<11} " + " ".join(
            f"{t[name] * 1000:8.1f}" for name in ("xxgk", "scan", "cscan", "fts5")) + marks)  # fmt: skip
    print("  query set: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())))
    for name, values in times.items():
        for q, p in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
            results[f"{name}_{q}_ms"] = percentile(values, p) * 1000
    results["query_p50_ratio"] = results["scan_p50_ms"] / results["xxgk_p50_ms"]
    results["query_p95_ratio"] = results["scan_p95_ms"] / results["xxgk_p95_ms"]
    results["exact"] = exact
    results["query_classes"] = classes
    print(f"  {'':<18} {'p50 / p95 / max':<26}")
    for name in times:
        print(f"  {name:<8} p50 {results[f'{name}_p50_ms']:7.1f}  p95 {results[f'{name}_p95_ms']:7.1f}  "
              f"max {results[f'{name}_max_ms']:7.1f} ms")  # fmt: skip
    print(f"  xxgk p95 / C-scan p95: {results['xxgk_p95_ms'] / results['cscan_p95_ms']:.2f} (target ≤ 1); "
          f"xxgk p50 / FTS5 p50: {results['xxgk_p50_ms'] / results['fts5_p50_ms']:.2f} (target ≤ 1)")  # fmt: skip
    print(f"  exact on every query: {exact}")


def _section_ok(name: str, meta: dict, filters) -> bool:
    return (not filters.sections or name in filters.sections) and _meta_ok(meta, filters)


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
