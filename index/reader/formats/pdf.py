"""PDF to text: table rows as tab-separated lines, the rest as paragraphs, in page order.

pdfplumber finds the ruled tables; each row with two or more cells becomes one
line, its cells joined by tabs (the None cells a merged span leaves are
dropped, an empty cell stays an empty field). Everything else on the page is
read as text lines, and lines the PDF wrapped inside a paragraph are joined
again: a line that reaches the right edge continues on the next unless that one
is indented or opens a heading. Page numbers and running headers and footers
are dropped, inside tables too. A PDF without a text layer needs OCR, which is
used when tesseract (with chi_sim) is installed.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ..errors import ParseError
from ..limits import FLAGS, limits, too_many_chars
from ..text.chrome import is_page_number
from ..text.normalize import CJK
from . import ocr

# Lines whose start says a new paragraph begins: headings and list items.
_OPENS = re.compile(
    rf"^\s*(?:[一二三四五六七八九十]{{1,3}}[、.．]|[（(][一二三四五六七八九十\d]{{1,2}}[)）]|\d{{1,2}}[、.．](?!\d)|第[一二三四五六七八九十\d]+[条章节部分]|[{CJK}]是[，,：:])"
)
_CJK_END = re.compile(rf"[{CJK}，、。；：）》”]$")
_CJK_START = re.compile(rf"^[{CJK}（《“]")
_MARGIN_ZONE = 0.08  # running headers and footers sit in the top and bottom 8 % of a page


@dataclass
class _Item:
    top: float
    text: str
    row: bool  # a table row (tab-separated cells), not a line of text
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0  # the line's character width, for its margins


def pdf_to_text(data: bytes, source: str) -> str:
    """Given a PDF's bytes, return its text; ParseError when it is not a readable PDF or has no text."""
    import pdfplumber  # imported here: only PDF input pays for loading it

    bounds = limits()
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > bounds.pages:
                raise ParseError(
                    source,
                    f"{len(pdf.pages):,} pages, over the {bounds.pages:,} one report may have "
                    f"(raise the limit with {FLAGS['pages']})",
                )
            pages, heights, chars = [], [], 0
            for page in pdf.pages:  # the text's size checked page by page, not after
                items = _page_items(page)
                chars += sum(len(item.text) for item in items)
                if chars > bounds.chars:
                    raise ParseError(source, too_many_chars())
                pages.append(items)
                heights.append(float(page.height))
                page.close()  # a page's objects are not kept once read
    except ParseError:
        raise
    except Exception as exc:  # pdfminer raises many kinds for damaged or encrypted files
        if _out_of_memory(exc):
            raise MemoryError from None  # a limit was met (guard.py says which), not a damaged file
        raise ParseError(source, _why_unreadable(exc)) from None
    chars = sum(len(item.text.strip()) for page in pages for item in page)
    text = _join_pages(_drop_running_lines(pages, heights))
    if chars == 0 or "(cid:" in text:
        # pdfium decodes some text layers pdfminer cannot (fonts without a usable map): its lines, before OCR
        fallback = _pdfium_text(data)
        if fallback is not None:
            return fallback
        if chars:
            why = "has a text layer that cannot be decoded"
            if _protected(data):
                why += " (its owner protected it against copying text: ask the agency for an unprotected copy)"
        else:
            why = "has no text layer (a scanned document)"
        return ocr.pdf_text(data, source, why)
    return text


def _pdfium_text(data: bytes) -> str | None:
    """The PDF's text as pdfium reads it (lines in page order, pages marked), or None when it reads none either."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return None
    try:
        pages = []
        for page in pdf:
            raw = page.get_textpage().get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            lines = [line.strip() for line in raw.split("\n") if line.strip() and not is_page_number(line)]
            pages.append("\n".join(lines))
    finally:
        pdf.close()
    text = "\n".join(f"{PAGE_BREAK if i else ''}{page}" for i, page in enumerate(pages) if page)
    readable = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return text if readable >= 20 and "(cid:" not in text else None


def _protected(data: bytes) -> bool:
    """Whether the PDF is encrypted with an owner password only (it opens, but forbids copying its text)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    try:
        return bool(PDFDocument(PDFParser(io.BytesIO(data))).encryption)
    except Exception:  # a damaged trailer: not known to be protected
        return False


def _out_of_memory(exc: BaseException) -> bool:
    chain = (exc, *exc.args, exc.__context__, exc.__cause__)
    return any(isinstance(e, MemoryError) for e in chain) or "allocate" in str(exc)


