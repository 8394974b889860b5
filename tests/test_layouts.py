"""The same real reports re-published the ways crawlers and converters publish them.

A report's tables must read the same whether its cells are tab-separated,
in an HTML table, glued together by a crawler that dropped the borders, or
separated by single spaces.
"""

from __future__ import annotations

import html
import re

import pytest

from index.reader.parse import parse_file, parse_text
from index.reader.tables.layout import review_keys

from .conftest import CORPUS_FILES, corpus_file

# Reports whose table 三 has its 总计 column (the glued reading needs it to split).
WITH_TOTALS = [p for p in CORPUS_FILES if "河南科技园区" not in p.name]


def table_figures(report) -> dict:
    return {k: v for k, v in report.figures.items() if k.startswith(("applications.", "review.", "litigation_"))}


def glue_cells(text: str) -> str:
    """Given a report, return it as a crawler flattens it: one line, table cells run together."""
    return re.sub(r"\s*\n\s*", "", text.replace("\t", ""))


def to_html(text: str) -> str:
    """Given a tab-separated report, return it as an HTML page with real tables."""
    out, rows = ["<html><head><title>x</title><style>p{}</style></head><body>"], []
    for line in [*text.split("\n"), ""]:
        if "\t" in line:
            cells = "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t"))
            rows.append(f"<tr>{cells}</tr>")
            continue
        if rows:
            out.append("<table>" + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            out.append(f"<p>{html.escape(line)}</p>")
    return "\n".join([*out, "<script>var x = '<p>not text</p>';</script></body></html>"])


@pytest.mark.parametrize("path", WITH_TOTALS, ids=lambda p: p.stem)
def test_glued_cells_split_by_arithmetic(path):
    plain = parse_file(path)
    glued = parse_text(glue_cells(path.read_text(encoding="utf-8")), source="glued")
    want, got = table_figures(plain), table_figures(glued)
    # rows printed with blank cells lose them when glued ("0" for seven cells): those
    # may be unreadable, but nothing read may differ and every full row must be read
    rows = {k.rsplit(".", 1)[0] for k in want}
    gapped_rows = {k.rsplit(".", 1)[0] for k in [*plain.blank, *plain.inferred]}
    gapped_rows |= {r for r in rows if f"{r}.total" not in want}
    assert got == {k: want[k] for k in got}
    assert {k for k in want if k.rsplit(".", 1)[0] not in gapped_rows} <= set(got)
    assert {k for k in got if k.startswith("applications.")} <= set(glued.inferred)
    assert not [f for f in glued.findings if f.severity == "error"]


def test_glued_nonzero_rows_are_marked_inferred():
    path = corpus_file("2021-郑州")
    glued = parse_text(glue_cells(path.read_text(encoding="utf-8")), source="glued")
    # "134003020" can only be 13 4 0 0 3 0 20: the six cells must add up to the last
    assert [
        glued.figures[f"applications.new.{c}"] for c in ("natural_person", "business", "legal_service", "total")
    ] == [
        13,
        4,
        3,
        20,
    ]
    assert "applications.new.total" in glued.inferred
    assert [glued.figures[k] for k in review_keys()] == [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1]


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_space_separated_cells_read_directly(path):
    plain = parse_file(path)
    spaced = parse_text(path.read_text(encoding="utf-8").replace("\t", " "), source="spaced")
    for key in table_figures(spaced):
        if key in plain.blank:  # an empty field leaves no trace between spaces: a zero row's cell is inferred 0
            assert spaced.figures[key] == 0 and key in spaced.inferred, key
        else:
            assert spaced.figures[key] == plain.figures[key], key


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_html_tables_read_like_tab_separated_text(path, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(to_html(path.read_text(encoding="utf-8")), encoding="utf-8")
    from_html, plain = parse_file(page), parse_file(path)
    assert (from_html.title, from_html.agency, from_html.year, from_html.template) == (
        plain.title,
        plain.agency,
        plain.year,
        plain.template,
    )
    assert from_html.figures == plain.figures
    assert from_html.blank == plain.blank
    assert "not text" not in from_html.body


def test_gb18030_and_crlf_give_the_same_report(tmp_path):
    path = corpus_file("2021-郑州")
    text = path.read_text(encoding="utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    plain = parse_file(path)
    for other in (parse_file(gbk), parse_file(bom)):
        assert other.body == plain.body
        assert other.figures == plain.figures
        assert other.sections == plain.sections


def test_table_cut_off_mid_row_leaves_the_rest_missing_with_a_finding():
    # a page truncated inside table 三: the row of 属于国家秘密 printed with 3 of its 7 cells, nothing after
    text = corpus_file("2021-郑州").read_text(encoding="utf-8")
    cut = text.index("1.属于国家秘密")
    row_end = text.index("\n", cut)
    line = text[text.rindex("\n", 0, cut) + 1 : row_end]
    truncated = text[: text.rindex("\n", 0, cut) + 1] + "\t".join(line.split("\t")[:5])
    report = parse_text(truncated)
    full = parse_file(corpus_file("2021-郑州")).figures
    # what was printed before the cut reads as in the whole report, and nothing is completed with zeros
    assert report.figures["applications.granted.total"] == full["applications.granted.total"]
    assert "applications.denied.state_secret.total" not in report.figures
    assert "applications.total.total" not in report.figures
    assert all(report.figures[k] == full[k] for k in report.figures)
    assert [f for f in report.findings if f.rule == "incomplete"]


def test_one_cell_a_line_closed_by_pipes_on_a_non_zero_table():
    """`规章 |` / `0 |` / `3 |` …: every cell from its own line, a blank one (`|`, `— |`) kept in its place, never
    a cell made of the empty field beside a pipe. A synthetic report's non-zero tables, re-printed so."""
    import random

    from bench import render as R
    from bench.synth import SyntheticCorpus

    doc = R.document(parse_text(SyntheticCorpus(seed=5).report(2).text))
    truth = R.truth(doc)
    assert sum(v not in ("0", "（空白）") for v in truth.values()) >= 20
    assert R.readout(parse_text(R.to_pipe_lines(doc))) == truth
    blanked = R.with_blanks(doc, random.Random(3), marks=["", "—", "/"])
    want = R.truth(blanked)
    assert "（空白）" in want.values()
    assert R.readout(parse_text(R.to_pipe_lines(blanked))) == want


@pytest.mark.parametrize("at", [0.3, 0.5, 0.7])
def test_row_labels_wrapped_over_two_lines(at):
    """`（二）部分公开（区分处理的，只计这一情` / `形，不计其他情形） 447 7 0 0 0 0 454`: the numbers belong to the
    row both lines name (the second half alone, 不计其他情形, could name （六）其他处理)."""
    from bench import render as R
    from bench.synth import SyntheticCorpus

    reports = [parse_text(SyntheticCorpus(seed=5).report(i).text) for i in range(4)]
    reports += [r for r in map(parse_file, CORPUS_FILES) if R.readable(r)]
    for report in reports:
        doc = R.document(report)
        wrapped = R.wrapped_labels(R.to_spaced(doc), at)
        assert wrapped.count("\n") > R.to_spaced(doc).count("\n") + 10
        assert R.readout(parse_text(wrapped)) == R.truth(doc), f"{report.agency} {report.year}"


def _art20_paragraphs(doc) -> str:
    """The document with table 二 printed a cell a paragraph, `_` for each empty grid cell (a Word file's
    table pasted as paragraphs); the other tables tab-separated."""
    from bench import render as R

    out = []
    for block in doc.blocks:
        if isinstance(block, str):
            out.append(block)
        elif block.name == "二":
            out += [(c.text if c is not None and c.text else "_") for row in block.rows for c in row]
        else:
            out += ["\t".join(R._cells(row, True)) for row in block.rows]
    return "\n".join(out)


def test_2019_table_two_a_cell_a_paragraph_with_underscores():
    import random

    from bench import render as R
    from bench.synth import SyntheticCorpus

    reports = [r for r in map(parse_file, CORPUS_FILES) if R.readable(r) and r.template == "2019"]
    reports += [
        r for r in (parse_text(SyntheticCorpus(seed=7).report(i).text) for i in range(12)) if r.template == "2019"
    ]
    assert len(reports) >= 4
    for report in reports:
        for seed in range(4):
            doc = R.with_blanks(R.document(report), random.Random(seed), marks=["_", "＿", "/", "—"])
            truth = {k: v for k, v in R.truth(doc).items() if k.startswith("art20.")}
            got = R.readout(parse_text(_art20_paragraphs(doc)))
            assert {k: got.get(k) for k in truth} == truth, f"{report.agency} {report.year} {seed}"


@pytest.mark.parametrize("header", ["vertical", "halves"])
def test_flip_book_pages(header):
    """Flip-book page text: table 四's header exploded into vertical characters (or two-character halves)
    over lines, then its one row of 15 numbers; table 三's last row at the top of a page, under the page's
    number and running title, just before the 四 heading."""
    from bench import render as R
    from bench.synth import SyntheticCorpus

    for i in range(6):
        doc = R.document(parse_text(SyntheticCorpus(seed=5).report(i).text))
        assert R.readout(parse_text(R.flip_book(R.to_spaced(doc), header))) == R.truth(doc)


@pytest.mark.parametrize("render", ["to_tabs", "to_markdown", "to_pipe_lines"])
def test_a_cell_that_is_no_number_is_left_unread_in_its_place(render):
    """A cell printed with words we cannot read as a number (约13, 3288台) keeps its place in its row: it is
    left unread with a finding that quotes it, never read as blank, and the cells beside it stay theirs."""
    from bench import render as R
    from bench.synth import SyntheticCorpus

    odd = {"art20.normative.issued": "约{}", "art20.licensing.decisions": "{}台", "art20.regulations.in_force": "{}余"}
    for i in range(4):
        doc = R.document(parse_text(SyntheticCorpus(seed=8).report(i).text))

        def change(table, cell, key, doc=doc):
            return R.replace(cell, text=odd[key].format(cell.text)) if key in odd else cell

        printed = R._map_numbers(doc, R._number_keys(doc), change)
        report = parse_text(getattr(R, render)(printed))
        truth, got = R.truth(doc), R.readout(report)
        assert {k: got[k] for k in got if k in truth and got[k] != truth[k]} == {}  # nothing misread
        assert [k for k in odd if k in truth and report.state(k) != "unread"] == []
        assert set(truth) - set(got) <= set(odd)  # every other cell read
        said = " ".join(f.message for f in report.findings if f.rule == "unreadable")
        assert all(odd[k].format(int(doc.figures[k])) in said for k in odd if k in truth), said


def test_column_major_extraction_with_blank_lines_and_split_headers():
    """All row labels first, then each column top to bottom, a blank line between cells, header words split
    over lines: read right, and never an arithmetic error the published numbers do not have."""
    from bench import render as R
    from bench.synth import SyntheticCorpus
    from index.reader.audit.arithmetic import audit

    reports = [parse_text(SyntheticCorpus(seed=5).report(i).text) for i in range(6)]
    reports += [r for r in map(parse_file, CORPUS_FILES) if R.readable(r)]
    for report in reports:
        doc = R.document(report)
        text = R.to_labels_first(doc, column_major=True)
        for word, split in (("商业企业", "商业\n企业"), ("科研机构", "科研\n机构"), ("法律服务机构", "法律服务\n机构")):
            text = text.replace(word, split)
        text = "\n".join(f"{line}\n" if line.strip().lstrip("-").isdigit() else line for line in text.split("\n"))
        parsed = parse_text(text)
        truth = R.truth(doc)
        got = R.readout(parsed)
        assert {k: v for k, v in got.items() if k in truth} == {k: v for k, v in truth.items() if k in got}
        assert len(got) >= len(truth) - 7  # at most a row left out, and said
        published = {(f.rule, f.location) for f in audit(report.figures, report.blank) if f.severity == "error"}
        raised = {(f.rule, f.location) for f in parsed.findings if f.severity == "error"}
        assert raised <= published, f"{report.agency} {report.year}: {raised - published}"
