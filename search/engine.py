"""Running a search: the parsed query and filters as Whoosh queries, exact counts, hits with snippets."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from whoosh import query as Q
from whoosh import sorting

from index.analysis import normalize, phrase_grams, segment
from index.store import figure_field, open_index

from .errors import QueryError
from .filters import Filters
from .phrase import ExactPhrase
from .query import Query, parse_query
from .snippets import make_snippet

MAX_LIMIT = 100


class SearchIndex:
    """An open index with one long-lived searcher per thread, refreshed when a build commits.

    Opening a Whoosh searcher opens every segment file (milliseconds); keeping it
    makes a query's cost its own. Column readers are kept beside it.
    """

    def __init__(self, ix):
        self.ix = ix
        self._local = threading.local()

    @classmethod
    def open(cls, path) -> SearchIndex:
        return cls(open_index(path))

    def searcher(self):
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self.ix.searcher()
        elif not searcher.up_to_date():
            searcher = searcher.refresh()
        if searcher is not getattr(self._local, "searcher", None):
            self._local.searcher, self._local.columns = searcher, {}
        return searcher

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


@dataclass(frozen=True)
class Page:
    limit: int = 10
    page: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
        if not 1 <= self.page <= MAX_PAGE:
            raise QueryError(f"page must be between 1 and {MAX_PAGE}")


def phrase_query(phrase: str) -> Q.Query:
    """Given a normalised phrase, return the grams query matching exactly the texts that contain it."""
    if len(phrase) == 1:
        return Q.Prefix("grams", phrase)  # every character starts one gram
    grams = phrase_grams(phrase)
    return Q.Term("grams", grams[0]) if len(grams) == 1 else ExactPhrase("grams", grams)


def match_query(query: Query) -> Q.Query:
    """Given a parsed query, return the Whoosh query: exact matching on grams, BM25F words for ranking."""
    clauses = [Q.Or([phrase_query(p) for p in clause]) for clause in query.clauses]
    matched: Q.Query = Q.And(clauses) if len(clauses) > 1 else clauses[0]
    if query.excluded:
        matched = Q.AndNot(matched, Q.Or([phrase_query(p) for p in query.excluded]))
    words = list(dict.fromkeys(w for p in query.phrases for w in segment(p)))
    if words:
        # AndMaybe: the words only add to the score, never change what matches
        matched = Q.AndMaybe(matched, Q.Or([Q.Term("text", w) for w in words]))
    return matched


def filter_query(searcher, filters: Filters) -> Q.Query | None:
    """Given filters, return the query selecting the section documents they allow (None: all)."""
    parts: list[Q.Query] = []
    if filters.sections:
        parts.append(Q.Or([Q.Term("section", s) for s in filters.sections]))
    if filters.year_from is not None or filters.year_to is not None:
        parts.append(Q.NumericRange("year", filters.year_from, filters.year_to))
    if filters.agency:
        needle = normalize(filters.agency)
        agencies = [a for a in agencies_in(searcher) if needle in normalize(a)]
        parts.append(Q.Or([Q.Term("agency", a) for a in agencies]) if agencies else Q.NullQuery)
    if filters.template:
        parts.append(Q.Term("template", filters.template))
    for cond in filters.where:
        name = figure_field(cond.key)
        if cond.op == "!=":  # the report has the figure, and it is not this value
            parts.append(Q.NumericRange(name, None, None))
            parts.append(Q.Not(Q.NumericRange(name, cond.value, cond.value)))
        else:
            lo = cond.value if cond.op in (">", ">=", "=") else None
            hi = cond.value if cond.op in ("<", "<=", "=") else None
            parts.append(Q.NumericRange(name, lo, hi, startexcl=cond.op == ">", endexcl=cond.op == "<"))
    if not parts:
        return None
    return Q.And(parts) if len(parts) > 1 else parts[0]


def agencies_in(searcher) -> list[str]:
    """Given a searcher, return every agency name in the index."""
    return [a.decode("utf-8") for a in searcher.lexicon("agency") if a]


def full_query(searcher, query: Query, filters: Filters) -> Q.Query:
    """The query a search runs: matching and ranking by the text, limited by the filters (unscored)."""
    matched = match_query(query)
    limit = filter_query(searcher, filters)
    # Require: both must match, only the first scores; section documents are the only
    # ones with text, so report documents never match
    return matched if limit is None else Q.Require(matched, limit)


def search(
    index,
    text: str,
    filters: Filters | None = None,
    page: Page | None = None,
    by_report: bool = False,
    sort: str = "relevance",
) -> dict:
    """Given an open index and what the user typed, return the result as a plain dict.

    `total` is the exact number of matching sections and `reports` the number of
    distinct reports they belong to; `hits` is one page, each with a snippet and
    the [start, end) spans of the matches in it. Relevance is BM25F with ties
    broken by year, newest first. With `by_report`, hits are one per report (its
    best section) and list every section of it that matched.
    """
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; choose from {', '.join(SORTS)}")
    query = parse_query(text)
    filters = filters or Filters()
    page = page or Page()
    first = (page.page - 1) * page.limit
    index = as_search_index(index)
    searcher = index.searcher()
    q = full_query(searcher, query, filters)
    ranked, results = _ranked(index, q, first + page.limit, by_report, sort)
    groups = results.groups("report_id")
    sections = index.column("section")
    hits = []
    for docnum, score in ranked[first : first + page.limit]:
        stored = searcher.stored_fields(docnum)
        snippet = make_snippet(stored["text"], query.phrases)
        item = {
            "report_id": stored["report_id"],
            "agency": stored.get("agency") or None,
            "year": stored.get("year"),
            "section": stored["section"],
            "score": round(score, 4),
            "snippet": snippet.text,
            "spans": snippet.spans,
        }
        if by_report:
            item["sections"] = sorted({sections[d] for d in groups.get(stored["report_id"], [])})
        hits.append(item)
    return {
        "query": text,
        "total": len(results),
        "reports": len(groups),
        "page": page.page,
        "limit": page.limit,
        "hits": hits,
    }


def _ranked(index: SearchIndex, q: Q.Query, needed: int, by_report: bool, sort: str):
    """Return ([(docnum, score)] in result order, at least `needed` of them (or all), and the Results.

    Whoosh's top-k collector orders equal scores by document number, so the
    window is widened until the score at its edge differs from the next one,
    then re-sorted with the year as tie-breaker; by report, it is widened until
    it holds `needed` reports.
    """
    searcher = index.searcher()
    years, report_ids = index.column("year"), index.column("report_id")
    limit = needed + 1
    while True:
        if sort == "year":
            facet = sorting.MultiFacet([sorting.FieldFacet("year", reverse=True), sorting.ScoreFacet()])
            results = searcher.search(q, limit=limit, sortedby=facet, groupedby="report_id", optimize=False)
            items = [(hit.docnum, -hit.score[1]) for hit in results]
        else:
            results = searcher.search(q, limit=limit, groupedby="report_id", optimize=False)
            items = [(hit.docnum, hit.score) for hit in results]
            items.sort(key=lambda it: (-it[1], -(years[it[0]] or 0)))
        complete = len(items) >= len(results)
        if by_report:
            best: dict[str, tuple[int, float]] = {}
            for item in items:
                best.setdefault(report_ids[item[0]], item)
            items = list(best.values())
        edge_tied = sort != "year" and len(items) > needed and _tie_at_edge(results)
        if complete or (len(items) >= needed and not edge_tied):
            return items, results
        limit *= 4


def _tie_at_edge(results) -> bool:
    """Whether the last fetched scores tie, so a wider window could reorder the page's edge."""
    scores = [hit.score for hit in results]
    return len(scores) >= 2 and scores[-1] == scores[-2]


def match_keys(index, text: str, filters: Filters | None = None) -> set[tuple[str, str]]:
    """Given an index and a query, return every matching (report id, section), unranked."""
    index = as_search_index(index)
    searcher = index.searcher()
    results = searcher.search(full_query(searcher, parse_query(text), filters or Filters()), limit=None, scored=False)
    ids, sections = index.column("report_id"), index.column("section")
    return {(ids[d], sections[d]) for d in results.docs()}


FACETS = ("year", "agency", "template", "section")


def facet_counts(index, text: str, filters: Filters | None = None) -> dict[str, dict]:
    """Given a query and filters, return for each facet the number of matching sections per value."""
    index = as_search_index(index)
    searcher = index.searcher()
    q = full_query(searcher, parse_query(text), filters or Filters())
    groupedby = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACETS}
    results = searcher.search(q, limit=None, scored=False, groupedby=groupedby)
    out = {}
    for name in FACETS:
        counts = {k: v for k, v in results.groups(name).items() if k not in (None, "", 0)}
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))))
    return out
