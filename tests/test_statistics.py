"""The statistics table of reports before 2019 (指标名称 / 计量单位 / 本年 / 历年累计): its own keys, never the
2019 or 2021 ones; glued digits split only where one split keeps the cumulative figure no smaller."""

from __future__ import annotations

import pytest

from index.reader.parse import parse_file, parse_text
from index.reader.tables.layout import figure_label
from index.reader.tables.statistics import read_statistics

from .conftest import DEV_CORPUS

needs_dev = pytest.mark.skipif(
    not (DEV_CORPUS / "dev-0017.txt").exists(), reason="the development corpus is not bundled"
)


@needs_dev
def test_a_real_statistics_table_is_read_under_keys_of_its_own():
    report = parse_file(DEV_CORPUS / "dev-0017.txt")  # 平潭综合实验区 2014, spaced
    assert report.template == "legacy"
    f = report.figures
    assert (f["legacy.active.year"], f["legacy.active.cumulative"]) == (2543, 78967)
    assert (f["legacy.requests.year"], f["legacy.requests_mail.year"], f["legacy.replies_granted.year"]) == (1, 1, 1)
    assert not [k for k in f if not k.startswith("legacy.")]  # never under the 2019 or 2021 keys
    assert figure_label("legacy.active.cumulative") == "统计表·主动公开政府信息数·历年累计"


@needs_dev
def test_glued_digits_split_only_one_way_or_not_at_all():
    report = parse_file(DEV_CORPUS / "dev-0010.txt")  # 2018, a crawled page: 主动公开文件数条206912106
    assert "legacy.active.year" not in report.figures  # 20/6912106, 206/912106 or 2069/12106: not told
    glued = [x.message for x in report.findings if x.rule == "glued"]
    assert any("206912106" in m for m in glued)
    # 条00: 0 and 0, the only split; said as inferred
    assert report.figures["legacy.active_gazette.year"] == 0 and "legacy.active_gazette.year" in report.inferred


TABLE = """六、政府信息公开情况统计表
指标名称 计量单位 {year}年度 历年累计
主动公开政府信息数 条 {active} {active_all}
其中：1、政府网站公开数 条 {active} {active_all}
2、政府公报公开数 条 / /
受理依申请公开信息总数 条 {requests} {requests_all}
对申请的答复总数 条 {requests} {requests_all}
其中：1、同意公开答复数 条 {granted} {granted_all}
政府信息公开收费减免金额 元 12000 36000
行政复议数 件 0 3
行政诉讼数 件 1 4
"""


def test_crafted_tables_with_other_numbers_and_blanks():
    body = "某县民政局2016年政府信息公开工作年度报告\n一、概述\n本年度共主动公开信息。\n"
    values = {"year": 2016, "active": 318, "active_all": 4521, "requests": 17, "requests_all": 96, "granted": 15,
              "granted_all": 80}  # fmt: skip
    report = parse_text(body + TABLE.format(**values))
    f = report.figures
    assert (f["legacy.active.year"], f["legacy.active.cumulative"]) == (318, 4521)
    assert (f["legacy.replies.year"], f["legacy.replies_granted.cumulative"]) == (17, 80)
    assert {"legacy.active_gazette.year", "legacy.active_gazette.cumulative"} <= set(report.blank)  # `/`: blank
    assert f["legacy.fees.year"] == 1.2 and f["legacy.fees.cumulative"] == 3.6  # 元 in 万元
    assert (f["legacy.review.cumulative"], f["legacy.litigation.year"]) == (3, 1)
    assert not report.inferred and not [x for x in report.findings if x.severity == "error"]
    # only the year's column printed
    one = read_statistics("统计表\n指标名称 计量单位 2016年\n主动公开政府信息数 条 318\n行政复议数 件 2\n")
    assert one.figures == {"legacy.active.year": 318, "legacy.review.year": 2}


def test_a_table_without_any_row_it_knows_reads_nothing():
    assert read_statistics("政府信息公开情况统计表 指标名称 计量单位 2012年度 历年累计").figures == {}
    assert read_statistics("统计表\n指标名称 计量单位 本年\n其他事项 条 3\n").figures == {}


