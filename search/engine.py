"""Running a search: exact matching sets, BM25F ranking over the words, hits with snippets.

Matching is set algebra over whole posting lists (search/matching.py); ranking
scores only the matching sections, with BM25F over the words field (Whoosh's
formula and statistics), ties broken by year, newest first, then by document
order. Per-document facts come from the generation's DocTable.
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter
from dataclasses import dataclass

from index.analysis import segment
from index.reader.report import SECTIONS
from index.reader.text.place import place_of
from index.store import figure_field, open_index

from . import budget
from .doctable import DocTable, Generation, generation_key
from .errors import QueryError
from .filters import FIGURE_KEYS, Filters
from .matching import covering_grams, matching_docs
from .postings import read_postings
from .query import Query, parse_query
from .snippets import make_snippet
from .suggest import suggest

MAX_LIMIT = 100
B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults


class SearchIndex:
    """An open index with one long-lived searcher per thread, refreshed when a build commits.

    Opening a Whoosh searcher opens every segment file (milliseconds); keeping it,
    and a DocTable beside it, makes a query's cost its own. The tables of one
    generation share their lists across threads (search/doctable.py).
    """

    def __init__(self, ix):
        self.ix = ix
        self._local = threading.local()
        self._generations: dict[tuple, Generation] = {}
        self._generations_lock = threading.Lock()

    @classmethod
    def open(cls, path) -> SearchIndex:
        return cls(open_index(path))

    def searcher(self):
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self.ix.searcher()
        elif not searcher.up_to_date():
            # not searcher.refresh(): Whoosh's reader reuse adds the old reader's segments
            # to the new TOC's, so segments a commit merged away would still be searched
            searcher.close()
            searcher = self.ix.searcher()
        if searcher is not getattr(self._local, "searcher", None):
            self._local.searcher, self._local.columns = searcher, {}
            self._local.table = DocTable(searcher, self._generation(searcher.reader()))
        return searcher

    def _generation(self, reader) -> Generation:
        key = generation_key(reader)
        with self._generations_lock:
            if key not in self._generations:
                # a thread still on the previous generation refreshes at its next query:
                # keep that one and the new one, drop older ones (and their lists)
                for old in list(self._generations)[:-1]:
                    del self._generations[old]
                self._generations[key] = Generation(key)
            return self._generations[key]

    def table(self) -> DocTable:
        """The current generation's per-document facts."""
        self.searcher()
        return self._local.table

    def column(self, name: str):
        """The current searcher's column reader for a sortable field."""
        searcher = self.searcher()
        columns = self._local.columns
        if name not in columns:
            columns[name] = searcher.reader().column_reader(name)
        return columns[name]


def as_search_index(index) -> SearchIndex:
    return index if isinstance(index, SearchIndex) else SearchIndex(index)


MAX_PAGE = 1000
SORTS = ("relevance", "year")


def check_sort(sort: str) -> str:
    """Given a sort name (relevance, year, or a figure key such as applications.new.total), return it checked."""
    if sort in SORTS or sort in FIGURE_KEYS:
        return sort
    raise QueryError(f"未知的排序“{sort}”：可选 relevance（相关度）、year（年份）或数字字段，如 applications.new.total")


@dataclass(frozen=True)
class Page:
    limit: int = 10
    page: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise QueryError(f"每页条数应在 1 到 {MAX_LIMIT} 之间")
        if not 1 <= self.page <= MAX_PAGE:
            raise QueryError(f"页码应在 1 到 {MAX_PAGE} 之间")


def agencies_in(index) -> list[str]:
    """Given an index, return every agency name in it."""
    searcher = as_search_index(index).searcher()
    return [a.decode("utf-8") for a in searcher.lexicon("agency") if a]


def find(index: SearchIndex, text: str, filters: Filters | None = None) -> set[int]:
    """Given an index and what the user typed, return the exact set of matching section document numbers."""
    return _match(index, text, filters)[2]


def _match(index, text: str, filters: Filters | None) -> tuple[DocTable, Query, set[int]]:
    """The generation's table, the parsed query and its matching documents. The table is taken
    once: every later look-up of the query (stored fields, columns) reads that same generation,
    even when a build commits meanwhile."""
    query = parse_query(text)
    table = as_search_index(index).table()
    return table, query, matching_docs(table, query, filters or Filters())


