"""Text files: decoding the encodings reports are published in, and line ends."""

from __future__ import annotations

import codecs

from ..errors import ParseError
from ..text.normalize import has_cjk


def decode(data: bytes, source: str) -> str:
    """Given a file's bytes, return its text: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

    Raises ParseError when the bytes are binary or decode as neither.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", source)
    # UTF-32's little-endian BOM begins with UTF-16's, so it is tried first
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32")):
        if data.startswith(bom):
            return _no_nul(_strict(data, encoding, source), source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _no_nul(_strict(data, "utf-16", source), source)
    if b"\x00" in data:
        raise ParseError(source, f"binary file (a NUL byte at byte {data.index(0)})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        as_utf8 = exc
    # GBK/GB2312 are subsets of GB18030. A text that is neither UTF-8 nor valid
    # GB18030 is rejected rather than decoded with replacement characters.
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ParseError(
            source,
            f"neither UTF-8 ({as_utf8.reason} at byte {as_utf8.start}) nor GB18030 ({exc.reason} at byte {exc.start})",
        ) from None
    if not has_cjk(text):
        raise ParseError(
            source, f"not UTF-8 ({as_utf8.reason} at byte {as_utf8.start}), and as GB18030 no Chinese text"
        )
    return text


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(
            source, f"cannot be decoded as {encoding.upper()} ({exc.reason} at byte {exc.start})"
        ) from None


def _no_nul(text: str, source: str) -> str:
    if "\x00" in text:
        raise ParseError(source, f"binary file (a NUL character at character {text.index(chr(0))})")
    return text


def clean_text(text: str) -> str:
    """Given decoded text, return it with a leading BOM removed and CRLF/CR line ends made LF."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
