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
