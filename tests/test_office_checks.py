"""What an office checks beside the arithmetic (rules P1–P7): real reports, and the same reports broken."""

from __future__ import annotations

import dataclasses

import pytest

from index.reader import parse_file, parse_text
from index.reader.audit.office import office_checks
from index.reader.audit.rules import RULES, describe

from .conftest import CORPUS_FILES, DEV_FILES, corpus_file

# 郑州经济技术开发区 2021 (2021 format): six parts numbered 一 to 六, part 六 says no fee was charged
SEED = corpus_file("2021-郑州")
OLD = corpus_file("2020-河南科技园区")  # 2019 format, on 2020


def _office(text: str) -> list:
    return [f for f in parse_text(text).findings if f.rule.startswith("P")]


def _seed() -> str:
    return SEED.read_text(encoding="utf-8")


def _rules(findings) -> list[str]:
    return sorted(f.rule for f in findings)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_the_bundled_reports_follow_the_format(path):
    assert [f.message for f in parse_file(path).findings if f.rule.startswith("P")] == []


def test_every_office_rule_is_named_and_sourced():
    for code in ("P1", "P2", "P3", "P4", "P5", "P6", "P7"):
        rule = RULES[code]
        assert rule.group == "report" and rule.source and rule.explanation


def test_a_missing_part_is_named():
    text = _seed()
    start = text.index("六、其他需要报告的事项")
    found = _office(text[:start])
    assert _rules(found) == ["P1"]
    assert "六、其他需要报告的事项" in found[0].message and "缺少" in found[0].message
    assert describe(found[0])["label"] == "报告结构"


def test_a_part_numbered_out_of_place():
    text = _seed().replace("四、政府信息公开行政复议", "五、政府信息公开行政复议", 1)
    messages = [f.message for f in _office(text)]
    assert any("编为第五部分（应为第四部分）" in m for m in messages), messages
    assert any("重新开始或重复" in m for m in messages), messages


def test_a_wrong_format_for_the_year():
    text = OLD.read_text(encoding="utf-8").replace(
        "2020年政府信息公开工作年度报告", "2022年政府信息公开工作年度报告", 1
    )
    report = parse_text(text)
    assert (report.year, report.template) == (2022, "2019")
    (p2,) = [f for f in report.findings if f.rule == "P2"]
    assert "2021 年格式" in p2.message and "〔2021〕30号" in p2.message
    assert not [f for f in parse_file(OLD).findings if f.rule == "P2"]  # on 2020, the 2019 format is right


def test_a_long_overview():
    text = _seed()
    sentence = "我区持续推进政务公开标准化规范化建设，围绕重点领域信息公开开展专项检查并逐项整改落实。"
    heading = "一、总体情况\n"
    long = text.replace(heading, heading + sentence * 30 + "\n", 1)
    (p3,) = [f for f in _office(long) if f.rule == "P3"]
    assert p3.found > 1100 and p3.expected == 1000
    short = text.replace(heading, heading + sentence * 5 + "\n", 1)
    assert not [f for f in _office(short) if f.rule == "P3"]


@pytest.mark.parametrize(("part5", "empty"), [("无。", True), ("", True), ("工作人员不足，更新不够及时。", False)])
def test_an_empty_or_thin_part5(part5, empty):
    text = _seed()
    start = text.index("五、存在的主要问题及改进情况")
    end = text.index("六、其他需要报告的事项")
    found = _office(text[:start] + "五、存在的主要问题及改进情况\n\n" + part5 + "\n\n" + text[end:])
    (p4,) = [f for f in found if f.rule == "P4"]
    assert ("为空" in p4.message) is empty
    assert ("只有" in p4.message) is not empty


def test_part6_without_fees():
    text = _seed().replace("本年度我区未收取政府信息公开费用。", "本年度无其他需要报告的事项。")
    (p5,) = [f for f in _office(text) if f.rule == "P5"]
    assert "信息处理费" in p5.message
    # the 2019 format asks no such statement
    old = OLD.read_text(encoding="utf-8")
    assert not [f for f in _office(old) if f.rule == "P5"]


def _with_other(total: int, other: int):
    report = parse_text(_seed())
    figures = dict(report.figures)
    figures["applications.total.total"] = total
    figures["applications.other.no_correction.total"] = 0
    figures["applications.other.unpaid_fee.total"] = 0
    figures["applications.other.other.total"] = other
    return [f for f in office_checks(dataclasses.replace(report, figures=figures)) if f.rule == "P6"]


@pytest.mark.parametrize(
    ("total", "other", "flagged"),
    [(20, 5, True), (40, 8, True), (40, 7, False), (9, 9, False), (0, 0, False)],
)
def test_a_high_share_of_other_outcomes(total, other, flagged):
    found = _with_other(total, other)
    assert bool(found) is flagged
    if flagged:
        assert f"{other} 件" in found[0].message and f"{total} 件" in found[0].message


def test_other_share_needs_every_other_cell():
    report = parse_text(_seed())
    figures = {k: v for k, v in report.figures.items() if k != "applications.other.unpaid_fee.total"}
    figures["applications.other.other.total"] = 19
    assert not [f for f in office_checks(dataclasses.replace(report, figures=figures)) if f.rule == "P6"]


def test_a_year_copied_from_last_years_report():
    text = _seed().replace("本单位 2021 年政府信息公开工作年度报告", "本单位 2020 年政府信息公开工作年度报告", 1)
    (p7,) = [f for f in _office(text) if f.rule == "P7"]
    assert (p7.expected, p7.found) == (2021, 2020)
    report = parse_text(text)
    assert "2020" in report.body[p7.span[0] : p7.span[1]]


@pytest.mark.parametrize(
    "period",
    [
        "本报告统计期限自{y}年1月1日起至{y}年12月31日止。",
        "本报告中所列数据统计时限为{y}年1月1日至{y}年12月31日。",
        "统计期间为{y}年1月1日—{y}年12月31日。",
    ],
)
def test_a_statistics_period_of_another_year(period):
    def at(year: int) -> list:
        text = _seed().replace("一、总体情况\n", "一、总体情况\n" + period.format(y=year) + "\n", 1)
        return [f.found for f in _office(text) if f.rule == "P7"]

    assert at(2020) == [2020]
    assert at(2021) == []


@pytest.mark.parametrize("path", DEV_FILES, ids=lambda p: p.stem)
def test_office_checks_on_the_development_corpus(path):
    """Only 2019/2021-format reports are checked; each P6 is the share the table prints."""
    report = parse_file(path)
    found = [f for f in report.findings if f.rule.startswith("P")]
    if report.template not in ("2019", "2021"):
        assert found == []
    for f in found:
        assert f.severity == "warning"
        if f.rule == "P6":
            assert f.found >= 0.2


def test_a_shanghai_variant_is_told_apart_from_a_missing_part():
    (path,) = [p for p in DEV_FILES if p.name == "dev-0003.txt"] or [None]
    if path is None:
        pytest.skip("../shared/corpus-dev is absent")
    messages = [f.message for f in parse_file(path).findings if f.rule == "P1"]
    # part 五's title is not in the file, its text is (（一）主要问题): not called missing
    assert any("未找到部分标题：五" in m and "内容可见" in m for m in messages), messages
    assert not any("缺少" in m for m in messages)
    assert any("“主动公开政府信息情况”编为第一部分" in m for m in messages), messages