def search(
    index,
    text: str,
    filters: Filters | None = None,
    page: Page | None = None,
    by_report: bool = False,
    sort: str = "relevance",
    facets: bool = False,
) -> dict:
    """Given an open index and what the user typed, return the result as a plain dict.

    `total` is the exact number of matching sections and `reports` the number of
    distinct reports they belong to; `hits` is one page, each with a snippet and
    the [start, end) spans of the matches in it. Relevance is BM25F with ties
    broken by year, newest first; `sort` may also be "year" or a figure key
    (largest first, reports without the figure last). With `by_report`, hits are
    one per report (its best section) and list every section of it that matched.
    With `facets`, the matching sections are also counted per year, agency,
    template and section (from the same match).
    """
    check_sort(sort)
    page = page or Page()
    table, query, matched = _match(index, text, filters)
    first = (page.page - 1) * page.limit
    searched = (filters or Filters()).sections
    result = {
        "query": text,
        # the sections searched, by name; ["all"] when every section was
        "sections": list(searched) if searched and set(searched) != set(SECTIONS) else ["all"],
        "total": len(matched),
        "reports": len(set(map(table.report_of.__getitem__, matched))),
        "page": page.page,
        "limit": page.limit,
        "hits": _hits(table, query, matched, first, page.limit, by_report, sort),
    }
    if facets:
        result["facets"] = _facets(table, matched)
    if not matched:
        suggestion = suggest(table, query, text)
        if suggestion:
            result["suggestion"] = suggestion
    return result


def export(index, text: str, filters: Filters | None = None, rows: int = 5000, sort: str = "relevance") -> list[dict]:
    """Given a query, return its first `rows` hits in order (one per section), ranked once."""
    check_sort(sort)
    table, query, matched = _match(index, text, filters)
    return _hits(table, query, matched, 0, rows, False, sort)


def _hits(
    table: DocTable, query: Query, matched: set[int], first: int, count: int, by_report: bool, sort: str
) -> list[dict]:
    """Hits first..first+count of the matching documents in the order asked for, with snippets."""
    searcher, report_of = table.searcher, table.report_of
    ranked, score = None, None
    if sort == "relevance" and not by_report:
        ranked, score = _top_by_score(table, query, matched, first + count)
    if ranked is None:
        keys, score = _sort_keys(table, query, matched, sort, score)
        if by_report:
            groups: dict[int, list[int]] = {}
            for d in matched:
                groups.setdefault(report_of[d], []).append(d)
            best = [max(docs, key=keys.__getitem__) for docs in groups.values()]
            ranked = heapq.nlargest(first + count, best, key=keys.__getitem__)
        else:
            ranked = heapq.nlargest(first + count, matched, key=keys.__getitem__)
    hits = []
    for docnum in ranked[first:]:
        stored = searcher.stored_fields(docnum)
        snippet = make_snippet(stored["text"], query.phrases)
        item = {
            "report_id": stored["report_id"],
            "agency": stored.get("agency") or None,
            "year": stored.get("year"),
            "section": stored["section"],
            "score": round(score.get(docnum, 0.0), 4),
            "snippet": snippet.text,
            "spans": snippet.spans,
        }
        if by_report:
            item["sections"] = sorted({table.section[d] for d in groups[report_of[docnum]]})
        hits.append(item)
    return hits


def scores(table: DocTable, query: Query, docs: set[int]) -> dict[int, float]:
    """BM25F of the query's words in the text of each given document.

    jieba may segment a phrase differently in the text than alone (培训 inside 业务培训 /
    培训力度), so a matching document can hold none of the phrase's words; there the
    phrase's own occurrences score it, counted from the bigram field (the fewest of its
    covering bigrams), so a section that matches never scores 0.
    """
    avg = table.average_text_length
    base, per_length = K1 * (1 - B), K1 * B / avg
    out: dict[int, float] = {}
    seen: dict[str, set[int]] = {}  # word → the given documents that hold it
    words = list(dict.fromkeys(w for p in query.phrases for w in segment(p)))
    for word in words:
        contributions = _word_scores(table, word, base, per_length)
        held = docs.intersection(contributions)
        seen[word] = held
        if len(words) == 1 and not out:
            out = {d: contributions[d] for d in held}
            continue
        for d in held:
            out[d] = out.get(d, 0.0) + contributions[d]
    for phrase in query.phrases:
        if len(phrase) < 2:
            continue
        rest = docs.difference(*(seen.get(w, ()) for w in segment(phrase)))
        if rest:
            _score_by_grams(table, phrase, rest, out, base, per_length)
    return out