def _why_unreadable(exc: Exception) -> str:
    name = type(exc).__name__
    # pdfplumber wraps pdfminer's exception (PdfminerException(PDFPasswordIncorrect()))
    names = " ".join(type(e).__name__ for e in (exc, *exc.args, exc.__context__) if isinstance(e, BaseException))
    if "Password" in names or "Encrypt" in names:
        return "the PDF is encrypted (password-protected); save an unprotected copy"
    detail = f": {exc}" if str(exc) else ""
    return f"not a readable PDF ({name}{detail})"


def _page_items(page) -> list[_Item]:
    """Given a pdfplumber page, return its table rows and text lines, top to bottom."""
    items: list[_Item] = []
    boxes: list[tuple[float, float, float, float]] = []
    for table in page.find_tables():
        for row, cells in zip(table.rows, table.extract(), strict=False):
            present = [c for c in cells if c is not None]  # None: covered by a merged cell
            if len(present) < 2:
                continue  # a caption or a paragraph in a frame: read with the text
            items.append(_Item(row.bbox[1], "\t".join(_cell_text(c) for c in present), True))
            boxes.append(row.bbox)

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside) if boxes else page
    for line in rest.extract_text_lines(return_chars=True):
        widths = [c["x1"] - c["x0"] for c in line["chars"] if c["text"].strip()]
        size = statistics.median(widths) if widths else 10.0
        items.append(_Item(line["top"], line["text"], False, line["x0"], line["x1"], size))
    items.sort(key=lambda it: it.top)
    return [it for it in items if not is_page_number(it.text.replace("\t", " "))]


def _cell_text(cell: str) -> str:
    """Given a cell's text, return it on one line: a label wrapped in its cell is joined again."""
    parts = [p.strip() for p in cell.split("\n") if p.strip()]
    out = ""
    for part in parts:
        out += ("" if not out or _CJK_END.search(out) or _CJK_START.match(part) else " ") + part
    return out


def _drop_running_lines(pages: list[list[_Item]], heights: list[float]) -> list[list[_Item]]:
    """Given every page's items, drop the running headers and footers repeated on most pages."""
    if len(pages) < 3:
        return pages
    seen: Counter[str] = Counter()
    for items, height in zip(pages, heights, strict=True):
        keys = {_shape(it.text) for it in items if not it.row and _in_margin(it, height)}
        seen.update(keys)
    running = {k for k, n in seen.items() if n >= max(2, len(pages) // 2)}
    return [
        [it for it in items if it.row or not _in_margin(it, height) or _shape(it.text) not in running]
        for items, height in zip(pages, heights, strict=True)
    ]


def _in_margin(item: _Item, height: float) -> bool:
    return item.top < height * _MARGIN_ZONE or item.top > height * (1 - _MARGIN_ZONE)


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


PAGE_BREAK = "\f"  # starts the first line of each page after the first (the page a line is printed on)


def _join_pages(pages: list[list[_Item]]) -> str:
    """Given every page's items, return the text: rows as lines, wrapped text lines joined again.

    The first line a page starts begins with PAGE_BREAK (a paragraph that runs on from the page before
    does not start one): parse.py reads from it which page each table row was printed on."""
    out: list[str] = []
    prev: _Item | None = None
    prev_edges: tuple[float, float] = (0.0, 0.0)
    for number, items in enumerate(pages):
        edges = _edges(items)
        mark = PAGE_BREAK if number else ""
        for item in items:
            if item.row:
                out.append(mark + item.text)
                prev, mark = None, ""
                continue
            text = item.text.strip()
            if prev is not None and out and _continues(prev, prev_edges, item, edges):
                sep = " " if re.search(r"[A-Za-z0-9]$", out[-1]) and re.match(r"[A-Za-z0-9]", text) else ""
                out[-1] += sep + text
            else:
                out.append(mark + text)
                mark = ""
            prev, prev_edges = item, edges
    return "\n".join(out)


def _edges(items: list[_Item]) -> tuple[float, float]:
    """Given a page's items, return the left and right edges of its text column."""
    lines = [it for it in items if not it.row]
    if not lines:
        return 0.0, 0.0
    left = Counter(round(it.x0) for it in lines).most_common(1)[0][0]
    right = max(it.x1 for it in lines)
    return float(left), right


def _continues(prev: _Item, prev_edges: tuple[float, float], item: _Item, edges: tuple[float, float]) -> bool:
    """Whether a text line continues the paragraph of the line before it (the PDF wrapped it)."""
    size = prev.size or 10.0
    reaches_edge = prev.x1 >= prev_edges[1] - 1.5 * size
    indented = item.x0 > edges[0] + 0.8 * (item.size or size)
    return reaches_edge and not indented and not _OPENS.match(item.text)
