"""Title, agency and year: from the title when the report has one, otherwise from the body."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from .agency import strip_label
from .normalize import fold, squeeze_cjk_spaces, to_halfwidth

_NAME = r"[^\s，。、：；！？,.:;!?|“”\"《》()（）\[\]【】<>]"
_YEAR = r"(?:19|20)\d{2}"
_TAIL = r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)"
_TITLE_RES = (
    # 郑州经济技术开发区管委会2021年政府信息公开工作年度报告 / 2024年上海市科委政府信息公开工作年度报告
    re.compile(rf"^(?:关于)?(?P<pre>{_NAME}{{0,40}}?)(?P<year>{_YEAR})年度?(?P<post>{_NAME}{{0,30}}?){_TAIL}$"),
    # 某某局政府信息公开工作年度报告（2021年度）
    re.compile(rf"^(?P<pre>{_NAME}{{0,40}}?){_TAIL}[（(](?P<year>{_YEAR})年?度?[)）]$"),
)
_PUBLISHING = re.compile(r"(?:现将|现予?公布|现发布|特发布|现就|根据|依据|按照)")
_HEAD_CHARS = 600  # titles, even behind crawled page chrome, sit at the very start
# a title run together with the text after it (a crawl that lost the line breaks)
_TITLE_PREFIX = re.compile(rf"^.{{4,70}}?(?:报告|年报)(?:[（(]{_YEAR}年?度?[)）])?")


def _candidates(text: str) -> list[str]:
    """Given the start of a report, return strings that could be its title, in reading order."""
    lines = [line.strip() for line in text[:_HEAD_CHARS].split("\n") if line.strip()][:12]
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        # crawled pages: the title is one whitespace-separated token among page chrome
        out.extend(tok.strip("|") for tok in line.split() if len(tok) >= 8)
        if i + 1 < len(lines):  # a title broken over two lines
            out.append(line + lines[i + 1])
        if i < 3 and (m := _TITLE_PREFIX.match(line)) and m.end() < len(line):
            out.append(m.group())
    return out


def find_title(text: str) -> tuple[str, str | None, int] | None:
    """Given report text, return (title, agency or None, year) from its title, or None without one.

    >>> find_title("郑州经济技术开发区管委会 2021 年政府信息公开 工作年度报告\\n一、总体情况")
    ('郑州经济技术开发区管委会2021年政府信息公开工作年度报告', '郑州经济技术开发区管委会', 2021)
    >>> find_title("现将东莞市教育局2021年度政府信息公开工作年度报告公布如下。\\n一、总体情况") is None
    True
    """
    for cand in _candidates(text):
        title = squeeze_cjk_spaces(to_halfwidth(cand)).strip()
        folded = fold(title)
        if _PUBLISHING.match(folded):
            continue  # the sentence publishing the report (现将…年度报告公布如下), not its title
        for regex in _TITLE_RES:
            m = regex.match(folded)
            if m:
                group = next((g for g in ("pre", "post") if m.groupdict().get(g)), None)
                # a one-character "name" is a stray word, not an agency
                has_name = group is not None and len(m.group(group)) >= 2
                agency = title[m.start(group) : m.end(group)] if has_name else None
                if agency is not None and (bare := strip_label(agency)) != agency:
                    title, agency = strip_label(title), bare
                return title, agency, int(m.group("year"))
    return None


_PERIOD = re.compile(rf"(?:统计|期限|期间|周期|时间段)[^。]{{0,12}}?({_YEAR})\s*年\s*1\s*月\s*1\s*日")
_YEAR_MENTION = re.compile(rf"({_YEAR})\s*年(度)?")


def find_year(text: str, latest: int = 2100) -> int | None:
    """Given report text without a title, return the year it reports on, or None.

    The statistics period ("统计期限自2018年1月1日") decides when stated; otherwise the
    year most mentioned near the start, with "YYYY年度" counting double.
    """
    folded = fold(text)
    m = _PERIOD.search(folded)
    if m:
        return int(m.group(1))
    votes: Counter[int] = Counter()
    for m in _YEAR_MENTION.finditer(folded[:4000]):
        year = int(m.group(1))
        if 1990 <= year <= latest:
            votes[year] += 2 if m.group(2) else 1
    if not votes:
        return None
    best = max(votes.values())
    return min(y for y, v in votes.items() if v == best)


# A web page's own publication line (发布时间：2024-01-20 10:05, 发布日期：2024年1月20日), near the page's
# top or bottom. Not the report's 落款 date, nor a 成文日期: when it was made public is what a deadline asks.
_PUBLISHED = re.compile(
    rf"(?:发布|公开|发文|上网)(?:时间|日期)\s*[:：]\s*({_YEAR})\s*(?:年|-|/|\.)\s*(\d{{1,2}})\s*(?:月|-|/|\.)\s*(\d{{1,2}})"
)
_PUBLISHED_CHARS = 1500


def find_published(text: str) -> str | None:
    """Given a page's text (before its chrome is stripped), return the date its publication line names, as
    YYYY-MM-DD, or None (no line, a date that does not exist, or two lines that disagree).

    >>> find_published("首页 > 年报\\n发布时间：2024-01-20 10:05 来源：区政府办\\n某区2023年…年度报告")
    '2024-01-20'
    >>> find_published("发布日期：2024年1月32日"), find_published("报告正文")
    (None, None)
    """
    folded = fold(text)
    ends = folded[:_PUBLISHED_CHARS] + "\n" + folded[-_PUBLISHED_CHARS:]
    found = set()
    for m in _PUBLISHED.finditer(ends):
        try:
            found.add(date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat())
        except ValueError:
            return None
    return found.pop() if len(found) == 1 else None
