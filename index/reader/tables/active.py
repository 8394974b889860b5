"""Table 二 (条例第二十条): a few labelled rows of one to three cells, no arithmetic between them.

Each row is found by its label; its cells are on the label's line, or on the
lines after it when every cell was printed on a line of its own. Without
arithmetic, glued digits are split only when one reading exists.
"""

from __future__ import annotations

import re

from .cells import glue, is_blank, split_free
from .labels import compact, squeeze
from .layout import ART20_ROWS, Art20Row
from .lines import Line, table_lines
from .result import TableResult

_START = re.compile("第二十条|信息内容|本年制发件数|本年新制作数量|上一年项目数量|本年处理决定数量|采购项目数量")
_STOP = re.compile("第二十条|信息内容")  # captions and header rows end a row's cells
_LABEL_SLACK = 6  # a row's label may carry a few more characters (numbering, a unit) but is no sentence


def read_active(text: str, template: str) -> TableResult:
    """Given the active-disclosure section, return the figures of table 二 (条例第二十条)."""
    res = TableResult()
    if template not in ART20_ROWS:
        return res
    rows = ART20_ROWS[template]
    squeezed, offsets = compact(text)
    m = _START.search(squeezed)
    start = offsets[m.start()] if m else 0
    lines = table_lines(text[start:])
    done: set[str] = set()
    for i, line in enumerate(lines):
        row = _row_of(line, rows, strict=m is None)
        if row is None or row.keys[0] in done:
            continue
        if line.cells:
            done.add(row.keys[0])
            _store(res, row, list(line.cells), fields=line.fields, at=line.start)
            continue
        stack = _stacked_labels(lines, i, row, rows, strict=m is None)
        cells = _cells_below(lines, stack[-1][0])
        if not cells:
            continue
        done.update(r.keys[0] for _, r in stack)
        if len(stack) == 1:
            _store(res, row, cells, fields=line.fields, at=line.start)
        elif len(cells) == len(stack) and all(len(r.keys) == 1 for _, r in stack):
            # labels stacked, then their numbers: a cell each, so row by row and column by column agree
            for (j, r), cell in zip(stack, cells, strict=True):
                _store(res, r, [cell], fields=False, at=lines[j].start)
        else:
            names = "”“".join(r.name for _, r in stack)
            res.warn(
                "layout",
                f"第二十条表格“{names}”行的标签连在一起、数字印在其后（{len(cells)} 个），"
                "无法确定各数字属于哪一行哪一列，未读出",
                stack[0][1].keys[0],
            )
    for row in rows:
        if row.keys[0] not in done and m is not None:
            _read_glued(text[start:], row, res)
    return res.shifted(start)


def _row_of(line: Line, rows: tuple[Art20Row, ...], strict: bool) -> Art20Row | None:
    label = squeeze(line.label)
    if not label or _STOP.search(label):
        return None
    hits = [(mm.end() - mm.start(), row) for row in rows if (mm := re.search(row.label, label))]
    if not hits:
        return None
    length, row = max(hits, key=lambda h: h[0])
    if strict and (len(label) > length + _LABEL_SLACK or len(line.cells) != len(row.keys)):
        return None  # without the table's header, only a line that is plainly a row counts
    return row


def _stacked_labels(
    lines: list[Line], i: int, row: Art20Row, rows: tuple[Art20Row, ...], strict: bool
) -> list[tuple[int, Art20Row]]:
    """Given a row's label printed on a line of its own, return it with the rows' labels printed on the
    lines right after it, each alone on its line (an extractor that prints a table's labels, then its
    numbers), as (line, row)."""
    stack = [(i, row)]
    for j in range(i + 1, len(lines)):
        nxt = _row_of(lines[j], rows, strict) if not lines[j].cells else None
        if nxt is None or any(r is nxt for _, r in stack):
            break
        stack.append((j, nxt))
    return stack


def _cells_below(lines: list[Line], i: int) -> list[str]:
    """Given a label printed on a line of its own, return the cells on the lines after it (one per line)."""
    out: list[str] = []
    for line in lines[i + 1 :]:
        if line.label.strip() or not line.cells:
            break
        out.extend(line.cells)
    return out


