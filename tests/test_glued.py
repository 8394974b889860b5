"""Digits a crawler glued together (a page flattened to one line): signs and measure words end cells, a run
that splits one way only is read whatever its totals say, and an ambiguous run keeps only what every
reading agrees on."""

from __future__ import annotations

from index.reader.audit.arithmetic import audit
from index.reader.tables.active import read_active
from index.reader.tables.review import read_review

ART20_2019 = (
    "第二十条第（一）项\n信息内容本年新制作数量本年新公开数量对外公开总数量\n规章000\n规范性文件000\n"
    "第二十条第（五）项\n信息内容上一年项目数量本年增/减处理决定数量\n行政许可{licensing}\n其他对外管理服务事项000\n"
    "行政处罚{penalty}\n行政强制000\n第二十条第（八）项\n行政事业性收费00\n第二十条第（九）项\n政府集中采购{procurement}\n"
)


def art20(**rows: str):
    values = {"licensing": "000", "penalty": "000", "procurement": "00"} | rows
    return read_active(ART20_2019.format(**values), "2019")


def test_a_sign_ends_the_cell_before_it_and_never_a_digit_is_taken_alone():
    res = art20(licensing="144+5149", penalty="2648-18538")
    # 144 then +5 149, +51 49 or +514 9: only 144 is certain (a sign opens 本年增/减, never another column)
    assert res.figures["art20.licensing.previous"] == 144 and "art20.licensing.change" not in res.figures
    assert res.figures["art20.penalty.previous"] == 2648 and "art20.penalty.decisions" not in res.figures
    said = [f.message for f in res.findings if f.rule == "glued"]
    assert any("144+5149" in m and "只保留各拆法一致的 1 个" in m for m in said)
    assert {"art20.licensing.previous", "art20.penalty.previous"} <= res.inferred
    # signed and unambiguous: read
    one = art20(licensing="0+30")
    assert [one.figures[f"art20.licensing.{k}"] for k in ("previous", "change", "decisions")] == [0, 3, 0]


def test_a_measure_word_ends_a_cell():
    res = art20(procurement="12个246900元")
    assert res.figures["art20.procurement.count"] == 12
    assert res.figures["art20.procurement.amount"] == 24.69  # 246900 元 in the table's 万元
    assert not [f for f in res.findings if f.rule == "glued" and "采购" in f.message]


HEADER_4 = (
    "四、政府信息公开行政复议、行政诉讼情况\n行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
    "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计{digits}\n五、存在的主要问题"
)


def test_fifteen_single_digits_are_read_whatever_their_totals_say():
    res = read_review(HEADER_4.format(digits="100020000000000"))  # 复议 1 维持, 总计 printed 2
    assert res.figures["review.upheld"] == 1 and res.figures["review.total"] == 2
    (i4,) = [f for f in audit(res.figures) if f.rule == "I4"]  # the agency's own error, said
    assert i4.severity == "error" and i4.expected == 1 and i4.found == 2
    assert not res.findings  # read with certainty: nothing to doubt
