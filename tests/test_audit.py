"""勾稽关系: the worked example from the format notes, and mutation of every real table cell."""

from __future__ import annotations

import pytest

from index.reader.audit.arithmetic import audit
from index.reader.parse import parse_file
from index.reader.tables.layout import APPLICANT_COLUMNS, APPLICATION_COLUMNS, OUTCOME_KEYS, review_keys

from .conftest import CORPUS_FILES, DEV_FILES


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
