"""Lines to number rows, and number rows to the format's rows.

A number row is a line's cells with the label printed on its line, or on the
lines just before it (labels wrapped or printed on a line of their own). Runs of
lines with a cell or two each (one cell per line) are cut into rows of the
table's width. Rows are then aligned to the format's rows in order:

- anchors: rows whose label names a format row, exactly or tolerantly, kept in
  the format's order;
- gaps: between two anchors, rows without a usable label fill the format's rows
  left there when they are exactly as many (labels printed apart from their
  numbers, a label lost to extraction); otherwise the gap stays unread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from .cells import is_blank, parse_number
from .labels import match_label
from .layout import Row
from .lines import Line


@dataclass
class NumberRow:
    label: str
    cells: list[str]
    start: int
    own_label: bool  # the label was printed on the row's own line
    fields: bool = True  # cells split at tabs or pipes: an empty cell kept its place
    wrapped: str = ""  # the label-only line just before a row with its own label: its label's first half?


@dataclass(frozen=True)
class Placed:
    cells: list[str]
    start: int
    how: str  # "label" (printed label), "tolerant" (label with a typo) or "order" (by its place)
    label: str = ""
    fields: bool = True


def number_rows(
    lines: list[Line],
    width: int,
    order: Callable[[list[str], int, list[str]], list[list[str]] | None],
    headers: tuple[str, ...] = (),
    loose: list[int] | None = None,
) -> list[NumberRow]:
    """Given a table's lines, return its number rows in text order.

    `order(cells, width, labels)` decides how a run of cells printed one or two a line
    is cut into rows (row by row, or column by column for some extractions); `labels` are
    the label-only lines printed just before the run.
    Column header words (`headers`, or pieces of them) printed inside a run of
    cells are passed over when a header word that cannot be a row label's piece
    is among them: extraction that follows text blocks prints a row's first cell
    before the header the row sits under. Runs `order` cannot cut are left out; `loose`, when given,
    collects where each began (a row's cells may have been displaced there).
    """
    rows: list[NumberRow] = []
    pending: list[Line] = []  # label-only lines since the last row
    run: list[Line] = []
    held: list[Line] = []  # header-like lines met inside a run

    def is_header(line: Line) -> bool:
        words = _compact(line.label)
        return bool(words) and any(words in h for h in headers)

    def release() -> None:
        # header-like lines that were not inside a row after all: labels as usual
        if not held:
            return
        lines_ = held[:]
        held.clear()
        flush()
        pending.extend(lines_)

    def flush() -> None:
        if not run:
            return
        cells = [c for line in run for c in line.cells]
        label = " ".join(p.label for p in pending)
        chunks = order(cells, width, [p.label for p in pending])
        if chunks is None and loose is not None:
            loose.append(run[0].start)
        # cut column by column, the rows' labels (printed before the run) are not each row's own: placed by order
        across = chunks is not None and [c for row in chunks for c in row] != cells
        for i, chunk in enumerate(chunks or ()):
            rows.append(NumberRow(label if i == 0 and not across else "", chunk, run[0].start, False, run[0].fields))
        run.clear()
        pending.clear()

    for line in lines:
        has_numbers = line.numbers > 0
        blank_row = bool(line.label.strip()) and len(line.cells) >= width and not has_numbers
        # a cell printed blank on a line of its own (`— |`), after a label or among a row's cells: kept in place
        blank_cell = (
            not has_numbers
            and (line.fields or len(line.cells) == 1)
            and bool(line.cells)
            and not line.label.strip()
            and bool(run or pending)
        )
        if not has_numbers and not blank_row and not blank_cell:
            if run and line.label.strip() and not line.cells and is_header(line):
                held.append(line)
                continue
            release()
            flush()
            if line.label.strip():
                pending.append(line)
            continue
        if held:
            # pass over the header words only when one of them is unmistakably a column header
            if (
                any(_compact(h.label) not in {"其他", "他"} and len(_compact(h.label)) >= 2 for h in held)
                and not line.label.strip()
            ):
                held.clear()
            else:
                release()
        if line.label.strip():
            flush()
            before = pending[-1].label if pending else ""
            rows.append(NumberRow(line.label, list(line.cells), line.start, True, line.fields, before))
            pending.clear()
        elif len(line.cells) >= width - 1:
            flush()
            rows.append(NumberRow(" ".join(p.label for p in pending), list(line.cells), line.start, False, line.fields))
            pending.clear()
        else:
            run.append(line)
    release()
    flush()
    return rows


def _compact(text: str) -> str:
    return "".join(text.split())


def align(rows: list[NumberRow], expected: tuple[Row, ...]) -> dict[int, Placed]:
    """Given number rows in text order, return {index of a format row: the row placed there}.

    A row whose label line follows a label-only line is read with both lines when together they name one
    format row exactly: a label wrapped over two lines, the numbers on the second (`（二）部分公开（区分处理的，
    只计这一情` / `形，不计其他情形） 447 7 …`, whose second half alone could name another row)."""
    matches = [_row_match(r, expected) for r in rows]
    anchors = _anchors([(i, m.index, m.exact) for i, m in enumerate(matches) if m is not None])
    placed: dict[int, Placed] = {}
    for i, j, exact in anchors:
        placed[j] = Placed(
            rows[i].cells, rows[i].start, "label" if exact else "tolerant", rows[i].label, rows[i].fields
        )
    # gaps between anchors (and before the first, after the last) filled by order
    bounds = [(-1, -1), *[(i, j) for i, j, _ in anchors], (len(rows), len(expected))]
    for (i0, j0), (i1, j1) in pairwise(bounds):
        free_rows = list(range(i0 + 1, i1))
        free_slots = list(range(j0 + 1, j1))
        # a row in the gap that names another format row means the gap is not what it seems
        named = any(matches[i] is not None and matches[i].exact for i in free_rows)
        if free_rows and len(free_rows) == len(free_slots) and not named:
            for i, j in zip(free_rows, free_slots, strict=True):
                placed[j] = Placed(rows[i].cells, rows[i].start, "order", rows[i].label, rows[i].fields)
    return placed


def _row_match(row: NumberRow, expected: tuple[Row, ...]):
    if row.wrapped:
        whole = match_label(row.wrapped + row.label, expected, unique=True)
        if whole is not None and whole.exact:
            return whole
    return match_label(row.label, expected, unique=True)


def _anchors(cands: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """Given (row, format row, exact) candidates in row order, return the largest set in order on both sides.

    Exact matches weigh more than tolerant ones, so a typo never displaces a printed label. The
    best chain ending at each format row is kept as rows are read, so the work is the number of
    candidates times the format's few rows, never their square (a page of repeated table lines);
    among equal chains the one of the earliest rows wins.
    """
    if not cands:
        return []
    width = max(j for _, j, _ in cands) + 1
    ending: list[tuple[float, int] | None] = [None] * width  # format row → (score, candidate) of the best chain
    best: list[tuple[float, int]] = []  # candidate → (score, previous candidate)
    pending: list[tuple[int, int]] = []  # candidates of the current row, added to `ending` once it is done
    row = None
    for k, (i, j, exact) in enumerate(cands):
        if i != row:  # a chain never holds two candidates of one row
            for kk, jj in pending:
                if ending[jj] is None or best[kk][0] > ending[jj][0]:
                    ending[jj] = (best[kk][0], kk)
            pending, row = [], i
        weight = 1.0 if exact else 0.6
        before = None
        for e in ending[:j]:
            if e is not None and (before is None or e[0] > before[0] or (e[0] == before[0] and e[1] < before[1])):
                before = e
        best.append((before[0] + weight, before[1]) if before is not None else (weight, -1))
        pending.append((k, j))
    k = max(range(len(cands)), key=lambda x: best[x][0])
    chain = []
    while k != -1:
        chain.append(cands[k])
        k = best[k][1]
    return chain[::-1]


def row_sums(cells: list[str]) -> bool:
    """Whether the last of a row's cells is the sum of the others (blank cells count 0)."""
    values = [0 if is_blank(c) else parse_number(c) for c in cells]
    if any(v is None for v in values) or is_blank(cells[-1]):
        return False
    return abs(sum(values[:-1]) - values[-1]) < 1e-9


def windows(cells: list[str], width: int) -> list[int]:
    """Given a field row with more cells than columns, return where the `width` cells may start: every
    window holding all its numbers and, where one does, every printed empty-cell mark too (- / — …:
    printed, so a cell, where padding is an empty field)."""
    filled = [i for i, c in enumerate(cells) if not is_blank(c)]
    marked = [i for i, c in enumerate(cells) if c.strip()]
    if not marked:
        return [0]
    anchor = filled or marked
    out = [s for s in range(len(cells) - width + 1) if s <= anchor[0] and anchor[-1] < s + width]
    return [s for s in out if s <= marked[0] and marked[-1] < s + width] or out


def trailing_padding(rows: Iterable[Sequence[str]], width: int) -> int | None:
    """Given a table's field rows, return how many empty fields follow the cells in those rows whose window
    is certain, when they all agree (a grid exported with merged label columns pads every row alike)."""
    seen = {
        len(cells) - w[0] - width for cells in rows if len(cells) > width and len(w := windows(list(cells), width)) == 1
    }
    return seen.pop() if len(seen) == 1 else None


def fit(
    cells: list[str], width: int, check: Callable[[list[str]], bool] = row_sums, trailing: int | None = None
) -> list[str] | None:
    """Given a field row with more cells than columns, return the `width` cells that are the row.

    The extra ones are empty label columns or trailing separators: of the windows
    (`windows`), the one that leaves `trailing` fields after it (the padding the
    table's certain rows show), else one that passes `check` (the last cell the
    sum of the others), else the leftmost.
    """
    if len(cells) == width:
        return list(cells)
    if len(cells) < width:
        return None
    starts = windows(cells, width)
    if not starts:  # more numbers than columns: the first ones are the row
        first = next(i for i, c in enumerate(cells) if not is_blank(c))
        return list(cells[first : first + width])
    if trailing is not None and len(cells) - width - trailing in starts:
        s = len(cells) - width - trailing
        return list(cells[s : s + width])
    for s in starts:
        if check(cells[s : s + width]):
            return list(cells[s : s + width])
    filled = [i for i, c in enumerate(cells) if not is_blank(c)]
    s = filled[0] if filled and filled[0] in starts else starts[-1]
    return list(cells[s : s + width])
