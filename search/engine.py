"""Running a search: exact matching sets, BM25 ranking over the words, hits with snippets.

Matching is position algebra over whole arrays (search/matching.py); ranking
scores only the matching sections, with BM25 over the words field as Lucene
computes it (search/bm25.py), ties broken by year, newest first, then by report
id and section. Per-document facts come from the generation (search/doctable.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.analysis import query_words
from index.grams import gram_key
from index.reader.report import SECTIONS, TEMPLATES
from index.reader.text.place import place_of
from index.store import DAMAGE_ERRORS, IndexDamaged, open_index

from . import bm25, budget
from .doctable import DocTable, Generation, generation_key
from .errors import QueryError
from .filters import FIGURE_KEYS, Filters, figure_key
from .identity import Identity, identity_in
from .matching import covering_grams, matching_docs
from .query import Query, parse_query
from .snippets import make_snippet
from .suggest import suggest

MAX_LIMIT = 100


class SearchIndex:
    """An open index with one long-lived searcher per thread, refreshed when a build commits.

    Opening a Whoosh searcher opens every segment file (milliseconds); keeping it,
    and a DocTable beside it, makes a query's cost its own. The tables of one
    generation share their lists across threads (search/doctable.py).
    """

    def __init__(self, ix):
        self.ix = ix
        self.folder = Path(ix.storage.folder)
        self._local = threading.local()
        self._generations: dict[tuple, Generation] = {}
        self._generations_lock = threading.Lock()

    @classmethod
    def open(cls, path) -> SearchIndex:
        return cls(open_index(path))

    def searcher(self):
        """This thread's searcher of the index's current generation; IndexDamaged when a file of it is missing,
        unreadable or changed in place since it was opened (a truncated file read through its map would kill
        the process with a bus error: it is never read)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None and searcher.up_to_date():
            self._local.table.generation.verify()
            return searcher
        return self._open(searcher)

    def _open(self, searcher):
        try:
            fresh = self.ix.searcher()
        except (*DAMAGE_ERRORS, OSError, ValueError, KeyError) as exc:
            raise IndexDamaged(f"the index cannot be opened: {type(exc).__name__}: {exc}") from None
        try:
            table = DocTable(fresh, self._generation(fresh.reader()))
        except BaseException:
            fresh.close()
            raise
        if searcher is not None:
            # not searcher.refresh(): Whoosh's reader reuse adds the old reader's segments
            # to the new TOC's, so segments a commit merged away would still be searched
            searcher.close()
        table.generation.verify()  # a generation other threads opened may have been damaged since
        self._local.searcher, self._local.table = fresh, table  # together: never a searcher without its table
        return fresh

    def _generation(self, reader) -> Generation:
        key = generation_key(reader)
        with self._generations_lock:
            if key not in self._generations:
                try:
                    generation = Generation(key, reader, self.folder)
                except (*DAMAGE_ERRORS, OSError, ValueError) as exc:
                    raise IndexDamaged(f"a search part cannot be read: {type(exc).__name__}: {exc}") from None
                # a thread still on the previous generation refreshes at its next query:
                # keep that one and the new one, drop older ones (and their lists)
                for old in list(self._generations)[:-1]:
                    del self._generations[old]
                self._generations[key] = generation
            return self._generations[key]

    def table(self) -> DocTable:
        """The current generation's per-document facts."""
        self.searcher()
        return self._local.table

    def identity(self) -> Identity:
        """Agency keys with the merges of the index's aliases file (search/identity.py)."""
        return identity_in(self.folder)


def as_search_index(index) -> SearchIndex:
    return index if isinstance(index, SearchIndex) else SearchIndex(index)


MAX_PAGE = 1000
SORTS = ("relevance", "year")


def check_sort(sort: str) -> str:
    """Given a sort name (relevance, year, or a figure: its key such as applications.new.total, or its Chinese
    label), return it checked (a figure as its key)."""
    if sort in SORTS or sort in FIGURE_KEYS:
        return sort
    try:
        return figure_key(sort)
    except QueryError:
        raise QueryError(
            f"未知的排序“{sort}”：可选 相关度（relevance）、年份（year）或一个数字项目（如 本年新收·总计）"
        ) from None


@dataclass(frozen=True)
class Page:
    limit: int = 10
    page: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise QueryError(f"每页条数应在 1 到 {MAX_LIMIT} 之间")
        if not 1 <= self.page <= MAX_PAGE:
            raise QueryError(f"页码应在 1 到 {MAX_PAGE} 之间")


def find(index: SearchIndex, text: str, filters: Filters | None = None) -> np.ndarray:
    """Given an index and what the user typed, return the exact matching section document numbers, ascending."""
    return _match(index, text, filters)[2]


