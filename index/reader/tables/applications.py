"""Table 三 (applications received and how they were handled): 23 or 25 rows of seven cells.

Lines are read first (rows.py): printed labels anchor rows, rows without a
usable label fill the format's rows by their place, runs of one cell per line
are cut into rows (column by column when the arithmetic says so). Rows a crawler
glued into one line are then read by their labels and split by the arithmetic.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial
from itertools import product

from ..text.normalize import fold
from .cells import glue, is_blank, parse_number, split_rows
from .labels import Label, compact, find_labels, match_label
from .layout import (
    APPLICANT_COLUMNS,
    APPLICANT_HEADERS,
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    OUTCOME_KEYS,
    ROW_NAMES,
    TOLERANT_NOTE,
    Row,
)
from .lines import table_lines
from .result import TableResult
from .rows import NumberRow, Placed, align, fit, number_rows, row_sums, trailing_padding

_START = re.compile("勾稽关系|申请人情况|本年新收")
_DIGITS = re.compile(r"-?\d[\d \t\u3000.\-]*")
_MAX_JOINT = 20000  # readings tried when glued rows must be disambiguated together


def application_template(text: str) -> str:
    """Given table 三's text, return "2021" when （六） has the 2021 sub-rows, else "2019"."""
    return "2021" if re.search("逾期不补正|逾期未按收费", "".join(fold(text).split())) else "2019"


@lru_cache(maxsize=512)  # the format's rows and columns: a few dozen keys, asked for in every report
def row_keys(row_key: str, columns: tuple[str, ...] = APPLICATION_COLUMNS) -> tuple[str, ...]:
    return tuple(f"applications.{row_key}.{c}" for c in columns)


def read_applications(text: str) -> TableResult:
    """Given the applications section, return the figures of table 三."""
    res = TableResult()
    squeezed, offsets = compact(text)
    m = _START.search(squeezed)
    if not m:
        return res
    start = offsets[m.start()]
    template = application_template(text[start:])
    expected = APPLICATION_ROWS[template]
    lines = table_lines(text[start:])
    width = _width(lines)
    # a run of cells printed one a line is cut row by row or column by column, as its arithmetic says; a run
    # whose arithmetic cannot tell is printed the way the table's other runs were (one extractor, one way):
    # read again with that way only when such a run and such a way are there
    told: list[str] = []  # how each run the arithmetic could tell was printed
    undecided: list[int] = []  # the sizes of the runs left uncut
    loose: list[int] = []  # where runs of cells that fit no row began

    def cut_rows(hint: str | None) -> list[NumberRow]:
        for kept in (told, undecided, loose):
            kept.clear()
        order = partial(_cut, template=template, hint=hint, told=told, undecided=undecided)
        return number_rows(lines, width, order, APPLICANT_HEADERS, loose)

    rows = cut_rows(None)
    if undecided and len(set(told)) == 1:
        rows = cut_rows(told[0])
    for size in undecided:
        res.warn("layout", f"表三有 {size} 个数字逐个印出，无法确定按行还是按列排列，未读出", "applications")
    placed = align(rows, expected)
    values: dict[str, tuple[int, ...]] = {}
    trailing = trailing_padding((p.cells for p in placed.values() if p.fields), width)
    for j, row in enumerate(expected):
        if j in placed:
            # the last row read, with format rows still to come: the table was cut off there
            cut = _is_last(placed[j], rows) and j < len(expected) - 1
            # numbers that fit no row: a short row's missing cells may be among them
            got = _store_row(res, row.key, placed[j], width, cut, start + placed[j].start, trailing, bool(loose))
            if got is not None:
                values[row.key] = got
    for j, p in placed.items():
        if p.how == "tolerant":
            res.warn(
                "layout",
                f"表三行标签“{p.label.strip()}”与格式不符，{TOLERANT_NOTE}“{ROW_NAMES[expected[j].key]}”读取（推断）",
                f"applications.{expected[j].key}",
            )
    if any(p.how == "order" for p in placed.values()):
        res.warn("layout", "表三部分行标签与数字分开印出或无法辨认：按格式的行序读取（推断）", "applications")
    if width == 6:
        res.warn("layout", "表三未印出“总计”列：各行总计按各列之和推断", "applications.*.total")
    unread = [r for j, r in enumerate(expected) if j not in placed]
    if unread:
        _read_glued(text, start, template, unread, values, res)
    missing = [ROW_NAMES[r.key] for r in expected if not any(res.read(k) for k in row_keys(r.key))]
    if missing and len(missing) < len(expected):
        res.warn("incomplete", f"表三有 {len(missing)} 行未能读出：{'、'.join(missing[:5])}", "applications")
    return res


