"""Reading table cells: numbers from fields, and glued digit runs split by the format's arithmetic.

Crawled pages often lose the cell borders, so a row of table 三 reads
"640020470" for 64 0 0 2 0 4 70. Every row of tables 三 and 四 ends in a
total that is the sum of the cells before it; that, with "no leading
zeros", usually leaves exactly one way to read the digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

MAX_DIGITS = 7  # no cell of these tables reaches ten million
# a cell may carry its sign (本年增/减: +5) and its money's unit (0.5万元); a count's measure word (3件) only
# where the cell is a field of its own (count_cell), for 共12件 in running text is no cell
_NUMBER = re.compile(r"^(?P<sign>[-+]?)(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>万元|元)?$")
_COUNTED = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*(?:人次|[个件条项次份宗家])$")
# What published tables print in an empty cell. In space-separated text only the
# marks count: a word such as 无 there is more likely narrative than a cell.
BLANK_MARKS = frozenset({"-", "—", "——", "－", "–", "--", "/", "／", "\\", "_", "＿", "__", "（空）", "(空)"})
_BLANKS = BLANK_MARKS | {"", "无", "空"}
# a cell that holds something that could not be read (OCR saw ink but no number; 约13 in a number's cell):
# it keeps its place in its row and is neither a number nor blank (the geta mark stands for an illegible
# character in print); what was printed may follow the mark
UNREAD = "〓"
# A number with a note in brackets: 22（其中修订16件）
_NOTED = re.compile(r"^(?P<num>-?\d+(?:\.\d+)?\s*(?:万元|元)?)\s*[（(](?P<note>[^()（）]{1,60})[)）]$")


@lru_cache(maxsize=1 << 16)  # table cells repeat (0, 1, 总计 …): a million reads per 1,500 reports
def parse_number(text: str, amount: bool = False) -> float | None:
    """Given a cell's text, return its number, or None when it is not one.

    Money is returned in 万元: "251000元" is 25.1 when `amount` is set. A note in
    brackets after the number is not part of it (see `split_note`).

    >>> parse_number("251000元", amount=True)
    25.1
    >>> parse_number("13"), parse_number("规章"), parse_number("22（其中修订16件）")
    (13, None, 22)
    >>> parse_number("+5"), parse_number("12个")
    (5, None)
    """
    text = text.strip().replace(",", "")
    m = _NUMBER.match(text) or _NUMBER.match(split_note(text)[0])
    if not m:
        return None
    value = float(m.group("num"))
    if m.group("sign") == "-":
        value = -value
    if amount and m.group("unit") == "元":
        value = round(value / 10000, 6)
    return int(value) if value == int(value) and "." not in m.group("num") else value


def count_cell(field: str) -> str:
    """Given a field of its own (a tab- or pipe-separated cell), return it without a count's measure word.

    >>> count_cell("12个"), count_cell("3 件"), count_cell("规章")
    ('12', '3', '规章')
    """
    m = _COUNTED.match(field)
    return m.group(1) if m else field


@lru_cache(maxsize=1 << 16)
def split_note(text: str) -> tuple[str, str | None]:
    """Given a cell's text, return (the number's text, the note in brackets after it or None).

    >>> split_note("22（其中修订16件）")
    ('22', '其中修订16件')
    >>> split_note("13")
    ('13', None)
    """
    m = _NOTED.match(text.strip())
    return (m.group("num").strip(), m.group("note").strip()) if m else (text.strip(), None)


@lru_cache(maxsize=1 << 16)
def is_blank(text: str) -> bool:
    """Whether a cell's text is an empty cell: nothing, or a placeholder such as - / — _ （空）."""
    return text.strip() in _BLANKS


@lru_cache(maxsize=1 << 16)
def is_cell(text: str) -> bool:
    """Whether a field holds a table cell: a number (with or without a note), an empty-cell mark, or a cell
    that could not be read (UNREAD)."""
    return is_blank(text) or text.strip().startswith(UNREAD) or parse_number(text) is not None


