"""Which section documents match a query and filters: exact sets, by position algebra over whole arrays.

A phrase of n characters is n-1 bigrams at consecutive positions. Bigrams that
cover every character of the phrase are enough (text[s:s+n] equals the phrase
when each chosen bigram sits at s + its offset). Per segment, the starts of the
phrase are the positions of its bigram with the fewest positions, kept where
every other chosen bigram sits at the right distance (a membership test of one
sorted array in another, at C speed); the documents are those the starts fall
in. When a filter leaves fewer documents than that, their texts are searched
for the phrase instead. Document sets are sorted arrays of document numbers.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

import numpy as np

from index.analysis import normalize
from index.grams import char_range, gram_key
from index.reader.report import SECTIONS, TEMPLATES
from index.reader.text.place import place_of

from .budget import check
from .doctable import DocTable, Generation
from .filters import Filters
from .identity import Identity, identity_in
from .query import Query

# Searching one candidate's text costs about as much as testing this many positions.
TEXT_CHECK_COST = 64
# Above this many positions of the bigram tested against, one bit per character of the segment is cheaper
# than a binary search per start.
BITMAP_MIN = 1 << 15

COMPARE = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
EMPTY = np.zeros(0, np.int64)


def covering_grams(phrase: str) -> list[tuple[int, str]]:
    """Given a phrase of two or more characters, return (offset, bigram) pairs covering all its characters.

    >>> covering_grams("更新不及时")
    [(0, '更新'), (2, '不及'), (3, '及时')]
    """
    offsets = list(range(0, len(phrase) - 1, 2))
    if offsets[-1] != len(phrase) - 2:
        offsets.append(len(phrase) - 2)
    return [(i, phrase[i : i + 2]) for i in offsets]


def phrase_docs(generation: Generation, phrase: str, within: np.ndarray | None = None) -> np.ndarray:
    """Given a normalised phrase, return the live documents whose text contains it (only those `within`,
    a sorted array), ascending."""
    parts = []
    for segment in generation.segments:
        local = None
        if within is not None:
            lo, hi = np.searchsorted(within, (segment.base, segment.base + segment.count))
            if lo == hi:
                continue
            local = within[lo:hi] - segment.base
        check()
        found = segment_phrase_docs(segment.part, phrase, local)
        if len(found):
            parts.append(found.astype(np.int64) + segment.base)
    if not parts:
        return EMPTY
    docs = np.concatenate(parts)
    return docs[generation.live[docs]]


def segment_phrase_docs(part, phrase: str, within: np.ndarray | None = None) -> np.ndarray:
    """The local documents of one segment whose text contains a normalised phrase (only those `within`)."""
    if len(phrase) == 1:  # every character starts one gram: the documents of the grams it starts
        lo, hi = part.gram_range(*char_range(phrase))
        docs = np.unique(part.gram_doc[part.gram_doc_ptr[lo] : part.gram_doc_ptr[hi]]) if lo < hi else EMPTY
        return docs if within is None else _intersect(docs, within)
    terms = []
    for offset, gram in covering_grams(phrase):
        i = part.gram(gram_key(gram))
        if i < 0:
            return EMPTY
        terms.append((part.gram_position_count(i), offset, i))
    terms.sort()  # fewest positions first: the starts only shrink
    if within is not None and len(within) * TEXT_CHECK_COST < terms[0][0]:
        return part.containing(within, phrase.encode("utf-8", "surrogatepass"))
    if len(phrase) == 2:
        docs = part.gram_docs(terms[0][2])
        return docs if within is None else _intersect(docs, within)
    _, offset, i = terms[0]
    starts = part.gram_positions(i).astype(np.int64) - offset
    total = int(part.char_start[-1])
    for _, offset, i in terms[1:]:
        check()
        starts = _followed_by(starts, offset, part.gram_positions(i), total)
        if not len(starts):
            return EMPTY
    docs = part.docs_at(starts)
    return docs if within is None else _intersect(docs, within)


def _followed_by(starts: np.ndarray, offset: int, positions: np.ndarray, total: int) -> np.ndarray:
    """The starts s (ascending) for which s + offset is among `positions` (ascending)."""
    wanted = starts + offset
    if len(positions) >= BITMAP_MIN and len(starts) >= BITMAP_MIN // 8:
        bits = np.zeros(total + 1, bool)
        bits[positions] = True
        return starts[bits[wanted]]
    at = np.searchsorted(positions, wanted)
    at[at == len(positions)] = 0
    return starts[positions[at] == wanted]


def _intersect(docs: np.ndarray, within: np.ndarray) -> np.ndarray:
    """The sorted documents of `docs` that are in `within` (both sorted, unique)."""
    if not len(docs) or not len(within):
        return EMPTY
    at = np.searchsorted(within, docs)
    at[at == len(within)] = 0
    return docs[within[at] == docs]


def intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The documents in both sorted arrays."""
    return _intersect(a, b) if len(a) <= len(b) else _intersect(b, a)