def _width(lines) -> int:
    """Given the table's lines, return 7, or 6 when its rows print no 总计 column.

    Cells are counted as printed (numbers and empty-cell marks; an empty field may
    be a merged label column). A row of six whose last is the sum of the others
    is a row with a total and an empty cell, not evidence of a missing column.
    """
    seven = six = 0
    for line in lines:
        slots = [c for c in line.cells if c.strip()]
        if len(slots) >= 7:
            seven += 1
        elif len(slots) == 6:
            values = [0 if is_blank(c) else (parse_number(c) or 0) for c in slots]
            if not (values[-1] > 0 and sum(values[:-1]) == values[-1]):
                six += 1
    return 6 if six and not seven else 7


def _is_last(p: Placed, rows: list[NumberRow]) -> bool:
    return bool(rows) and p.start == rows[-1].start


def _store_row(
    res: TableResult,
    key: str,
    p: Placed,
    width: int,
    last: bool,
    at: int,
    trailing: int | None,
    displaced: bool = False,
) -> tuple[int, ...] | None:
    """Store one row's cells (printed at offset `at`; `trailing` empty fields after a row's cells in this
    table); return its seven values when all were read. A short row is never completed with zeros when cells
    were `displaced` (the table has numbers that fit no row): its missing cells may be those."""
    inferred = p.how != "label"
    cells = p.cells
    if len(cells) > width:
        check = row_sums if width == 7 else lambda c: False
        cells = fit(cells, width, check, trailing) if p.fields else fit(cells, width, check)
    keys = row_keys(key) if width == 7 else row_keys(key, APPLICANT_COLUMNS)
    if len(cells) < width:
        numbers = [parse_number(c) for c in cells if not is_blank(c)]
        if all(v == 0 for v in numbers) and not last and not displaced:
            # every printed cell is 0 or blank, so by the row's arithmetic the unprinted ones hold nothing:
            # printed as its neighbours are — blank where the row's other cells are blank (an empty field lost
            # between tabs), else 0 (a zero lost between spaces); marked inferred either way
            missing = width - len(cells)
            blank_row = any(is_blank(c) for c in cells[:-1])
            res.store(keys[missing:], list(cells), inferred, at=at)
            res.store(keys[:missing], ["" if blank_row else "0"] * missing, inferred=True, at=at)
            filled = "空白（同行其余单元格印为空白）" if blank_row else " 0"
            message = f"{ROW_NAMES[key]}：只印出 {len(cells)} 个单元格，均为 0 或空白，缺的单元格推断为{filled}"
            res.warn("layout", message, f"applications.{key}")
        elif p.fields:
            # a row cut short (a truncated page): what was printed, from the left; nothing made up
            res.store(keys[: len(cells)], list(cells), inferred=True, at=at)
            cut = "（表格在此截断）" if last else ""
            res.warn(
                "incomplete", f"{ROW_NAMES[key]}：只印出 {len(cells)} 个单元格，其余未读出{cut}", f"applications.{key}"
            )
        else:
            # cells printed with spaces between them: an empty cell left no trace, so no cell has a known place
            res.warn(
                "incomplete",
                f"{ROW_NAMES[key]}：只印出 {len(cells)} 个数字（应为 {width} 个），未读出",
                f"applications.{key}",
            )
        if width == 6:
            _infer_total(res, key)
        return None
    res.store(keys, cells, inferred, at=at)
    if width == 6:
        _infer_total(res, key)
        return None
    vals = [0 if is_blank(c) else parse_number(c) for c in cells]
    return tuple(int(v) for v in vals) if all(v is not None and v == int(v) for v in vals) else None


