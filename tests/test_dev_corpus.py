"""The development corpus (corpus/dev, bundled): many years, many layouts."""

from __future__ import annotations

import pytest

from index.reader.parse import parse_file
from index.reader.tables.layout import review_keys

from .conftest import DEV_FILES


@pytest.mark.parametrize("path", DEV_FILES, ids=lambda p: p.name)
def test_every_dev_report_parses(path):
    report = parse_file(path)
    assert report.year is not None
    assert report.template in ("2021", "2019", "legacy")


def test_metadata_from_crawled_pages(dev_reports):
    got = {name: (r.agency, r.year, r.template) for name, r in dev_reports.items()}
    assert got["dev-0006.txt"] == ("平潭综合实验区", 2021, "2021")  # title inside page chrome
    # no title: the year from the statistics period, the agency from the office to contact
    assert got["dev-0007.txt"] == ("平潭综合实验区管委会", 2022, "2021")
    assert dev_reports["dev-0007.txt"].agency_from == "body"
    assert got["dev-0005.txt"] == ("平潭综合实验区", 2020, "2019")
    assert got["dev-0028.txt"] == (None, 2010, "legacy")  # traditional characters, no agency named
    assert got["dev-0003.txt"] == ("上海市科委", 2024, "2021")
    assert got["dev-0033.txt"] == ("建新镇", 2018, "legacy")


def row(report, key):
    cols = ("natural_person", "business", "research", "social_org", "legal_service", "other_org", "total")
    return [report.figures.get(f"applications.{key}.{c}") for c in cols]


def test_glued_tables_split_and_marked_inferred(dev_reports):
    r = dev_reports["dev-0006.txt"]
    assert row(r, "new") == [64, 0, 0, 2, 0, 4, 70]
    assert row(r, "unable.not_held") == [22, 0, 0, 0, 0, 3, 25]  # "2200003252.没有…": the 2 is the next label's
    assert row(r, "total") == [63, 0, 0, 2, 0, 4, 69]
    assert [r.figures[k] for k in review_keys()] == [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]
    assert "applications.new.total" in r.inferred
    # table 二's "693665" has no arithmetic to split it: absent, with a warning
    assert "art20.normative.issued" not in r.figures
    assert any("693665" in f.message for f in r.findings)
    assert r.figures["art20.licensing.decisions"] == 2293


def test_review_glued_whole(dev_reports):
    r = dev_reports["dev-0009.txt"]
    assert [r.figures[k] for k in review_keys()] == [2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]


def test_labels_detached_from_numbers_read_in_format_order(dev_reports):
    r = dev_reports["dev-0003.txt"]
    assert row(r, "new") == [32, 2, 0, 0, 0, 0, 34]
    assert row(r, "unable.not_held") == [4, 0, 0, 0, 0, 0, 4]
    assert row(r, "other.no_correction") == [8, 2, 0, 0, 0, 0, 10]
    assert row(r, "total") == [33, 2, 0, 0, 0, 0, 35]
    assert row(r, "carried_forward") == [1, 0, 0, 0, 0, 0, None]  # its 总计 printed blank: no number
    assert "applications.carried_forward.total" in r.blank
    # the identities through that blank cell cannot be checked: one finding for the table, not an error each
    (blank,) = [f for f in r.findings if f.rule == "B1"]
    assert blank.severity == "warning" and blank.location == "applications.carried_forward.total"
    assert "结转下年度继续办理·总计" in blank.message
    assert r.figures["art20.normative.in_force"] == 55 and r.figures["art20.licensing.decisions"] == 97


def test_2019_negative_change_and_spaced_cells(dev_reports):
    r = dev_reports["dev-0005.txt"]
    assert (r.figures["art20.fees.previous"], r.figures["art20.fees.change"]) == (35, -15)
    assert row(r, "other") == [4, 0, 0, 0, 0, 0, 4]
    assert row(r, "total") == [20, 0, 0, 0, 0, 1, 21]
