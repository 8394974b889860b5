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
import math
import re
from functools import cache, lru_cache
from importlib import resources

import numpy as np

from .dictionary import ABSENT
from .reader.text.normalize import CJK, fold, folded_codes

USERDICT = "data/userdict.txt"
_WORDISH = re.compile(rf"[0-9a-z{CJK}]")
# Characters whose neighbouring whitespace is layout, not content.
_LAYOUT_NEIGHBOURS = rf"[{CJK}\u3000-\u303f\uff00-\uffef“”‘’…—·•,():;!?]"
_CJK_OR_PUNCT = re.compile(_LAYOUT_NEIGHBOURS)
# Whitespace runs that are layout: after or before such a character (those at either end of the text
# go too, as `normalize` strips). Both branches start with whitespace, so the regex skips to it at C speed.
_LAYOUT_SPACE = re.compile(rf"\s(?<={_LAYOUT_NEIGHBOURS}\s)\s*|\s+(?={_LAYOUT_NEIGHBOURS})")
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


# The last text normalised and its result: a section's text is indexed by two
# fields, and normalising it once halves the cost.
_last: tuple[str, str] = ("", "")


def _folded_characters(text: str) -> str:
    """fold, ASCII lower case and punctuation width: each a character for a character, so a long text is
    mapped at once through one table of code points (a short one step by step costs less)."""
    if len(text) < 256:
        return _fold_punct(_ascii_lower(fold(text)))
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    return _character_table()[codes].tobytes().decode("utf-32-le", "surrogatepass")


@cache
def _character_table() -> np.ndarray:
    """Each code point's folded, lower-case, narrow-punctuation form (the steps composed in their order)."""
    step = np.arange(0x110000, dtype=np.uint32)
    step[np.arange(ord("A"), ord("Z") + 1)] = np.arange(ord("a"), ord("z") + 1)
    for wide, narrow in _PUNCT_PAIRS:
        step[ord(wide)] = ord(narrow)
    return step[folded_codes()]


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
    # runs are maximal, so removing the layout ones never joins two: what is left becomes one space each
    out = " ".join(_LAYOUT_SPACE.sub("", _folded_characters(text)).split())  # str.split's whitespace is \s
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


# What of a text has words: each run, and each word character between runs (those CJK outside jieba's
# range), which is a word alone; punctuation and spaces between them have none.
_WORD_PIECE = re.compile(rf"{_JIEBA_RUN.pattern[1:-1]}|(?![\u4E00-\u9FD5])[{CJK}]")


def word_pieces(text: str) -> list[str]:
    """Given normalised text, return the pieces of it that hold words, in order: the same words as
    pieces(text), without the pieces that hold none."""
    return _WORD_PIECE.findall(text)


def pieces(text: str) -> list[str]:
    """Given normalised text, return the pieces jieba segments each on its own (runs of word
    characters, and what lies between them), in order."""
    return _JIEBA_RUN.split(text)


@lru_cache(maxsize=1 << 17)
def piece_words(piece: str) -> tuple[str, ...]:
    """The words of one piece: jieba's for a run, each word character alone between runs.

    A piece's words are cached: reports repeat the format's labels and much of their wording.
    """
    return words_of_piece(piece)


def words_of_piece(piece: str, dictionary=None) -> tuple[str, ...]:
    """The words of one piece (uncached), cut with jieba's dictionary or a compiled one."""
    if _JIEBA_RUN.fullmatch(piece):
        words = cut_run(piece, dictionary) if dictionary is not None else _cut_run_by_shape(piece)
        return tuple(w for w in words if _WORDISH.search(w))
    return tuple(c for c in piece if _WORDISH.match(c))


_HAS_DIGIT = re.compile("[0-9]")
_ZEROED = str.maketrans("123456789", "000000000")


def _cut_run_by_shape(run: str) -> list[str]:
    """cut_run(run) with jieba's dictionary, its cuts shared by runs that differ only in their digits.

    Reports repeat sentences with other numbers in them (共受理申请42件), so most runs a build
    has not seen are a known run with other digits. Where no dictionary word holding a digit
    occurs, a digit starts no word and ends none: the graph of words, and so every sum and
    comparison of the cut, is the same whatever the digits are, and the run is cut where the
    run with all its digits 0 is cut.
    """
    if not _HAS_DIGIT.search(run):
        return cut_run(run)
    zeroed = run.translate(_ZEROED)
    for word in _memory_dictionary().digit_words:
        if word in run or word in zeroed:
            return cut_run(run)
    words, x = [], 0
    for n in _cut_lengths(zeroed):
        words.append(run[x : x + n])
        x += n
    return words