def _match(index, text: str, filters: Filters | None) -> tuple[DocTable, Query, np.ndarray]:
    """The generation's table, the parsed query and its matching documents. The table is taken
    once: every later look-up of the query (stored fields, facts) reads that same generation,
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
    the [start, end) spans of the matches in it. Relevance is BM25 with ties
    broken by year, newest first, then report id and section; `sort` may also be
    "year" or a figure key (largest first, reports without the figure last). With
    `by_report`, hits are one per report (its best section) and list every section
    of it that matched. With `facets`, the matching sections are also counted per
    year, agency, template and section (from the same match).
    """
    if getattr(index, "remote", False):  # a cluster (search/opensearch): the same answer, computed there
        return index.search(text, filters, page, by_report, sort, facets)
    index = as_search_index(index)
    sort = check_sort(sort)
    page = page or Page()
    table, query, matched = _match(index, text, filters)
    first = (page.page - 1) * page.limit
    result = {
        "query": text,
        "sections": searched_sections(filters),
        "total": len(matched),
        "reports": report_count(table, matched),
        "page": page.page,
        "limit": page.limit,
        "hits": _hits(table, query, matched, first, page.limit, by_report, sort),
    }
    if facets:
        result["facets"] = _facets(table, matched, index.identity(), by_report)
    if not len(matched):
        suggestion = suggest(table, query, text)
        # offered only when the whole corrected query finds something
        if suggestion and len(matching_docs(table, parse_query(suggestion), filters or Filters())):
            result["suggestion"] = suggestion
    return result


def searched_sections(filters: Filters | None) -> list[str]:
    """The sections a search looked in, by name, as its result says: ["all"] when every section was."""
    searched = (filters or Filters()).sections
    return list(searched) if searched and set(searched) != set(SECTIONS) else ["all"]


def report_count(table: DocTable, docs: np.ndarray) -> int:
    """The number of distinct reports the documents belong to."""
    ids, codes = table.generation.reports
    seen = np.zeros(len(ids), bool)
    seen[codes[docs]] = True
    return int(np.count_nonzero(seen))


def export(index, text: str, filters: Filters | None = None, rows: int = 5000, sort: str = "relevance") -> list[dict]:
    """Given a query, return its first `rows` hits in order (one per section), ranked once."""
    if getattr(index, "remote", False):
        return index.export(text, filters, rows, sort)
    sort = check_sort(sort)
    table, query, matched = _match(index, text, filters)
    return _hits(table, query, matched, 0, rows, False, sort)


def _hits(
    table: DocTable, query: Query, matched: np.ndarray, first: int, count: int, by_report: bool, sort: str
) -> list[dict]:
    """Hits first..first+count of the matching documents in the order asked for, with snippets."""
    score = scores(table, query, matched)
    if by_report:
        ranked, groups = _best_per_report(table, matched, score, sort, first + count)
    else:
        ranked, groups = _ranked(table, matched, score, sort, first + count), None
    hits = []
    for i in ranked[first:]:
        docnum = int(matched[i])
        stored = table.searcher.stored_fields(docnum)
        snippet = make_snippet(table.generation.text(docnum), query.phrases)
        item = {
            "report_id": stored["report_id"],
            "agency": stored.get("agency") or None,
            "year": stored.get("year"),
            "section": stored["section"],
            "score": round(float(score[i]), 4),
            "snippet": snippet.text,
            "spans": snippet.spans,
        }
        if groups is not None:
            item["sections"] = sorted(SECTIONS[s] for s in groups[int(table.generation.reports[1][docnum])])
        hits.append(item)
    return hits


def _sort_columns(table: DocTable, docs: np.ndarray, score: np.ndarray, sort: str) -> list[np.ndarray]:
    """The keys that order documents for a sort, most significant last (np.lexsort's order), all ascending."""
    g = table.generation
    year, tie = g.year[docs], g.order_key[docs]
    if sort == "relevance":
        return [tie, -year, -score]
    if sort == "year":
        return [tie, -score, -year]
    values = g.figure(sort)[g.report_of[docs]]  # report_of -1 reads the last document: never a report's value
    values = np.where(g.report_of[docs] >= 0, values, np.nan)
    missing = np.isnan(values)
    return [tie, -year, -score, -np.where(missing, 0.0, values), missing]


def _ranked(table: DocTable, docs: np.ndarray, score: np.ndarray, sort: str, n: int) -> np.ndarray:
    """Indexes into `docs` of its first n documents in the order asked for. For relevance only the
    documents scoring at least the n-th best score are ordered."""
    if n <= 0 or not len(docs):
        return np.zeros(0, np.int64)
    candidates = np.arange(len(docs))
    if sort == "relevance" and n < len(docs):
        floor = np.partition(score, len(docs) - n)[len(docs) - n]
        candidates = np.flatnonzero(score >= floor)
    keys = _sort_columns(table, docs[candidates], score[candidates], sort)
    return candidates[np.lexsort(keys)][:n]


