"""Text analysis for the index: one normalisation and jieba's words.

Two things are built from every section text (index/part.py):
- words (`segment`): jieba with the domain dictionary in data/userdict.txt, without
  punctuation and spaces; used for BM25 ranking;
- grams (index/grams.py): every overlapping pair of characters, at position i for
  the pair starting at character i; a phrase of n characters is n-1 bigrams at
  consecutive positions, so matching is exactly "the normalised text contains it".

Both, and every query, go through `normalize`: full-width → half-width (punctuation
included: ，（）：；！？ read as ,():;!?), traditional → simplified, lower case, whitespace
next to Chinese or punctuation removed, other whitespace runs collapsed to one space.
"""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache
from importlib import resources

from .reader.text.normalize import CJK, fold

USERDICT = "data/userdict.txt"
_WORDISH = re.compile(rf"[0-9a-z{CJK}]")
# Characters whose neighbouring whitespace is layout, not content.
_CJK_OR_PUNCT = re.compile(rf"[{CJK}\u3000-\u303f\uff00-\uffef“”‘’…—·•,():;!?]")
# Punctuation the parser keeps full-width (index/reader/text/normalize.py) but search folds,
# so that 信息源不够，更新不及时 finds 信息源不够,更新不及时 (one character for one: offsets hold).
_PUNCT_PAIRS = tuple(zip("，（）：；！？", ",():;!?", strict=True))


def _fold_punct(text: str) -> str:
    for wide, narrow in _PUNCT_PAIRS:  # str.replace runs at C speed; translate would not
        if wide in text:
            text = text.replace(wide, narrow)
    return text


_SPACE_RUN = re.compile(r"\s+")
# ASCII only: str.lower() turns some letters (İ) into two characters, which would shift offsets.
_ASCII_UPPER = re.compile("[A-Z]+")


def _ascii_lower(text: str) -> str:
    return _ASCII_UPPER.sub(lambda m: m.group().lower(), text)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Given text, return its normalised form and, for each of its characters, the source offset.

    >>> normalize_with_offsets("更新 不及时")
    ('更新不及时', [0, 1, 3, 4, 5])
    """
    folded = _fold_punct(_ascii_lower(fold(text)))
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


def _keep_space(m: re.Match) -> str:
    start, end, text = m.start(), m.end(), m.string
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    keep = before and after and not (_CJK_OR_PUNCT.match(before) or _CJK_OR_PUNCT.match(after))
    return " " if keep else ""


# The last text normalised and its result: a section's text is indexed by two
# fields, and normalising it once halves the cost.
_last: tuple[str, str] = ("", "")


def normalize(text: str) -> str:
    """Given text, return the normalised form that is indexed, searched and scanned.

    The same as normalize_with_offsets(text)[0], without building the offsets.

    >>> normalize("信息公開 更新　不及時，LED  屏 Ab  Cd（五）")
    '信息公开更新不及时,led屏ab cd(五)'
    """
    global _last
    last = _last
    if text is last[0]:
        return last[1]
    out = _SPACE_RUN.sub(_keep_space, _fold_punct(_ascii_lower(fold(text))))
    _last = (text, out)
    return out


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


# jieba cuts text into runs of these characters and segments each run alone; other
# characters come out one by one.
_JIEBA_RUN = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")


def pieces(text: str) -> list[str]:
    """Given normalised text, return the pieces jieba segments each on its own (runs of word
    characters, and what lies between them), in order."""
    return _JIEBA_RUN.split(text)


@lru_cache(maxsize=1 << 17)
def piece_words(piece: str) -> tuple[str, ...]:
    """The words of one piece: jieba's for a run, each word character alone between runs.

    A piece's words are cached: reports repeat the format's labels and much of their wording.
    """
    if _JIEBA_RUN.fullmatch(piece):
        return tuple(w for w in jieba_tokenizer().lcut(piece, HMM=False) if _WORDISH.search(w))
    return tuple(c for c in piece if _WORDISH.match(c))


def segment(text: str) -> list[str]:
    """Given normalised text, return its jieba words, without punctuation and spaces.

    >>> segment(normalize("依申请公开的政务新媒体"))
    ['依申请公开', '的', '政务新媒体']
    """
    return [w for piece in pieces(text) for w in piece_words(piece)]
