"""Running a search: the parsed query and filters as Whoosh queries, exact counts, hits with snippets."""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as Q
from whoosh import sorting

from index.analysis import normalize, phrase_grams, segment
from index.store import figure_field

from .errors import QueryError
from .filters import Filters
from .query import Query, parse_query
from .snippets import make_snippet

MAX_LIMIT = 100
MAX_PAGE = 1000
SORTS = ("relevance", "year")  # the index of each is where ScoreFacet sits in its sort key


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
    return Q.Term("grams", grams[0]) if len(grams) == 1 else Q.Phrase("grams", grams)


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


def filter_query(searcher, filters: Filters) -> Q.Query:
    """Given filters, return the query that selects the section documents they allow."""
    parts: list[Q.Query] = [Q.Term("kind", "section")]
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
    return Q.And(parts)


def agencies_in(searcher) -> list[str]:
    """Given a searcher, return every agency name in the index."""
    return [a.decode("utf-8") for a in searcher.lexicon("agency") if a]


def _sort_facet(sort: str) -> sorting.FacetType:
    score_then_year = [sorting.ScoreFacet(), sorting.FieldFacet("year", reverse=True)]
    if sort == "relevance":
        return sorting.MultiFacet(score_then_year)
    if sort == "year":
        return sorting.MultiFacet([sorting.FieldFacet("year", reverse=True), sorting.ScoreFacet()])
    raise QueryError(f"unknown sort {sort!r}; choose from {', '.join(SORTS)}")


def search(
    ix,
    text: str,
    filters: Filters | None = None,
    page: Page | None = None,
    by_report: bool = False,
    sort: str = "relevance",
) -> dict:
    """Given an open index and what the user typed, return the result as a plain dict.

    `total` is the exact number of matching sections and `reports` the number of
    distinct reports they belong to; `hits` is one page, each with a snippet and
    the [start, end) spans of the matches in it. With `by_report`, hits are one per
    report (its best section first) and list every section of it that matched.
    """
    query = parse_query(text)
    filters = filters or Filters()
    page = page or Page()
    first = (page.page - 1) * page.limit
    with ix.searcher() as searcher:
        matched = match_query(query)
        kwargs = {
            "filter": filter_query(searcher, filters),
            "sortedby": _sort_facet(sort),
            "groupedby": {"report_id": sorting.FieldFacet("report_id")},
        }
        if by_report:
            results, ranked = _best_per_report(searcher, matched, kwargs, first + page.limit)
        else:
            results = searcher.search(matched, limit=first + page.limit, **kwargs)
            ranked = list(results)
        groups = results.groups("report_id")
        hits = []
        for hit in ranked[first : first + page.limit]:
            stored = hit.fields()
            snippet = make_snippet(stored["text"], query.phrases)
            item = {
                "report_id": stored["report_id"],
                "agency": stored.get("agency") or None,
                "year": stored.get("year"),
                "section": stored["section"],
                # with a sort facet, Whoosh's hit.score is the sort key; ScoreFacet sorts by -score
                "score": round(-hit.score[SORTS.index(sort)], 4),
                "snippet": snippet.text,
                "spans": snippet.spans,
            }
            if by_report:
                docnums = groups.get(stored["report_id"], [])
                item["sections"] = sorted({searcher.stored_fields(d)["section"] for d in docnums})
            hits.append(item)
        return {
            "query": text,
            "total": sum(len(v) for v in groups.values()),
            "reports": len(groups),
            "page": page.page,
            "limit": page.limit,
            "hits": hits,
        }


def _best_per_report(searcher, matched: Q.Query, kwargs: dict, needed: int):
    """Return (results, the best-ranked hit of each report in order), enough for `needed` reports.

    Whoosh's own collapsing fails on this version, so ranked sections are read in
    growing batches and the first of each report kept.
    """
    limit = max(needed * 4, 40)
    while True:
        results = searcher.search(matched, limit=limit, **kwargs)
        best: dict[str, object] = {}
        for hit in results:
            best.setdefault(hit["report_id"], hit)
        if len(best) >= needed or limit >= len(results):
            return results, list(best.values())
        limit *= 4