def _word_scores(table: DocTable, word: str, base: float, per_length: float) -> dict[int, float]:
    """A word's BM25 term in every document that holds it: the same for every query of this index
    generation, so kept in the generation (a bounded LRU) and computed once."""

    def compute() -> dict[int, float]:
        if ("text", word) not in table.reader:
            return {}
        # Whoosh's bm25(idf, tf, length, avg, B, K1), its constants taken out of the loop
        idf, lengths = table.searcher.idf("text", word), table.text_length
        postings = read_postings(table.reader, "text", word, weights=True)
        return {
            d: idf * tf * (K1 + 1) / (tf + base + per_length * lengths[d])
            for d, tf in zip(postings.ids, postings.weights, strict=True)
        }

    return table.generation.words.get_or_compute(word, compute)


def _score_by_grams(table: DocTable, phrase: str, docs: set[int], out: dict, base: float, per_length: float) -> None:
    """Add BM25 of a phrase counted from its covering bigrams to documents none of its words scored."""
    reader, lengths = table.reader, table.text_length
    grams = [gram for _, gram in covering_grams(phrase)]
    if any(("grams", g) not in reader for g in grams):
        return
    rarest = min(grams, key=lambda g: reader.doc_frequency("grams", g))
    idf = table.searcher.idf("grams", rarest)
    tf: dict[int, float] | None = None
    for gram in dict.fromkeys(grams):
        budget.check()
        postings = read_postings(reader, "grams", gram, weights=True)
        counts = {d: w for d, w in zip(postings.ids, postings.weights, strict=True) if d in docs}
        tf = counts if tf is None else {d: min(tf[d], counts[d]) for d in tf.keys() & counts.keys()}
        if not tf:
            return
    for d, n in (tf or {}).items():
        out[d] = out.get(d, 0.0) + idf * n * (K1 + 1) / (n + base + per_length * lengths[d])


def _top_by_score(table: DocTable, query: Query, docs: set[int], n: int) -> tuple[list[int] | None, dict]:
    """The n best documents by relevance (score, then year, then document order), without building a sort
    key for every match: only documents scoring at least the n-th best score are ordered. None when some
    match has no score (then every match is keyed)."""
    score = scores(table, query, docs)
    if len(score) < len(docs) or not score or n <= 0:
        return None, score
    values = heapq.nlargest(n, score.values())
    floor = values[-1]
    year = table.year
    contenders = [d for d, s in score.items() if s >= floor]
    contenders.sort(key=lambda d: (score[d], year[d] or 0, -d), reverse=True)
    return contenders[:n], score


def _sort_keys(
    table: DocTable, query: Query, docs: set[int], sort: str, score: dict | None = None
) -> tuple[dict[int, tuple], dict]:
    """Each matching document's sort key (largest first: the order asked for, then score, year, document
    order) and its score (computed unless given)."""
    if score is None:
        score = scores(table, query, docs)
    year = table.year
    if sort == "relevance":
        return {d: (score.get(d, 0.0), year[d] or 0, -d) for d in docs}, score
    if sort == "year":
        return {d: (year[d] or 0, score.get(d, 0.0), -d) for d in docs}, score
    values, report_of = table.figure(figure_field(sort)), table.report_of
    keys = {}
    for d in docs:
        value = values[report_of[d]] if report_of[d] >= 0 else None
        keys[d] = (value is not None, value or 0.0, score.get(d, 0.0), year[d] or 0, -d)
    return keys, score


def match_keys(index, text: str, filters: Filters | None = None) -> set[tuple[str, str]]:
    """Given an index and a query, return every matching (report id, section), unranked."""
    table, _, docs = _match(index, text, filters)
    ids, sections = table.report_ids, table.section
    return {(ids[d], sections[d]) for d in docs}


FACETS = ("year", "agency", "template", "section")
PLACE_FACETS = ("region", "level", "kind")


def facet_counts(index, text: str, filters: Filters | None = None) -> dict[str, dict]:
    """Given a query and filters, return for each facet the number of matching sections per value."""
    table, _, docs = _match(index, text, filters)
    return _facets(table, docs)


def _facets(table: DocTable, docs: set[int]) -> dict[str, dict]:
    out = {}
    for name in FACETS:
        counts = Counter(map(getattr(table, name).__getitem__, docs))
        for unknown in (None, "", 0):  # no year, agency or template known
            counts.pop(unknown, None)
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))))
    # region, level and kind of body, read from the agency's name (once per distinct agency)
    places = {agency: place_of(agency) for agency in out["agency"]}
    for name in PLACE_FACETS:
        counts: Counter = Counter()
        for agency, n in out["agency"].items():
            value = getattr(places[agency], name)
            if value:
                counts[value] += n
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))))
    return out
