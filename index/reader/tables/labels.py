"""Which row of the format a printed label names: exactly, or tolerantly when it was printed with a typo.

Labels are compared with all whitespace removed, after full-width and traditional
characters are folded, so vertical text (结 果 维 持) and labels broken over
lines still match. A tolerant match needs most of the format's wording in order
(`其他法律行政止公开` for 其他法律行政法规禁止公开) and one clear best row; what
it reads is marked inferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from ..text.normalize import fold
from .layout import Row

# A row label may carry its own numbering: 四、 (七) 1. — kept with the label so
# that a glued "…00000002.其他法律…" leaves the 2 to the next row.
PREFIX = r"(?:[（(]?[一二三四五六七八九十]{1,2}[)）、]|\d[.．、])?"
_NUMBERING = re.compile(r"[（(][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}[、.．]|\d{1,2}[.．、]")
_PUNCT = re.compile(r"[\s“”\"'‘’，,、。；;：:（）()]")
TOLERANT_MIN = 4  # shorter wordings (总计, 其他) are matched exactly or not at all
TOLERANT_SHARE = 0.7  # share of the format's wording a tolerant match must have, in order


def squeeze(text: str) -> str:
    """Given text, return it folded with all whitespace removed."""
    return "".join(fold(text).split())  # str.split's whitespace is the regex \s


class Offsets:
    """Where each kept character of a compacted text was in the original (read one at a time, as ints)."""

    __slots__ = ("_kept",)

    def __init__(self, kept: np.ndarray) -> None:
        self._kept = kept

    def __getitem__(self, i: int) -> int:
        return int(self._kept[i])

    def __len__(self) -> int:
        return len(self._kept)


def compact(text: str) -> tuple[str, Offsets]:
    """Given text, return it folded with all whitespace removed, and each kept character's offset.

    >>> squeezed, offsets = compact("结 果\\n维持")
    >>> squeezed, [offsets[i] for i in range(len(offsets))]
    ('结果维持', [0, 2, 4, 5])
    """
    folded = fold(text)
    codes = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), np.uint32)
    return "".join(folded.split()), Offsets(np.flatnonzero(~_space_flags()[codes]))


@cache
def _space_flags() -> np.ndarray:
    """One flag per code point: whitespace or not, as str.isspace (and the regex \\s) say."""
    flags = np.zeros(0x110000, bool)
    flags[[c for c in range(0x3001) if chr(c).isspace()]] = True  # U+3000 is the last whitespace character
    return flags


@dataclass(frozen=True)
class Match:
    index: int  # which of the rows
    exact: bool


_MATCHES: dict[tuple[int, str, bool], tuple[tuple[Row, ...], Match | None]] = {}
_MATCHES_KEPT = 1 << 16


def match_label(label: str, rows: tuple[Row, ...], unique: bool = False) -> Match | None:
    """Given a printed label, return which of the rows it names, or None (see `_match_label`).

    Reports print the format's labels over and over: each (label, rows) is matched once. The
    rows are keyed by identity (they are the layout's constants) and kept with the answer.
    """
    key = (id(rows), label, unique)
    found = _MATCHES.get(key)
    if found is not None and found[0] is rows:
        return found[1]
    if len(_MATCHES) >= _MATCHES_KEPT:
        _MATCHES.clear()
    match = _match_label(label, rows, unique)
    _MATCHES[key] = (rows, match)
    return match


def _match_label(label: str, rows: tuple[Row, ...], unique: bool = False) -> Match | None:
    """Given a printed label, return which of the rows it names, or None.

    Several patterns can match one label (其他 inside 其他法律…禁止公开): the
    longest match wins, unless `unique` asks for a label naming one row only
    (lines of several labels printed apart from their numbers name none).
    Without an exact match, a tolerant one is tried.

    >>> from .layout import APPLICATION_ROWS
    >>> rows = APPLICATION_ROWS["2021"]
    >>> rows[match_label("（三）不予公开 2.其他法律行政法规禁止公开", rows).index].key
    'denied.prohibited'
    >>> m = match_label("2.其他法律行政止公开", rows); rows[m.index].key, m.exact
    ('denied.prohibited', False)
    """
    text = squeeze(label)
    if not text:
        return None
    best: tuple[int, int, int] | None = None  # (length, end, index)
    spans: dict[int, tuple[int, int]] = {}
    for i, row in enumerate(rows):
        for m in _pattern(row.label).finditer(text):
            cand = (m.end() - m.start(), m.end(), i)
            spans.setdefault(i, (m.start(), m.end()))
            if best is None or cand > best:
                best = cand
    if best is not None:
        if unique and _disjoint_rows(spans) > 1:
            return None
        return Match(best[2], True)
    if unique and len(text) > 2 * max(len(r.words) for r in rows) + 6:
        return None
    tolerant = _tolerant(_PUNCT.sub("", _NUMBERING.sub("", text)), rows)
    return Match(tolerant, False) if tolerant is not None else None


def _disjoint_rows(spans: dict[int, tuple[int, int]]) -> int:
    """Given each matching row's first match span, return how many rows match apart from each other.

    A two-character word (其他, 总计) beside a longer label is part of its wording
    (不计其他情形), not a second label.
    """
    kept: list[tuple[int, int]] = []
    long = [s for s in spans.values() if s[1] - s[0] > 2]
    for start, end in sorted(long or spans.values(), key=lambda s: s[0] - s[1]):  # longest first
        if all(end <= a or start >= b for a, b in kept):
            kept.append((start, end))
    return len(kept)


@lru_cache(maxsize=256)
def _pattern(label: str) -> re.Pattern:
    return re.compile(label)


def _tolerant(text: str, rows: tuple[Row, ...]) -> int | None:
    if len(text) < TOLERANT_MIN:
        return None
    scores = []
    for i, row in enumerate(rows):
        words = row.words
        if len(words) < TOLERANT_MIN:
            continue
        # most of the wording, in order; and not much else (a sentence is not a label)
        common = lcs(words, text)
        if len(text) <= 2 * len(words) + 6:
            scores.append((common / len(words), i))
    scores.sort(reverse=True)
    if not scores or scores[0][0] < TOLERANT_SHARE:
        return None
    if len(scores) > 1 and scores[1][0] >= scores[0][0] - 0.15:
        return None  # two rows fit about as well: not a reading
    return scores[0][1]


def lcs(a: str, b: str) -> int:
    """Given two strings, return the length of their longest common subsequence.

    >>> lcs("其他法律行政法规禁止公开", "其他法律行政止公开")
    9
    """
    prev = [0] * (len(b) + 1)
    for ch in a:
        cur = [0]
        for j, other in enumerate(b):
            cur.append(prev[j] + 1 if ch == other else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


@dataclass(frozen=True)
class Label:
    key: str
    start: int  # offsets in the original text
    end: int


def find_labels(text: str, rows: tuple, sequential: bool, start: int = 0) -> list[Label]:
    """Given table text and declared rows, return where each row's label is, in text order.

    Sequential search (each label after the previous one) keeps repeated words
    such as 其他 and 总计 from matching the header; table 二's labels are
    unique and searched independently, since PDF extraction reorders them.
    """
    squeezed, offsets = compact(text[start:])
    found: list[Label] = []
    pos = 0
    for row in rows:
        m = re.compile(PREFIX + row.label).search(squeezed, pos if sequential else 0)
        if m is None:
            continue
        key = getattr(row, "key", None) or row.keys[0]
        found.append(Label(key, start + offsets[m.start()], start + offsets[m.end() - 1] + 1))
        if sequential:
            pos = m.end()
    return sorted(found, key=lambda lab: lab.start)
