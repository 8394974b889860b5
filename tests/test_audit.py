"""勾稽关系: the worked example from the format notes, and mutation of every real table cell."""

from __future__ import annotations

import pytest

from index.reader.audit.arithmetic import audit
from index.reader.parse import parse_file, parse_text
from index.reader.tables.layout import APPLICANT_COLUMNS, APPLICATION_COLUMNS, OUTCOME_KEYS, review_keys

from .conftest import CORPUS_FILES, DEV_FILES, corpus_file


def shanghai_2019_natural_person() -> dict:
    """The 自然人 column of Shanghai's 2019 report (docs/report-format.md §3 worked check)."""
    col = "natural_person"
    figures = {f"applications.{row}.{col}": 0 for row in OUTCOME_KEYS["2019"]}
    figures |= {
        f"applications.new.{col}": 821,
        f"applications.carried_over.{col}": 18,
        f"applications.granted.{col}": 258,
        f"applications.partly_granted.{col}": 3,
        f"applications.denied.third_party.{col}": 32,
        f"applications.unable.not_held.{col}": 321,
        f"applications.not_processed.complaint.{col}": 153,
        f"applications.total.{col}": 767,
        f"applications.carried_forward.{col}": 72,
    }
    return figures


def test_worked_example_is_consistent():
    assert audit(shanghai_2019_natural_person()) == []


@pytest.mark.parametrize(
    "key, rule",
    [
        ("applications.new.natural_person", "E1"),
        ("applications.carried_forward.natural_person", "E1"),
        ("applications.granted.natural_person", "I2"),
    ],
)
def test_worked_example_detects_a_changed_cell(key, rule):
    figures = shanghai_2019_natural_person()
    figures[key] += 1
    findings = audit(figures)
    assert rule in {f.rule for f in findings}
    assert all(f.severity == "error" for f in findings)


def test_finding_says_where_and_what():
    cells = zip(("upheld", "corrected", "other", "pending", "total"), (5, 0, 0, 2, 8), strict=True)
    figures = {f"review.{c}": v for c, v in cells}
    (finding,) = audit(figures)
    assert (finding.rule, finding.severity, finding.location) == ("I4", "error", "review.total")
    assert (finding.expected, finding.found) == (7, 8)
    assert "行政复议" in finding.message


def test_blank_total_is_a_missing_cell_warning_not_an_error():
    # Shanghai 2019 left the 总计 cells of its outcome rows blank
    figures = {f"applications.granted.{c}": 0 for c in APPLICATION_COLUMNS[:-1]}
    figures["applications.granted.natural_person"] = 258
    findings = audit(figures, blank={"applications.granted.total"})
    assert [(f.rule, f.severity, f.location) for f in findings] == [("B1", "warning", "applications.granted.total")]
    assert "applications." not in findings[0].message and "予以公开·总计" in findings[0].message


def test_a_blank_total_column_is_one_finding_for_the_table():
    # a table whose 总计 column is printed blank: one finding naming the column, not one per row
    rows = ("new", "carried_over", "granted", "partly_granted", "total", "carried_forward")
    figures = {f"applications.{r}.{c}": 3 for r in rows for c in APPLICATION_COLUMNS[:-1]}
    blank = {f"applications.{r}.total" for r in rows}
    findings = audit(figures, blank)
    assert [(f.rule, f.location) for f in findings] == [("B1", "applications.*.total")]
    assert "“总计”列 " in findings[0].message and "印为空白" in findings[0].message


def test_negative_count_is_an_error():
    findings = audit({"review.upheld": -1})
    assert ("I5", "error") in {(f.rule, f.severity) for f in findings}


# dev-0005 is inconsistent as published: its outcome rows add up to 26 applications
# from natural persons, its （七）总计 says 20 (tested below).
INCONSISTENT_AS_PUBLISHED = {"dev-0005.txt"}


def _consistent_reports():
    paths = [p for p in CORPUS_FILES + DEV_FILES if p.name not in INCONSISTENT_AS_PUBLISHED]
    return [r for r in map(parse_file, paths) if r.template in ("2019", "2021")]


CONSISTENT = _consistent_reports()


def test_published_inconsistency_is_reported(dev_reports):
    findings = dev_reports["dev-0005.txt"].findings
    errors = {(f.rule, f.location, f.expected, f.found) for f in findings if f.severity == "error"}
    assert errors == {
        ("I2", "applications.total.natural_person", 26, 20),
        ("I2", "applications.total.total", 27, 21),
    }


@pytest.mark.parametrize("report", CONSISTENT, ids=lambda r: r.source.rsplit("/", 1)[-1])
def test_untouched_reports_have_no_errors(report):
    assert [f.message for f in report.findings if f.severity == "error"] == []


