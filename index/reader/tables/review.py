"""Table 四 (administrative review and litigation): one row of 15 cells, three groups of five.

The format fixes the 15 columns, so the numbers under the heading are enough,
however the header rows were scrambled: one line of 15 cells; three small
tables of five (or five and ten), one per group; 15 cells one a line; or digits
glued by a crawler, split so that each group of five adds up.
"""

from __future__ import annotations

import re

from .cells import glue, is_blank, parse_number, split_free, split_rows
from .labels import compact, squeeze
from .layout import REVIEW_GROUPS, review_keys
from .lines import Line, table_lines
from .result import TableResult
from .rows import fit

_GROUP_WORDS = {"review": "行政复议", "litigation_direct": "直接起诉", "litigation_after_review": "复议后起诉"}
_DIGITS = re.compile(r"-?\d[\d \t\u3000.\-]*")
_NARRATIVE = re.compile(r"[，。；,;]|[\u4e00-\u9fff]{12}")


def groups_add_up(cells: list[str]) -> bool:
    """Whether each group of five cells ends in the sum of the four before it (blank cells count 0)."""
    values = [0 if is_blank(c) else parse_number(c) for c in cells]
    if any(v is None for v in values):
        return False
    return all(sum(values[g : g + 4]) == values[g + 4] for g in range(0, len(values), 5))


def read_review(text: str) -> TableResult:
    """Given the review section, return the 15 figures of table 四."""
    res = TableResult()
    keys = review_keys()
    lines = [line for line in table_lines(text) if not _NARRATIVE.search(line.label)]
    data = [line for line in lines if line.numbers]
    if data:  # one cell a line (or each closed by its pipe): a cell printed blank (`—`, `|`, `— |`) keeps its place
        data = [
            line
            for line in lines
            if line.numbers or ((line.fields or len(line.cells) == 1) and line.cells and not line.label.strip())
        ]
    whole = [line for line in data if len(line.cells) >= 15]
    if whole:
        # a row numbering the columns (1 2 … 15) can precede the data: the row that adds up wins
        line = next((x for x in whole if groups_add_up(fit(list(x.cells), 15, groups_add_up))), whole[-1])
        res.store(keys, fit(list(line.cells), 15, groups_add_up), inferred=False, at=line.start)
        return res
    if data and sum(len(line.cells) for line in data) == 15 and all(len(line.cells) % 5 == 0 for line in data):
        done = 0
        for line in _by_group(data, lines):  # each small table's row where it was printed
            res.store(keys[done : done + len(line.cells)], list(line.cells), inferred=False, at=line.start)
            done += len(line.cells)
        return res
    cells = [c for line in data if not line.label.strip() for c in line.cells]
    if len(cells) == 15 and all(not line.label.strip() for line in data):
        res.store(keys, cells, inferred=False, at=data[0].start)  # one cell a line, in the format's order
        return res
    if data and data[-1].fields and 5 <= len(data[-1].cells) < 15 and len(data) == 1:
        # a row cut short: the cells printed, from the left; the rest missing
        line = data[-1]
        res.store(keys[: len(line.cells)], list(line.cells), inferred=False, at=line.start)
        res.warn("incomplete", f"表四只印出 {len(line.cells)} 个单元格（应为 15 个），其余未读出", "review")
        return res
    if data and not _glued_line(text):
        total = sum(len(line.cells) for line in data)
        res.warn("layout", f"表四的数字有 {total} 个单元格，无法对应格式的 15 列，未读出", "review")
        return res
    _read_glued(text, res)
    return res


def _glued_line(text: str) -> bool:
    """Whether the table's digits share a line with its header words (a crawled page's one line)."""
    return any("总计" in squeeze(line) and re.search(r"总\s*计\s*[\d-]", line) for line in text.split("\n"))


def _by_group(data: list[Line], lines: list[Line]) -> list[Line]:
    """Given the small tables' number lines, return them in the format's group order when their headers say it."""
    order: list[int] = []
    for line in data:
        before = [x for x in lines if x.start <= line.start]
        header = squeeze(" ".join(x.label for x in before[-4:]))
        found = [(header.rfind(w), g) for g, w in _GROUP_WORDS.items() if w in header]
        if not found or len(line.cells) != 5:
            return data
        order.append(REVIEW_GROUPS.index(max(found)[1]))
    if sorted(order) != list(range(len(data))):
        return data
    return [line for _, line in sorted(zip(order, data, strict=True), key=lambda x: x[0])]


def _read_glued(text: str, res: TableResult) -> None:
    keys = review_keys()
    squeezed, offsets = compact(text)
    heads = [m.end() for m in re.finditer("总计", squeezed)]
    if not heads:
        return
    m = _DIGITS.search(text, offsets[heads[-1] - 1] + 1)
    if not m:
        return
    tokens = [t for t in re.split(r"[\s\u3000]+", m.group().strip()) if t]
    at = m.start()
    if len(tokens) == 15:
        res.store(keys, tokens, inferred=False, at=at)
        return
    digits, cuts = glue(tokens)
    only = split_free(digits, cuts, 15) if digits.isdigit() else []
    if len(only) == 1:  # 15 cells one way only (15 single digits): read whatever its totals say
        res.store(keys, [str(v) for v in only[0]], inferred=True, at=at)
        return
    found = split_rows(digits, cuts, 3, 5) if digits.isdigit() else []
    if len(found) == 1:
        res.store(keys, [str(v) for v in found[0]], inferred=True, at=at)
    elif found:
        agreed = [str(v.pop()) if len(v) == 1 else None for v in (set(col) for col in zip(*found, strict=True))]
        kept = [(k, v) for k, v in zip(keys, agreed, strict=True) if v is not None]
        res.store([k for k, _ in kept], [v for _, v in kept], inferred=True, at=at)
        res.warn("glued", f"表四粘连的数字 “{digits}” 有 {len(found)} 种拆法，只保留各拆法一致的单元格", "review")
    else:
        res.warn("glued", f"表四无法拆分粘连的数字 “{' '.join(tokens)}”", "review")
