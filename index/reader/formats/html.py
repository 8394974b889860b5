"""HTML to plain text, keeping table rows as tab-separated lines.

Uses the standard library's tokenising HTML parser: one <tr> becomes one
line, each <td>/<th> one field (blank cells stay as empty fields), block
elements become line breaks, and script/style content is dropped.
"""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "table",
    "blockquote",
    "pre",
    "hr",
}
_SKIP = {"script", "style", "head", "title", "noscript", "template"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0
        self.pad = 0  # empty fields owed by the open cell's colspan

    # -- helpers -------------------------------------------------------------
    def _flush_line(self) -> None:
        text = "".join(self.buf).strip()
        if text:
            self.lines.append(text)
        self.buf = []

    def _end_cell(self) -> None:
        if self.row is not None and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
        self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is not None and any(self.row):
            self.lines.append("\t".join(self.row))
        self.row = None

    # -- parser callbacks ----------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "tr":
            self._flush_line()
            self._end_row()
            self.row = []
        elif tag in ("td", "th"):
            if self.row is None:
                self._flush_line()
                self.row = []
            self._end_cell()
            self.cell = []
            # A merged cell keeps the row's column count: pad with empty fields.
            span = dict(attrs).get("colspan") or "1"
            self.pad = int(span) - 1 if span.isdigit() and 1 < int(span) < 50 else 0
        elif tag in _BLOCK and self.cell is None:
            self._flush_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th"):
            self._end_cell()
            if self.row is not None:
                self.row.extend([""] * self.pad)
            self.pad = 0
        elif tag == "tr" or tag == "table":
            self._end_row()
        elif tag in _BLOCK and self.cell is None:
            self._flush_line()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.row is None:
            self.buf.append(data)

    def close(self) -> None:
        super().close()
        self._end_row()
        self._flush_line()


def html_to_text(html: str) -> str:
    """Given an HTML document, return its text with one line per block and per table row."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.lines)
