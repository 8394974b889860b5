"""Where a figure was printed: its row as the report printed it and, for a PDF, its page and its cell's box.

The reader keeps, for every cell it read, where the cell's row starts in the
report's text (Report.origins) and, for a PDF, the page the row was printed on
(Report.pages). Here the row is found again: as text (a Word table's row, a web
page's row, a line of a text file), with the cell itself marked where its place
in the row is certain; and, for a PDF, on its page, where pdfplumber gives the
box of every cell of a ruled table, drawn on the page rendered with pypdfium2.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from index.reader.report import Report
from index.reader.tables.cells import is_cell
from index.reader.tables.layout import figure_label, figure_table
from index.reader.tables.rows import windows
from index.reader.text.normalize import fold

from .compare import FIGURE_ORDER

_FIELD = re.compile(r"[\t|]")


@dataclass(frozen=True)
class Printed:
    """A figure's row as printed, and the cell in it when its place is certain."""

    key: str
    line: str  # the row's line in the report's text
    cell: tuple[int, int] | None  # the cell's characters in `line`
    field: int | None  # the cell's field (tab- or pipe-separated) in `line`
    page: int | None  # the PDF page, from 1

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "label": figure_label(self.key),
            "table": figure_table(self.key),
            "line": self.line,
            "cell": list(self.cell) if self.cell else None,
            "page": self.page,
        }


def printed(report: Report, key: str) -> Printed | None:
    """Given a report and a figure key, return where the figure was printed (None when not read)."""
    at = report.origins.get(key)
    if at is None:
        return None
    start = report.body.rfind("\n", 0, at) + 1
    end = report.body.find("\n", at)
    line = report.body[start : end if end >= 0 else len(report.body)]
    # the keys read from this row, in the format's order: the cell's place among the row's cells
    row = sorted((k for k, v in report.origins.items() if v == at), key=lambda k: FIGURE_ORDER.get(k, 1 << 20))
    field = cell = None
    fields = _fields(line)
    cells = _trailing_cells(fields)
    if cells and len(cells) >= len(row):
        texts = [fields[i][2] for i in cells]
        starts = [0] if len(texts) == len(row) else windows(texts, len(row))
        if len(starts) == 1:
            field = cells[starts[0] + row.index(key)]
            cell = fields[field][:2]
    return Printed(key, line, cell, field if _FIELD.search(line) else None, report.pages.get(key))


def _fields(line: str) -> list[tuple[int, int, str]]:
    """A line's fields (start, end, text): split at tabs and pipes, or at spaces when it has neither."""
    if _FIELD.search(line):
        out, start = [], 0
        for m in _FIELD.finditer(line):
            out.append((start, m.start(), line[start : m.start()].strip()))
            start = m.end()
        out.append((start, len(line), line[start:].strip()))
        if line.lstrip().startswith("|"):  # markdown: the outer pipes open and close the row
            out = out[1:-1] if line.rstrip().endswith("|") else out[1:]
        return out
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", line)]


def _trailing_cells(fields: list[tuple[int, int, str]]) -> list[int]:
    """The indexes of the run of cells (numbers, empty-cell marks, empty fields) that ends the row."""
    out: list[int] = []
    for i in range(len(fields) - 1, -1, -1):
        if not is_cell(fields[i][2]):
            break
        out.append(i)
    out.reverse()
    return out


def _line_key(text: str) -> str:
    return "".join(fold(text).split())


@dataclass(frozen=True)
class Box:
    """A cell (or, when the cell is not certain, its row) on a PDF page, in PDF points from the top left."""

    page: int
    box: tuple[float, float, float, float] | None
    whole_row: bool
    width: float
    height: float


def pdf_box(data: bytes, where: Printed) -> Box | None:
    """Given a PDF and where a figure was printed, return its cell's box on its page (None without a page)."""
    import pdfplumber

    from index.reader.formats.pdf import _cell_text

    if where.page is None:
        return None
    wanted = _line_key(where.line)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        if not 1 <= where.page <= len(pdf.pages):
            return None
        page = pdf.pages[where.page - 1]
        for table in page.find_tables():
            for row, texts in zip(table.rows, table.extract(), strict=False):
                present = [(box, t) for box, t in zip(row.cells, texts, strict=False) if t is not None]
                if _line_key("\t".join(_cell_text(t) for _, t in present)) != wanted:
                    continue
                if where.field is not None and len(present) == len(_fields(where.line)):
                    box = present[where.field][0]
                    if box is not None:
                        return Box(where.page, tuple(box), False, float(page.width), float(page.height))
                return Box(where.page, tuple(row.bbox), True, float(page.width), float(page.height))
        return Box(where.page, None, True, float(page.width), float(page.height))


def render_page(data: bytes, box: Box, scale: float = 2.0) -> bytes:
    """Given a PDF and a box on one of its pages, return the page as a PNG with the box drawn on it."""
    import pypdfium2
    from PIL import ImageDraw

    pdf = pypdfium2.PdfDocument(data)
    try:
        image = pdf[box.page - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    if box.box is not None:
        x0, top, x1, bottom = (v * scale for v in box.box)
        pad = 3 * scale
        ImageDraw.Draw(image).rectangle(
            (x0 - pad, top - pad, x1 + pad, bottom + pad), outline=(220, 30, 30), width=int(2 * scale)
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
