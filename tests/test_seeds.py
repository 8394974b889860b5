"""The bundled reports, hand-checked against their text: metadata, where 五 splits, every figure."""

from __future__ import annotations

import pytest

from index.reader.parse import parse_file
from index.reader.tables.layout import APPLICATION_COLUMNS, APPLICATION_ROWS, review_keys

from .conftest import corpus_file

# One line per row of table 三: seven cells in column order. "b" = printed blank
# (no number), "i" = not printed and inferred 0 by the row's arithmetic (a row
# printing only zeros), "ib" = not printed in a row whose other cells are blank:
# inferred blank, "-" = no cell printed at all (the figure is absent).
T3_2019_ZEROS = {row.key: "0 0 0 0 0 0 0" for row in APPLICATION_ROWS["2019"]}
T3_2021_ZEROS = {row.key: "0 0 0 0 0 0 0" for row in APPLICATION_ROWS["2021"]}

SEEDS = {
    "2020-河南科技园区管委会": dict(
        title="河南科技园区管委会2020年政府信息公开工作年度报告",
        agency="河南科技园区管委会",
        year=2020,
        template="2019",
        improvements_start="具体的解决办法和改进措施",
        # every row prints six numbers: the 总计 column is missing, inferred as their sum
        table3={row.key: "0 0 0 0 0 0 i" for row in APPLICATION_ROWS["2019"]},
        review="0 " * 15,
        art20={
            "art20.regulations.made": 0,
            "art20.normative.total": 0,
            "art20.licensing.decisions": 0,
            "art20.penalty.decisions": 0,
            "art20.enforcement.decisions": 0,
            "art20.fees.previous": 0,
            "art20.procurement.count": 0,
            "art20.procurement.amount": 0,
        },
    ),
    "2021-郑州经济技术开发区管委会": dict(
        title="郑州经济技术开发区管委会2021年政府信息公开工作年度报告",
        agency="郑州经济技术开发区管委会",
        year=2021,
        template="2021",
        improvements_start="2、改进措施",
        table3={
            **T3_2021_ZEROS,
            "new": "13 4 0 0 3 0 20",
            "granted": "13 4 0 0 3 0 20",
            "total": "13 4 0 0 3 0 20",
        },
        review="1 0 0 0 1  0 0 0 1 1  1 0 0 0 1",
        art20={
            "art20.regulations.issued": 0,
            "art20.regulations.in_force": 0,
            "art20.normative.issued": 13,
            "art20.normative.repealed": 83,
            "art20.normative.in_force": 83,
            "art20.licensing.decisions": 3288,
            "art20.penalty.decisions": 893,
            "art20.enforcement.decisions": 27,
            "art20.fees.amount": 2766.7879,
        },
    ),
    "2020-金水区工业和信息化局": dict(
        title="金水区工业和信息化局2020年政府信息公开工作年度报告",
        agency="金水区工业和信息化局",
        year=2020,
        template="2019",
        improvements_start="下步打算",
        table3={
            **T3_2019_ZEROS,
            # applicant cells left blank, only 总计 printed, and one cell fewer than the columns
            "granted": "ib b b b b b 0",
            "partly_granted": "ib b b b b b 0",
            "denied.state_secret": "ib b b b b b 0",
            # the row prints six zeros for seven columns
            "unable.not_held": "i 0 0 0 0 0 0",
        },
        review="0 " * 15,
        art20={
            "art20.normative.made": 0,
            "art20.licensing.decisions": 0,
            "art20.procurement.count": 10,
            "art20.procurement.amount": 2.9004,
        },
    ),
    "2022-郑东新区科技人才局": dict(
        title="郑东新区科技人才局2022年政府信息公开工作年度报告",
        agency="郑东新区科技人才局",
        year=2022,
        template="2021",
        improvements_start="现提出整改措施如下",
        table3={**T3_2021_ZEROS, "granted": "ib b b b b b 0", "partly_granted": "ib b b b b b 0"},
        review="0 " * 15,
        art20={
            "art20.normative.issued": 0,
            "art20.licensing.decisions": 0,
            "art20.penalty.decisions": 0,
            "art20.fees.amount": 0,
        },
    ),
    "2020-工业园区（无标题）": dict(
        title=None,
        agency=None,  # the body never names the agency: not invented
        year=2020,
        template="2019",
        improvements_start="在今后的工作中",
        table3=T3_2019_ZEROS,
        review="0 " * 15,  # under a vertical-text header (结 果 维 持)
        art20={
            "art20.licensing.previous": 95,
            "art20.licensing.change": 181,
            "art20.licensing.decisions": 276,
            "art20.penalty.previous": 0,
            "art20.penalty.change": 8,
            "art20.penalty.decisions": 8,
            "art20.other_services.decisions": 0,
        },
    ),
}


@pytest.fixture(scope="module", params=sorted(SEEDS))
def seed(request):
    return request.param, SEEDS[request.param], parse_file(corpus_file(request.param))


def test_metadata(seed):
    _, want, report = seed
    assert (report.title, report.agency, report.year, report.template) == (
        want["title"],
        want["agency"],
        want["year"],
        want["template"],
    )


def test_problems_split_where_improvements_begin(seed):
    _, want, report = seed
    assert report.split
    assert report.section("improvements").startswith(want["improvements_start"])
    assert want["improvements_start"] not in report.section("problems")


def test_table3_every_cell(seed):
    _, want, report = seed
    for row, cells in want["table3"].items():
        for col, cell in zip(APPLICATION_COLUMNS, cells.split(), strict=True):
            key = f"applications.{row}.{col}"
            if cell == "-":
                assert key not in report.figures, key
                assert report.state(key) == "unread", key
            elif cell in ("b", "ib"):  # blank: no number (never 0), and not missing either
                assert key not in report.figures, key
                assert key in report.blank and report.state(key) == "blank", key
                assert (key in report.inferred) == (cell == "ib"), key
            else:
                assert report.figures.get(key) == (int(cell) if cell.isdigit() else 0), key
                assert key not in report.blank, key
                assert (key in report.inferred) == (cell == "i"), key
    rows = APPLICATION_ROWS[want["template"]]
    assert {k.split(".")[1] for k in [*report.figures, *report.blank] if k.startswith("applications.")} <= {
        r.key.split(".")[0] for r in rows
    }


def test_table4_every_cell(seed):
    _, want, report = seed
    assert [report.figures.get(k) for k in review_keys()] == [int(v) for v in want["review"].split()]


def test_table2_main_figures(seed):
    _, want, report = seed
    for key, value in want["art20"].items():
        assert report.figures.get(key) == value, key


def test_seeds_are_consistent_and_read_directly(seed):
    _, _, report = seed
    assert not [f for f in report.findings if f.severity == "error"]
    # tab-separated tables: nothing needed inferring but the cells that were not printed
    assert {k for k in report.inferred if not k.startswith("applications.")} == set()
