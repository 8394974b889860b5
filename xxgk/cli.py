"""The `xxgk` command line: thin commands over the index and search libraries."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from index.build import build_index
from index.errors import ParseError
from index.parse import parse_file
from index.report import SECTIONS, Report
from index.store import IndexBusy, IndexMissing, open_index
from search.engine import MAX_LIMIT, Page, search
from search.errors import QueryError
from search.filters import make_filters

from .progress import ProgressBar

EXIT_OK, EXIT_FAILED, EXIT_BUSY = 0, 2, 3
DEFAULT_INDEX = "var/index"
DEFAULT_CORPUS = "corpus"


def _summary(report: Report) -> str:
    """Given a report, return the readable block `xxgk parse` prints for it."""
    lines = [
        f"{report.source}",
        f"  id        {report.id}",
        f"  title     {report.title or '(none)'}",
        f"  agency    {report.agency or '(unknown)'}",
        f"  year      {report.year or '(unknown)'}",
        f"  template  {report.template}",
    ]
    sizes = ", ".join(f"{name} {len(report.section(name))}" for name in SECTIONS if report.spans.get(name))
    lines.append(f"  sections  {sizes}" + ("" if report.split else "  (五 not split)"))
    if report.figures:
        lines.append(
            f"  figures   {len(report.figures)} read, {len(report.inferred)} inferred, {len(report.blank)} blank"
        )
    errors = [f for f in report.findings if f.severity == "error"]
    lines.append(f"  audit     {len(errors)} errors, {len(report.findings) - len(errors)} warnings")
    lines.extend(f"    [{f.severity} {f.rule}] {f.message}" for f in report.findings)
    return "\n".join(lines)


def cmd_parse(args: argparse.Namespace) -> int:
    """Parse report files and print a summary, or one JSON object per line with --json.

    Example: xxgk parse corpus/*.txt --json
    """
    failed = 0
    for path in args.files:
        try:
            report = parse_file(path)
        except ParseError as exc:
            failed += 1
            print(f"xxgk parse: {exc}", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            print(_summary(report))
    return EXIT_FAILED if failed else EXIT_OK


def cmd_index(args: argparse.Namespace) -> int:
    """Bring the index up to date with the corpus: add new reports, replace changed ones, drop deleted ones.

    Example: xxgk index --corpus corpus --corpus ../more-reports --index var/index
    """
    corpus = args.corpus or [DEFAULT_CORPUS]
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() and not args.quiet else None
    try:
        summary = build_index(corpus, args.index, procs=args.procs, wait=args.wait, progress=bar)
    except IndexBusy as exc:
        print(f"xxgk index: {exc}", file=sys.stderr)
        return EXIT_BUSY
    finally:
        if bar:
            bar.close()
    counts = summary.counts()
    print(", ".join(f"{n} {name}" for name, n in counts.items()) + f" — index in {args.index}")
    for source, twin in summary.duplicates:
        print(f"  duplicate (same bytes as {twin}): {source}")
    for source, reason in summary.failed:
        print(f"xxgk index: {source}: {reason}", file=sys.stderr)
    return EXIT_FAILED if summary.failed else EXIT_OK


def _print_hits(result: dict) -> None:
    print(f"{result['total']} sections in {result['reports']} reports match {result['query']!r}")
    for hit in result["hits"]:
        text, marked, pos = hit["snippet"], [], 0
        for start, end in hit["spans"]:
            marked += [text[pos:start], "【", text[start:end], "】"]
            pos = end
        marked.append(text[pos:])
        extra = f" (also {', '.join(s for s in hit['sections'] if s != hit['section'])})" if hit.get("sections") else ""
        print(f"\n{hit['agency'] or '(agency unknown)'} {hit['year'] or ''} · {hit['section']}{extra} · {hit['score']}")
        print(f"  {''.join(marked)}")
        print(f"  report {hit['report_id']}")


def cmd_search(args: argparse.Namespace) -> int:
    """Search the reports' text: a bare phrase matches exactly; spaces mean AND; OR; -term excludes.

    Example: xxgk search 更新不及时 --section narrative --year 2020-2022 --where "applications.new.total>=10"
    """
    try:
        filters = make_filters(args.section or (), args.year, args.agency, args.template, args.where or ())
        result = search(
            open_index(args.index),
            args.query,
            filters,
            Page(args.limit, args.page),
            by_report=args.by_report,
            sort=args.sort,
        )
    except (QueryError, IndexMissing) as exc:
        print(f"xxgk search: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        _print_hits(result)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xxgk", description="Search, compare and audit 政府信息公开工作年度报告.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("parse", help="parse report files", description=cmd_parse.__doc__)
    p.add_argument("files", nargs="+", metavar="FILE", help=".txt, .html or .htm report files")
    p.add_argument("--json", action="store_true", help="one JSON object per report, one per line")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("index", help="build or update the search index", description=cmd_index.__doc__)
    p.add_argument(
        "--corpus", action="append", metavar="DIR", help=f"report folder or file (repeatable; default {DEFAULT_CORPUS})"
    )
    p.add_argument("--index", default=DEFAULT_INDEX, metavar="DIR", help=f"index folder (default {DEFAULT_INDEX})")
    p.add_argument("--procs", type=int, default=2, help="writer processes for large batches (default 2)")
    p.add_argument("--wait", type=float, default=10.0, help="seconds to wait for another build to finish (default 10)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="search the indexed reports", description=cmd_search.__doc__)
    p.add_argument("query", help='e.g. 更新不及时, "政务 新媒体", 人员 OR 编制 -兼职')
    p.add_argument(
        "--section", action="append", metavar="S", help="section(s), or narrative = problems+improvements, all"
    )
    p.add_argument("--year", metavar="Y|Y1-Y2", help="a year or a range")
    p.add_argument("--agency", metavar="A", help="agency name contains A")
    p.add_argument("--template", choices=("2021", "2019", "legacy", "unknown"))
    p.add_argument("--where", action="append", metavar="EXPR", help="figure condition, e.g. applications.new.total>=10")
    p.add_argument("--limit", type=int, default=10, help=f"hits per page (1-{MAX_LIMIT}, default 10)")
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--sort", choices=("relevance", "year"), default="relevance")
    p.add_argument("--by-report", action="store_true", help="one hit per report, its best section first")
    p.add_argument("--index", default=DEFAULT_INDEX, metavar="DIR")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `xxgk parse … | head`
        return EXIT_OK