@pytest.mark.parametrize("report", CONSISTENT, ids=lambda r: r.source.rsplit("/", 1)[-1])
def test_every_cell_of_tables_3_and_4_changed_by_one_is_found(report):
    cells = [k for k in report.figures if k.startswith("applications.")] + [
        k for k in review_keys() if k in report.figures
    ]
    assert len(cells) >= 15 + 6 * 23  # the tables were read
    # a report whose only findings are missing-cell warnings changes them instead
    before = set(audit(report.figures, report.blank))
    assert not [f for f in before if f.severity == "error"]
    for key in cells:
        for delta in (1, -1):
            mutated = dict(report.figures)
            mutated[key] += delta
            after = set(audit(mutated, report.blank))
            assert after != before, f"{key} {delta:+d} went unnoticed"


def test_applicant_columns_exclude_total():
    assert "total" not in APPLICANT_COLUMNS and len(APPLICANT_COLUMNS) == 6


def _printed_wrong(report, n: int) -> dict:
    """The report's figures with the 总计 of n rows of table 三 printed one more than their cells add up to."""
    figures = dict(report.figures)
    rows = [k for k in figures if k.startswith("applications.") and k.endswith(".total")][:n]
    for key in rows:
        figures[key] += 1
    return figures


def test_a_doubtful_reading_is_never_the_agencys_error():
    from index.reader.audit.arithmetic import DOUBT_MANY, audit

    seed = parse_file(corpus_file("2021-郑州"))
    figures = _printed_wrong(seed, DOUBT_MANY)
    certain = audit(figures, seed.blank)
    assert sum(f.severity == "error" for f in certain) >= DOUBT_MANY and not [f for f in certain if f.rule == "U1"]
    # the same sums, in a table whose layout was uncertain: one U1, no error
    doubted = audit(figures, seed.blank, uncertain={"applications"})
    (u1,) = [f for f in doubted if f.rule == "U1"]
    assert not [f for f in doubted if f.severity == "error"] and "读取有误" in u1.message
    # one failure in an uncertain table stays the agency's error: a reading is doubted only when many fail
    one = audit(_printed_wrong(seed, 1), seed.blank, uncertain={"applications"})
    assert [f.rule for f in one if f.severity == "error"] and not [f for f in one if f.rule == "U1"]


def test_sums_failing_where_rows_were_placed_by_order_are_the_readings_doubt():
    """Row labels lost (the numbers placed by the format's row order) and three sums failing: the doubtful
    cells left unread and that said once, no error. The same numbers under their printed labels stay the
    agency's errors."""
    text = corpus_file("2021-郑州").read_text(encoding="utf-8")
    lines = text.split("\n")
    rows = [i for i, line in enumerate(lines) if "\t" in line and ("予以公开" in line or "部分公开" in line)]
    assert len(rows) == 2
    wrong = list(lines)
    for i in rows:  # each row's 总计 printed one more than its cells add up to
        cells = wrong[i].rstrip("\t").split("\t")
        cells[-1] = str(int(cells[-1]) + 1)
        wrong[i] = "\t".join(cells)
    labelled = parse_text("\n".join(wrong))
    errors = [f.rule for f in labelled.findings if f.severity == "error"]
    assert len(errors) >= 3 and "U1" not in [f.rule for f in labelled.findings]
    for i in rows:  # the labels lost: the rows are placed by order
        cells = wrong[i].split("\t")
        wrong[i] = "\t".join(["" if not c[:1].isdigit() else c for c in cells])
    placed = parse_text("\n".join(wrong))
    said = [f.message for f in placed.findings if f.rule == "layout"]
    assert any("未采用" in m and "只保留版式确定的单元格" in m for m in said)  # the doubt said once, with what was done
    assert not [f for f in placed.findings if f.severity == "error" and f.rule in ("E1", "I1", "I2")]
    # the rows placed by order, and those whose own sum fails, are left unread: what stays is what was certain
    assert not [k for k in placed.figures if k.startswith(("applications.granted.", "applications.partly_granted."))]
    assert placed.figures["applications.new.total"] == labelled.figures["applications.new.total"]


def test_one_misprinted_cell_is_the_agencys_error_however_uncertain_the_layout():
    """One cell of （七）总计 printed one more than its row adds up to breaks three sums (its row's, and its
    column's E1 and I2), crossing at it: no reading of ours does that (a misplaced row keeps its own sum), so
    even where rows were placed by order it is the agency's error, raised, never doubted."""
    text = corpus_file("2021-郑州").read_text(encoding="utf-8")
    lines = text.split("\n")
    (i,) = [i for i, line in enumerate(lines) if line.startswith("(七) 总计\t")]
    cells = lines[i].rstrip("\t").split("\t")
    first = next(j for j, c in enumerate(cells) if c.isdigit())
    cells[first] = str(int(cells[first]) + 1)  # 自然人 one more; the 总计 as printed
    lines[i] = "\t".join("" if not c[:1].isdigit() else c for c in cells)  # its label lost: placed by order
    report = parse_text("\n".join(lines))
    errors = {(f.rule, f.location) for f in report.findings if f.severity == "error"}
    assert {r for r, _ in errors} == {"I1", "E1", "I2"}
    assert {loc.rsplit(".", 1)[1] for r, loc in errors if r != "I1"} == {"natural_person"}
    assert not [f for f in report.findings if f.rule == "U1" or "未采用" in f.message]
    assert [f for f in report.findings if f.rule == "layout"]  # the layout was uncertain
