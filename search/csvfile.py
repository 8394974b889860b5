"""CSV the project writes: cells that a spreadsheet would run as formulas are neutralised.

Report text is untrusted: an agency name or snippet that begins with = + - @ (or a
tab or carriage return) is a live formula in Excel and LibreOffice
(=HYPERLINK("http://…")). As OWASP recommends, such a cell is prefixed with a
single quote, which spreadsheets show as text; numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Given a cell's value, return it as it may be written to a CSV file.

    >>> safe_cell('=HYPERLINK("http://evil.example/")'), safe_cell("-保密"), safe_cell(-3), safe_cell("公开")
    ('\\'=HYPERLINK("http://evil.example/")', "'-保密", -3, '公开')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(header: list[str], rows: Iterable[list[object]]) -> str:
    """Given a header and rows, return the CSV text (with a BOM, so spreadsheets read UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return "\ufeff" + out.getvalue()
