"""Table text as lines of a label and cells, whatever the separators were.

Published tables reach us as tab-separated lines (Word, web pages, PDF tables),
markdown pipe rows, space-separated lines (PDF text extraction), one cell per
line, or glued digits (crawled pages; see cells.py). A line here is its label
text and the cells after it; the tables' readers decide which line is which row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text.normalize import fold
from .cells import BLANK_MARKS, UNREAD, count_cell, is_blank, is_cell, parse_number

_SEPARATORS = re.compile(r"[\t|]")
_MARKDOWN_RULE = re.compile(r"^\s*:?-{2,}:?\s*$")
_NOTE = re.compile(r"^[（(][^()（）]{1,60}[)）]$")
# a field that is a number with something we cannot read around it (约83, 3288台): a cell, not label text
_DOUBTFUL = re.compile(
    r"^[约近共逾超]?[-+]?\d+(?:\.\d+)?(?![.．、])[^\d\s年月日]{0,3}$|^[约近共逾超][-+]?\d+(?:\.\d+)?$"
)


@dataclass(frozen=True)
class Line:
    """One line of a table's text: its label (before the cells), its cells, and what follows them."""

    start: int  # offset of the line in the text it was read from
    label: str
    cells: tuple[str, ...]
    fields: bool  # split at tabs or pipes, so an empty cell keeps its place
    rest: str = ""  # text after the cells: the row ended there

    @property
    def numbers(self) -> int:
        """How many cells hold a number (not an empty-cell mark)."""
        return _numbers(self.cells)


@lru_cache(maxsize=1 << 15)  # rows repeat (see _read_line): their cells are counted once
def _numbers(cells: tuple[str, ...]) -> int:
    return sum(1 for c in cells if not is_blank(c))


def table_lines(text: str) -> list[Line]:
    """Given a table's text, return its lines as labels and cells (markdown rule lines left out).

    >>> [(l.label, l.cells) for l in table_lines("规章\\t0\\t0\\t3\\n9 0 0 0 0 0 9")]
    [('规章', ('0', '0', '3')), ('', ('9', '0', '0', '0', '0', '0', '9'))]
    """
    out = []
    pos = 0
    for line in fold(text).split("\n"):  # folding keeps every character's place: lines stay where they were
        parsed = _read_line(line)
        if parsed is not None:
            out.append(Line(pos, *parsed))
        pos += len(line) + 1
    return out


# What a line reads as, wherever it stands: Line's fields after `start`.
Reading = tuple[str, tuple[str, ...], bool, str]


@lru_cache(maxsize=1 << 15)  # reports print the same rows (labels, and cells often all 0) again and again
def _read_line(line: str) -> Reading | None:
    """A line's label, cells, whether it was split at separators, and the rest; None for no row."""
    parsed = _field_line(line) if _SEPARATORS.search(line) else _spaced_line(line)
    if parsed is None or not (parsed[0].strip() or parsed[1]):
        return None
    return parsed


def _field_line(line: str) -> Reading | None:
    if line.strip() == "|":  # a cell printed blank, one cell a line with a pipe after each (`0 |`, `|`)
        return "", ("",), True, ""
    parts = _SEPARATORS.split(line)
    if line.lstrip().startswith("|"):  # markdown: the outer pipes open and close the row
        parts = parts[1:]
    if line.rstrip().endswith("|") and parts:  # a closing pipe ends the row: it never opens an empty cell
        parts = parts[:-1]
    parts = [count_cell(p.strip()) for p in parts]  # a field of its own: 12个 is the cell 12
    # a markdown rule line (| --- | :---: |) holds dashes: without one, no check is needed
    if "-" in line and parts and all(_MARKDOWN_RULE.match(p) or not p for p in parts) and any(parts):
        return None
    labels: list[str] = []
    i = 0
    # text fields (and the empty ones among them) before the first number are the label
    while i < len(parts) and (not is_cell(parts[i]) or (not parts[i] and _label_follows(parts, i))):
        if _doubtful_cell(parts, i):
            break
        if parts[i]:
            labels.append(parts[i])
        i += 1
    cells: list[str] = []
    while i < len(parts) and (is_cell(parts[i]) or _doubtful_cell(parts, i)):
        cells.append(parts[i] if is_cell(parts[i]) else UNREAD + parts[i])  # it keeps its place, and is not read
        i += 1
    rest = " ".join(p for p in parts[i:] if p)
    return " ".join(labels), tuple(cells), True, rest


def _doubtful_cell(parts: list[str], i: int) -> bool:
    """Whether the field at i is a cell whose number cannot be read (约83, 3288台) among cells: only cells
    (or such fields) follow it, so it is no part of the label."""
    return bool(_DOUBTFUL.match(parts[i])) and all(is_cell(p) or _DOUBTFUL.match(p) for p in parts[i + 1 :])


def _label_follows(parts: list[str], i: int) -> bool:
    """Whether the empty field at i sits before more label text (an empty label column), not among cells."""
    for p in parts[i + 1 :]:
        if p:
            return not is_cell(p)
    return False


def _spaced_line(line: str) -> Reading:
    tokens = [count_cell(t) for t in line.split()]  # a token of its own: 12个 is the cell 12
    cells: list[str] = []
    # the cells are the run of numbers and empty-cell marks that ends the line;
    # a bracketed note after a number belongs to it: 22 （其中修订16件）
    while tokens:
        tok = tokens[-1]
        if _NOTE.match(tok) and tok not in BLANK_MARKS and len(tokens) > 1 and parse_number(tokens[-2]) is not None:
            cells.insert(0, tokens[-2] + tok)
            del tokens[-2:]
        elif tok in BLANK_MARKS or parse_number(tok) is not None:
            cells.insert(0, tok)
            tokens.pop()
        else:
            break
    label = " ".join(tokens)
    if cells and not tokens and all(c in BLANK_MARKS for c in cells):
        if len(cells) == 1 and (len(cells[0]) <= 2 or cells[0] in ("（空）", "(空)")):
            return "", tuple(cells), False, ""  # one cell a line (a paragraph a cell), this one printed blank
        return "", (), False, ""  # a rule of dashes, not a row of empty cells
    return label, tuple(cells), False, ""
