"""Comparing reports: identity, symmetry, cross-format figures, X1/X2 across years, selectors."""

from __future__ import annotations

import itertools
import re

import pytest

from index.reader.parse import parse_file, parse_text
from search.compare import align, compare, sentence_key, word_diff, year_checks
from search.reports import AmbiguousReport, UnknownReport, get_report, resolve

from .conftest import CORPUS_FILES, corpus_file


def test_a_report_compared_with_itself_is_all_same(built_index, indexed_reports):
    for report in indexed_reports.values():
        result = compare(report, report)
        for sec in result["sections"].values():
            assert sec["changed"] == sec["only_a"] == sec["only_b"] == []
            # a percentage only where there is more than a heading and a sentence to compare
            assert sec["similarity"] in (1.0, None)
            assert sec["similarity"] == 1.0 or len(sec["same"]) <= 2
        assert all(f["delta"] in (0, None) for f in result["figures"])
        # every printed pair is compared; a cell printed blank is never compared (not even with itself)
        assert all(f["comparable"] == (f["a_state"] == "printed") for f in result["figures"])
        assert all(f["a_state"] == f["b_state"] for f in result["figures"])
        assert result["findings"] == []


def _as_seen(sec, swap: bool = False):
    """A section's alignment in comparable form; with swap, as it reads from the other side."""
    a, b = ("b", "a") if swap else ("a", "b")
    return {
        "same": sorted(map(sentence_key, sec["same"])),  # each side's own spelling of it
        "changed": sorted((c[a], c[b], c["similarity"]) for c in sec["changed"]),
        "only_a": sorted(sec[f"only_{a}"]),
        "only_b": sorted(sec[f"only_{b}"]),
        "similarity": sec["similarity"],
    }


def test_swapping_a_and_b_mirrors_the_result(indexed_reports):
    reports = sorted(indexed_reports.values(), key=lambda r: r.id)
    for a, b in itertools.pairwise(reports):
        ab, ba = compare(a, b), compare(b, a)
        for name in ab["sections"]:
            assert _as_seen(ab["sections"][name]) == _as_seen(ba["sections"][name], swap=True)
        back = {f["key"]: f for f in ba["figures"]}
        for f in ab["figures"]:
            g = back[f["key"]]
            assert (f["a"], f["b"], f["comparable"]) == (g["b"], g["a"], g["comparable"])
            assert (f["a_state"], f["b_state"]) == (g["b_state"], g["a_state"])
            assert f["delta"] == (None if g["delta"] is None else -g["delta"])


def test_changed_sentence_and_word_diff():
    a = "我们进一步加强了本单位政务新媒体的日常管理和内容审核工作。"
    b = "我们进一步加强了本单位政府网站的日常管理和内容审核工作。"
    sec = align(a + "人员不足。", b + "经费不足的问题突出。")
    assert [(c["a"], c["b"]) for c in sec["changed"]] == [(a, b)]
    assert ["replace", "政务新媒体", "政府网站"] in sec["changed"][0]["diff"]
    assert sec["only_a"] == ["人员不足。"] and sec["only_b"] == ["经费不足的问题突出。"]
    assert word_diff("完全相同", "完全相同") == [["equal", "完全相同", "完全相同"]]


def test_figures_across_formats(indexed_reports):
    old = next(r for r in indexed_reports.values() if r.template == "2019" and r.figures)
    new = next(r for r in indexed_reports.values() if r.template == "2021" and r.figures)
    figures = {f["key"]: f for f in compare(old, new)["figures"]}
    assert figures["applications.new.total"]["comparable"]
    assert figures["review.total"]["comparable"]
    assert figures["art20.licensing.decisions"]["comparable"]
    assert figures["applications.other.total"]["comparable"]  # 2021's （六） summed as in 2019
    assert not figures["applications.other.other.total"]["comparable"]
    assert not figures["art20.fees.amount"]["comparable"]  # shown, not hidden


def _with_table(path, replace: dict[str, str], year: int):
    text = path.read_text(encoding="utf-8").replace("2021", str(year))
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return parse_text(text, source=f"{year}")


def test_x1_and_x2_for_consecutive_years():
    path = next(p for p in CORPUS_FILES if p.name.startswith("2021-郑州"))
    # the same agency a year later, carrying over one application less than it forwarded… and more documents
    forward, new = "四、结转下年度继续办理\t\t", "一、本年新收政府信息公开申请数量\t\t"
    y1 = _with_table(
        path,
        {forward + "0\t0\t0\t0\t0\t0\t0": forward + "2\t0\t0\t0\t0\t0\t2", new + "13": new + "15",
         "\t20\t\n二、上年结转": "\t22\t\n二、上年结转"},
        2021,
    )  # fmt: skip
    y2 = _with_table(path, {"二、上年结转政府信息公开申请数量\t\t0": "二、上年结转政府信息公开申请数量\t\t1"}, 2022)
    findings = year_checks(y1, y2)
    assert [(f.rule, f.location, f.expected, f.found) for f in findings if f.rule == "X1"] == [
        ("X1", "applications.carried_over.natural_person", 2, 1),
        ("X1", "applications.carried_over.total", 2, 0),
    ]
    # 83 in force + 13 issued − 83 repealed = 13, but 83 are reported in force
    assert [(f.rule, f.expected, f.found) for f in findings if f.rule == "X2"] == [("X2", 13, 83)]
    assert year_checks(y2, y1) == findings  # either order
    assert compare(y1, y2)["findings"] and not compare(y1, y1)["findings"]


