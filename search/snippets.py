"""Snippets: fragments of a hit's text around its matches, with the exact spans of each match.

Matches are found by substring search in the normalised text and mapped back
to the stored text's offsets, so a span covers exactly what matched (spaces a
report put inside a word included) and no hit is re-segmented.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.analysis import normalize_with_offsets

ELLIPSIS = "…"


@dataclass(frozen=True)
class Snippet:
    text: str
    spans: list[list[int]]  # [start, end) in `text`, each the exact matched text


def find_matches(text: str, phrases: list[str]) -> list[tuple[int, int]]:
    """Given a stored text and normalised phrases, return the (start, end) offsets of every match in it.

    >>> find_matches("信息更新 不及时。更新不及时", ["更新不及时"])
    [(2, 8), (9, 14)]
    """
    norm, offsets = normalize_with_offsets(text)
    found: list[tuple[int, int]] = []
    for phrase in phrases:
        i = norm.find(phrase)
        while i >= 0:
            found.append((offsets[i], offsets[i + len(phrase) - 1] + 1))
            i = norm.find(phrase, i + 1)
    return _merge(sorted(found))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def make_snippet(text: str, phrases: list[str], width: int = 80, fragments: int = 3) -> Snippet:
    """Given a stored text and the query's phrases, return up to `fragments` windows around the matches.

    >>> s = make_snippet("甲乙丙。信息更新不及时，人员不足。", ["更新不及时", "人员"], width=8)
    >>> s.text, [s.text[a:b] for a, b in s.spans]
    ('…更新不及时，人员…', ['更新不及时', '人员'])
    """
    matches = find_matches(text, phrases)
    if not matches:
        return Snippet(_flat(text[:width]) + (ELLIPSIS if len(text) > width else ""), [])
    windows: list[list[int]] = []  # [start, end, first match, last match]
    for i, (start, end) in enumerate(matches):
        if windows and end - windows[-1][0] <= width:
            windows[-1][1] = max(windows[-1][1], end)
            windows[-1][3] = i
        elif len(windows) < fragments:
            windows.append([start, end, i, i])
    out, spans = "", []
    for start, end, first, last in windows:
        pad = max(0, width - (end - start)) // 2
        lo, hi = max(0, start - pad), min(len(text), end + pad)
        if out or lo > 0:
            out += ELLIPSIS
        base = len(out) - lo
        out += _flat(text[lo:hi])
        spans.extend([s + base, e + base] for s, e in matches[first : last + 1])
    if windows and hi < len(text):
        out += ELLIPSIS
    return Snippet(out, spans)


def _flat(text: str) -> str:
    """Line breaks and tabs become spaces (one for one, so offsets hold)."""
    return text.replace("\n", " ").replace("\t", " ").replace("\r", " ")