def _store(res: TableResult, row: Art20Row, cells: list[str], fields: bool, at: int) -> None:
    n = len(row.keys)
    keys = list(row.keys)
    if len(cells) > n:
        # the leftmost window holding every number: the extra fields are merged-cell padding or an empty column
        filled = [i for i, c in enumerate(cells) if not is_blank(c)] or [0]
        s = next((s for s in range(len(cells) - n + 1) if s <= filled[0] and filled[-1] < s + n), None)
        if s is None:  # more numbers than the row has cells: which are its own cannot be told
            printed = " ".join(c for c in cells if not is_blank(c))
            res.warn("layout", f"第二十条表格“{row.name}”行印出的数字（{printed}）多于 {n} 个，未读出", keys[0])
            return
        cells = cells[s : s + n]
    if len(cells) < n:
        if not fields:
            res.warn("layout", f"第二十条表格“{row.name}”行只有 {len(cells)} 个数字（应为 {n} 个），未读出", keys[0])
            return
        res.warn("incomplete", f"第二十条表格“{row.name}”行只印出 {len(cells)} 个单元格，其余未读出", keys[0])
        keys = keys[: len(cells)]
    res.store(keys, cells, inferred=False, amount=row.amount, at=at)


# the run of a row's glued cells: digits, signs (本年增/减), spaces, and measure words that end a cell
_GLUED_RUN = re.compile(r"[^\d\n]{0,12}?([-+]?\d(?:[\d \t\u3000.+\-]|个|件|条|项|万元|元)*)")
_READINGS = 50  # readings of a glued run enumerated: with more, no cell is kept (the run is too ambiguous)


def _read_glued(text: str, row: Art20Row, res: TableResult) -> None:
    """Read a row whose digits are glued to its label on one line (a crawled page)."""
    squeezed, offsets = compact(text)
    m = re.search(row.label, squeezed)
    if not m:
        return
    after = text[offsets[m.end() - 1] + 1 :]
    d = _GLUED_RUN.match(after)
    if not d or "\n" in d.group(1).strip() or _STOP.search(squeeze(after[: d.start(1)])):
        return
    # a measure word ends a cell (1个246900元: 1 and 246900元); a count's word is dropped, money keeps its unit
    tokens = [t for t in re.split(r"[\s\u3000]+|(?<=[个件条项元])", d.group(1).strip()) if t]
    tokens = [t.rstrip("个件条项") or t for t in tokens]
    n = len(row.keys)
    at = offsets[m.start()]
    if len(tokens) == n:
        res.store(list(row.keys), tokens, inferred=False, amount=row.amount, at=at)
    elif n == 1:
        res.store(list(row.keys), ["".join(tokens)], inferred=False, amount=row.amount, at=at)
    else:
        digits, cuts = glue(tokens)
        signed = frozenset(i for i, k in enumerate(row.keys) if k.endswith(".change"))  # only 本年增/减 has a sign
        found = split_free(digits, cuts, n, _READINGS, signed) if re.fullmatch(r"[\d+-]+", digits) else []
        if len(found) == 1:
            res.store(list(row.keys), [str(v) for v in found[0]], inferred=True, amount=row.amount, at=at)
            return
        # the cells every reading agrees on (a sign ends the cell before it: 144+5149 is 144 and then doubt)
        agreed = [str(col[0]) if len(set(col)) == 1 else None for col in zip(*found, strict=True)] if found else []
        kept = [(k, v) for k, v in zip(row.keys, agreed, strict=False) if v is not None]
        if kept and len(found) < _READINGS:
            res.store([k for k, _ in kept], [v for _, v in kept], inferred=True, amount=row.amount, at=at)
        said = f"，只保留各拆法一致的 {len(kept)} 个" if kept and len(found) < _READINGS else ""
        res.warn(
            "glued", f"第二十条表格“{row.name}”行的数字 “{' '.join(tokens)}” 粘连且无法唯一拆分{said}", row.keys[0]
        )
