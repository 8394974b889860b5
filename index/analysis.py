"""Text analysis for the index: one normalisation, a jieba word tokenizer and a bigram tokenizer.

Two fields are built from every section text:
- words (`WordAnalyzer`): jieba with the domain dictionary in data/userdict.txt,
  token positions numbered 0, 1, 2 … (jieba's own ChineseAnalyzer stores character
  offsets as positions, which breaks phrase queries); used for BM25F ranking;
- grams (`BigramAnalyzer`): every overlapping pair of characters, at position i for
  the pair starting at character i; a phrase of n characters is n-1 bigrams at
  consecutive positions, so matching is exactly "the normalised text contains it".

Both, and every query, go through `normalize`: full-width → half-width, traditional →
simplified, lower case, whitespace next to Chinese removed, other whitespace runs
collapsed to one space.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from importlib import resources

from whoosh.analysis import Token, Tokenizer

from .normalize import CJK, fold

USERDICT = "data/userdict.txt"
_WORDISH = re.compile(rf"[0-9a-z{CJK}]")
# Characters whose neighbouring whitespace is layout, not content.
_CJK_OR_PUNCT = re.compile(rf"[{CJK}\u3000-\u303f\uff00-\uffef“”‘’…—·•]")


_SPACE_RUN = re.compile(r"\s+")
# ASCII only: str.lower() turns some letters (İ) into two characters, which would shift offsets.
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Given text, return its normalised form and, for each of its characters, the source offset.

    >>> normalize_with_offsets("更新 不及时")
    ('更新不及时', [0, 1, 3, 4, 5])
    """
    folded = fold(text).translate(_ASCII_LOWER)
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _SPACE_RUN.finditer(folded):
        start, end = m.span()
        parts.append(folded[pos:start])
        offsets.extend(range(pos, start))
        before = folded[start - 1] if start else ""
        after = folded[end] if end < len(folded) else ""
        # runs are maximal, so `before` and `after` are never spaces themselves
        if before and after and not (_CJK_OR_PUNCT.match(before) or _CJK_OR_PUNCT.match(after)):
            parts.append(" ")
            offsets.append(start)
        pos = end
    parts.append(folded[pos:])
    offsets.extend(range(pos, len(folded)))
    return "".join(parts), offsets


def normalize(text: str) -> str:
    """Given text, return the normalised form that is indexed, searched and scanned.

    >>> normalize("信息公開 更新　不及時，LED  屏 Ab  Cd")
    '信息公开更新不及时，led屏ab cd'
    """
    return normalize_with_offsets(text)[0]


@cache
def jieba_tokenizer():
    """Return this process's jieba tokenizer with the domain dictionary loaded (once per process)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    words = resources.files("index").joinpath(USERDICT).read_text(encoding="utf-8").split()
    for word in words:
        tok.add_word(word)
    return tok


def segment(text: str) -> list[str]:
    """Given normalised text, return its jieba words, without punctuation and spaces.

    >>> segment(normalize("依申请公开的政务新媒体"))
    ['依申请公开', '的', '政务新媒体']
    """
    return [w for w in jieba_tokenizer().lcut(text, HMM=False) if _WORDISH.search(w)]


class WordTokenizer(Tokenizer):
    """Yield the jieba words of a normalised text with sequential positions."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):  # fmt: skip
        text = normalize(value)
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos, offset = start_pos, 0
        for word in jieba_tokenizer().lcut(text, HMM=False):
            start = offset
            offset += len(word)
            if not _WORDISH.search(word):
                continue
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + offset
            pos += 1
            yield t


class BigramTokenizer(Tokenizer):
    """Yield every two-character window of a normalised text at its start position.

    The last token is the final character alone, so every character starts one
    token and a one-character query is a prefix query.
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):  # fmt: skip
        text = normalize(value)
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for i in range(len(text)):
            t.text = text[i : i + 2]
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar, t.endchar = start_char + i, start_char + i + len(t.text)
            yield t


def WordAnalyzer() -> WordTokenizer:  # named like Whoosh's analyzer factories
    """Return the analyzer of the words field.

    >>> [t.text for t in WordAnalyzer()("政务新媒体更新不及时")]
    ['政务新媒体', '更新不及时']
    """
    return WordTokenizer()


def BigramAnalyzer() -> BigramTokenizer:
    """Return the analyzer of the grams field.

    >>> [(t.text, t.pos) for t in BigramAnalyzer()("更新 不及", positions=True)]
    [('更新', 0), ('新不', 1), ('不及', 2), ('及', 3)]
    """
    return BigramTokenizer()


def phrase_grams(phrase: str) -> list[str]:
    """Given a normalised phrase of two or more characters, return the bigrams a match must have in a row."""
    return [phrase[i : i + 2] for i in range(len(phrase) - 1)]
