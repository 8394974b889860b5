"""Report body to sections: find the part headings, then split part 五 into problems and improvements.

Sections are lists of (start, end) spans over the body; together they cover
every character exactly once. Headings are recognised by what they say, not
by their numbers, because real reports renumber, duplicate and skip them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text.normalize import fold, has_cjk

_NUM = "[一二三四五六七八九十]{1,3}"
# A part heading: a Chinese numeral and 、. In crawled text flattened to one line
# it follows anything (a sentence end, a table's last number, "…163.com"), so a
# numeral right after a Chinese character counts only with the format's own wording.
_HEADING = re.compile(rf"(?P<num>{_NUM})\s*[、.．]\s*")
_STRONG = re.compile(
    r"总体情况|概述|收到和处理政府信息公开申请|主动公开政府信息|政府信息公开行政(?:法)?复议"
    r"|因政府信息公开(?:工作)?被?申请行政复议|(?:工作)?存在的主要问题|其[他它]需要报告"
)
# The parenthesised sub-heading that starts part 五 when its own heading is missing.
_SUB_PROBLEMS = re.compile(r"[（(][一二三1-3][)）]\s*(?:存在的?)?(?:主要)?问题")

# What a heading says, mapped to a section; the first pattern that matches wins.
HEADING_RULES: tuple[tuple[str, str], ...] = (
    ("table_row", r"本年新收|上年结转|本年度办理结果|结\s*转下年度"),  # rows of table 三, not parts
    ("other", r"其[他它]需要报告"),
    ("other", r"[^。，\n]{0,14}(?:收费|减免|支出)"),
    (
        "problems",
        r"(?:(?:政府)?信息公开)?(?:工作)?中?(?:存在的?(?:主要)?(?:问题|不足)|主要问题(?=和|及|与)|问题(?=及|和|与)(?=.{0,3}(?:改进|整改)))"
        r"(?:及|和|与|以及)?(?:其)?(?:改进|整改|解决)?(?:下一?步)?(?:工作)?(?:情况|措施|打算|计划|方向)?",
    ),
    (
        "review",
        r"(?:因)?(?:政府)?(?:信息公开)?(?:工作)?(?:被)?(?:申请)?(?:行政(?:法)?复议|复议、诉讼)|(?:申请)?行政复议",
    ),
    (
        "applications",
        r"收到和处理政府信息公开申请|(?:政府信息)?依申请(?:信息)?公开|政府信息公开申请"
        r"|政府依申请公开|依申请公开信息",
    ),
    ("active", r"(?:政府信息)?主动公开(?:政府信息)?|政府信息主动公开"),
    (
        "overview",
        r"总体情况|概述|概况|(?:[^。，\n]{0,8})基本情况|政府信息管理|(?:政府信息公开)?平台建设"
        r"|监督保障|工作机制|[^。，\n]{0,4}组织",
    ),
)
_RULES = tuple((name, re.compile(pattern)) for name, pattern in HEADING_RULES)

# Where part 五 turns from problems to improvements: a clause that opens with one of these.
IMPROVEMENT_SIGNALS = (
    r"改进措施|整改措施|解决办法|改进办法|下一?步|今后|改进情况|改进方向|工作措施|措施如下|以下措施"
    r"|以下[几三四五]?个?方面|加以改进|将进一步改进|进一步的改进|整改如下|改进如下|为此|新的一年|下一年度|下步工作|工作打算|努力方向"
    r"|针对(?:以上|上述|这些|前述|所述|此类|存在的?|以上存在的?|上述存在的?)?(?:的)?(?:问题|不足)"
)
_SIGNAL = re.compile(IMPROVEMENT_SIGNALS)
_SIGNAL_WINDOW = 12  # the signal must open its clause, not close it
_NEXT_YEAR_PLAN = re.compile(r"\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*[，,]?\s*[^。，,；;]{0,8}将")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
_CLAUSE_END = re.compile(r"[。；;！!？?\n，,：:]")
_SHORT_LEAD = 8  # a lead like "2023年，" stays with the clause it introduces


@dataclass(frozen=True)
class Heading:
    start: int  # where the heading's span begins in the body
    end: int  # where the heading's own words end
    section: str


def classify_heading(words: str) -> tuple[str, int] | None:
    """Given the folded text right after a heading's numeral, return (section, length of the match).

    >>> classify_heading("存在的主要问题及改进情况（一）存在的主要问题")
    ('problems', 12)
    >>> classify_heading("本年新收政府信息公开申请数量") is None
    True
    """
    for name, regex in _RULES:
        m = regex.match(words)
        if m:
            return None if name == "table_row" else (name, m.end())
    return None


def find_headings(folded: str, legacy: bool) -> list[Heading]:
    """Given folded body text, return the part headings in order.

    Unrecognised headings start an overview part in legacy reports (whose parts
    vary) and are ignored otherwise (numbered sub-lists inside a part).
    """
    out: list[Heading] = []
    for m in _HEADING.finditer(folded):
        start = m.start("num")
        words = re.sub(r"[ \t\u3000]+", "", folded[m.end() : m.end() + 60])
        if start and has_cjk(folded[start - 1]) and not _STRONG.match(words):
            continue
        hit = classify_heading(words)
        if hit is None:
            if legacy and not classify_table_row(words):
                out.append(Heading(start, m.end(), "overview"))
            continue
        section, length = hit
        out.append(Heading(start, _heading_end(folded, m.end(), length), section))
    for m in _SUB_PROBLEMS.finditer(folded):
        # only where part 五's own heading is missing: right after the tables
        before = [h for h in out if h.start < m.start()]
        current = before[-1].section if before else "overview"
        if current in ("active", "applications", "review"):
            out.append(Heading(m.start(), m.end(), "problems"))
    if legacy:  # the statistics table appended to a report before 2019, its title included
        out += [Heading(m.start(), m.start(), "statistics") for m in _STATISTICS.finditer(folded)][:1]
    out.sort(key=lambda h: h.start)
    if not any(h.section == "problems" for h in out):
        lost = _lost_problems(folded, out)
        if lost is not None:
            out = sorted([*out, Heading(lost, lost, "problems")], key=lambda h: h.start)
    return out


# 平潭综合实验区政府信息公开情况统计表 指标名称 计量单位 2012年度 历年累计 …, or 附件1：…统计表, on a line of
# its own or run on after the signature of a crawled page: the title is the words before 统计表, the header
# after it (指标名称, or 计量单位 where an extractor moved the first column; a markdown row's pipes before it)
# says it is the old format's table
_STATISTICS = re.compile(
    r"(?:附\s*件\s*\d*\s*[:：]?\s*)?[^\s。；，,]{0,40}?(?:信息公开|公开)[^\s。；，,]{0,10}?统计表"
    r"(?=[\s|]*(?:[(（][^)）\n]{0,20}[)）])?[\s|]*(?:指\s*标\s*名\s*称|计\s*量\s*单\s*位))"
)


# Table 四's one row of numbers: fifteen of them in a line, or digits glued after its last 总计.
_NUMBER_TOKEN = re.compile(r"(?:(?<=\s)|^)(?:-?\d+|[-—/_])(?=\s|$)")
_GLUED_ROW = re.compile(r"总\s*计\s*((?:-?\d[\s\u3000]*){10,})")
_NARRATIVE = re.compile(r"[\u4e00-\u9fff]{6}[^\n]*[，。；]")


def _lost_problems(folded: str, headings: list[Heading]) -> int | None:
    """Given the headings of a report whose part 五 heading is missing, return where part 五 begins, or None.

    Part 五 follows table 四: narrative after table 四's row of numbers, still
    under the review heading, is part 五 and not more of part 四.
    """
    reviews = [i for i, h in enumerate(headings) if h.section == "review"]
    if not reviews:
        return None
    i = reviews[-1]
    start, end = headings[i].end, headings[i + 1].start if i + 1 < len(headings) else len(folded)
    cut = None
    pos = start
    for line in folded[start:end].split("\n"):
        if len(_NUMBER_TOKEN.findall(line.replace("\t", " "))) >= 10:
            cut = pos + len(line)
        pos += len(line) + 1
    if cut is None:
        glued = list(_GLUED_ROW.finditer(folded, start, end))
        if glued:
            cut = glued[-1].end(1)
    if cut is None:
        return None
    cut = _skip_space(folded, cut)
    return cut if cut < end and _NARRATIVE.search(folded, cut, end) else None


def classify_table_row(words: str) -> bool:
    return _RULES[0][1].match(words) is not None


def _heading_end(folded: str, words_start: int, length: int) -> int:
    """Given where a heading's words start and how many squeezed characters matched, return its end."""
    pos, seen = words_start, 0
    while pos < len(folded) and seen < length:
        if folded[pos] not in " \t\u3000":
            seen += 1
        pos += 1
    return pos


