"""Character-level normalisation shared by parsing, indexing and querying.

Every function here maps one character to one character, so a normalised
text has the same length as its source and offsets found in one are valid in
the other. Whitespace removal, which changes offsets, is kept separate.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

# Full-width ASCII (！ .. ～) sits at a fixed offset from ASCII; the ideographic
# space U+3000 and no-break space become a plain space.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20
_WIDTH[0x00A0] = 0x20

# Brackets keep their full-width form: report labels use （一） and (一) alike,
# and the parser matches both, but narrative text reads better unchanged.
_PUNCT_KEEP = {ord(c) for c in "（），、。：；！？"}
for _cp in _PUNCT_KEEP:
    _WIDTH.pop(_cp, None)

# str.translate looks every character up in the table (slow on long texts); most
# texts hold no character to change, which one regex search finds at C speed.
_WIDE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_WIDTH)) + "]")

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")


@cache
def _t2s_table() -> dict[int, int]:
    text = resources.files(__package__).joinpath("t2s.txt").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        if len(line) == 2 and not line.startswith("#"):
            table[ord(line[0])] = ord(line[1])
    return table


@cache
def _traditional() -> frozenset[str]:
    return frozenset(map(chr, _t2s_table()))


@cache
def folded_codes():
    """Each code point's folded one: made half-width, then simplified (itself when neither changes it)."""
    import numpy as np

    width = np.arange(0x110000, dtype=np.uint32)
    width[list(_WIDTH)] = list(_WIDTH.values())
    simple = np.arange(0x110000, dtype=np.uint32)
    table = _t2s_table()
    simple[list(table)] = list(table.values())
    return simple[width]


def to_halfwidth(text: str) -> str:
    """Given text, return it with full-width letters, digits and spaces made half-width.

    >>> to_halfwidth("２０２１年　ＡＢＣ")
    '2021年 ABC'
    """
    return text.translate(_WIDTH) if _WIDE.search(text) else text


def to_simplified(text: str) -> str:
    """Given text, return it with traditional characters replaced one-for-one by simplified ones.

    >>> to_simplified("政府信息公開年度報告")
    '政府信息公开年度报告'
    """
    return text if _traditional().isdisjoint(text) else text.translate(_t2s_table())


# The last long texts folded: parsing folds the same report text (and its sections) several times.
# Short ones (labels, lines) cost less to fold again than to keep, and would push the long ones out.
_folded: dict[str, str] = {}
_FOLD_KEPT_FROM = 256


def fold(text: str) -> str:
    """Given text, return the same-length form used for matching: half-width and simplified.

    Both are a character for a character: a long text is mapped at once through one table of code
    points (a short one costs less step by step).
    """
    if len(text) < _FOLD_KEPT_FROM:
        return to_simplified(to_halfwidth(text))
    out = _folded.get(text)
    if out is None:
        if len(_folded) >= 8:
            _folded.clear()
        import numpy as np

        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
        out = _folded[text] = folded_codes()[codes].tobytes().decode("utf-32-le", "surrogatepass")
    return out


_SPACE_IN_CJK = re.compile(rf"(?<=[{CJK}\d])[ \t\u3000\u00a0]+(?=[{CJK}\d])")


def squeeze_cjk_spaces(text: str) -> str:
    """Given text, drop spaces that sit between CJK characters or digits (changes offsets).

    >>> squeeze_cjk_spaces("郑州 2021 年政府信息公开 工作年度报告")
    '郑州2021年政府信息公开工作年度报告'
    """
    return _SPACE_IN_CJK.sub("", text)


def has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None
