"""Files to text: decoding, format detection and the checks that reject a file."""

from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import ParseError
from ..text.normalize import has_cjk
from .html import html_to_text

MAX_BYTES = 20 * 1024 * 1024  # the largest real reports are a few hundred KB
TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES


def decode(data: bytes, source: str) -> str:
    """Given a file's bytes, return its text: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

    Raises ParseError when the bytes are binary or decode as neither.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", source)
    if b"\x00" in data:
        raise ParseError(source, "binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # GBK/GB2312 are subsets of GB18030. A text that is neither UTF-8 nor valid
    # GB18030 is rejected rather than decoded with replacement characters.
    text = _strict(data, "gb18030", source)
    if not has_cjk(text):
        raise ParseError(source, "not UTF-8, and as GB18030 it holds no Chinese text")
    return text


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(source, f"cannot be decoded as UTF-8 or GB18030 ({exc.reason} at byte {exc.start})") from None


def clean_text(text: str) -> str:
    """Given decoded text, return it with a leading BOM removed and CRLF/CR line ends made LF."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_report_file(path: Path | str, max_bytes: int = MAX_BYTES) -> bytes:
    """Given a report file's path, return its bytes after checking its type and size."""
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ParseError(source, f"unsupported file type {suffix or '(no extension)'!r}; expected .txt, .html or .htm")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ParseError(source, f"file is {size} bytes, over the {max_bytes}-byte limit")
        return path.read_bytes()
    except OSError as exc:
        raise ParseError(source, f"cannot read file ({exc.strerror or exc})") from None


def text_from_bytes(data: bytes, source: str, suffix: str) -> str:
    """Given a report file's bytes and suffix, return its text; ParseError says why it has none."""
    if not data.strip():
        raise ParseError(source, "empty file")
    text = clean_text(decode(data, source))
    if suffix.lower() in HTML_SUFFIXES:
        text = html_to_text(text)
    if not text.strip():
        raise ParseError(source, "no text in file")
    if not has_cjk(text):
        raise ParseError(source, "no Chinese text: not a report, or in an encoding that could not be detected")
    return text


def load_text(path: Path | str, max_bytes: int = MAX_BYTES) -> str:
    """Given a report file (.txt or .html/.htm), return its text; ParseError says why it cannot."""
    path = Path(path)
    return text_from_bytes(read_report_file(path, max_bytes), str(path), path.suffix)
