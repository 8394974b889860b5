"""Word (.docx) to text: paragraphs and tables in document order, one tab-separated line per table row.

The document's XML is walked directly (python-docx opens the package), so that
a merged cell is read once: a horizontally merged cell gives its text once and
keeps its columns as empty fields, a vertically merged one gives its text in
its first row only, as a web page's rowspan does.
"""

from __future__ import annotations

import io
import re
import zipfile

from ..errors import ParseError
from ..limits import FLAGS, limits
from ..text.normalize import CJK

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .wps and encrypted .docx
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_to_text(data: bytes, source: str) -> str:
    """Given a .docx file's bytes, return its text; ParseError when it is not a readable Word document."""
    if data.startswith(OLE_MAGIC):
        raise ParseError(source, "an encrypted (password-protected) Word file, or an old .doc named .docx")
    import docx  # python-docx; imported here: only Word input pays for loading it
    from docx.opc.exceptions import PackageNotFoundError

    _check_unzipped_size(data, source)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise ParseError(source, f"not a readable Word document ({type(exc).__name__})") from None
    lines: list[str] = []
    _block(document.element.body, lines)
    return "\n".join(lines)


def _check_unzipped_size(data: bytes, source: str) -> None:
    """Unzip every part of the package, counting, before anything reads it whole: a part that unzips to more
    than the limit (a zip bomb, whatever its header claims) is refused having cost only the limit."""
    budget = limits().part_bytes
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for info in package.infolist():
                with package.open(info) as part:
                    while chunk := part.read(1 << 20):
                        budget -= len(chunk)
                        if budget < 0:
                            raise ParseError(
                                source,
                                f"its parts unzip to more than {limits().part_bytes:,} bytes, far beyond any report "
                                f"(a zip bomb? raise the limit with {FLAGS['part_bytes']})",
                            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise ParseError(source, f"not a readable Word document ({type(exc).__name__})") from None


def _block(element, lines: list[str]) -> None:
    for child in element.iterchildren():
        if child.tag == _W + "p":
            text = _paragraph(child)
            if text.strip():
                lines.append(text)
        elif child.tag == _W + "tbl":
            _table(child, lines)
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            _block(child, lines)


def _paragraph(p) -> str:
    parts = []
    for node in p.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):
        if node.tag == _W + "t":
            parts.append(node.text or "")
        elif node.tag == _W + "tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _table(tbl, lines: list[str]) -> None:
    for tr in tbl.iterchildren(_W + "tr"):
        fields: list[str] = []
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        if before is not None:
            fields.extend([""] * _int(before.get(_W + "val")))
        for tc in tr.iterchildren(_W + "tc"):
            props = tc.find(_W + "tcPr")
            span = _int(props.find(_W + "gridSpan").get(_W + "val")) if _has(props, "gridSpan") else 1
            merge = props.find(_W + "vMerge") if props is not None else None
            continued = merge is not None and merge.get(_W + "val") in (None, "continue")
            fields.append("" if continued else _cell(tc))
            fields.extend([""] * (span - 1))
        if any(f.strip() for f in fields):
            lines.append("\t".join(fields))


def _cell(tc) -> str:
    """Given a table cell, return its text on one line (paragraphs and nested tables joined)."""
    parts = [_paragraph(p).replace("\t", " ").replace("\n", " ").strip() for p in tc.iter(_W + "p")]
    out = ""
    for part in filter(None, parts):
        cjk_seam = re.search(rf"[{CJK}]$", out) and re.match(rf"[{CJK}]", part)
        out += ("" if not out or cjk_seam else " ") + part
    return out


def _has(props, name: str) -> bool:
    return props is not None and props.find(_W + name) is not None


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) < 64 else 1
