"""Section text to figures: tables 二 (条例第二十条), 三 (applications) and 四 (review/litigation).

Reading works on three layouts found in published reports:
- fields: tab-separated (copied from Word/HTML) or markdown pipe rows; a
  blank field is a blank cell, which counts as 0 and is remembered as blank;
- glued: crawled pages whose cell borders vanished ("640020470"), split with
  the format's arithmetic and marked as inferred;
- detached: labels and number rows printed apart (PDF extraction); when the
  number rows are exactly as many as the format's rows, they are read in order.
A figure that cannot be read is left out and a warning says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product

from .cells import glue, is_blank, parse_number, split_free, split_rows
from .layout import (
    APPLICANT_COLUMNS,
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    ART20_ROWS,
    OUTCOME_KEYS,
    ROW_NAMES,
    Row,
    review_keys,
)
from .normalize import fold
from .report import Finding

# A row label may carry its own numbering: 四、 (七) 1. — kept with the label so
# that a glued "…00000002.其他法律…" leaves the 2 to the next row.
_PREFIX = r"(?:[（(]?[一二三四五六七八九十]{1,2}[)）、]|\d[.．、])?"
_DIGITS = re.compile(r"-?\d[\d \t\u3000.\-]*")
_MAX_JOINT = 20000  # readings tried when glued rows must be disambiguated together


@dataclass
class TableResult:
    figures: dict[str, float] = field(default_factory=dict)
    inferred: set[str] = field(default_factory=set)
    blank: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)

    def merge(self, other: TableResult) -> None:
        self.figures.update(other.figures)
        self.inferred |= other.inferred
        self.blank |= other.blank
        self.findings.extend(other.findings)

    def warn(self, rule: str, message: str, location: str = "") -> None:
        self.findings.append(Finding(rule, "warning", message, location))


# -- text helpers ---------------------------------------------------------------


def compact(text: str) -> tuple[str, list[int]]:
    """Given text, return it folded with all whitespace removed, and each kept character's offset."""
    folded = fold(text)
    keep = [i for i, ch in enumerate(folded) if not ch.isspace()]
    return "".join(folded[i] for i in keep), keep


@dataclass(frozen=True)
class Label:
    key: str
    start: int  # offsets in the original text
    end: int


def find_labels(text: str, rows: tuple, sequential: bool, start: int = 0) -> list[Label]:
    """Given table text and declared rows, return where each row's label is, in text order.

    Sequential search (each label after the previous one) keeps repeated words
    such as 其他 and 总计 from matching the header; table 二's labels are
    unique and searched independently, since PDF extraction reorders them.
    """
    squeezed, offsets = compact(text[start:])
    found: list[Label] = []
    pos = 0
    for row in rows:
        m = re.compile(_PREFIX + row.label).search(squeezed, pos if sequential else 0)
        if m is None:
            continue
        key = getattr(row, "key", None) or row.keys[0]
        found.append(Label(key, start + offsets[m.start()], start + offsets[m.end() - 1] + 1))
        if sequential:
            pos = m.end()
    return sorted(found, key=lambda lab: lab.start)


def cell_texts(text: str, labels: list[Label]) -> dict[str, str]:
    """Given labels in text order, return for each the text between it and the next label."""
    out = {}
    for i, lab in enumerate(labels):
        end = labels[i + 1].start if i + 1 < len(labels) else len(text)
        out[lab.key] = text[lab.end : end]
    return out


def uses_fields(text: str) -> bool:
    return "\t" in text or "|" in text


def line_fields(cell_text: str) -> list[str] | None:
    """Given the text after a label, return the fields on the label's line (None if it has no numbers).

    The first field is what is left of the label's own cell, and is dropped;
    fields after the numbers that are not numbers end the row.
    """
    line = cell_text.split("\n", 1)[0]
    parts = [p.strip() for p in re.split(r"[\t|]", line)][1:]
    fields: list[str] = []
    for part in parts:
        if parse_number(part) is None and not is_blank(part):
            if any(parse_number(f) is not None for f in fields):
                break
            fields = []  # text before the numbers: more of the label
            continue
        fields.append(part)
    return fields if any(parse_number(f) is not None for f in fields) else None


def digit_tokens(cell_text: str) -> list[str]:
    """Given the text after a label in a glued table, return its first run of number tokens."""
    m = _DIGITS.search(cell_text)
    if not m:
        return []
    return [t for t in re.split(r"[\s\u3000]+", m.group().strip()) if t]


# -- choosing which fields are which columns ----------------------------------


