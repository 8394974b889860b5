"""What every report reads as, saved, and compared between two versions of the parser.

    python -m bench.readings save before.json [FOLDER ...]
    python -m bench.readings diff before.json after.json

`save` parses every report file under the folders (default: corpus/, tests/fixtures/ and,
when present, ../shared) and writes, per file, what `xxgk parse --json` shows of it: agency,
year, format, each cell's state and number, and the findings' rules. `diff` lists every cell
whose reading changed (a number, blank, unread), every changed title field and the findings
gained or lost, so that a change to the parser can show nothing read before was lost.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from index.reader.errors import ParseError
from index.reader.parse import parse_file
from index.reader.tables.layout import figure_label

from .synth import ROOT

SUFFIXES = {".txt", ".html", ".htm", ".pdf", ".docx", ".doc", ".xlsx"}


def _folders(given: list[str]) -> list[Path]:
    if given:
        return [Path(f) for f in given]
    return [p for p in (ROOT / "corpus", ROOT / "tests" / "fixtures", ROOT.parent / "shared") if p.is_dir()]


def reading(path: Path) -> dict:
    """Given a report file, return what it reads as: title fields, every cell, the findings' rules."""
    try:
        report = parse_file(path)
    except ParseError as e:
        return {"error": e.reason}
    cells = {k: report.figures[k] for k in report.figures} | dict.fromkeys(report.blank, "（空白）")
    return {
        "agency": report.agency,
        "year": report.year,
        "template": report.template,
        "cells": cells,
        "inferred": sorted(report.inferred),
        "findings": sorted(Counter(f.rule for f in report.findings).items()),
    }


def save(out: Path, folders: list[Path]) -> int:
    readings = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix.lower() in SUFFIXES:
                readings[str(path.relative_to(folder.parent))] = reading(path)
    out.write_text(json.dumps(readings, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    print(f"{len(readings)} files read into {out}")
    return 0


def diff(before: dict, after: dict) -> list[str]:
    """Given two saved readings, return a line per change."""
    lines = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None or new is None:
            lines.append(f"{name}: {'new file' if old is None else 'file gone'}")
            continue
        for field in ("error", "agency", "year", "template"):
            if old.get(field) != new.get(field):
                lines.append(f"{name}: {field} {old.get(field)!r} → {new.get(field)!r}")
        a, b = old.get("cells", {}), new.get("cells", {})
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                lines.append(f"{name}: {figure_label(key)} ({key}) {a.get(key, '未读出')} → {b.get(key, '未读出')}")
        gained = Counter(dict(new.get("findings", []))) - Counter(dict(old.get("findings", [])))
        lost = Counter(dict(old.get("findings", []))) - Counter(dict(new.get("findings", [])))
        if gained or lost:
            lines.append(f"{name}: findings +{dict(gained)} −{dict(lost)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.readings", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("save", help="read every report file and save what it reads as")
    s.add_argument("out", type=Path)
    s.add_argument("folders", nargs="*")
    d = sub.add_parser("diff", help="list every reading that changed between two saves")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    args = ap.parse_args(argv)
    if args.command == "save":
        return save(args.out, _folders(args.folders))
    load = [json.loads(p.read_text(encoding="utf-8")) for p in (args.before, args.after)]
    lines = diff(*load)
    print("\n".join(lines) if lines else "no reading changed")
    cells = sum("→" in line and "findings" not in line for line in lines)
    print(f"\n{len(load[1])} files; {cells} cells or title fields changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
