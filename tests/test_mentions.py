"""Which reports mention an issue: exactly the reports a substring scan finds; the topic taxonomy."""

from __future__ import annotations

import pytest

from index.analysis import normalize
from index.reader.parse import parse_text
from index.reader.report import SECTIONS
from search.errors import QueryError
from search.mentions import count_mentions, load_topics, mentions, report_topics, topic_counts


def scan_reports(reports, phrases, sections=SECTIONS):
    return {
        rid
        for rid, r in reports.items()
        if any(any(normalize(p) in normalize(r.section(s)) for p in phrases) for s in sections)
    }


@pytest.mark.parametrize("phrase", ["人员", "更新不及时", "政务新媒体", "培训", "兼职", "信息公开", "的"])
def test_mentions_equal_the_substring_scan(built_index, indexed_reports, phrase):
    result = mentions(built_index, phrase)
    assert result["query"] == phrase  # what was asked, not the last section read
    assert {r["report_id"] for r in result["rows"]} == scan_reports(indexed_reports, [phrase])
    assert result["reports"] == len(result["rows"])
    for row in result["rows"]:
        report = indexed_reports[row["report_id"]]
        assert row["mentions"] == sum(count_mentions(report.section(s), [normalize(phrase)]) for s in row["sections"])
        assert all(normalize(row["snippet"][a:b]) == phrase for a, b in row["spans"])
    keys = [(-r["mentions"], -(r["year"] or 0)) for r in result["rows"]]
    assert keys == sorted(keys)
    assert sum(result["by_year"].values()) == len([r for r in result["rows"] if r["year"]])


def test_mentions_in_narrative_sections(built_index, indexed_reports):
    result = mentions(built_index, "培训", ("narrative",))
    assert {r["report_id"] for r in result["rows"]} == scan_reports(
        indexed_reports, ["培训"], ("problems", "improvements")
    )
    assert all(set(r["sections"]) <= {"problems", "improvements"} for r in result["rows"])


def test_taxonomy_has_at_least_15_topics_and_users_can_extend_it(tmp_path):
    topics = load_topics()
    assert len(topics) >= 15
    assert "人员力量不足" in topics and "兼职" in topics["人员力量不足"].phrases
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '["经费不足"]\nphrases = ["经费不足", "经费紧张"]\n["政务新媒体"]\nphrases = ["公众号"]\n', "utf-8"
    )
    mine = load_topics(extra)
    assert mine["经费不足"].phrases == ("经费不足", "经费紧张")
    assert mine["政务新媒体"].phrases == ("公众号",)  # replaced
    bad = tmp_path / "bad.toml"
    bad.write_text('["空"]\nphrases = []\n', "utf-8")
    with pytest.raises(QueryError, match="需要非空的 phrases 列表"):
        load_topics(bad)


def test_topic_counts_per_year_equal_each_reports_topics(built_index, indexed_reports):
    topics = load_topics()
    rows = {row["topic"]: row for row in topic_counts(built_index, topics)}
    assert set(rows) == set(topics)
    for name, topic in topics.items():
        tagged = {r.id: {t["topic"]: t["role"] for t in report_topics(r, topics)} for r in indexed_reports.values()}
        having = [r for r in indexed_reports.values() if name in tagged[r.id]]
        assert rows[name]["reports"] == len(having)
        # a report counts as admitting the problem only where a sentence of its problems says so
        assert rows[name]["problems"]["reports"] == sum(1 for r in having if tagged[r.id][name] == "problem")
        expected = {}
        for r in having:
            if r.year:
                expected[r.year] = expected.get(r.year, 0) + 1
        assert rows[name]["by_year"] == expected
        assert having == [
            r for r in indexed_reports.values() if scan_reports({r.id: r}, topic.phrases, ("problems", "improvements"))
        ]


def test_a_remedy_is_not_tagged_as_a_problem():
    topics = load_topics()
    staffing = "人员力量不足"
    promise = parse_text(_REPORT.format(problems="一是主动公开的内容还不够丰富。二是继续配备专职人员，加强队伍建设。"))
    admitted = parse_text(_REPORT.format(problems="一是信息公开工作人员不足，均为兼职。二是公开内容不够丰富。"))
    assert {t["topic"]: t["role"] for t in report_topics(promise, topics)}[staffing] == "remedy"
    assert {t["topic"]: t["role"] for t in report_topics(admitted, topics)}[staffing] == "problem"


_REPORT = """某县某局2022年政府信息公开工作年度报告
一、总体情况
2022年，我局认真贯彻落实《政府信息公开条例》。
五、存在的主要问题及改进情况
{problems}
六、其他需要报告的事项
无。
"""
