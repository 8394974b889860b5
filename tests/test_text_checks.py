"""The text checked against the tables (rules T1–T6): sentences put into a real report, true and false."""

from __future__ import annotations

import pytest

from index.reader import parse_file, parse_text
from index.reader.audit.rules import RULES, rule_name

from .conftest import CORPUS_FILES, DEV_FILES, corpus_file

# 郑州经济技术开发区 2021: 20 requests received and answered; 1 review (upheld), 1 + 1 suits; 13 normative documents
SEED = corpus_file("2021-郑州")
HEADING = "一、总体情况\n"


def _with(sentence: str):
    text = SEED.read_text(encoding="utf-8")
    assert HEADING in text
    report = parse_text(text.replace(HEADING, HEADING + sentence + "\n", 1))
    start = report.body.index(sentence)
    end = start + len(sentence)
    # the findings whose quoted place lies in the inserted sentence
    return [f for f in report.findings if f.rule[0] == "T" and start <= f.span[0] and f.span[1] <= end]


def test_the_seed_states_what_its_tables_hold():
    f = parse_file(SEED).figures
    assert (f["applications.new.total"], f["applications.total.total"], f["review.total"]) == (20, 20, 1)
    assert (f["litigation_direct.total"], f["litigation_after_review.total"], f["art20.normative.issued"]) == (1, 1, 13)


@pytest.mark.parametrize(
    "sentence",
    [
        "2021年，我区共受理政府信息公开申请20件。",
        "全年共收到政府信息公开申请20件，均已按时答复。",
        "本年度共答复政府信息公开申请20件。",
        "其中网上申请12件，当面申请8件。",  # a part of the work, not the table's total
        "全年收到信息公开申请较上年增加5件。",
        "发生因政府信息公开工作引起的行政复议1件，结果均获维持。",
        "本年度制发行政规范性文件13件。",
        "2021年全区各部门共受理政府信息公开申请356件。",  # the departments' work, not this agency's table
    ],
)
def test_true_statements_raise_nothing(sentence):
    assert _with(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "rule", "key", "table", "text"),
    [
        ("2021年，我区共受理政府信息公开申请859件。", "T1", "applications.new.total", 20, 859),
        ("全年收到21件政府信息公开申请。", "T1", "applications.new.total", 20, 21),
        ("本年度共答复政府信息公开申请19件。", "T3", "applications.total.total", 20, 19),
        ("全年发生信息公开类行政复议7件。", "T4", "review.total", 1, 7),
        ("本年度未发生因政府信息公开申请行政复议的情况。", "T4", "review.total", 1, 0),
        ("本年度制发行政规范性文件21件。", "T6", "art20.normative.issued", None, 21),
    ],
)
def test_false_statements_are_found_with_both_places_and_numbers(sentence, rule, key, table, text):
    (finding,) = _with(sentence)
    assert (finding.rule, finding.location, finding.expected, finding.found) == (rule, key, table, text)
    assert finding.severity == "warning"
    assert sentence.rstrip("。")[-8:] in finding.message and "表" in finding.message  # the sentence, and the table
    assert table is None or f"为 {table}" in finding.message


def test_all_upheld_against_a_corrected_review():
    text = SEED.read_text(encoding="utf-8")
    row = "1\t0\t0\t0\t1\t0\t0\t0\t1\t1\t1\t0\t0\t0\t1"
    assert row in text
    said = text.replace(HEADING, HEADING + "行政复议1件，均获维持。\n", 1)
    assert not [f for f in parse_text(said).findings if f.rule == "T5"]
    # the same sentence over a table 四 whose review was corrected, not upheld
    corrected = parse_text(said.replace(row, "0\t1\t0\t0\t1" + row[9:]))
    assert corrected.figures["review.corrected"] == 1
    (finding,) = [f for f in corrected.findings if f.rule == "T5"]
    assert "均获维持" in finding.message and finding.location.startswith("review.")


def test_received_none_against_table_three_is_the_published_example():
    (finding,) = [f for f in parse_file(SEED).findings if f.rule == "T2"]
    assert "未收到" in finding.message and finding.expected == 20 and finding.found == 0
    assert finding.location == "applications.new.total"


def test_no_false_alarm_on_the_real_reports():
    # the one text-vs-table finding in the bundled and development reports is the published contradiction above
    found = {(p.name, f.rule) for p in CORPUS_FILES + DEV_FILES for f in parse_file(p).findings if f.rule[0] == "T"}
    assert found == {(SEED.name, "T2")}


def test_every_rule_has_a_chinese_name_and_explanation():
    for code, rule in RULES.items():
        assert rule.code == code and rule.name and rule.explanation
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.name)
        assert rule_name(code) == rule.name


ROW = "1\t0\t0\t0\t1\t0\t0\t0\t1\t1\t1\t0\t0\t0\t1"  # the seed's table 四: 1 review, 1 + 1 suits


def _with_table4(sentence: str, row: str):
    text = SEED.read_text(encoding="utf-8")
    assert ROW in text
    return parse_text(text.replace(HEADING, HEADING + sentence + "\n", 1).replace(ROW, row))


def test_a_list_of_review_and_suit_counts_is_read_item_by_item():
    # 复议 2 件、诉讼 7 件, table 四: 2 reviews, suits 5 + 2 = 7: true, and the 2 is never read as the suits
    row = "2\t0\t0\t0\t2\t5\t0\t0\t0\t5\t2\t0\t0\t0\t2"
    for sentence in ("本年度发生行政复议 2 件、行政诉讼 7 件。", "全年共有复议2件、诉讼7件。"):
        report = _with_table4(sentence, row)
        assert (report.figures["review.total"], report.figures["litigation_direct.total"]) == (2, 5)
        assert not [f for f in report.findings if f.rule == "T4"], sentence
    # and a list that does disagree is still found, with the right numbers
    report = _with_table4("本年度发生行政复议 2 件、行政诉讼 9 件。", row)
    assert [(f.rule, f.expected, f.found) for f in report.findings if f.rule == "T4"] == [("T4", 7, 9)]


def test_all_upheld_with_cases_pending_names_them_and_stays_a_hint():
    # 2 reviews: 1 upheld, 1 still pending; the text says all were upheld
    report = _with_table4("行政复议2件，均获维持。", "1\t0\t0\t1\t2" + ROW[9:])
    (finding,) = [f for f in report.findings if f.rule == "T5"]
    assert finding.severity == "warning" and "另有 1 件尚未审结" in finding.message
    assert "已审结的均获维持" in finding.message