def _infer_total(res: TableResult, key: str) -> None:
    keys = row_keys(key, APPLICANT_COLUMNS)
    if res.has(keys) and any(k in res.figures for k in keys):
        # the sum of the printed cells (a blank one adds nothing), marked inferred: it was not printed
        total = f"applications.{key}.total"
        res.figures[total] = sum(res.figures.get(k, 0) for k in keys)
        res.inferred.add(total)
        if keys[0] in res.origins:
            res.origins[total] = res.origins[keys[0]]


def _cut(
    cells: list[str],
    width: int,
    labels: list[str],
    template: str,
    hint: str | None = None,
    told: list[str] | None = None,
    undecided: list[int] | None = None,
) -> list[list[str]] | None:
    """Given a run of cells printed one (or a column) a line and the labels printed just before it, return
    them cut into rows, or None when neither row by row nor column by column can be told. A run the
    arithmetic cannot tell is cut the `hint` way ("rows" or "columns") when given; `told` collects how the
    others were printed, `undecided` the sizes of the runs left uncut."""
    if len(cells) % width:
        return None
    n = len(cells) // width
    by_rows = [cells[i * width : (i + 1) * width] for i in range(n)]
    by_columns = [[cells[c * n + r] for c in range(width)] for r in range(n)]
    how = "rows" if n < 2 or by_rows == by_columns else _orientation(by_rows, by_columns, template, labels)
    if how is not None and told is not None and n >= 2 and by_rows != by_columns:
        told.append(how)
    how = how or hint
    if how is None and undecided is not None:
        undecided.append(len(cells))
    return by_rows if how == "rows" else by_columns if how == "columns" else None


def _orientation(by_rows: list[list[str]], by_columns: list[list[str]], template: str, labels: list[str]) -> str | None:
    """Whether a run was printed row by row ("rows") or, as some extractions print it (pdfminer: a page's part
    of the table at a time, its labels first), column by column ("columns"); None when it cannot be told."""
    n = len(by_rows)
    if n != len(APPLICATION_ROWS[template]):  # a part of the table: only each row's own sum can tell
        if len(by_rows[0]) != 7 or _rows_named(labels, APPLICATION_ROWS[template]) != n:
            return "rows"  # its rows are not the labels just before it: their order unknown
        a, b = _row_sums(by_rows), _row_sums(by_columns)
        return "columns" if b == n > a else "rows" if a > b else None
    a, b = _consistency(by_rows, template), _consistency(by_columns, template)
    return "rows" if a > b else "columns" if b > a else None


def _rows_named(labels: list[str], expected: tuple[Row, ...]) -> int:
    """How many format rows, one after another, the labels printed just before a run name at their end (a
    header word or a label of another part before them does not count; a row named twice counts once)."""
    found = [m.index for label in labels if (m := match_label(label, expected, unique=True)) is not None]
    count = 0
    for i in range(len(found) - 1, -1, -1):
        if i == len(found) - 1 or found[i] == found[i + 1] - 1:
            count += 1
        elif found[i] != found[i + 1]:
            break
    return count


def _row_sums(rows: list[list[str]]) -> int:
    """How many rows' six applicant cells add up to their 总计."""
    vals = [[0 if is_blank(c) else (parse_number(c) or 0) for c in row] for row in rows]
    return sum(sum(v[:6]) == v[6] for v in vals)


def _consistency(rows: list[list[str]], template: str) -> int:
    """Given the whole table as rows of cells, return how many of its identities (I1, E1, I2) hold."""
    keys = [r.key for r in APPLICATION_ROWS[template]]
    vals = {k: [0 if is_blank(c) else (parse_number(c) or 0) for c in row] for k, row in zip(keys, rows, strict=True)}
    score = _row_sums(rows) if len(rows[0]) == 7 else 0
    for c in range(len(rows[0])):
        score += vals["new"][c] + vals["carried_over"][c] == vals["total"][c] + vals["carried_forward"][c]
        score += sum(vals[k][c] for k in OUTCOME_KEYS[template]) == vals["total"][c]
    return score


