"""Every layout reports are published in reads back: the bundled reports' tables re-rendered each way.

The layouts are bench/render.py's (the ones `python -m bench.accuracy` measures): web pages,
Word and PDF files, PDF text extraction, one cell per line, labels far from their numbers,
blank marks, label typos, table 四 split or under a scrambled header, table 二 without its
captions, cells with notes, signs and measure words in cells, flip-book pages, the agency
named only in the body in traditional script, table 三 without its 总计 column; and reports
before 2019, their statistics table in every layout that applies to it. Each must give back
every figure exactly and name its agency, except digits glued together by a crawler, which
may be left out (never misread) and then come with a finding.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench import render as R
from bench.accuracy import LAYOUTS, LEGACY_LAYOUTS, ONLY_2019, alarms, legacy_documents
from bench.synth import SyntheticCorpus
from index.reader import parse_bytes, parse_file, parse_text
from index.reader.text.agency import agency_key

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "corpus" / "dev"
# crawlers that glue digits together lose cells they cannot split unambiguously; pdfminer prints a ruled
# table's text boxes in an order that rarely tells which number is whose (read where it does)
MAY_MISS = {name for name in LAYOUTS if name.startswith("glued")} | {"PDF text (pdfminer)"}


def _reports() -> list:
    files = sorted((ROOT / "corpus").glob("*.txt"))
    if DEV.is_dir():
        files += sorted(DEV.glob("*.txt"))
    real = [r for r in map(parse_file, files) if R.readable(r)]
    corpus = SyntheticCorpus(seed=11)
    return real + [parse_text(corpus.report(i).text) for i in range(4)]


REPORTS = _reports()
BUNDLED = {r.source for r in REPORTS if not r.source.startswith("<")}


def _cases():
    for name, layout in (LAYOUTS | ONLY_2019).items():
        yield pytest.param(name, layout, id=name)


@pytest.mark.parametrize(("name", "layout"), list(_cases()))
def test_layout_reads_back(name, layout):
    checked = 0
    for i, original in enumerate(REPORTS):
        doc = R.document(original)
        if name in ONLY_2019 and doc.template != "2019":
            continue
        if original.source not in BUNDLED and i % 2 and name not in ONLY_2019:  # an error of the agency's own
            doc = R.with_error(doc, random.Random(i))
        _reads_back(name, layout, doc, random.Random(f"{name}:{i}"))
        checked += 1
    assert checked >= 2


LEGACY = legacy_documents(seed=3, variants=1) if DEV.is_dir() else []


@pytest.mark.skipif(not LEGACY, reason="the development reports (corpus/dev) are not here")
@pytest.mark.parametrize("name", LEGACY_LAYOUTS)
def test_statistics_table_of_a_report_before_2019_reads_back(name):
    """Real statistics tables, and the same with other numbers (decimals in 万元, zeros, blanks)."""
    for i, doc in enumerate(LEGACY):
        _reads_back(name, LAYOUTS[name], doc, random.Random(f"{name}:{i}"))


def _reads_back(name: str, layout, doc: R.Document, rng: random.Random) -> None:
    published, data, suffix = layout(doc, rng)
    report = parse_bytes(data, f"report{suffix}", suffix)
    where = f"{doc.agency} {doc.year}"
    truth, got = R.truth(published), R.readout(report)
    wrong = {k: (v, got[k]) for k, v in truth.items() if got.get(k, v) != v}
    missing = sorted(set(truth) - set(got))
    assert not wrong, f"{where}: misread {wrong}"
    if name in MAY_MISS:
        assert not missing or report.findings, f"{where}: cells left out without a finding"
    else:
        assert not missing, f"{where}: not read {missing[:5]}"
    assert report.year == doc.year
    # the arithmetic errors the printed numbers have are raised (where their cells were read), and no other
    published, raised = alarms(truth, report)
    assert raised <= published, f"{where}: false alarms {raised - published}"
    if name not in MAY_MISS:
        assert raised == published, f"{where}: missed {published - raised}"
    if doc.agency:
        assert report.agency and agency_key(report.agency) == agency_key(doc.agency), f"{where}: {report.agency}"


def test_real_reports_are_among_the_rendered():
    # the layouts are tried on the bundled real reports, not only on synthetic ones
    bundled = {parse_file(p).source for p in (ROOT / "corpus").glob("*.txt")}
    assert sum(r.source in bundled for r in REPORTS) >= 4


FIXTURES = ROOT / "tests" / "fixtures" / "pdftotext"
SEEDS = {"zhengzhou-2021": "2021-郑州", "henan-2020": "2020-河南", "zhengdong-2022": "2022-郑东"}


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.txt")), ids=lambda p: p.name)
def test_pdftotext_output_of_the_bundled_reports(fixture):
    # poppler's pdftotext on the bundled reports rendered as PDF (kept as text: CI has no poppler):
    # plain output prints one cell a line with labels far from their numbers, -layout keeps columns by spaces
    seed = next((ROOT / "corpus").glob(SEEDS[fixture.name.split(".")[0]] + "*"))
    truth = R.document(parse_file(seed)).figures
    report = parse_text(fixture.read_text(encoding="utf-8"))
    assert report.figures == truth
    assert not [f for f in report.findings if f.severity == "error"]