@lru_cache(maxsize=1 << 16)
def _cut_lengths(run: str) -> tuple[int, ...]:
    return tuple(map(len, cut_run(run)))


class _MemoryDictionary:
    """jieba's prefix dictionary in memory, as the cut reads it: a word's score (log frequency minus the
    log total), None for an entry that is only a prefix, ABSENT for no entry."""

    def __init__(self) -> None:
        tok = jieba_tokenizer()
        tok.check_initialized()
        logtotal = math.log(tok.total)
        self.get = {w: (math.log(n) - logtotal if n else None) for w, n in tok.FREQ.items()}.get
        self.missing = math.log(1) - logtotal
        # the words (not mere prefixes) that hold an ASCII digit: few (4S店, 12345热线)
        self.digit_words = tuple(w for w, n in tok.FREQ.items() if n and _HAS_DIGIT.search(w))


@cache
def _memory_dictionary() -> _MemoryDictionary:
    return _MemoryDictionary()


def warm_dictionary() -> None:
    """Load jieba and the cut's dictionary now (a builder does, before forking its workers)."""
    _memory_dictionary()


_ASCII_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def cut_run(run: str, dictionary=None) -> list[str]:
    """Given a run of word characters, return jieba's cut of it without HMM (Tokenizer.lcut(run, HMM=False)).

    jieba builds the graph of dictionary words, then finds the most probable route through it
    from the end, in two passes of Python calls per character; this is the same computation in
    one pass (the same sums in the same order, ties to the longer word, single ASCII letters and
    digits joined), about twice as fast. The dictionary is jieba's in memory, or a compiled one
    (index/dictionary.py). tests/test_analysis.py holds it to jieba's own cut.

    >>> cut_run("政务新媒体更新不及时")
    ['政务新媒体', '更新不及时']
    """
    d = dictionary or _memory_dictionary()
    get, missing = d.get, d.missing
    n = len(run)
    best = [0.0] * (n + 1)  # the best route's score from each position to the end
    end = [0] * (n + 1)  # where its first word ends
    for k in range(n - 1, -1, -1):
        top, top_end = None, k
        i, frag = k, run[k]
        while i < n:
            score = get(frag, ABSENT)
            if score is ABSENT:
                break
            if score is not None:
                value = score + best[i + 1]
                if top is None or value >= top:
                    top, top_end = value, i
            i += 1
            frag = run[k : i + 1]
        best[k], end[k] = (top, top_end) if top is not None else (missing + best[k + 1], k)
    words, pending, x = [], "", 0
    while x < n:
        y = end[x] + 1
        word = run[x:y]
        if y - x == 1 and word in _ASCII_WORD_CHARS:
            pending += word
        else:
            if pending:
                words.append(pending)
                pending = ""
            words.append(word)
        x = y
    if pending:
        words.append(pending)
    return words


@cache
def query_dictionary():
    """The compiled dictionary queries are cut with (written from jieba the first time; jieba in memory
    when it cannot be written)."""
    from .dictionary import CompiledDictionary, cache_dir, dictionary_key, write_dictionary

    path = cache_dir() / f"words-{dictionary_key()}.xdict"
    try:
        if not path.exists():
            tok = jieba_tokenizer()
            tok.check_initialized()
            write_dictionary(path, tok.FREQ, tok.total)
        return CompiledDictionary(path)
    except (OSError, ValueError):
        return _memory_dictionary()


@lru_cache(maxsize=1 << 14)
def _query_piece_words(piece: str) -> tuple[str, ...]:
    return words_of_piece(piece, query_dictionary())


def query_words(text: str) -> list[str]:
    """Given a normalised query phrase, return its words: segment()'s, without loading jieba."""
    return [w for piece in pieces(text) for w in _query_piece_words(piece)]


def segment(text: str) -> list[str]:
    """Given normalised text, return its jieba words, without punctuation and spaces.

    >>> segment(normalize("依申请公开的政务新媒体"))
    ['依申请公开', '的', '政务新媒体']
    """
    return [w for piece in word_pieces(text) for w in piece_words(piece)]