def _best_per_report(
    table: DocTable, docs: np.ndarray, score: np.ndarray, sort: str, n: int
) -> tuple[np.ndarray, dict[int, list[int]]]:
    """Indexes into `docs` of the first n reports' best documents, and for those reports the sections
    that matched."""
    if not len(docs):
        return np.zeros(0, np.int64), {}
    order = np.lexsort(_sort_columns(table, docs, score, sort))
    reports = table.generation.reports[1][docs]
    _, first = np.unique(reports[order], return_index=True)
    best = order[np.sort(first)][:n]
    wanted = set(reports[best].tolist())
    groups: dict[int, list[int]] = {r: [] for r in wanted}
    sections = table.generation.section[docs]
    for r, s in zip(reports.tolist(), sections.tolist(), strict=True):
        if r in groups:
            groups[r].append(s)
    return best, groups


def scores(table: DocTable, query: Query, docs: np.ndarray) -> np.ndarray:
    """BM25 of the query's words in each given document (aligned with `docs`).

    jieba may segment a phrase differently in the text than alone (培训 inside 业务培训 /
    培训力度), so a matching document can hold none of the phrase's words; there the
    phrase's rarest covering bigram scores it (BM25 over the bigrams), so a section that
    matches never scores 0.
    """
    g = table.generation
    total = np.zeros(len(docs), np.float64)
    if not len(docs):
        return total
    stats = _field_stats(g, "words")
    held: dict[str, np.ndarray] = {}  # word → which of `docs` hold it
    for word in dict.fromkeys(w for p in query.phrases for w in query_words(p)):
        budget.check()
        postings, tf = word_postings(g, word)
        at, found = _positions_in(docs, postings)
        held[word] = np.zeros(len(docs), bool)
        held[word][at] = True
        if len(at):
            weight = bm25.idf(stats.doc_count, len(postings))
            total[at] += bm25.term_scores(weight, tf[found], stats.norm_inverse[docs[at]])
    for phrase in query.phrases:
        if len(phrase) < 2:
            continue
        without = np.ones(len(docs), bool)
        for word in query_words(phrase):
            without &= ~held[word]
        if without.any():
            _score_by_gram(g, phrase, docs, without, total)
    return total


class _Stats:
    """A field's collection statistics over the live documents having it, as Lucene keeps them."""

    def __init__(self, lengths: np.ndarray, live: np.ndarray) -> None:
        having = live & (lengths > 0)
        self.doc_count = int(having.sum())
        avgdl = float(lengths[having].sum()) / self.doc_count if self.doc_count else 1.0
        # a document's norm inverse, by its length's one-byte code
        self.norm_inverse = bm25.norm_inverses(avgdl)[bm25.stored_lengths(lengths)]


def _field_stats(g: Generation, field: str) -> _Stats:
    lengths = g.word_len if field == "words" else g.char_len
    return g.get(("stats", field), lambda: _Stats(lengths, g.live))