# -- rows glued into one line by a crawler ------------------------------------------


def _read_glued(
    text: str, start: int, template: str, unread: list[Row], read: dict[str, tuple[int, ...]], res: TableResult
) -> None:
    """Read the rows not read from lines by their labels, where the digits share the label's line."""
    rows = APPLICATION_ROWS[template]
    labels = find_labels(text, rows, sequential=True, start=start)
    segments = _segments(text, labels)
    label_at = {lab.key: lab.start for lab in labels}
    readings: dict[str, list[tuple[int, ...]]] = {}
    for row in unread:
        segment = segments.get(row.key)
        if segment is None:
            continue
        m = _DIGITS.search(segment)
        if not m or "\n" in segment[: m.start()]:
            continue  # numbers on another line belong to rows read (or not) from lines
        tokens = [t for t in re.split(r"[\s\u3000]+", m.group().strip()) if t]
        if len(tokens) == 7:
            res.store(row_keys(row.key), tokens, inferred=False, at=label_at[row.key])
            continue
        digits, cuts = glue(tokens)
        found = split_rows(digits, cuts, 1, 7) if digits.isdigit() else []
        if not found and len(digits) == 7 and digits.isdigit():
            found = [tuple(int(d) for d in digits)]  # seven digits read one way only
        if not found:
            res.warn(
                "glued", f"{ROW_NAMES[row.key]}：无法拆分粘连的数字 “{' '.join(tokens)}”", f"applications.{row.key}"
            )
            continue
        readings[row.key] = found
    for key, values in _disambiguate(readings, read, template, res).items():
        res.store(row_keys(key), [str(v) for v in values], inferred=True, at=label_at[key])


def _segments(text: str, labels: list[Label]) -> dict[str, str]:
    """Given labels in text order, return for each the text between it and the next label."""
    out = {}
    for i, lab in enumerate(labels):
        end = labels[i + 1].start if i + 1 < len(labels) else len(text)
        out[lab.key] = text[lab.end : end]
    return out


def _disambiguate(
    readings: dict[str, list[tuple[int, ...]]], read: dict[str, tuple[int, ...]], template: str, res: TableResult
) -> dict[str, tuple[int, ...]]:
    """Given each glued row's possible readings, keep the ones consistent with E1 and I2 per column."""
    fixed = {k: v[0] for k, v in readings.items() if len(v) == 1}
    open_rows = [k for k, v in readings.items() if len(v) > 1]
    if not open_rows:
        return fixed
    choices = [readings[k] for k in open_rows]
    total_tries = 1
    for c in choices:
        total_tries *= len(c)
    survivors: list[tuple] = []
    if total_tries <= _MAX_JOINT:
        for combo in product(*choices):
            trial = {**read, **fixed, **dict(zip(open_rows, combo, strict=True))}
            if _columns_consistent(trial, template):
                survivors.append(combo)
    for i, key in enumerate(open_rows):
        values = {combo[i] for combo in survivors}
        if len(values) == 1:
            fixed[key] = values.pop()
        else:
            res.warn("glued", f"{ROW_NAMES[key]}：粘连的数字有多种拆法，未采用", f"applications.{key}")
    return fixed


def _columns_consistent(rows: dict[str, tuple[int, ...]], template: str) -> bool:
    """Given whole rows of table 三, say whether every column satisfies E1 and I2 where checkable."""
    has_e1 = all(k in rows for k in ("new", "carried_over", "total", "carried_forward"))
    outcomes = OUTCOME_KEYS[template]
    has_i2 = "total" in rows and all(k in rows for k in outcomes)
    for c in range(7):
        if has_e1 and rows["new"][c] + rows["carried_over"][c] != rows["total"][c] + rows["carried_forward"][c]:
            return False
        if has_i2 and sum(rows[k][c] for k in outcomes) != rows["total"][c]:
            return False
    return True