def place_fields(fields: list[str], width: int) -> list[str | None]:
    """Given a row's fields, return exactly `width` of them in column order (None: no cell at all).

    When the row has more fields than columns, the extra ones are empty label
    columns or trailing separators: the window holding every number is chosen,
    preferring one whose last cell is the sum of the others, then the leftmost.
    With fewer fields, a row ending in a number is right-aligned (its total).
    """
    filled = [i for i, f in enumerate(fields) if not is_blank(f)]
    if len(fields) >= width:
        if not filled:
            return fields[:width]
        first, last = filled[0], filled[-1]
        windows = [s for s in range(len(fields) - width + 1) if s <= first and last < s + width]
        if not windows:  # more numbers than columns: the first ones are the row
            return fields[first : first + width]
        for s in windows:
            if _sums(fields[s : s + width]):
                return fields[s : s + width]
        # nothing adds up: the numbers start the row and blanks after them are cells
        s = first if first in windows else windows[-1]
        return fields[s : s + width]
    pad: list[str | None] = [None] * (width - len(fields))
    return [*pad, *fields] if filled and filled[-1] == len(fields) - 1 else [*fields, *pad]


def _sums(cells: list[str]) -> bool:
    values = [parse_number(c) for c in cells]
    return values[-1] is not None and sum(v or 0 for v in values[:-1]) == values[-1]


def _store(res: TableResult, keys: list[str], cells: list[str | None], inferred: bool, amount: bool = False) -> None:
    for key, cell in zip(keys, cells, strict=True):
        if cell is None or is_blank(cell):
            res.figures[key] = 0
            res.blank.add(key)
        else:
            value = parse_number(cell, amount=amount)
            if value is None:
                continue
            res.figures[key] = value
        if inferred:
            res.inferred.add(key)


# -- table 三 --------------------------------------------------------------------


def _application_template(text: str) -> str:
    return "2021" if re.search("逾期不补正|逾期未按收费", re.sub(r"\s", "", fold(text))) else "2019"


def read_applications(text: str) -> TableResult:
    """Given the applications section, return the figures of table 三."""
    res = TableResult()
    squeezed, offsets = compact(text)
    m = re.search("勾稽关系|本年新收", squeezed)
    if not m:
        return res
    start = offsets[m.start()]
    template = _application_template(text[start:])
    rows: tuple[Row, ...] = APPLICATION_ROWS[template]
    labels = find_labels(text, rows, sequential=True, start=start)
    if uses_fields(text[start:]):
        _applications_fields(text, start, rows, labels, res)
    else:
        _applications_glued(text, template, labels, res)
    return res


def _row_keys(row_key: str, columns: tuple[str, ...] = APPLICATION_COLUMNS) -> list[str]:
    return [f"applications.{row_key}.{c}" for c in columns]


def _applications_fields(text: str, start: int, rows: tuple[Row, ...], labels: list[Label], res: TableResult) -> None:
    cells = cell_texts(text, labels)
    by_row = {key: line_fields(cells[key]) for key in cells}
    complete = len(by_row) == len(rows) and all(f is not None for f in by_row.values())
    if not complete:
        # Labels printed apart from their numbers: read the number rows in order.
        numeric = [f for f in (_numeric_line(line) for line in text[start:].split("\n")) if f]
        if len(numeric) == len(rows):
            by_row = {row.key: fields for row, fields in zip(rows, numeric, strict=True)}
            res.warn("layout", "行标签与数字分离：按格式的行序读取表三", "applications")
            inferred = True
        else:
            inferred = False
            missing = [ROW_NAMES[r.key] for r in rows if by_row.get(r.key) is None]
            res.warn("layout", f"表三有 {len(missing)} 行未能读出：{'、'.join(missing[:5])}", "applications")
    else:
        inferred = False
    counts = [len([f for f in fs if not is_blank(f)]) for fs in by_row.values() if fs]
    no_total = counts and counts.count(6) > counts.count(7) and max(counts) <= 7
    if no_total:
        res.warn("layout", "表三缺少“总计”列：各行总计未读出", "applications.*.total")
    for key, fields in by_row.items():
        if fields is None:
            continue
        if no_total:
            numbers = [f for f in fields if not is_blank(f)][:6]
            _store(res, _row_keys(key, APPLICANT_COLUMNS)[: len(numbers)], numbers, inferred)
            continue
        numbers = [f for f in fields if not is_blank(f)]
        if len(numbers) == 6 and len(fields) == 6:
            res.warn("layout", f"{ROW_NAMES[key]}：只有 6 个数字，总计未读出", f"applications.{key}")
            _store(res, _row_keys(key, APPLICANT_COLUMNS), numbers, inferred)
            continue
        _store(res, _row_keys(key), place_fields(fields, 7), inferred)


def _numeric_line(line: str) -> list[str] | None:
    """Given a line, return its number fields when it is a row of at least six numbers.

    Leading text fields (a row label) are skipped; text after the numbers
    means the line is not a table row.
    """
    parts = [p.strip() for p in re.split(r"[\t|]", line)]
    while parts and parse_number(parts[0]) is None:
        parts.pop(0)  # label cells and the blanks around them
    if any(parse_number(p) is None and not is_blank(p) for p in parts):
        return None
    while parts and not parts[-1]:
        parts.pop()
    # markdown keeps a blank last cell as "|  |": restore it from the raw line
    if re.search(r"\d\s*\|\s+\|\s*$", line):
        parts.append("")
    filled = [p for p in parts if not is_blank(p)]
    return parts if len(filled) >= 6 else None


