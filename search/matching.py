"""Which section documents match a query and filters: exact sets, from whole posting lists.

A phrase of n characters is n-1 bigrams at consecutive positions of the grams
field. Bigrams that cover every character of the phrase are enough (text[s:s+n]
equals the phrase when each chosen bigram sits at s + its offset), so every
other bigram is skipped, plus the last. Candidates are the intersection of the
chosen bigrams' documents; a candidate matches when some start s is found in
all of their position arrays. When few candidates are left and the remaining
bigrams are common, reading their long posting lists costs more than reading
the candidates' stored texts: those are then checked by substring instead.
"""

from __future__ import annotations

import operator
from array import array

from index.analysis import normalize
from index.reader.text.place import place_of
from index.store import figure_field
from index.textcolumn import TextColumn

from .budget import check
from .doctable import DocTable
from .filters import Filters
from .postings import read_postings
from .query import Query

# Reading and normalising one stored section text costs about as much as reading
# this many postings with their positions (measured on the benchmark corpus).
TEXT_CHECK_COST = 400
# A phrase whose rarest bigram is in more than this share of all documents is found by scanning the
# segments' text columns whole rather than by reading posting lists.
SCAN_SHARE = 0.25

COMPARE = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def covering_grams(phrase: str) -> list[tuple[int, str]]:
    """Given a phrase of two or more characters, return (offset, bigram) pairs covering all its characters.

    >>> covering_grams("更新不及时")
    [(0, '更新'), (2, '不及'), (3, '及时')]
    """
    offsets = list(range(0, len(phrase) - 1, 2))
    if offsets[-1] != len(phrase) - 2:
        offsets.append(len(phrase) - 2)
    return [(i, phrase[i : i + 2]) for i in offsets]


def phrase_docs(reader, phrase: str, within: set[int] | None = None, texts: TextColumn | None = None) -> set[int]:
    """Given a normalised phrase, return the live documents whose text contains it (only those `within`).

    With the segments' text columns (`texts`), candidates from the phrase's rarest bigrams are
    verified by searching their texts in place; without, by the bigrams' positions.
    """
    if len(phrase) == 1:  # every character starts one gram: the union over grams beginning with it
        docs: set[int] = set()
        for tbytes in reader.expand_prefix("grams", phrase):
            docs.update(read_postings(reader, "grams", tbytes.decode("utf-8")).ids)
        return docs if within is None else docs & within
    terms = []
    for offset, gram in covering_grams(phrase):
        if ("grams", gram) not in reader:
            return set()
        terms.append((reader.doc_frequency("grams", gram), offset, gram))
    terms.sort()  # rarest first: the candidate set only shrinks
    if texts is not None and len(terms) > 1:
        return _by_column(reader, phrase, terms, within, texts)
    if len(terms) == 1 and (within is None or len(within) * TEXT_CHECK_COST >= terms[0][0]):
        docs = set(read_postings(reader, "grams", terms[0][2]).ids)
        return docs if within is None else docs & within
    candidates = within
    positions: list[tuple[int, dict[int, bytes]]] = []
    read: dict[str, dict[int, bytes]] = {}  # a phrase that repeats a bigram reads its list once
    for i, (_, offset, gram) in enumerate(terms):
        check()
        if candidates is not None and len(candidates) * TEXT_CHECK_COST < sum(
            t[0] for t in terms[i:] if t[2] not in read
        ):
            return _by_text(reader, phrase, candidates)
        by_doc = read.get(gram)
        if by_doc is None:
            postings = read_postings(reader, "grams", gram, values=True)
            by_doc = read[gram] = dict(zip(postings.ids, postings.values, strict=True))
        candidates = set(by_doc) if candidates is None else candidates.intersection(by_doc)
        if not candidates:
            return set()
        positions.append((offset, by_doc))
    found = set()
    for n, d in enumerate(candidates):
        if n % 512 == 0:
            check()
        if _contains(d, positions):
            found.add(d)
    return found


def _by_column(reader, phrase: str, terms: list, within: set[int] | None, texts: TextColumn) -> set[int]:
    """Candidates: the documents of the two rarest covering bigrams (ids only, no positions); then each
    candidate's text is searched for the phrase at C speed. When even the rarest bigram is in a large
    share of all documents, the texts are scanned whole instead; when the filter allows fewer documents
    than the rarest bigram holds, those are searched directly."""
    rarest = terms[0][0]
    if within is not None and len(within) <= rarest:
        return texts.containing(within, phrase, check)
    if within is None and rarest > SCAN_SHARE * reader.doc_count_all():
        return texts.scan(phrase, check)
    candidates = within
    for _, _, gram in terms[:2]:
        check()
        ids = read_postings(reader, "grams", gram).ids
        candidates = set(ids) if candidates is None else candidates.intersection(ids)
        if not candidates:
            return set()
    return texts.containing(candidates, phrase, check)