def improvements_start(folded: str, start: int, end: int, year: int | None) -> int | None:
    """Given part 五 as folded[start:end] (after its heading), return where improvements begin, or None."""
    sentence_start = start
    clause_start = start
    pos = start
    while pos <= end:
        stop = pos == end or _CLAUSE_END.match(folded, pos)
        if stop:
            clause = folded[clause_start:pos]
            lead = len(clause) - len(clause.lstrip(" \t-*·•"))
            body = clause[lead:]
            m = _SIGNAL.search(body[: _SIGNAL_WINDOW + 8])
            plan = _NEXT_YEAR_PLAN.match(folded, sentence_start, end)
            if plan and (year is None or int(plan.group("year")) > year) and sentence_start >= start:
                return _skip_space(folded, sentence_start)
            if m and m.start() <= _SIGNAL_WINDOW and body.strip():
                if len(folded[sentence_start:clause_start].strip()) <= _SHORT_LEAD:
                    return _skip_space(folded, sentence_start)
                return _skip_space(folded, clause_start)
            if pos < end and _SENTENCE_END.match(folded, pos):
                sentence_start = pos + 1
            clause_start = pos + 1
        pos += 1
    return None


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\u3000":
        pos += 1
    return pos


def split_sections(body: str, year: int | None, legacy: bool) -> tuple[dict[str, list[tuple[int, int]]], bool]:
    """Given a report body, return ({section: spans}, whether part 五 was split).

    Text before the first heading is overview. Spans cover the body exactly.
    """
    folded = fold(body)
    headings = find_headings(folded, legacy)
    bounds = [Heading(0, 0, "overview"), *headings]
    spans: dict[str, list[tuple[int, int]]] = {}
    split = False
    for i, head in enumerate(bounds):
        end = bounds[i + 1].start if i + 1 < len(bounds) else len(body)
        if end <= head.start:
            continue
        if head.section == "problems":
            cut = improvements_start(folded, head.end, end, year)
            if cut is not None and cut < end:
                _add(spans, "problems", head.start, cut)
                _add(spans, "improvements", cut, end)
                split = True
                continue
        _add(spans, head.section, head.start, end)
    return spans, split


def _add(spans: dict[str, list[tuple[int, int]]], name: str, start: int, end: int) -> None:
    if start >= end:
        return
    parts = spans.setdefault(name, [])
    if parts and parts[-1][1] == start:
        parts[-1] = (parts[-1][0], end)
    else:
        parts.append((start, end))
