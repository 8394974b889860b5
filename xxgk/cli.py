"""The `xxgk` command line: thin commands over the index and search libraries."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from index.errors import ParseError
from index.parse import parse_file
from index.report import SECTIONS, Report

EXIT_OK, EXIT_FAILED = 0, 2


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xxgk", description="Search, compare and audit 政府信息公开工作年度报告.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("parse", help="parse report files", description=cmd_parse.__doc__)
    p.add_argument("files", nargs="+", metavar="FILE", help=".txt, .html or .htm report files")
    p.add_argument("--json", action="store_true", help="one JSON object per report, one per line")
    p.set_defaults(func=cmd_parse)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `xxgk parse … | head`
        return EXIT_OK