def _by_text(reader, phrase: str, candidates: set[int]) -> set[int]:
    found = set()
    for n, d in enumerate(candidates):
        if n % 64 == 0:
            check()
        if phrase in normalize(reader.stored_fields(d)["text"]):
            found.add(d)
    return found


def _contains(docnum: int, positions: list[tuple[int, dict[int, bytes]]]) -> bool:
    """Whether some start s has every chosen bigram at s + its offset in this document."""
    # map() with an int's bound __add__ shifts the positions at C speed
    offset, by_doc = positions[0]
    starts = set(map((-offset).__add__, array("I", by_doc[docnum])))
    for offset, by_doc in positions[1:-1]:
        starts.intersection_update(map((-offset).__add__, array("I", by_doc[docnum])))
        if not starts:
            return False
    # the last bigram only needs one start in common: isdisjoint stops at the first
    offset, by_doc = positions[-1]
    return not starts.isdisjoint(map((-offset).__add__, array("I", by_doc[docnum])))


def matching_docs(table: DocTable, query: Query, filters: Filters) -> set[int]:
    """Given a parsed query and filters, return the exact set of matching section document numbers."""
    reader = table.reader
    within = allowed_docs(table, filters)
    if within is not None and not within:
        return set()
    # clauses (AND) from the one whose rarest phrase is rarest: later ones only verify fewer candidates
    clauses = sorted(query.clauses, key=lambda clause: max(_estimate(reader, p) for p in clause))
    cache, texts = table.generation.phrases, table.text_column
    for clause in clauses:
        check()
        found: set[int] = set()
        for phrase in clause:
            found |= _cached_phrase_docs(reader, cache, phrase, within, texts)
        within = found
        if not within:
            return set()
    for phrase in query.excluded:
        within = within - _cached_phrase_docs(reader, cache, phrase, within, texts)
    return within


def _cached_phrase_docs(reader, cache, phrase: str, within: set[int] | None, texts) -> set[int]:
    """phrase_docs, answered from the generation's cache when the phrase was matched unrestricted before."""
    cached = cache.get(phrase)
    if cached is not None:
        return set(cached) if within is None else cached & within
    found = phrase_docs(reader, phrase, within, texts)
    if within is None:
        cache.put(phrase, frozenset(found))
    return found


def _estimate(reader, phrase: str) -> int:
    """An upper bound of a phrase's documents: its rarest bigram's document frequency."""
    if len(phrase) == 1:
        return reader.doc_count_all()
    return min(reader.doc_frequency("grams", gram) for _, gram in covering_grams(phrase))


def allowed_docs(table: DocTable, filters: Filters) -> set[int] | None:
    """Given filters, return the section documents they allow, or None when they allow all."""
    reader = table.reader
    docs: set[int] | None = None
    if filters.sections:
        docs = set()
        for name in filters.sections:
            docs.update(read_postings(reader, "section", name).ids)
    if filters.template:
        found = read_postings(reader, "template", filters.template).ids
        docs = set(found) if docs is None else docs.intersection(found)
    checks: list = []
    if filters.year_from is not None or filters.year_to is not None:
        lo = filters.year_from if filters.year_from is not None else 1
        hi = filters.year_to if filters.year_to is not None else 9999
        year = table.year
        checks.append(lambda d: lo <= (year[d] or 0) <= hi)
    if filters.agency:
        needle = normalize(filters.agency)
        agencies = {a for a in set(table.agency) if a and needle in normalize(a)}
        agency = table.agency
        checks.append(lambda d: agency[d] in agencies)
    if filters.where:
        reports, report_of = figure_reports(table, filters), table.report_of
        checks.append(lambda d: report_of[d] in reports)
    if filters.region or filters.level or filters.kind:
        wanted = {a for a in set(table.agency) if a and _place_matches(place_of(a), filters)}
        agency_of = table.agency
        checks.append(lambda d: agency_of[d] in wanted)
    if checks and docs is None:
        docs = set(read_postings(reader, "kind", "section").ids)
    for test in checks:
        check()
        docs = {d for d in docs if test(d)}
    return docs


def _place_matches(place, filters: Filters) -> bool:
    if filters.region and not (place.region and normalize(filters.region) in normalize(place.region)):
        return False
    if filters.level and place.level != filters.level:
        return False
    return not (filters.kind and place.kind != filters.kind)


def figure_reports(table: DocTable, filters: Filters) -> set[int]:
    """The live report documents whose figures satisfy every condition (a missing figure satisfies none)."""
    reports = set(table.report_docs.values())
    for cond in filters.where:
        values, test, bound = table.figure(figure_field(cond.key)), COMPARE[cond.op], cond.value
        reports = {d for d in reports if values[d] is not None and test(values[d], bound)}
    return reports
