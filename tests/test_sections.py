"""Sections: every character in exactly one section; headings as real reports write them."""

from __future__ import annotations

import itertools

import pytest

from index.reader.parse import parse_text
from index.reader.report import SECTIONS
from index.reader.sections import classify_heading, split_sections

from .conftest import CORPUS_FILES, DEV_FILES


def assert_partition(report) -> None:
    spans = sorted(span for name in SECTIONS for span in report.spans.get(name, []))
    assert spans, "no sections"
    assert spans[0][0] == 0 and spans[-1][1] == len(report.body)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end == start, "gap or overlap between sections"
    assert sum(b - a for a, b in spans) == len(report.body)


@pytest.mark.parametrize("path", CORPUS_FILES + DEV_FILES, ids=lambda p: p.name)
def test_sections_cover_the_body_exactly(path):
    assert_partition(parse_text(path.read_text(encoding="utf-8"), source=path.name))


@pytest.mark.parametrize(
    "words, section",
    [
        ("总体情况", "overview"),
        ("概述", "overview"),
        ("主动公开政府信息情况", "active"),
        ("收到和处理政府信息公开申请情况", "applications"),
        ("政府信息依申请公开情况", "applications"),
        ("政府信息公开行政复议、行政诉讼情况", "review"),
        ("政府信息公开行政法复议、行政诉讼情况", "review"),  # a published typo
        ("因政府信息公开申请行政复议、提起行政诉讼的情况", "review"),
        ("存在的主要问题及改进情况", "problems"),
        ("政府信息公开工作存在的主要问题及改进情况", "problems"),
        ("存在的主要问题及整改措施", "problems"),
        ("主要问题和改进措施", "problems"),
        ("其他需要报告的事项", "other"),
        ("政府信息公开的收费及减免情况", "other"),
    ],
)
def test_heading_wordings(words, section):
    assert classify_heading(words)[0] == section


@pytest.mark.parametrize("words", ["本年新收政府信息公开申请数量", "结转下年度继续办理", "本年度办理结果"])
def test_table_rows_are_not_headings(words):
    assert classify_heading(words) is None


def test_duplicated_numbering_and_spaced_title():
    text = (
        "某区 2021 年政府信息公开 工作年度报告\n一、总体情况\n概况。\n一、政府信息公开工作的基本情况\n基本情况。\n"
        "五、存在的主要问题及改进情况\n人员不足。\n下一步，我们将加强培训。\n六、其他需要报告的事项\n无。"
    )
    report = parse_text(text)
    assert "基本情况。" in report.section("overview")
    assert report.section("problems").endswith("人员不足。\n")
    assert report.section("improvements").startswith("下一步")
    assert report.section("other").startswith("六、其他需要报告的事项")
    assert_partition(report)


def test_unsplit_part_five_keeps_all_text_under_problems():
    text = (
        "2021年某局政府信息公开工作年度报告\n五、存在的主要问题及改进情况\n"
        "人员少，兼职多，流动性大。\n六、其他需要报告的事项\n无"
    )
    spans, split = split_sections(text, 2021, legacy=False)
    assert not split and "improvements" not in spans
    report = parse_text(text)
    assert "流动性大" in report.section("problems") and report.split is False


def test_flattened_crawl_finds_headings_after_numbers():
    text = (
        "平潭2021年度政府信息公开工作年度报告 一、总体情况我区……四、结转下年度继续办理1000001 "
        "四、政府信息公开行政复议、行政诉讼情况…五、存在的主要问题及改进情况（一）存在的主要问题:不足。"
        "（二）改进措施：一是加强。六、其他需要报告的事项 无"
    )
    report = parse_text(text)
    assert report.section("review").startswith("四、政府信息公开行政复议")
    assert report.section("improvements").startswith("（二）改进措施")
    assert "四、结转下年度" in report.section("overview")


def test_traditional_characters_are_recognised():
    text = (
        "2010年度政府信息公開年度報告\n一、加強組織領導\n…\n"
        "六、存在的主要問題和改進情況\n雖然有進步。\n下一步，將加強。"
    )
    report = parse_text(text)
    assert report.year == 2010 and report.template == "legacy"
    assert report.section("problems").startswith("六、存在的主要問題")
    assert report.section("improvements").startswith("下一步")


def test_dev_corpus_shanghai_variant(dev_reports):
    report = dev_reports["dev-0003.txt"]
    assert report.section("problems").startswith("（一）主要问题")
    assert report.section("improvements").startswith("（二）改进情况")
    assert "政府信息管理" in report.section("overview")
    assert report.section("review").startswith("三、政府信息公开行政复议")


def test_dev_corpus_report_without_part_five(dev_reports):
    report = dev_reports["dev-0033.txt"]
    assert report.section("problems") == "" and not report.split


@pytest.mark.parametrize("name", ["dev-0019.txt", "dev-0020.txt", "dev-0021.txt", "dev-0015.txt", "dev-0010.txt"])
def test_the_old_formats_statistics_table_is_a_part_of_its_own(dev_reports, name):
    # crawled pages run the 统计表 on after the signature: its rows never leak into 改进情况
    report = dev_reports[name]
    stats = report.section("statistics")
    assert "指标名称" in stats and "统计表" in stats.split("指标名称")[0]
    assert "指标名称" not in report.section("improvements") and "计量单位" not in report.section("improvements")
    assert report.section("improvements").strip()