HEAD = "政府信息公开情况统计表\n指标名称\t计量单位\t2016年度\t历年累计\n"


def test_an_empty_field_is_a_blank_cell_and_a_vanished_one_is_never_split():
    """Between tabs or pipes an empty field is a cell printed blank; where the blank vanished (spaced text)
    the row's one number cannot be placed, so neither cell is read, and a finding says why: `19` is never
    split into 1 and 9 on a page whose other rows keep their spaces."""
    tabs = read_statistics(HEAD + "主动公开政府信息数\t条\t19\t\n行政复议数\t件\t\t3\n")
    assert tabs.figures == {"legacy.active.year": 19, "legacy.review.cumulative": 3}
    assert tabs.blank == {"legacy.active.cumulative", "legacy.review.year"}
    pipes = read_statistics(
        HEAD.replace("\t", " | ") + "主动公开政府信息数 |\n条 |\n19 |\n|\n行政复议数 |\n件 |\n_ |\n3 |\n"
    )
    assert pipes.figures == tabs.figures and pipes.blank == tabs.blank
    spaced = read_statistics(HEAD.replace("\t", " ") + "主动公开政府信息数 条 19\n行政复议数 件 0 3\n")
    assert spaced.figures == {"legacy.review.year": 0, "legacy.review.cumulative": 3}
    assert [f.rule for f in spaced.findings] == ["incomplete"] and "19" in spaced.findings[0].message


def test_money_glued_with_two_decimal_points_is_not_read():
    res = read_statistics(HEAD.replace("\t", "") + "政府信息公开收费减免金额万元365.78705.8行政复议数件13")
    assert "legacy.fees.year" not in res.figures and "legacy.fees.cumulative" not in res.figures
    assert any(f.rule == "glued" and "365.78705.8" in f.message for f in res.findings)
    assert res.figures["legacy.review.year"] == 1 and res.inferred  # 13: 1 and 3, the only split, said


def test_labels_as_printed_in_other_years():
    res = read_statistics(HEAD + "其中：信函（传真）申请数\t条\t2\t7\n| 行政诉讼数 | 件 | 1 | 4 |\n")
    assert res.figures == {
        "legacy.requests_mail.year": 2, "legacy.requests_mail.cumulative": 7,
        "legacy.litigation.year": 1, "legacy.litigation.cumulative": 4,
    }  # fmt: skip


APART = "政府信息公开情况统计表\n指标名称\n主动公开政府信息数\n受理依申请公开信息总数\n行政复议数\n"
APART += "计量单位\n2016年度\n历年累计\n"


def test_labels_printed_apart_from_their_numbers():
    """pdfminer prints a ruled table's labels first, then its columns: read by the labels' order (inferred)
    when the units come together (a column at a time) or each before its row's numbers (a row at a time), and
    the cumulative figure is never below the year's; else nothing is read, and said."""
    by_column = read_statistics(APART + "12\n3\n0\n- 4 -\n条\n条\n件\n100\n7\n2\n")
    want = {"legacy.active.year": 12, "legacy.active.cumulative": 100, "legacy.requests.year": 3,
            "legacy.requests.cumulative": 7, "legacy.review.year": 0, "legacy.review.cumulative": 2}  # fmt: skip
    assert by_column.figures == want and set(by_column.inferred) == set(want)
    assert [f.rule for f in by_column.findings] == ["layout"]
    by_row = read_statistics(APART + "条\n12\n100\n条\n3\n7\n件\n0\n2\n")
    assert by_row.figures == want
    # numbers alone: read only when one way fits (row by row here: by column 历年累计 7 would be below 12)
    assert read_statistics(APART + "12\n100\n3\n7\n0\n2\n").figures == want
    both = read_statistics(APART + "1\n2\n3\n4\n5\n6\n")  # 1 2 | 3 4 | 5 6 or 1 4 | 2 5 | 3 6: not told
    assert both.figures == {} and "无法确定" in both.findings[0].message
    short = read_statistics(APART + "条\n条\n件\n12\n3\n0\n100\n7\n")  # a number missing
    assert short.figures == {} and short.findings