def _applications_glued(text: str, template: str, labels: list[Label], res: TableResult) -> None:
    rows = APPLICATION_ROWS[template]
    cells = cell_texts(text, labels)
    readings: dict[str, list[tuple[int, ...]]] = {}
    for row in rows:
        if row.key not in cells:
            res.warn("layout", f"表三未找到行：{ROW_NAMES[row.key]}", f"applications.{row.key}")
            continue
        tokens = digit_tokens(cells[row.key])
        if len(tokens) == 7:
            _store(res, _row_keys(row.key), tokens, inferred=False)
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
    for key, values in _disambiguate(readings, template, res).items():
        _store(res, _row_keys(key), [str(v) for v in values], inferred=True)


def _disambiguate(
    readings: dict[str, list[tuple[int, ...]]], template: str, res: TableResult
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
            trial = {**fixed, **dict(zip(open_rows, combo, strict=True))}
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


# -- table 四 --------------------------------------------------------------------


def read_review(text: str) -> TableResult:
    """Given the review section, return the 15 figures of table 四."""
    res = TableResult()
    keys = review_keys()
    if uses_fields(text):
        rows = [fs for fs in (_numeric_line(line) for line in text.split("\n")) if fs and len(fs) >= 10]
        if rows:
            fields = rows[-1]
            if len(fields) == 15:
                _store(res, keys, fields, inferred=False)
            else:
                res.warn("layout", f"表四数据行有 {len(fields)} 个单元格，应为 15 个", "review")
            return res
    squeezed, offsets = compact(text)
    heads = [m.end() for m in re.finditer("总计", squeezed)]
    if not heads:
        return res
    tokens = digit_tokens(text[offsets[heads[-1] - 1] + 1 :])
    if not tokens:
        return res
    if len(tokens) == 15:
        _store(res, keys, tokens, inferred=False)
        return res
    digits, cuts = glue(tokens)
    found = split_rows(digits, cuts, 3, 5) if digits.isdigit() else []
    if len(found) == 1:
        _store(res, keys, [str(v) for v in found[0]], inferred=True)
    elif found:
        agreed = [str(v.pop()) if len(v) == 1 else None for v in (set(col) for col in zip(*found, strict=True))]
        kept = [(k, v) for k, v in zip(keys, agreed, strict=True) if v is not None]
        _store(res, [k for k, _ in kept], [v for _, v in kept], inferred=True)
        res.warn("glued", f"表四粘连的数字 “{digits}” 有 {len(found)} 种拆法，只保留各拆法一致的单元格", "review")
    else:
        res.warn("glued", f"表四无法拆分粘连的数字 “{' '.join(tokens)}”", "review")
    return res


# -- table 二 --------------------------------------------------------------------


def read_active(text: str, template: str) -> TableResult:
    """Given the active-disclosure section, return the figures of table 二 (条例第二十条)."""
    res = TableResult()
    squeezed, offsets = compact(text)
    m = re.search("第二十条", squeezed)
    if not m or template not in ART20_ROWS:
        return res
    start = offsets[m.start()]
    rows = ART20_ROWS[template]
    labels = find_labels(text, rows, sequential=False, start=start)
    # captions and header rows also end a row's cells
    stops = [offsets[i.start()] for i in re.compile("第二十条|信息内容").finditer(squeezed, m.start())]
    by_key = {row.keys[0]: row for row in rows}
    fields_mode = uses_fields(text[start:])
    for lab in labels:
        end = min(
            [s for s in stops if s > lab.end] + [lab2.start for lab2 in labels if lab2.start > lab.start] + [len(text)]
        )
        row = by_key[lab.key]
        cell_text = text[lab.end : end]
        if fields_mode and (fields := line_fields(cell_text)) is not None:
            cells = (fields + [""] * len(row.keys))[: len(row.keys)]
            _store(res, list(row.keys), cells, inferred=False, amount=row.amount)
            continue
        _active_glued(res, row, cell_text)
    return res


def _active_glued(res: TableResult, row, cell_text: str) -> None:
    m = re.search(r"-?\d[\d \t\u3000.\-]*(?:万元|元)?", cell_text)
    if not m:
        return
    tokens = [t for t in re.split(r"[\s\u3000]+", m.group().strip()) if t]
    n = len(row.keys)
    if len(tokens) == n:
        _store(res, list(row.keys), tokens, inferred=False, amount=row.amount)
    elif n == 1:
        _store(res, list(row.keys), ["".join(tokens)], inferred=False, amount=row.amount)
    else:
        digits, cuts = glue(tokens)
        found = split_free(digits, cuts, n) if re.fullmatch(r"[\d-]+", digits) else []
        if len(found) == 1:
            _store(res, list(row.keys), [str(v) for v in found[0]], inferred=True, amount=row.amount)
        else:
            res.warn("glued", f"第二十条表格“{row.name}”行的数字 “{' '.join(tokens)}” 粘连且无法唯一拆分", row.keys[0])