def _positions_in(docs: np.ndarray, postings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted `docs` and sorted `postings`: the indexes into `docs` of the documents in both, and the
    matching indexes into `postings`."""
    if not len(postings):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    at = np.searchsorted(postings, docs)
    at[at == len(postings)] = 0
    hit = postings[at] == docs
    return np.flatnonzero(hit), at[hit]


def word_postings(g: Generation, word: str) -> tuple[np.ndarray, np.ndarray]:
    """A word's live documents (ascending) and its frequency in each, over the generation; the same for
    every query of the generation, so kept in it (a bounded LRU)."""

    def compute() -> tuple[np.ndarray, np.ndarray]:
        docs, tfs = [], []
        for s in g.segments:
            i = s.part.word(word)
            if i >= 0:
                local, tf = s.part.word_postings(i)
                docs.append(local.astype(np.int64) + s.base)
                tfs.append(tf)
        if not docs:
            return np.zeros(0, np.int64), np.zeros(0, np.uint32)
        docs, tf = np.concatenate(docs), np.concatenate(tfs)
        live = g.live[docs]
        return docs[live], tf[live]

    return g.words.get_or_compute(word, compute)


def _score_by_gram(g: Generation, phrase: str, docs: np.ndarray, which: np.ndarray, total: np.ndarray) -> None:
    """Add BM25 of the phrase's rarest covering bigram (over the bigrams of each text) to the chosen documents."""
    df, gram = min((gram_doc_count(g, gram), i, gram) for i, (_, gram) in enumerate(covering_grams(phrase)))[::2]
    if not df:
        return
    chosen = docs[which]
    tf = gram_counts(g, gram, chosen)
    held = np.flatnonzero(tf)
    if len(held):
        stats = _field_stats(g, "grams")
        weight = bm25.idf(stats.doc_count, df)
        scored = bm25.term_scores(weight, tf[held], stats.norm_inverse[chosen[held]])
        total[np.flatnonzero(which)[held]] += scored


def gram_doc_count(g: Generation, gram: str) -> int:
    """The number of live documents holding a bigram."""
    key, n = gram_key(gram), 0
    for s in g.segments:
        i = s.part.gram(key)
        if i >= 0:
            n += int(np.count_nonzero(g.live[s.base + s.part.gram_docs(i).astype(np.int64)]))
    return n


def gram_counts(g: Generation, gram: str, docs: np.ndarray) -> np.ndarray:
    """How often a bigram occurs in each of the given documents (ascending document numbers)."""
    key, out = gram_key(gram), np.zeros(len(docs), np.int64)
    for s in g.segments:
        lo, hi = np.searchsorted(docs, (s.base, s.base + s.count))
        i = s.part.gram(key)
        if lo == hi or i < 0:
            continue
        budget.check()
        local = docs[lo:hi] - s.base
        positions, starts = s.part.gram_positions(i), s.part.char_start
        out[lo:hi] = np.searchsorted(positions, starts[local + 1]) - np.searchsorted(positions, starts[local])
    return out


def match_keys(index, text: str, filters: Filters | None = None) -> set[tuple[str, str]]:
    """Given an index and a query, return every matching (report id, section), unranked."""
    if getattr(index, "remote", False):
        return index.match_keys(text, filters)
    table, _, docs = _match(index, text, filters)
    ids, codes = table.generation.reports
    return set(zip((ids[c] for c in codes[docs].tolist()), table.generation.section_names(docs), strict=True))


FACETS = ("year", "agency", "template", "section")
PLACE_FACETS = ("region", "level", "kind")


def facet_counts(index, text: str, filters: Filters | None = None, by_report: bool = False) -> dict[str, dict]:
    """Given a query and filters, return for each facet the number of matching sections per value (of
    matching reports, `by_report`)."""
    if getattr(index, "remote", False):
        return index.facet_counts(text, filters, by_report)
    index = as_search_index(index)
    table, _, docs = _match(index, text, filters)
    return _facets(table, docs, index.identity(), by_report)


def _counted(values: np.ndarray, names) -> dict:
    """{name: count} of non-negative codes, most frequent first (ties by name)."""
    counts = np.bincount(values[values >= 0]) if len(values) else np.zeros(0, np.int64)
    found = {names(int(v)): int(n) for v, n in enumerate(counts) if n}
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], str(kv[0]))))


def _facets(table: DocTable, docs: np.ndarray, identity: Identity, by_report: bool = False) -> dict[str, dict]:
    g = table.generation
    agency_names, agency_codes = g.agencies
    section = g.section[docs].astype(np.int64)  # a report has each section once: its count is reports too
    if by_report:  # year, agency and template are the report's: one document of each report counts it
        docs = docs[np.unique(g.reports[1][docs], return_index=True)[1]]
    year = g.year[docs].astype(np.int64)
    out = {
        "year": _counted(np.where(year > 0, year, -1), int),
        "agency": group_agencies(_counted(agency_codes[docs], agency_names.__getitem__), identity),
        "template": _counted(g.template[docs].astype(np.int64), TEMPLATES.__getitem__),
        "section": _counted(section, SECTIONS.__getitem__),
    }
    return out | place_facets(out["agency"])


def group_agencies(counts: dict[str, int], identity: Identity) -> dict[str, int]:
    """Given counts per printed agency name, return them per agency (search/identity.py), each under the
    name its agency is printed with most (the value a facet link filters by, which matches all its names)."""
    groups: dict[str, dict[str, int]] = {}
    for name, n in counts.items():
        groups.setdefault(identity.key(name) or name, {})[name] = n
    out = {max(names.items(), key=lambda kv: (kv[1], kv[0]))[0]: sum(names.values()) for names in groups.values()}
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], str(kv[0]))))


def place_facets(agency_counts: dict[str, int]) -> dict[str, dict]:
    """Region, level and kind of body, read from each agency's name (once per distinct agency), counted
    from the sections per agency."""
    places = {agency: place_of(agency) for agency in agency_counts}
    out = {}
    for name in PLACE_FACETS:
        counts: dict[str, int] = {}
        for agency, n in agency_counts.items():
            value = getattr(places[agency], name)
            if value:
                counts[value] = counts.get(value, 0) + n
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))))
    return out