def _number_ends(s: str, start: int, cuts: frozenset[int]) -> Iterator[int]:
    """Given a digit string and a start, yield the ends of the numbers that can start there."""
    first = start + 1 if s.startswith(("-", "+"), start) else start  # a sign opens a number (本年增/减: -417, +5)
    if first >= len(s) or not s[first].isdigit():
        return
    # "0" stands alone: no leading zeros
    ends = [first + 1] if s[first] == "0" else range(first + 1, min(len(s), first + MAX_DIGITS) + 1)
    for end in ends:
        if any(start < c < end for c in cuts) or "-" in s[first:end] or "+" in s[first:end]:
            break  # a number never spans a space the page kept, nor a sign
        yield end


def split_rows(s: str, cuts: frozenset[int], groups: int, size: int) -> list[tuple[int, ...]]:
    """Given glued digits, return every reading as `groups` rows of `size` numbers, each row's last the sum.

    `cuts` are positions where the source kept a separator: numbers end there.

    >>> split_rows("640020470", frozenset(), 1, 7)
    [(64, 0, 0, 2, 0, 4, 70)]
    >>> split_rows("21317000001324019", frozenset(), 3, 5)
    [(2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19)]
    """
    out: list[tuple[int, ...]] = []

    def walk(pos: int, done: tuple[int, ...], row: tuple[int, ...]) -> None:
        if len(row) == size - 1:
            total = str(sum(row))
            end = pos + len(total)
            if s.startswith(total, pos) and not any(pos < c < end for c in cuts):
                nxt = (*done, *row, int(total))
                if len(nxt) == groups * size:
                    if end == len(s):
                        out.append(nxt)
                else:
                    walk(end, nxt, ())
            return
        left_numbers = groups * size - len(done) - len(row)
        if len(s) - pos < left_numbers:
            return
        for end in _number_ends(s, pos, cuts):
            walk(end, done, (*row, int(s[pos:end])))

    walk(0, (), ())
    return out


def split_free(
    s: str, cuts: frozenset[int], n: int, limit: int = 2, signed: frozenset[int] | None = None
) -> list[tuple[int, ...]]:
    """Given glued digits with no arithmetic to check, return up to `limit` readings as n numbers.

    Callers accept a reading only when it is the only one. `signed`: the columns where a number printed
    with its sign may stand (本年增/减); None, any.

    >>> split_free("000", frozenset(), 3)
    [(0, 0, 0)]
    >>> len(split_free("693665", frozenset(), 3))
    2
    """
    out: list[tuple[int, ...]] = []

    def walk(pos: int, acc: tuple[int, ...]) -> None:
        if len(out) >= limit:
            return
        if len(acc) == n:
            if pos == len(s):
                out.append(acc)
            return
        if len(s) - pos < n - len(acc):
            return
        if signed is not None and s.startswith(("-", "+"), pos) and len(acc) not in signed:
            return
        for end in _number_ends(s, pos, cuts):
            walk(end, (*acc, int(s[pos:end])))

    walk(0, ())
    return out


def glue(tokens: list[str]) -> tuple[str, frozenset[int]]:
    """Given digit tokens in reading order, return them joined and the positions between them.

    >>> glue(["500000", "5"])
    ('5000005', frozenset({6}))
    >>> split_free(*glue(["35-15"]), 2)
    [(35, -15)]
    >>> split_free(*glue(["144+5149"]), 3, limit=5, signed=frozenset({1}))
    [(144, 5, 149), (144, 51, 49), (144, 514, 9)]
    """
    pieces = [p for tok in tokens for p in re.findall(r"[-+]?[^-+]+|[-+]", tok)]  # "35-15": 35, -15; "144+5": 144, +5
    cuts, pos = set(), 0
    for piece in pieces[:-1]:
        pos += len(piece)
        cuts.add(pos)
    return "".join(pieces), frozenset(cuts)
