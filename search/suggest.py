"""On zero hits: the nearest phrase that the index does hold (one character changed, added or dropped).

Candidates come from the bigram vocabulary, so only phrases whose every bigram
occurs somewhere are tried: 更新不急时 has no 急时 … but 不 is followed by 及 in
the index and 及时 exists, so 更新不及时 is tried, and suggested when it matches.
The one matching the most sections wins. Only the first characters of a phrase
are never replaced (the vocabulary is looked up by a bigram's first character).
"""

from __future__ import annotations

from index.grams import char_range, gram_key, key_gram

from . import budget
from .doctable import DocTable, Generation
from .matching import covering_grams, phrase_docs
from .query import Query

MAX_PHRASE = 16  # longer phrases are pasted text, not typed: no guessing
MAX_TRIES = 400
MAX_SECONDS = 0.5  # a suggestion is a courtesy: it never makes an answer slow


def suggest(table: DocTable, query: Query, text: str) -> str | None:
    """Given a query that matched nothing, return the query with one phrase corrected, or None
    (also when looking would take longer than MAX_SECONDS)."""
    try:
        with budget.budget(MAX_SECONDS):
            return _suggest(table, query, text)
    except budget.QueryTooCostly:
        return None


def _suggest(table: DocTable, query: Query, text: str) -> str | None:
    generation = table.generation
    for phrase in query.phrases:
        if not 2 <= len(phrase) <= MAX_PHRASE or len(phrase_docs(generation, phrase)):
            continue
        best, best_count = None, 0
        for variant in _variants(generation, phrase):
            budget.check()
            found = len(phrase_docs(generation, variant))
            if found > best_count:
                best, best_count = variant, found
        if best:
            return text.replace(phrase, best) if phrase in text else best
    return None


def _variants(generation: Generation, phrase: str) -> list[str]:
    """Phrases at edit distance 1 whose every covering bigram is in the index, at most MAX_TRIES."""
    followers: dict[str, list[str]] = {}
    known: dict[str, bool] = {}

    def after(ch: str) -> list[str]:
        if ch not in followers:
            found: set[str] = set()
            for segment in generation.segments:
                lo, hi = segment.part.gram_range(*char_range(ch))
                found.update(key_gram(int(k)) for k in segment.part.gram_key[lo:hi])
            followers[ch] = sorted(g[1] for g in found if len(g) == 2)
        return followers[ch]

    def indexed(gram: str) -> bool:
        if gram not in known:
            known[gram] = any(segment.part.gram(gram_key(gram)) >= 0 for segment in generation.segments)
        return known[gram]

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
    keep = []
    for n, variant in enumerate(out):
        if n % 1000 == 0:
            budget.check()
        if len(variant) >= 2 and all(indexed(g) for _, g in covering_grams(variant)):
            keep.append(variant)
            if len(keep) >= MAX_TRIES:
                break
    return keep
