"""The date a file says it was made: a PDF's CreationDate, a Word file's dcterms:created.

A report cannot have been published before its file was made, so this date is a lower bound of the
publication date: a file made after the deadline was certainly published late; one made before says
nothing of when it was published. A date before the report's year or far after it (a template's
date, a clock set wrong) is not used.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})")
_XML_DATE = re.compile(rb"<dcterms:created[^>]*>\s*(\d{4})-(\d{2})-(\d{2})")
_CORE_BYTES = 64 * 1024  # docProps/core.xml is a few hundred bytes; more is not read


def _day(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def file_created(data: bytes, suffix: str) -> date | None:
    """Given a file's bytes and its type, return the day its metadata says it was made, or None.

    >>> file_created(b"not a pdf", ".pdf") is None
    True
    """
    suffix = suffix.lower()
    try:
        if suffix == ".pdf":
            import pypdfium2 as pdfium  # the PDF reader's own library, already loaded for the text

            document = pdfium.PdfDocument(data)
            try:
                found = _PDF_DATE.search(document.get_metadata_dict().get("CreationDate", ""))
            finally:
                document.close()
            return _day(*found.groups()) if found else None
        if suffix == ".docx":
            with zipfile.ZipFile(io.BytesIO(data)) as package, package.open("docProps/core.xml") as core:
                found = _XML_DATE.search(core.read(_CORE_BYTES))
            return _day(*found.groups()) if found else None
    except Exception:  # a file whose metadata cannot be read simply has no date
        return None
    return None


def plausible(made: date | None, year: int | None) -> date | None:
    """The date, when it can be that of a report on `year` (made from that year's December to three years
    after); else None."""
    if made is None or year is None:
        return None
    return made if date(year, 12, 1) <= made <= date(year + 3, 12, 31) else None
