"""How many table cells read back right when reports are published in other layouts.

    python -m bench.accuracy [--synthetic 40] [--seed 1] [--ocr 2]

Real reports (corpus/ and its development reports in corpus/dev) whose every cell
was read, and synthetic reports with varied figures, are rendered
anew in each layout of bench/render.py and parsed; every figure is compared
with what was rendered. A cell is right, wrong (a different number: the one
outcome that must not happen silently) or missing (left out, with a finding);
"false" counts arithmetic errors raised that the rendered numbers do not have, and
"missed" those they have that were not raised (every other synthetic report
carries an error of the agency's own: a cell one more than its row adds up to).
The agency each rendering names is checked too (one layout names it only in a
sentence of the body, in traditional script). Reports before 2019 have their
statistics table rendered the same ways (real ones, and with new numbers).
With --ocr, that many reports are printed to PDF, scanned (pages as pictures)
and read by OCR, as is the published PDF of corpus/pdf; without it the
published PDF is compared with its figures as published.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from index.reader.audit.arithmetic import audit
from index.reader.errors import ParseError
from index.reader.parse import parse_bytes, parse_file, parse_text
from index.reader.text.agency import agency_key

from . import render as R
from .synth import ROOT, SyntheticCorpus


@dataclass(frozen=True)
class Layout:
    """A way reports are published: a variant of the document (blank marks …), then a rendering."""

    render: Callable[[R.Document], tuple[bytes, str]]
    variant: Callable[[R.Document, random.Random], R.Document] | None = None

    def __call__(self, doc: R.Document, rng: random.Random) -> tuple[R.Document, bytes, str]:
        """Given a document, return the document as published (what must read back) and its file."""
        doc = self.variant(doc, rng) if self.variant else doc
        return (doc, *self.render(doc))


def _text(fn, variant=None) -> Layout:
    return Layout(lambda doc: (fn(doc).encode("utf-8"), ".txt"), variant)


def _blanks(marks=None):
    return lambda doc, rng: R.with_blanks(doc, rng, marks=marks)


LAYOUTS: dict[str, Layout] = {
    "tabs (Word export)": _text(R.to_tabs),
    "tabs, merged cells once": _text(lambda d: R.to_tabs(d, grid=False)),
    "markdown": _text(R.to_markdown),
    "web page": Layout(lambda d: (R.to_html(d).encode("utf-8"), ".html")),
    "Word .docx": Layout(lambda d: (R.to_docx(d), ".docx")),
    "PDF": Layout(lambda d: (R.to_pdf(d), ".pdf")),
    "PDF text, spaced": _text(R.to_spaced),
    "one cell per line": _text(R.to_cell_lines),
    "one cell per line, pipes": _text(R.to_pipe_lines),
    "blank marks, one cell per line": _text(R.to_cell_lines, _blanks(R.BLANK_MARKS[1:])),
    "blank marks, pipes": _text(R.to_pipe_lines, _blanks()),
    "labels first": _text(R.to_labels_first),
    "labels wrapped over two lines": _text(lambda d: R.wrapped_labels(R.to_spaced(d))),
    "labels first, by column": _text(lambda d: R.to_labels_first(d, column_major=True)),
    "labels first, by column, by page": _text(lambda d: R.to_labels_first(d, column_major=True, pages=2)),
    "glued (crawled)": _text(R.to_glued),
    "blank marks, tabs": _text(R.to_tabs, _blanks()),
    "blank marks, web page": Layout(lambda d: (R.to_html(d).encode(), ".html"), _blanks()),
    "blank marks, spaced": _text(R.to_spaced, _blanks(R.BLANK_MARKS[1:])),
    "blank marks, PDF": Layout(lambda d: (R.to_pdf(d), ".pdf"), _blanks()),
    "label typos, tabs": _text(lambda d: R.to_tabs(R.with_typos(d))),
    "label typos, PDF": Layout(lambda d: (R.to_pdf(R.with_typos(d)), ".pdf")),
    "四 as three tables, markdown": _text(lambda d: R.to_markdown(R.review_split(d))),
    "四 as three tables, tabs": _text(lambda d: R.to_tabs(R.review_split(d))),
    "四 header scrambled": _text(lambda d: R.scrambled_review(R.to_spaced(d))),
    "二 without captions": _text(lambda d: R.to_tabs(R.without_captions(d))),
    "二 without captions, spaced": _text(lambda d: R.to_spaced(R.without_captions(d))),
    "cells with notes": _text(lambda d: R.to_tabs(R.with_note(d))),
    "glued, signed changes": _text(lambda d: R.to_glued(R.with_signs(d))),
    "units in cells, tabs": _text(lambda d: R.to_tabs(R.with_units(d))),
    "units in cells, spaced": _text(lambda d: R.to_spaced(R.with_units(d))),
    "glued, units and signs": _text(lambda d: R.to_glued(R.with_units(R.with_signs(d)))),
    "flip-book, 四 header vertical": _text(lambda d: R.flip_book(R.to_spaced(d), "vertical")),
    "flip-book, 四 header in halves": _text(lambda d: R.flip_book(R.to_spaced(d), "halves")),
    "untitled, traditional script": _text(R.to_tabs, lambda d, rng: R.untitled_traditional(d)),
}
PDF_TEXT = {
    "PDF text (pdfplumber)": _text(lambda d: R.pdf_text(R.to_pdf(d))),
    "PDF text (pdfplumber), blank marks": _text(lambda d: R.pdf_text(R.to_pdf(d)), _blanks(R.BLANK_MARKS[1:])),
    "PDF text (pdfminer)": _text(lambda d: R.pdf_text(R.to_pdf(d), "pdfminer")),
    "PDF text (pdfium)": _text(lambda d: R.pdf_text(R.to_pdf(d), "pdfium")),
}
if shutil.which("pdftotext"):  # poppler-utils, when installed
    PDF_TEXT["pdftotext"] = _text(lambda d: R.pdf_text(R.to_pdf(d), "pdftotext"))
    PDF_TEXT["pdftotext -layout"] = _text(lambda d: R.pdf_text(R.to_pdf(d), "pdftotext -layout"))
LAYOUTS |= PDF_TEXT
ONLY_2019 = {"三 without 总计": _text(lambda d: R.to_tabs(R.without_totals(d)))}
# the layouts of a report before 2019, whose one table is its statistics table
LEGACY_LAYOUTS = [
    "tabs (Word export)", "markdown", "web page", "Word .docx", "PDF", "PDF text, spaced", "one cell per line",
    "one cell per line, pipes", "blank marks, one cell per line", "blank marks, pipes", "glued (crawled)",
    "blank marks, tabs", "blank marks, web page", "blank marks, spaced", "blank marks, PDF",
    "untitled, traditional script", *PDF_TEXT,
]  # fmt: skip
SCANNED = Layout(lambda d: (R.scanned(R.to_pdf(d)), ".pdf"))


@dataclass
class Score:
    right: int = 0
    wrong: int = 0
    missing: int = 0
    silent: int = 0  # wrong cells in a report without a single finding
    failed: int = 0  # files that did not parse at all
    agencies: int = 0  # renderings whose agency is known
    agencies_right: int = 0  # … read as that agency (as printed, in either script)
    false_alarms: int = 0  # arithmetic errors raised that the published numbers do not have
    missed: int = 0  # arithmetic errors the published numbers have that were not raised

    @property
    def cells(self) -> int:
        return self.right + self.wrong + self.missing

    def add(self, truth: dict, figures: dict, findings: int) -> None:
        for key, value in truth.items():
            if key not in figures:
                self.missing += 1
            elif figures[key] == value or (value != R.BLANK != figures[key] and abs(figures[key] - value) < 1e-6):
                self.right += 1
            else:
                self.wrong += 1
                self.silent += findings == 0

    def add_alarms(self, truth: dict, report) -> None:
        published, raised = alarms(truth, report)
        self.false_alarms += len(raised - published)
        self.missed += len(published - raised)

    def add_agency(self, printed: str, read: str | None) -> None:
        if printed:
            self.agencies += 1
            self.agencies_right += read is not None and agency_key(read) == agency_key(printed)

    def merge(self, other: Score) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self, name: str) -> str:
        share = 100 * self.right / self.cells if self.cells else 0.0
        agency = f"{self.agencies_right}/{self.agencies}" if self.agencies else "-"
        counts = f"{self.wrong:6} {self.silent:6} {self.missing:7} {agency:>8} {self.false_alarms:6} {self.missed:6}"
        return f"{name:34} {self.cells:7} {share:7.2f}% {counts}"


def alarms(truth: dict, report) -> tuple[set, set]:
    """Given what a rendering must read back as (R.truth) and the report read from it, return the arithmetic
    errors (rule, place) its printed numbers have and those the reading raised."""
    figures = {k: v for k, v in truth.items() if v != R.BLANK}
    blank = [k for k, v in truth.items() if v == R.BLANK]
    published = {(f.rule, f.location) for f in audit(figures, blank) if f.severity == "error"}
    raised = {(f.rule, f.location) for f in report.findings if f.severity == "error" and f.rule[0] in "EIS"}
    return published, raised


def _table_findings(report) -> int:
    """Findings on the tables (a wrong cell they flag is not silent); the text's and the office's do not count."""
    return sum(not f.rule.startswith(("T", "P")) for f in report.findings)


@cache  # the real reports, parsed once for the documents of both formats
def _real_reports() -> list:
    files = sorted((ROOT / "corpus").glob("*.txt")) + sorted((ROOT / "corpus" / "dev").glob("*.txt"))
    return [parse_file(f) for f in files]


def documents(synthetic: int, seed: int) -> list[R.Document]:
    """Real reports whose every cell was read, then synthetic ones, as documents to render."""
    docs = [R.document(r) for r in _real_reports() if R.readable(r)]
    corpus = SyntheticCorpus(seed=seed)
    for i in range(synthetic):  # every other one with an arithmetic error of the agency's own, to be caught
        doc = R.document(parse_text(corpus.report(i).text))
        docs.append(R.with_error(doc, random.Random(f"{seed}:{i}")) if i % 2 else doc)
    return docs


def legacy_documents(seed: int, variants: int = 3) -> list[R.Document]:
    """Reports before 2019 whose statistics table was read: each as published, and with new numbers."""
    real = [r for r in _real_reports() if R.legacy_readable(r)]
    docs = [R.legacy_document(r) for r in real]
    docs += [
        R.legacy_document(r, random.Random(f"{seed}:{i}:{v}")) for i, r in enumerate(real) for v in range(variants)
    ]
    return docs


def measure(docs: list[R.Document], seed: int, layouts: dict[str, Layout] | None = None) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for i, doc in enumerate(docs):
        chosen = layouts or LAYOUTS | (ONLY_2019 if doc.template == "2019" and not doc.erred else {})
        for name, layout in chosen.items():
            published, data, suffix = layout(doc, random.Random(f"{seed}:{i}:{name}"))
            score = scores.setdefault(name, Score())
            try:
                report = parse_bytes(data, f"{name}{suffix}", suffix)
            except ParseError:
                score.failed += 1
                score.missing += len(R.truth(published))
                continue
            score.add(R.truth(published), R.readout(report), _table_findings(report))
            score.add_alarms(R.truth(published), report)
            score.add_agency(published.agency, report.agency)
    return scores


def published_pdf(scan: bool = False) -> Score | None:
    """The published PDF of corpus/pdf against the figures read from its page images (scanned: its pages
    made pictures first, and read by OCR)."""
    folder = ROOT / "corpus" / "pdf"
    score = Score()
    for pdf in sorted(folder.glob("*.pdf")) if folder.is_dir() else []:
        truth = json.loads(pdf.with_suffix(".figures.json").read_text(encoding="utf-8"))
        data = pdf.read_bytes()
        report = parse_bytes(R.scanned(data) if scan else data, pdf.name, ".pdf")
        score.add(truth, report.figures, _table_findings(report))
        score.add_agency(pdf.stem.split("-")[0], report.agency)
    return score if score.cells else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.accuracy", description=__doc__.split("\n\n")[0])
    ap.add_argument("--synthetic", type=int, default=40, help="synthetic reports besides the real ones (default 40)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ocr", type=int, default=0, help="reports to print, scan and read by OCR (slow; default 0)")
    args = ap.parse_args(argv)
    docs = documents(args.synthetic, args.seed)
    print(
        f"{len(docs)} reports ({len(docs) - args.synthetic} real, {args.synthetic} synthetic), each in every layout\n"
    )
    total = _table(measure(docs, args.seed))
    legacy = legacy_documents(args.seed)
    print(f"\nreports before 2019: {len(legacy)} statistics tables (real ones, and each with new numbers)\n")
    total.merge(_table(measure(legacy, args.seed, {name: LAYOUTS[name] for name in LEGACY_LAYOUTS})))
    if args.ocr:
        print(f"\nscanned (pages as pictures, read by OCR): {args.ocr} reports\n")
        total.merge(_table(measure(docs[: args.ocr], args.seed, {"scanned PDF": SCANNED})))
    print(f"\n{total.line('all of the above')}")
    pdf = published_pdf(scan=args.ocr > 0)
    if pdf:
        how = "scanned and read by OCR" if args.ocr else "as published"
        print(f"\nthe published PDF of corpus/pdf, {how}: {pdf.right}/{pdf.cells} right, ", end="")
        print(f"{pdf.wrong} wrong, {pdf.missing} missing; agency {pdf.agencies_right}/{pdf.agencies}")
    return 0


def _table(scores: dict[str, Score]) -> Score:
    """Print one line per layout and one for them all; return the sum."""
    heads = f"{'wrong':>6} {'silent':>6} {'missing':>7} {'agency':>8} {'false':>6} {'missed':>6}"
    print(f"{'layout':34} {'cells':>7} {'right':>8} {heads}")
    total = Score()
    for name, s in scores.items():
        print(s.line(name))
        total.merge(s)
    print(total.line("all layouts"))
    return total


if __name__ == "__main__":
    sys.exit(main())
