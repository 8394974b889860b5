"""On zero hits: the nearest phrase that the index does hold (one character changed, added or dropped).

Candidates come from the bigram vocabulary, so only phrases whose every bigram
occurs somewhere are tried: 更新不急时 has no 急时 … but 不 is followed by 及 in
the index and 及时 exists, so 更新不及时 is tried, and suggested when it matches.
A suggestion is a likely intent, not any string the index happens to hold: it
matches at least a share MIN_SHARE of the sections, and it is a whole phrase — not the start
of a longer one that nearly always follows (政务新媒 is 政务新媒体 cut short: for
政务新媒休 the suggestion is 政务新媒体, its last character replaced). The one
matching the most sections wins; the search checks that the whole corrected query
finds something before it offers it. Only the first characters of a phrase are
never replaced (the vocabulary is looked up by a bigram's first character).
"""

from __future__ import annotations

import math

from index.grams import char_range, gram_key, key_gram

from . import budget
from .doctable import DocTable, Generation
from .matching import covering_grams, phrase_docs
from .query import Query

MAX_PHRASE = 16  # longer phrases are pasted text, not typed: no guessing
MAX_TRIES = 400
MAX_SECONDS = 0.5  # a suggestion is a courtesy: it never makes an answer slow
# a likely intent is a phrase many reports use: found in at least this share of the sections (and once)
MIN_SHARE = 0.0005
RUNS_ON = 0.8  # a phrase that runs on into the same longer one this often is that one cut short
MAX_FOLLOWERS = 40  # a last character followed by more than this many is a word's end, not a cut


def suggest(table: DocTable, query: Query, text: str) -> str | None:
    """Given a query that matched nothing, return the query with one phrase corrected, or None
    (also when looking would take longer than MAX_SECONDS)."""
    return nearest(query, text, _Generation(table.generation))


def nearest(query: Query, text: str, vocabulary, seconds: float | None = None) -> str | None:
    """suggest() over any vocabulary: an object with count(phrase), counts(phrases), after(ch) (the
    characters following ch in some bigram, sorted), indexed(gram) and, optionally, prefetch(grams)."""
    try:
        with budget.budget(MAX_SECONDS if seconds is None else seconds):
            return _suggest(query, text, vocabulary)
    except budget.QueryTooCostly:
        return None


class _Generation:
    """The vocabulary of an embedded index's generation: its segments' bigram keys."""

    prefetch = None

    def __init__(self, generation: Generation) -> None:
        self.g = generation
        self._known: dict[str, bool] = {}

    def count(self, phrase: str) -> int:
        return len(phrase_docs(self.g, phrase))

    def sections(self) -> int:
        return len(self.g.sections_live)

    def counts(self, phrases: list[str]) -> list[int]:
        out = []
        for phrase in phrases:
            budget.check()
            out.append(len(phrase_docs(self.g, phrase)))
        return out

    def after(self, ch: str) -> list[str]:
        found: set[str] = set()
        for segment in self.g.segments:
            lo, hi = segment.part.gram_range(*char_range(ch))
            found.update(key_gram(int(k)) for k in segment.part.gram_key[lo:hi])
        return sorted(g[1] for g in found if len(g) == 2)

    def indexed(self, gram: str) -> bool:
        if gram not in self._known:
            self._known[gram] = any(segment.part.gram(gram_key(gram)) >= 0 for segment in self.g.segments)
        return self._known[gram]


def _suggest(query: Query, text: str, vocabulary) -> str | None:
    least = max(1, math.ceil(MIN_SHARE * vocabulary.sections()))
    for phrase in query.phrases:
        if not 2 <= len(phrase) <= MAX_PHRASE or vocabulary.count(phrase):
            continue
        variants = _variants(vocabulary, phrase)
        # most sections first; then a character replaced over one added or dropped (the length typed)
        counted = zip(vocabulary.counts(variants), variants, strict=True)
        ranked = sorted(counted, key=lambda x: (-x[0], abs(len(x[1]) - len(phrase)), x[1]))
        for found, variant in ranked:
            if found < least:
                break
            if not _runs_on(vocabulary, variant, found):
                return text.replace(phrase, variant) if phrase in text else variant
    return None


def _runs_on(vocabulary, phrase: str, found: int) -> bool:
    """Whether a phrase is nearly always the start of one longer phrase (政务新媒 of 政务新媒体)."""
    followers = [c for c in vocabulary.after(phrase[-1]) if "\u4e00" <= c <= "\u9fff"]  # a word runs on, not a stop
    if not followers or len(followers) > MAX_FOLLOWERS:
        return False
    longer = [phrase + c for c in followers]
    return max(vocabulary.counts(longer)) >= RUNS_ON * found


def _variants(vocabulary, phrase: str) -> list[str]:
    """Phrases at edit distance 1 whose every covering bigram is in the index, at most MAX_TRIES."""
    followers: dict[str, list[str]] = {}

    def after(ch: str) -> list[str]:
        if ch not in followers:
            followers[ch] = vocabulary.after(ch)
        return followers[ch]

    out: dict[str, None] = {}
    n = len(phrase)
    for i in range(n):
        if n > 2:
            out[phrase[:i] + phrase[i + 1 :]] = None  # one character dropped
        if i == 0:
            continue
        for c in after(phrase[i - 1]):
            if c != phrase[i]:
                out[phrase[:i] + c + phrase[i + 1 :]] = None  # one replaced
            out[phrase[:i] + c + phrase[i:]] = None  # one added
    if n > 2:
        out.pop(phrase, None)
    if vocabulary.prefetch is not None:  # a remote vocabulary answers for all the grams at once
        vocabulary.prefetch({g for v in out if len(v) >= 2 for _, g in covering_grams(v)})
    keep = []
    for n, variant in enumerate(out):
        if n % 1000 == 0:
            budget.check()
        if len(variant) >= 2 and all(vocabulary.indexed(g) for _, g in covering_grams(variant)):
            keep.append(variant)
            if len(keep) >= MAX_TRIES:
                break
    return keep