def test_selectors(built_index, indexed_reports):
    some = next(iter(indexed_reports.values()))
    assert resolve(built_index, some.id).id == some.id
    zz = resolve(built_index, "郑州经济技术开发区@2021")
    assert zz.agency == "郑州经济技术开发区管委会" and zz.year == 2021
    assert get_report(built_index, zz.id).figures == zz.figures
    with pytest.raises(
        UnknownReport, match="没有找到“郑州经济技术开发区@1999”；该机关的报告：郑州经济技术开发区管委会@2021"
    ):
        resolve(built_index, "郑州经济技术开发区@1999")
    with pytest.raises(UnknownReport, match="既不是报告编号，也不是“机关@年份”"):
        resolve(built_index, "whatever")


def test_ambiguous_selector_lists_candidates(built_index, dev_reports):
    with pytest.raises(AmbiguousReport, match="对应多份报告") as caught:
        resolve(built_index, "平潭@2013")
    assert {m["agency"] for m in caught.value.candidates} == {"平潭综合实验区", "平潭综合实验区地方税务局"}


def test_an_exact_agency_name_wins_over_a_part_of_a_name(built_index, dev_reports):
    # 平潭综合实验区 is also a part of 平潭综合实验区地方税务局's name: the agency of that name is meant
    assert resolve(built_index, "平潭综合实验区@2013").agency == "平潭综合实验区"
    # any name the agency was printed under names it, and so does a name of the same agency with its brackets
    assert resolve(built_index, "平潭综合实验区管委会@2021").agency == "平潭综合实验区"
    assert resolve(built_index, "平潭综合实验区（管委会）@2022").agency == "平潭综合实验区管委会"


def test_x1_on_the_dev_corpus_years(dev_reports):
    by_year = {r.year: r for r in dev_reports.values() if r.agency == "平潭综合实验区"}
    assert year_checks(by_year[2020], by_year[2021]) == []  # carried forward 0 = carried over 0


def test_sentences_are_aligned_in_document_order():
    a = "一、总体情况\n加强组织领导。完善公开制度。（一）主动公开\n规范依申请公开。强化监督考核。"
    b = "一、总体情况\n加强组织领导。新增政务新媒体管理。(一) 主动公开。\n规范依申请公开工作流程。强化监督考核。"
    rows = align(a, b)["rows"]
    assert [r["kind"] for r in rows] == ["same", "same", "only_a", "only_b", "same", "changed", "same"]
    assert rows[2]["a"] == "完善公开制度。" and rows[3]["b"] == "新增政务新媒体管理。"
    # the mirror image, swapped
    mirrored = align(b, a)["rows"]
    swap = {"only_a": "only_b", "only_b": "only_a"}
    assert [swap.get(r["kind"], r["kind"]) for r in mirrored] == [
        "same",
        "same",
        "only_b",
        "only_a",
        "same",
        "changed",
        "same",
    ]


def test_paraphrases_differing_in_numbering_or_width_are_paired():
    rows = align("（三）加强业务培训，提升工作能力。", "（五）加强业务培训,提升工作能力")["rows"]
    assert [r["kind"] for r in rows] == ["changed"] and rows[0]["similarity"] >= 0.7
    assert [r["kind"] for r in align("（一）主动公开", "(一) 主动公开。")["rows"]] == ["same"]


def test_tables_are_compared_cell_by_cell_not_as_sentences(indexed_reports):
    a = parse_file(corpus_file("2021-郑州"))
    b = parse_file(corpus_file("2022-郑东"))
    result = compare(a, b)
    for name in ("applications", "review", "active"):
        for row in result["sections"][name]["rows"]:
            text = row["a"] or row["b"]
            assert "\t" not in text and len(re.findall(r"\d+", text)) < 3, text
    new = next(f for f in result["figures"] if f["key"] == "applications.new.total")
    assert (new["label"], new["table"], new["a"], new["b"], new["delta"]) == ("本年新收·总计", "三", 20, 0, -20)
    assert result["summary"]["largest"][0]["key"] in {f["key"] for f in result["figures"] if f["delta"]}
    assert all(f["label"] != f["key"] for f in result["figures"])  # every figure has its Chinese label


def test_a_section_too_long_to_align_is_bounded_and_says_so():
    from search.compare import MAX_ALIGN

    n = int(MAX_ALIGN**0.5) + 50  # sentences each side: beyond the cap
    a = "".join(f"第{i}项工作按计划推进并完成第{i}批次任务。" for i in range(n))
    b = "".join(f"第{i}项工作按计划推进并完成第{i}批次任务。" for i in range(25, n + 25))
    sec = align(a, b)
    assert sec["rows"] == [] and "未逐句对齐" in sec["too_long"] and sec["similarity"] is None
    assert len(sec["same"]) == n - 25 and len(sec["only_a"]) == 25 and len(sec["only_b"]) == 25
    mirrored = align(b, a)
    assert (len(mirrored["only_a"]), len(mirrored["only_b"])) == (25, 25)
