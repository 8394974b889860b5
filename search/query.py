"""The query language: exact phrases, AND by spaces, OR, and -exclusion.

A bare Chinese string is one exact phrase (after normalisation), as a user typing
更新不及时 expects; "…" quotes a phrase explicitly (so it may contain spaces);
space-separated terms must all occur (AND may be written, in any case); `a OR b`
(or `a or b`) lets either; `-term` excludes. Wildcards and other search-engine
syntax (`更新*`, `标题:…`, `a~`) are not supported and are refused with a message
rather than searched as literal characters. Messages are in Chinese: they are
shown on the web pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.analysis import normalize

from .errors import QueryError

MAX_QUERY_CHARS = 200
MAX_TERMS = 20


@dataclass(frozen=True)
class Query:
    """A parsed query: every clause must match (a clause is phrases joined by OR); no excluded phrase may."""

    clauses: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...] = ()

    @property
    def phrases(self) -> list[str]:
        """The phrases a hit is highlighted for: every positive phrase, once."""
        return list(dict.fromkeys(p for clause in self.clauses for p in clause))


def _tokens(text: str) -> list[tuple[str, str]]:
    """Given query text, return (kind, value) tokens: ("term", …), ("not", …) or ("or", "OR")."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negate = ch == "-" and i + 1 < n and not text[i + 1].isspace()
        if negate:
            i += 1
        if text[i] in '"“”':
            closing = text.find('"', i + 1) if text[i] == '"' else text.find("”", i + 1)
            if closing < 0:
                raise QueryError(f"第 {i + 1} 个字符处的引号没有配对")
            value, i = text[i + 1 : closing], closing + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '"“':
                j += 1
            value, i = text[i:j], j
        if value.upper() == "OR" and not negate:
            out.append(("or", value))
        elif value.upper() == "AND" and not negate:
            continue  # spaces already mean AND
        else:
            _refuse_syntax(value)
            out.append(("not" if negate else "term", value))
    return out


# Syntax of other search engines that a user may try; here it would silently be literal text.
# Only the ASCII forms: a full-width ？ or ： is text a report may contain (如何申请？, 电话：…).
_UNSUPPORTED = (
    (re.compile(r"[*?]"), "不支持通配符（* 或 ?）：短语按原文精确匹配，输入词语的一部分即可，如 更新 而非 更新*"),
    (re.compile(r"^[A-Za-z_]+:."), "不支持“字段:词语”的写法：请用章节、年份、机关等筛选项"),
    (re.compile(r"(?<=[^\d~^])[~^]\d*$"), "不支持模糊匹配或加权（~、^）：短语按原文精确匹配"),
)


def unsupported(value: str) -> str | None:
    """Given one term as typed, return why its syntax is refused, or None.

    >>> unsupported("更新*") is not None, unsupported("如何申请？"), unsupported("2019~2021")
    (True, None, None)
    """
    for pattern, message in _UNSUPPORTED:
        if pattern.search(value):
            return message
    return None


def _refuse_syntax(value: str) -> None:
    message = unsupported(value)
    if message:
        raise QueryError(f"“{value}”：{message}")


def parse_query(text: str) -> Query:
    """Given what the user typed, return the parsed Query; QueryError says what is wrong.

    >>> parse_query('更新不及时 人员 OR 编制 -"新 媒体"')
    Query(clauses=(('更新不及时',), ('人员', '编制')), excluded=('新媒体',))
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"检索式有 {len(text)} 个字符，上限 {MAX_QUERY_CHARS}")
    clauses: list[list[str]] = []
    excluded: list[str] = []
    pending_or = False
    for kind, value in _tokens(text):
        if kind == "or":
            if not clauses or pending_or:
                raise QueryError("OR 应位于两个检索词之间")
            pending_or = True
            continue
        phrase = normalize(value)
        if not phrase:
            raise QueryError(f"检索词“{value}”在规范化后为空（只有空格或标点）")
        if kind == "not":
            if pending_or:
                raise QueryError("排除词（-词语）不能用在 OR 中")
            excluded.append(phrase)
        elif pending_or:
            clauses[-1].append(phrase)
            pending_or = False
        else:
            clauses.append([phrase])
    if pending_or:
        raise QueryError("OR 应位于两个检索词之间")
    if not clauses:
        raise QueryError("检索式没有要查找的词" + ("（只有排除词）" if excluded else ""))
    # a term repeated is one term: AND of the same phrase twice is the phrase
    unique = tuple(dict.fromkeys(tuple(dict.fromkeys(c)) for c in clauses))
    excluded_unique = tuple(dict.fromkeys(excluded))
    if sum(map(len, unique)) + len(excluded_unique) > MAX_TERMS:
        raise QueryError(f"检索词过多（上限 {MAX_TERMS} 个）")
    return Query(unique, excluded_unique)
