"""What a web page or a printed page adds around a report: removed before the report is sectioned.

Crawled pages keep the site's breadcrumbs, the 来源/时间/浏览次数 byline, share
and print buttons, attachment links and footers; PDF text keeps page numbers
(`— 3 —`, `- 4 -`, `第 3 页 共 8 页`), also inside tables. Both are removed by
what they say, in lines of their own or inside a crawled page flattened to one
line, never by position alone: report text is never guessed away.
"""

from __future__ import annotations

import re

_DASH = r"[-—–－~～·•]"
_PAGE_NUMBER = re.compile(
    rf"^\s*(?:{_DASH}+\s*\d{{1,4}}\s*{_DASH}+|第\s*\d{{1,4}}\s*页(?:\s*[，,/]?\s*共\s*\d{{1,4}}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[，,]?\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4}\s*页?|page\s*\d+(?:\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)
_INLINE_PAGE = re.compile(
    r"第\s*\d{1,4}\s*页\s*[，,/]?\s*共\s*\d{1,4}\s*页|共\s*\d{1,4}\s*页\s*[，,]?\s*第\s*\d{1,4}\s*页"
)

# Pieces of page chrome, removed wherever they stand (a crawled page is often one line).
_PIECES = re.compile(
    "|".join(
        [
            r"(?:当前位置|您当前的位置|您现在的位置|当前页面|您的位置|所在位置)\s*[:：]\s*(?:\S*首页\S*(?:\s*[>»＞›/]\s*\S+)*)?",
            r"(?:来源|信息来源|作者|发布者)\s*[:：]\s*\S{1,30}?(?=\s|$|\|)(?=.{0,80}(?:时间|日期|浏览|点击))",
            r"(?:发布|更新|成文)?(?:时间|日期)\s*[:：]\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?",
            r"(?:浏览|点击|访问|阅读)(?:次数|数|量)?\s*[:：]\s*(?:\d+|-)?",
            r"[【\[]?\s*字[号体]\s*[:：]?\s*[大中小]\s*[大中小]\s*[大中小]\s*[】\]]?",
            r"[【\[]\s*(?:打印本页|关闭本页|打印|关闭|关闭窗口|返回顶部|收藏|打印此页)\s*[】\]]",
            r"分享到\s*[:：]?",
            r"微信\s+微博\s+QQ空间",
            r"全真版\s+文字版\s+文件下载",
            r"相关链接\s*[:：]\s*-->",
            r"(?:微信|手机)?扫一扫(?:在手机(?:上)?(?:打开|查看)当前页)?",
            r"!\[\]\(\)",
        ]
    )
)
# Lines that are chrome through and through: footers, link lists, wiki and portal furniture (by how they
# start, or by a mark anywhere in them).
_CHROME_LINE_START = re.compile(
    r"\s*(?:附件下载|相关附件|相关链接|相关文件|相关阅读|上一篇|下一篇|网站地图|联系我们|"
    r"主办单位|承办单位|版权所有|技术支持|网站标识码|相關詞條|熱門詞條|聯絡我們|相关词条|热门词条|基本介紹|基本介绍)"
    r"|\s*•\s*(?:中文名|外文名|别名|类别|类型|发布单位|发布时间)\s*[:：]"
)
_CHROME_MARKS = ("ICP备", "公网安备", "Copyright", "©")
_CHROME_LINE_MAX = 80  # a longer line is report text that happens to mention one of these
_TRAILING = re.compile(r"(?:\s*(?:附件下载|相关链接[:：]?|打印本页|关闭本页|【打印】|【关闭】))+\s*$")
# Every piece of chrome, and every trailing one, holds one of these words: a line without any has none.
_PIECE_WORDS = re.compile(
    r"位置|页面|来源|作者|布者|时间|日期|浏览|点击|访问|阅读|字号|字体|打印|关闭|返回|收藏|分享|微信|全真|链接|扫一|!\[|附件下载"
)
_EMPTY = re.compile(r"^[\s|｜\-—–:：>»•·]*$")
_CLOSED_CELL = re.compile(r"\s*[^|]*\|\s*")  # one cell a line, each closed by a pipe


def is_page_number(line: str) -> bool:
    """Whether a line is only a page number or page count.

    >>> [is_page_number(s) for s in ("— 3 —", "- 4 -", "第 3 页 共 8 页", "3", "- 1 - 0 0")]
    [True, True, True, False, False]
    """
    return bool(_PAGE_NUMBER.match(line))


def strip_page_numbers(text: str) -> str:
    """Given text, drop the lines that are page numbers and page counts inside lines."""
    lines = [_INLINE_PAGE.sub("", line) if "页" in line else line for line in text.split("\n")]
    return "\n".join(line for line in lines if not is_page_number(line))


def strip_chrome(text: str) -> str:
    """Given a report's text, return it without the page chrome around and inside it.

    >>> page = "当前位置： 首页政务公开 XX局2021年度政府信息公开工作年度报告 来源：XX局 时间：2022-02-08 16:34"
    >>> strip_chrome(page + " 微信 微博 QQ空间 正文 附件下载")
    'XX局2021年度政府信息公开工作年度报告 正文'
    """
    out = []
    for line in strip_page_numbers(text).split("\n"):
        if len(line) <= _CHROME_LINE_MAX and (_CHROME_LINE_START.match(line) or any(m in line for m in _CHROME_MARKS)):
            continue
        cleaned = _TRAILING.sub("", _PIECES.sub(" ", line)) if _PIECE_WORDS.search(line) else line
        if cleaned != line:
            cleaned = re.sub(r"[ \t\u3000]{2,}", " ", cleaned).strip()
            if _EMPTY.match(cleaned):
                continue
            line = cleaned
        elif line.strip() and "|" in line and _EMPTY.match(line) and not _CLOSED_CELL.fullmatch(line):
            continue  # a row of a layout table with nothing in it (not a blank cell closed by its pipe: `— |`)
        out.append(line)
    return "\n".join(out)
