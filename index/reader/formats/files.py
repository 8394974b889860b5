"""Files to text: what kind of file it is (by its bytes, then its name), the limits, and extraction.

Published reports are plain text in several encodings, web pages, PDF files and
Word files; a file named .doc is often a web page or a .docx in disguise, so the
bytes decide before the name does. PDF and Word extraction is slow, so its
text can be kept in a TextCache by the file's hash.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from ..errors import ParseError
from ..limits import limits, too_many_chars
from ..text.normalize import has_cjk
from .cache import TextCache
from .docx import OLE_MAGIC, docx_to_text
from .guard import guarded
from .html import html_to_text
from .office import office_to_text
from .pdf import PAGE_BREAK, pdf_to_text
from .plain import clean_text, decode

# The largest real reports hold well under 1 MB of text; a file far beyond that is not one
# report, and indexing it would make every search that meets it slow.
MAX_BYTES = 4 * 1024 * 1024  # a text file or web page
MAX_DOCUMENT_BYTES = 60 * 1024 * 1024  # PDF and Word files carry images and fonts
TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
WORD_SUFFIXES = {".docx"}
OFFICE_SUFFIXES = {".doc", ".wps"}
DOCUMENT_SUFFIXES = PDF_SUFFIXES | WORD_SUFFIXES | OFFICE_SUFFIXES
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCUMENT_SUFFIXES


def read_report_file(path: Path | str, max_bytes: int | None = None) -> bytes:
    """Given a report file's path, return its bytes after checking its type and size."""
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        expected = ", ".join(sorted(SUFFIXES))
        raise ParseError(source, f"unsupported file type {suffix or '(no extension)'!r}; expected one of {expected}")
    limit = max_bytes or (MAX_DOCUMENT_BYTES if suffix in DOCUMENT_SUFFIXES else MAX_BYTES)
    try:
        with path.open("rb") as f:  # read up to the limit: no separate stat of every file
            data = f.read(limit + 1)
            if len(data) > limit:
                size = os.fstat(f.fileno()).st_size
                why = f"over the {limit:,}-byte limit for one report (real reports are far smaller)"
                raise ParseError(source, f"file is {size:,} bytes, {why}")
        return data
    except OSError as exc:
        raise ParseError(source, f"cannot read file ({exc.strerror or exc})") from None


def file_kind(data: bytes, suffix: str) -> str:
    """Given a file's bytes and suffix, return "pdf", "docx", "office", "html" or "text".

    >>> file_kind(b"%PDF-1.7 ...", ".pdf"), file_kind(b"<html><body>", ".doc"), file_kind(b"PK\x03\x04", ".doc")
    ('pdf', 'html', 'docx')
    """
    suffix = suffix.lower()
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF") or (suffix in PDF_SUFFIXES and b"%PDF" in head):
        return "pdf"
    if suffix in PDF_SUFFIXES:
        return "pdf"  # not a PDF after all: pdfplumber says so, naming the file
    if suffix in WORD_SUFFIXES | OFFICE_SUFFIXES:
        if data.startswith(b"PK\x03\x04"):
            return "docx"
        if data.startswith(OLE_MAGIC) or head.startswith(b"{\\rtf"):
            return "office" if suffix in OFFICE_SUFFIXES else "docx"
        low = head[:400].lower()
        if b"<html" in low or b"mime-version" in low or b"<!doctype html" in low:
            return "html"  # a web page saved with a Word name
        return "office"
    return "html" if suffix in HTML_SUFFIXES else "text"


def text_from_bytes(data: bytes, source: str, suffix: str, cache: TextCache | None = None) -> str:
    """Given a report file's bytes and suffix, return its text; ParseError says why it has none."""
    if not data.strip():
        raise ParseError(source, "empty file")
    kind = file_kind(data, suffix)
    if kind in ("pdf", "docx", "office"):
        text = cache.get(data) if cache else None
        if text is None:
            text = _extract(kind, data, source, suffix.lower())
            if cache:
                cache.put(data, text)
    else:
        text = decode(data, source)
        if kind == "html":
            text = html_to_text(clean_text(text))
    text = clean_text(text)
    if not text.strip():
        raise ParseError(source, "no text in file")
    if len(text) > limits().chars:
        raise ParseError(source, too_many_chars(len(text)))
    if not has_cjk(text):
        raise ParseError(source, "no Chinese text: not a report, or in an encoding that could not be detected")
    return text


def _extract(kind: str, data: bytes, source: str, suffix: str) -> str:
    """A PDF's or Word file's text, extracted in a child process under the file limits (guard.py)."""
    if kind == "pdf":
        return guarded(pdf_to_text, data, source)
    if kind == "docx":
        return guarded(docx_to_text, data, source)
    return guarded(_office(suffix if suffix in OFFICE_SUFFIXES else ".doc"), data, source)


def _office(suffix: str):
    return partial(office_to_text, suffix=suffix)


def load_text(path: Path | str, max_bytes: int | None = None, cache: TextCache | None = None) -> str:
    """Given a report file, return its text; ParseError says why it cannot."""
    path = Path(path)
    text = text_from_bytes(read_report_file(path, max_bytes), str(path), path.suffix, cache)
    return text.replace(PAGE_BREAK, "")
