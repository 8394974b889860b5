"""What a 政务公开 office checks in a report beside its arithmetic (../shared/docs/review-criteria.md, B–D).

Each check reads the report alone, and says only what the formats ask: the six parts in
order and numbered as the format numbers them (F2021 template; 条例 第五十条), the
format of the report's year (F2021, F2019), part 一 of about a thousand characters at
most (F2021 一(一), "原则上": a hint), part 五 neither empty nor a line of boilerplate
(F2021 一(五)), part 六 saying what information-processing fees were charged (F2021 一(六)),
a share of 其他处理 worth asking about (F2019 一(三): no threshold is given; ours is
documented), and the report's own year where the text names the year it covers (条例
第四十九条). All are hints to a reviewer (warnings), never the arithmetic's errors.
"""

from __future__ import annotations

import re
from itertools import pairwise

from ..report import Finding, Report
from ..sections import find_headings
from ..text.normalize import fold

PARTS = ("overview", "active", "applications", "review", "problems", "other")
NUMERALS = "一二三四五六"
OVERVIEW_CHARS = 1000  # F2021 一(一): "篇幅原则上不超过一千字"
PART5_CHARS = 40  # fewer Chinese characters than this say nothing concrete
OTHER_SHARE = 0.2  # （六）其他处理 of the （七）总计 from which an office asks why (no official threshold)
OTHER_MIN_TOTAL = 10  # on fewer requests a share says little
_FEES = re.compile(r"信息处理费|处理费|收费|收取[^。；\n]{0,12}费|缴费|费用")
_NOTHING = re.compile(r"^[\s。.、,，;；：:]*(?:无|暂无|没有|不存在)?[\s。.、,，;；：:]*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# where a text names the year it reports on: its statistics period, or its own title repeated in the text
_PERIOD = re.compile(
    r"统计(?:期限|时限|期间|时段|时间|区间)(?:为|是|自|从)?\s*(\d{4})\s*年\s*1\s*月\s*1\s*日\s*起?\s*(?:至|到|—|–|-|~)\s*"
    r"(\d{4})\s*年\s*12\s*月\s*31\s*日"
)
_OWN_TITLE = re.compile(
    r"(?:本|我)(?:单位|机关|局|委|办|区|县|市|镇|乡|厅|署|院)\s*(\d{4})\s*年度?\s*政府信息公开工作年度报告"
)


def office_checks(report: Report) -> list[Finding]:
    """Given a parsed report of the 2019 or 2021 format, return what an office would ask about."""
    if report.template not in ("2019", "2021"):
        return []
    out = _parts(report)
    out += _format_of_year(report)
    out += _overview_length(report)
    out += _part5(report)
    out += _part6_fees(report)
    out += other_share(report)
    out += _years(report)
    return out


# the words of each part's own heading (a sub-topic numbered as a part, 二、工作机制保障, is none of them)
_PART_WORDS = {
    "overview": re.compile(r"总体情况|概述|基本情况"),
    "active": re.compile(r"主动公开"),
    "applications": re.compile(r"申请"),
    "review": re.compile(r"复议|诉讼"),
    "problems": re.compile(r"问题|改进"),
    "other": re.compile(r"其他"),
}


# the format's own title of each part: where a report has several headings of a part's words, this one is it
_PART_TITLES = {
    "overview": re.compile(r"总体情况|概述"),
    "active": re.compile(r"主动公开政府信息"),
    "applications": re.compile(r"收到和处理政府信息公开申请"),
    "review": re.compile(r"行政复议.{0,3}行政诉讼"),
    "problems": re.compile(r"存在的?主要问题"),
    "other": re.compile(r"其他需要报告"),
}


def _parts(report: Report) -> list[Finding]:
    """The six parts present, in order, numbered as the format has them (一 to 六, not restarting)."""
    folded = fold(report.body)
    heads = []  # (part, numeral, the heading's words) of the numbered part headings, in order
    for h in find_headings(folded, legacy=False):
        if h.section in PARTS and folded[h.start] in NUMERALS + "七八九十":
            heads.append((h.section, folded[h.start], folded[h.start : h.end + 20]))
    own = [(part, n) for part, n, words in heads if _PART_WORDS[part].search(words)]
    titled = [(part, n) for part, n, words in heads if _PART_TITLES[part].search(words)]
    out = []
    headed = {part for part, _ in own}
    # a part whose text was found under sub-headings ((一)主要问题) may have lost only its title in extraction
    untitled = [p for p in PARTS if p not in headed and _has_text(report, p)]
    missing = [p for p in PARTS if p not in headed and p not in untitled]
    if missing:
        names = "、".join(f"{NUMERALS[PARTS.index(p)]}、{_TITLES[p]}" for p in missing)
        out.append(Finding("P1", "warning", f"报告缺少部分：{names}（格式要求六个部分）", "structure"))
    if untitled:
        names = "、".join(f"{NUMERALS[PARTS.index(p)]}、{_TITLES[p]}" for p in untitled)
        message = f"未找到部分标题：{names}（其内容可见；标题可能未印出，也可能未能从文件读出）"
        out.append(Finding("P1", "warning", message, "structure"))
    numerals = [NUMERALS.index(n) if n in NUMERALS else 6 for _, n, _ in heads]
    if any(b <= a for a, b in pairwise(numerals)):
        out.append(
            Finding("P1", "warning", "部分编号中途重新开始或重复（如总体情况的分项编成了一级标题）", "structure")
        )
    first: dict[str, str] = {}
    for part, n in titled + own:  # the format's title first, else the first heading of the part's words
        first.setdefault(part, n)
    wrong = [(p, n) for p, n in first.items() if n != NUMERALS[PARTS.index(p)]]
    if wrong:
        said = "；".join(f"“{_TITLES[p]}”编为第{n}部分（应为第{NUMERALS[PARTS.index(p)]}部分）" for p, n in wrong)
        out.append(Finding("P1", "warning", f"部分的编号与格式不符：{said}", "structure"))
    return out


def _has_text(report: Report, part: str) -> bool:
    text = report.section(part) + (report.section("improvements") if part == "problems" else "")
    return len(_CJK.findall(text)) >= PART5_CHARS


_TITLES = {
    "overview": "总体情况",
    "active": "主动公开政府信息情况",
    "applications": "收到和处理政府信息公开申请情况",
    "review": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other": "其他需要报告的事项",
}


def _format_of_year(report: Report) -> list[Finding]:
    """Reports on 2021 and later use the 2021 format; those on 2019 and 2020 the 2019 format."""
    year = report.year
    if year is None:
        return []
    wanted = "2021" if year >= 2021 else "2019" if year >= 2019 else None
    if wanted is None or report.template == wanted:
        return []
    return [
        Finding(
            "P2",
            "warning",
            f"{year} 年度的报告应使用 {wanted} 年格式（{_NOTICES[wanted]}），本报告的表格是 {report.template} 年格式",
            "structure",
        )
    ]


_NOTICES = {"2021": "国办公开办函〔2021〕30号", "2019": "国办公开办函〔2019〕60号"}


def _part_text(report: Report, part: str) -> str:
    """A part's text from its own heading (the title and preamble before part 一 are not part 一)."""
    folded = fold(report.body)
    headings = [h for h in find_headings(folded, legacy=False) if h.section in PARTS]
    for i, h in enumerate(headings):
        if h.section == part:
            end = headings[i + 1].start if i + 1 < len(headings) else len(report.body)
            return report.body[h.start : end]
    return ""


def _overview_length(report: Report) -> list[Finding]:
    if report.template != "2021":
        return []
    text = _part_text(report, "overview")
    count = len(_CJK.findall(text))
    if count <= OVERVIEW_CHARS * 1.1:  # "about" a thousand: a tenth over is not worth a hint
        return []
    return [
        Finding(
            "P3",
            "warning",
            f"第一部分“总体情况”约 {count} 字，格式要求篇幅原则上不超过一千字",
            "overview",
            OVERVIEW_CHARS,
            count,
        )
    ]


def _part5(report: Report) -> list[Finding]:
    text = report.section("problems") + "\n" + report.section("improvements")
    body = _HEADING_LINE.sub("", text)
    count = len(_CJK.findall(body))
    if _NOTHING.match(body.strip()) or count == 0:
        return [Finding("P4", "warning", "第五部分“存在的主要问题及改进情况”为空或只写“无”", "problems", None, count)]
    if count < PART5_CHARS:
        return [
            Finding(
                "P4",
                "warning",
                f"第五部分“存在的主要问题及改进情况”只有 {count} 字，未写出具体问题和改进措施",
                "problems",
                PART5_CHARS,
                count,
            )
        ]
    return []


_HEADING_LINE = re.compile(r"^\s*[五5][、.．]\s*存在的?主要问题及(?:其)?改进情况\s*$", re.MULTILINE)


def _part6_fees(report: Report) -> list[Finding]:
    if report.template != "2021":
        return []
    text = report.section("other")
    if not text.strip() or _FEES.search(fold(text)):  # a part 六 not there at all is P1's finding
        return []
    unpaid = report.figures.get("applications.other.unpaid_fee.total")
    why = f"（表三“申请人逾期未按收费通知要求缴纳费用”为 {int(unpaid)} 件，说明发过收费通知）" if unpaid else ""
    return [
        Finding(
            "P5",
            "warning",
            f"第六部分未说明收取信息处理费的情况（收取或未收取）{why}",
            "other",
        )
    ]


def other_share(report: Report, threshold: float = OTHER_SHARE) -> list[Finding]:
    """P6: （六）其他处理 at `threshold` or more of the （七）总计 (an office's desk may set its own)."""
    f = report.figures
    total = f.get("applications.total.total")
    if report.template == "2021":
        parts = [f.get(f"applications.other.{row}.total") for row in ("no_correction", "unpaid_fee", "other")]
        other = None if None in parts else sum(parts)
    else:
        other = f.get("applications.other.total")
    if not total or other is None or total < OTHER_MIN_TOTAL or other / total < threshold:
        return []
    share = other / total
    return [
        Finding(
            "P6",
            "warning",
            f"“（六）其他处理”{int(other)} 件，占办理结果总计 {int(total)} 件的 {share:.0%}"
            f"（{threshold:.0%} 以上：格式要求主管部门关注“其他处理”偏高的机关）",
            "applications.total.total",
            None,
            round(share, 4),
        )
    ]


def _years(report: Report) -> list[Finding]:
    """The year the text says it covers, where it says so plainly, against the report's year."""
    if report.year is None:
        return []
    body = fold(report.body)
    out = []
    for m in _PERIOD.finditer(body):
        first, last = int(m.group(1)), int(m.group(2))
        if first == last != report.year:
            out.append(_year(report, m, first, f"统计期限写的是 {first} 年"))
    for m in _OWN_TITLE.finditer(body):
        said = int(m.group(1))
        if said != report.year:
            out.append(_year(report, m, said, f"正文称“{m.group().strip()}”"))
    return out


def _year(report: Report, m: re.Match, said: int, how: str) -> Finding:
    message = f"{how}，与报告年度 {report.year} 年不符（是否沿用了往年的报告？）"
    return Finding("P7", "warning", message, "overview", report.year, said, (m.start(), m.end()))