def matching_docs(table: DocTable, query: Query, filters: Filters) -> np.ndarray:
    """Given a parsed query and filters, return the exact matching section documents, ascending."""
    generation = table.generation
    within = allowed_docs(table, filters)
    if within is None:
        within_all = True
    else:
        within_all = False
        if not len(within):
            return EMPTY
    # clauses (AND) from the one whose rarest phrase is rarest: later ones only verify fewer candidates
    clauses = sorted(query.clauses, key=lambda clause: max(estimate(generation, p) for p in clause))
    for clause in clauses:
        check()
        found = [cached_phrase_docs(generation, phrase, None if within_all else within) for phrase in clause]
        within = found[0] if len(found) == 1 else np.unique(np.concatenate(found))
        within_all = False
        if not len(within):
            return EMPTY
    for phrase in query.excluded:
        excluded = cached_phrase_docs(generation, phrase, within)
        if len(excluded):
            within = np.setdiff1d(within, excluded, assume_unique=True)
    return within  # report documents have no text: no phrase matches them


def cached_phrase_docs(generation: Generation, phrase: str, within: np.ndarray | None) -> np.ndarray:
    """phrase_docs, answered from the generation's cache when the phrase was matched unrestricted before."""
    cached = generation.phrases.get(phrase)
    if cached is not None:
        return cached if within is None else intersect(cached, within)
    found = phrase_docs(generation, phrase, within)
    if within is None:
        found.flags.writeable = False
        generation.phrases.put(phrase, found)
    return found


def estimate(generation: Generation, phrase: str) -> int:
    """An upper bound of a phrase's documents: its rarest bigram's document count."""
    if len(phrase) == 1:
        return generation.count
    best = None
    for _, gram in covering_grams(phrase):
        key, total = gram_key(gram), 0
        for segment in generation.segments:
            i = segment.part.gram(key)
            if i >= 0:
                total += int(segment.part.gram_doc_ptr[i + 1] - segment.part.gram_doc_ptr[i])
        best = total if best is None else min(best, total)
    return best or 0


def allowed_docs(table: DocTable, filters: Filters) -> np.ndarray | None:
    """Given filters, return the live section documents they allow (ascending), or None when they allow all."""
    g = table.generation
    keep: np.ndarray | None = None

    def narrow(mask: np.ndarray) -> None:
        nonlocal keep
        check()
        keep = mask if keep is None else keep & mask

    if filters.sections:
        narrow(np.isin(g.section, [SECTIONS.index(s) for s in filters.sections]))
    if filters.template:
        narrow(g.template == TEMPLATES.index(filters.template))
    if filters.year_from is not None or filters.year_to is not None:
        lo = filters.year_from if filters.year_from is not None else 1
        hi = filters.year_to if filters.year_to is not None else 9999
        narrow((g.year >= lo) & (g.year <= hi))
    if filters.agency:
        test = agency_test(filters.agency, identity_in(g.folder))
        narrow(_agencies_where(g, lambda pair: test(*pair), of="both"))
    if filters.where:
        reports = np.zeros(g.count + 1, bool)  # the last entry stands for "no report document"
        reports[figure_reports(table, filters)] = True
        narrow(reports[g.report_of])
    if filters.region or filters.level or filters.kind:
        narrow(_agencies_where(g, lambda place: place_matches(place, filters), of="places"))
    if keep is None:
        return None
    return np.flatnonzero(keep & (g.kind == 1) & g.live)


def _agencies_where(generation: Generation, test, of: str = "names") -> np.ndarray:
    """Whether each document's agency passes a test (no agency never does) of its name, normalised name
    or place, each computed once per generation for every distinct agency."""
    names, codes = generation.agencies

    def normalised() -> list[str]:
        return generation.get("agencies normalised", lambda: [normalize(n) for n in names])

    values = {
        "names": lambda: names,
        "normalised": normalised,
        "both": lambda: list(zip(names, normalised(), strict=True)),
        "places": lambda: generation.get("agencies places", lambda: [place_of(n) for n in names]),
    }[of]()
    passing = np.array([bool(test(value)) for value in values] + [False], bool)  # -1: no agency
    return passing[codes]


def agency_test(wanted: str, identity: Identity) -> Callable[[str, str], bool]:
    """The agency filter: a test of (name, normalised name) that passes the names containing what was typed
    and every name of the agency it names (洪泽区人民政府 finds 淮安市洪泽区人民政府 too)."""
    needle, key = normalize(wanted), identity.key(wanted)
    return lambda name, normalised: needle in normalised or (key is not None and identity.key(name) == key)


def place_matches(place, filters: Filters) -> bool:
    """Whether an agency's place (index/reader/text/place.py) passes the region, level and kind filters."""
    if filters.region and not any(p and normalize(filters.region) in normalize(p) for p in (place.region, place.area)):
        return False
    if filters.level and place.level != filters.level:
        return False
    return not (filters.kind and place.kind != filters.kind)


def figure_reports(table: DocTable, filters: Filters) -> np.ndarray:
    """The live report documents whose figures satisfy every condition (a missing figure satisfies none)."""
    reports = table.generation.report_doc
    reports = reports[reports >= 0]
    for cond in filters.where:
        values = table.generation.figure(cond.key)[reports]
        with np.errstate(invalid="ignore"):
            reports = reports[~np.isnan(values) & COMPARE[cond.op](values, cond.value)]
    return np.sort(reports)
