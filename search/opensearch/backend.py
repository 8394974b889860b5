"""The search on an OpenSearch cluster: the same matches, counts, ranking and facets as the embedded index.

Matching is exact (bigram phrase queries, documents.py) and is all in the query's
filter context; the score is the embedded index's (search/engine.py scores): BM25 of
the query's jieba words, and for a phrase none of whose words a matching section holds,
BM25 of its rarest covering bigram. Statistics are the whole collection's
(dfs_query_then_fetch), so shards do not change a score. Ties are broken as the
embedded index breaks them: year (newest first), report id, section in the format's order.
"""

from __future__ import annotations

import json
import threading

from index.analysis import normalize, query_words
from index.reader.report import SECTIONS, TEMPLATES
from index.reader.text.place import place_of

from ..engine import (
    FACETS,
    MAX_LIMIT,
    PLACE_FACETS,
    Page,
    check_sort,
    group_agencies,
    place_facets,
    searched_sections,
)
from ..filters import Filters
from ..identity import Identity, identity_in
from ..matching import agency_test, covering_grams, place_matches
from ..query import Query, parse_query
from ..snippets import make_snippet
from ..suggest import nearest
from .client import Client, ClusterError, _reason
from .documents import (
    figure_field,
    figure_name,
    gram_token,
    index_name,
    index_pattern,
    phrase_tokens,
    settings,
    token_gram,
    vocabulary_name,
    vocabulary_settings,
)

SCROLL_PAGE = 5000
# OpenSearch's BM25 keeps Lucene's older (k1 + 1) factor in every term's weight; the embedded index's
# scores are Lucene's current ones, smaller by that factor, and shown as such by both.
LEGACY_FACTOR = 2.2
REMOTE_SUGGEST_SECONDS = 1.0  # a few round trips: more than the embedded index's budget, still a courtesy
_OPS = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}


class OpenSearchBackend:
    """Reports indexed in, and searched on, an OpenSearch cluster (indexes `<prefix>-<year>`, alias `<prefix>`)."""

    remote = True  # search/engine.py hands its calls to this object

    def __init__(self, url: str, prefix: str = "xxgk", shards: int = 2, replicas: int = 1, **client) -> None:
        self.client = Client(url, **client)
        self.prefix, self.shards, self.replicas = prefix, shards, replicas
        self._created: set[str] = set()
        self._cache: dict = {}
        self._loading = False
        self._lock = threading.RLock()
        self._vocabulary_sent: set[str] = set()  # bigram tokens this process has sent to the vocabulary index
        self.folder: str | None = None  # the local folder holding the aliases file (search/identity.py)

    def identity(self) -> Identity:
        """Agency keys with the merges of the aliases file (search/identity.py)."""
        return identity_in(self.folder)

    # --- writing -------------------------------------------------------------------------------
    def ensure_index(self, year: int | None) -> str:
        """The index of a year's reports, created (with its mapping, in the alias) on first use."""
        name = index_name(self.prefix, year)
        if name not in self._created:
            body = settings(self.shards, self.replicas) | {"aliases": {self.prefix: {}}}
            if self._loading:
                body["settings"]["refresh_interval"] = "-1"
            self._create(name, body)
        return name

    def _create(self, name: str, body: dict) -> None:
        """Create an index unless it exists (another builder may have just made it)."""
        answer = self.client.request("PUT", f"/{name}", body, ok=(400,))
        if answer.get("status") == 400 and "already_exists" not in str(answer.get("error")):
            raise ClusterError(f"could not create {name}: {_reason(answer)}", 400, answer)
        self._created.add(name)

    def add(self, pairs: list[tuple[str, dict]]) -> list[dict]:
        """Index documents (documents.py pairs) of whole reports: sections first, then each report's own
        document, only for reports whose sections all went in (a report document says a report is held).
        Return the failures."""
        sections = [(i, d) for i, d in pairs if d["kind"] == "section"]
        reports = [(i, d) for i, d in pairs if d["kind"] == "report"]
        failed = self.client.bulk([self._action(i, d) for i, d in sections])
        failed += self._add_vocabulary(d["grams"] for _, d in sections)
        bad = {f["_id"].split("/")[0] for f in failed if f.get("_id")}
        failed += self.client.bulk([self._action(i, d) for i, d in reports if d["report_id"] not in bad])
        return failed

    def _add_vocabulary(self, texts) -> list[dict]:
        """Send the bigrams not sent before (a bigram's document is its token: sending it twice is harmless)."""
        new: set[str] = set()
        for tokens in texts:
            new.update(tokens.split())
        new -= self._vocabulary_sent
        if not new:
            return []
        name = vocabulary_name(self.prefix)
        if name not in self._created:
            self._create(name, vocabulary_settings(self.replicas))
        actions = []
        for token in sorted(new):
            gram = token_gram(token)
            actions.append(({"index": {"_index": name, "_id": token}}, {"first": gram[0], "second": gram[1:]}))
        failed = self.client.bulk(actions)
        self._vocabulary_sent |= new - {f["_id"] for f in failed}
        return [f | {"_id": ""} for f in failed]  # no report is at fault: reported, not held against one

    def _action(self, doc_id: str, doc: dict) -> tuple[dict, dict]:
        name = self.ensure_index(doc.get("year"))
        return {"index": {"_index": name, "_id": doc_id, "routing": doc["report_id"]}}, doc

    def remove(self, report_ids: list[str]) -> int:
        """Delete every document of the given reports; the number deleted."""
        deleted = 0
        for first in range(0, len(report_ids), 1000):
            body = {"query": {"terms": {"report_id": report_ids[first : first + 1000]}}}
            answer = self.client.request(
                "POST", f"/{self.prefix}/_delete_by_query", body, {"conflicts": "proceed", "refresh": "true"}, ok=(404,)
            )
            deleted += answer.get("deleted", 0)
        return deleted

    def loading(self, on: bool) -> None:
        """Bulk loading: no refresh until it ends (every refresh writes a segment), then the default again."""
        self._loading = on
        value = "-1" if on else None
        self.client.request(
            "PUT",
            f"/{index_pattern(self.prefix)}/_settings",
            {"index": {"refresh_interval": value}},
            {"ignore_unavailable": "true"},
            ok=(404,),
        )

    def commit(self, expunge: bool = False) -> None:
        """Make what was written searchable; with `expunge`, merge deleted documents away (BM25's
        statistics count them until then, the embedded index's never do)."""
        everything = {"ignore_unavailable": "true"}
        self.client.request("POST", f"/{index_pattern(self.prefix)}/_refresh", None, everything, ok=(404,))
        if expunge:
            self.client.request(
                "POST", f"/{self.prefix}/_forcemerge", None, {"only_expunge_deletes": "true"}, ok=(404,)
            )
            self.client.request("POST", f"/{index_pattern(self.prefix)}/_refresh", None, everything, ok=(404,))
        self._cache.clear()

    def drop(self) -> None:
        """Delete every index of this prefix (tests, and a rebuild from scratch)."""
        self.client.request("DELETE", f"/{index_pattern(self.prefix)}", None, {"ignore_unavailable": "true"}, ok=(404,))
        self._vocabulary_sent.clear()
        self._created.clear()
        self._cache.clear()

    def held(self) -> dict[str, tuple[str, str]]:
        """source → (hash, report id) of every report held, as index/build.py plans a build from."""
        out = {}
        for hit in self._scan({"term": {"kind": "report"}}, ["source", "hash", "report_id"]):
            s = hit["_source"]
            out[s["source"]] = (s["hash"], s["report_id"])
        return out

    # --- reading -------------------------------------------------------------------------------
    def generation(self) -> tuple:
        """What changes whenever documents are written or deleted (a cache key, like a Whoosh generation)."""
        stats = self.client.request("GET", f"/{self.prefix}/_stats/docs,indexing", ok=(404,))
        total = stats.get("_all", {}).get("primaries", {})
        return (
            total.get("docs", {}).get("count", 0),
            total.get("docs", {}).get("deleted", 0),
            total.get("indexing", {}).get("index_total", 0),
            total.get("indexing", {}).get("delete_total", 0),
        )

    def remember(self, name, compute):
        """A value computed once per generation of the indexes (others asking meanwhile wait for it)."""
        key = (name, self.generation())
        with self._lock:
            if key not in self._cache:
                if len(self._cache) > 256:
                    self._cache.clear()
                self._cache[key] = compute()
            return self._cache[key]

    def agencies(self) -> tuple[list[str], list[str], list]:
        """Every agency named by a held report, with its normalised name and its place (index/reader/text/
        place.py), computed once per generation: what the filters by name and by place test, as
        search/matching.py does for the embedded index."""

        def compute():
            names, after = [], None
            while True:
                comp = {"size": 10_000, "sources": [{"a": {"terms": {"field": "agency"}}}]}
                if after:
                    comp["after"] = after
                body = {"size": 0, "query": {"term": {"kind": "report"}}, "aggs": {"a": {"composite": comp}}}
                agg = self._search(body)["aggregations"]["a"]
                names += [b["key"]["a"] for b in agg["buckets"]]
                after = agg.get("after_key")
                if not agg["buckets"] or not after:
                    return names, [normalize(n) for n in names], [place_of(n) for n in names]

        return self.remember("agencies", compute)

    def _filter(self, query: Query, filters: Filters) -> dict | None:
        """The exact match of a query and filters as a filter-context bool query (None: nothing can match)."""
        must: list[dict] = [{"term": {"kind": "section"}}]
        for clause in query.clauses:
            shoulds = [_phrase(p) for p in clause]
            must.append(shoulds[0] if len(shoulds) == 1 else {"bool": {"should": shoulds, "minimum_should_match": 1}})
        must_not = [_phrase(p) for p in query.excluded]
        if filters.sections:
            must.append({"terms": {"section": list(filters.sections)}})
        if filters.template:
            must.append({"term": {"template": filters.template}})
        if filters.year_from is not None or filters.year_to is not None:
            must.append({"range": {"year": {"gte": filters.year_from or 1, "lte": filters.year_to or 9999}}})
        if filters.agency or filters.region or filters.level or filters.kind:
            allowed = self._allowed_agencies(filters)
            if not allowed:
                return None
            must.append({"terms": {"agency": allowed}})
        must += _conditions(filters)
        return {"bool": {"filter": must, "must_not": must_not}}

    def _allowed_agencies(self, filters: Filters) -> list[str]:
        """The agencies whose name contains the agency filter and whose place passes the place filters."""
        wanted = agency_test(filters.agency, self.identity()) if filters.agency else None
        by_place = filters.region or filters.level or filters.kind
        return [
            name
            for name, normalised, place in zip(*self.agencies(), strict=True)
            if name and (wanted is None or wanted(name, normalised)) and (not by_place or place_matches(place, filters))
        ]

    def _scoring(self, query: Query) -> list[dict]:
        """The should clauses that score a match as the embedded index does."""
        words = list(dict.fromkeys(w for p in query.phrases for w in query_words(p)))
        shoulds: list[dict] = [{"term": {"words": w}} for w in words]
        covers = {p: [g for _, g in covering_grams(p)] for p in query.phrases if len(p) >= 2}
        counts = self._gram_counts([g for grams in covers.values() for g in grams]) if covers else {}
        for phrase, grams in covers.items():
            df, _, gram = min((counts[g], i, g) for i, g in enumerate(grams))
            if not df:
                continue
            fallback: dict = {"bool": {"must": [{"term": {"grams": gram_token(gram)}}]}}
            own = query_words(phrase)
            if own:
                fallback["bool"]["must_not"] = [{"terms": {"words": own}}]
            shoulds.append(fallback)
        return shoulds

    def _gram_counts(self, grams: list[str]) -> dict[str, int]:
        """How many section documents hold each bigram (which of a phrase's bigrams is rarest)."""
        aggs = {"g": {"filters": {"filters": {g: {"term": {"grams": gram_token(g)}} for g in dict.fromkeys(grams)}}}}
        answer = self._search({"size": 0, "aggs": aggs})
        return {g: b["doc_count"] for g, b in answer["aggregations"]["g"]["buckets"].items()}

    def _search(self, body: dict, params: dict | None = None) -> dict:
        answer = self.client.request("POST", f"/{self.prefix}/_search", body, params, ok=(404,))
        if answer.get("status") == 404:  # nothing indexed yet
            return {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": _empty_aggs(body.get("aggs", {}))}
        return answer

    def _scan(self, query: dict, fields: list[str] | bool):
        """Every document a query matches, in pages: search_after over an order unique to each document
        (report id, then section; a report's own document first)."""
        after = None
        sort = [{"report_id": "asc"}, {"section_order": {"order": "asc", "missing": "_first"}}]
        while True:
            body = {"size": SCROLL_PAGE, "query": query, "_source": fields, "sort": sort}
            if after:
                body["search_after"] = after
            hits = self._search(body)["hits"]["hits"]
            yield from hits
            if len(hits) < SCROLL_PAGE:
                return
            after = hits[-1]["sort"]

    def match_keys(self, text: str, filters: Filters | None = None) -> set[tuple[str, str]]:
        """Every matching (report id, section), unranked."""
        match = self._filter(parse_query(text), filters or Filters())
        if match is None:
            return set()
        return {
            (h["_source"]["report_id"], h["_source"]["section"]) for h in self._scan(match, ["report_id", "section"])
        }

    def count(self, text: str, filters: Filters | None = None) -> tuple[int, int]:
        """The numbers of matching sections and of the reports they belong to (both exact)."""
        match = self._filter(parse_query(text), filters or Filters())
        return (0, 0) if match is None else self._counts(match)

    def _counts(self, match: dict) -> tuple[int, int]:
        sections, reports = self._msearch([({"size": 0, "track_total_hits": True, "query": match}, None),
                                           (_report_count_body(match), None)])  # fmt: skip
        return sections["hits"]["total"]["value"], reports["hits"]["total"]["value"]

    def search(
        self,
        text: str,
        filters: Filters | None = None,
        page: Page | None = None,
        by_report: bool = False,
        sort: str = "relevance",
        facets: bool = False,
    ) -> dict:
        """engine.search on the cluster: the same dict."""
        sort = check_sort(sort)
        page = page or Page()
        filters = filters or Filters()
        query = parse_query(text)
        match = self._filter(query, filters)
        result = {
            "query": text,
            "sections": searched_sections(filters),
            "total": 0,
            "reports": 0,
            "page": page.page,
            "limit": page.limit,
            "hits": [],
        }
        if facets:
            result["facets"] = {name: {} for name in (*FACETS, *PLACE_FACETS)}
        if match is None:
            return result
        # one round trip: the page (with the exact section count and the facets) and the report count
        body = self._hits_body(query, match, (page.page - 1) * page.limit, page.limit, by_report, sort)
        body["track_total_hits"] = True
        if facets:
            body["aggs"] = _facet_aggs()
        hits, reports = self._msearch([(body, "dfs_query_then_fetch"), (_report_count_body(match), None)])
        result["total"] = hits["hits"]["total"]["value"]
        result["reports"] = reports["hits"]["total"]["value"]
        result["hits"] = self._read_hits(hits, query, by_report)
        if facets:
            result["facets"] = _read_facets(hits["aggregations"], self.identity(), by_report)
        if not result["total"]:
            suggestion = nearest(query, text, Vocabulary(self), REMOTE_SUGGEST_SECONDS)
            if suggestion and self._finds(suggestion, filters):  # the whole corrected query finds something
                result["suggestion"] = suggestion
        return result

    def _finds(self, text: str, filters: Filters) -> bool:
        match = self._filter(parse_query(text), filters)
        return match is not None and self._search({"size": 0, "query": match})["hits"]["total"]["value"] > 0

    def _msearch(self, searches: list[tuple[dict, str | None]]) -> list[dict]:
        """Several searches in one request; each answer, or ClusterError for the first that failed."""
        lines = []
        for body, search_type in searches:
            header = {"index": self.prefix} | ({"search_type": search_type} if search_type else {})
            lines += [json.dumps(header), json.dumps(body, ensure_ascii=False)]
        answer = self.client.request("POST", "/_msearch", ("\n".join(lines) + "\n").encode())
        out = []
        for r in answer.get("responses", []):
            if "error" in r:
                if r.get("status") == 404:  # nothing indexed yet
                    out.append({"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}})
                    continue
                raise ClusterError(f"search failed: {_reason(r)}", r.get("status"), r)
            out.append(r)
        return out

    def export(
        self, text: str, filters: Filters | None = None, rows: int = 5000, sort: str = "relevance"
    ) -> list[dict]:
        sort = check_sort(sort)
        query = parse_query(text)
        match = self._filter(query, filters or Filters())
        return [] if match is None else self._hits(query, match, 0, rows, False, sort)

    def _hits(self, query: Query, match: dict, first: int, count: int, by_report: bool, sort: str) -> list[dict]:
        if count <= 0:
            return []
        body = self._hits_body(query, match, first, count, by_report, sort)
        return self._read_hits(self._search(body, {"search_type": "dfs_query_then_fetch"}), query, by_report)

    def _hits_body(self, query: Query, match: dict, first: int, count: int, by_report: bool, sort: str) -> dict:
        ties = [{"report_id": "asc"}, {"section_order": "asc"}]
        year = {"year": {"order": "desc", "missing": "_last"}}
        if sort == "relevance":
            order = [{"_score": "desc"}, year, *ties]
        elif sort == "year":
            order = [year, {"_score": "desc"}, *ties]
        else:  # a figure, largest first, sections of reports without it last
            figure = {figure_field(sort): {"order": "desc", "missing": "_last", "unmapped_type": "double"}}
            order = [figure, {"_score": "desc"}, year, *ties]
        body: dict = {
            "from": first,
            "size": min(count, MAX_LIMIT * 50),
            "query": {"bool": {"filter": [match], "should": self._scoring(query)}},
            "sort": order,
            "track_scores": True,
            "_source": ["report_id", "agency", "year", "section", "text"],
        }
        if by_report:
            body["collapse"] = {
                "field": "report_id",
                "inner_hits": {"name": "sections", "size": len(SECTIONS), "_source": ["section"]},
            }
        return body

    def _read_hits(self, answer: dict, query: Query, by_report: bool) -> list[dict]:
        hits = []
        for h in answer["hits"]["hits"]:
            s = h["_source"]
            snippet = make_snippet(s.get("text") or "", query.phrases)
            item = {
                "report_id": s["report_id"],
                "agency": s.get("agency") or None,
                "year": s.get("year"),
                "section": s["section"],
                "score": round(float(h["_score"] or 0.0) / LEGACY_FACTOR, 4),
                "snippet": snippet.text,
                "spans": snippet.spans,
            }
            if by_report:
                inner = h["inner_hits"]["sections"]["hits"]["hits"]
                item["sections"] = sorted(i["_source"]["section"] for i in inner)
            hits.append(item)
        return hits

    def facet_counts(self, text: str, filters: Filters | None = None, by_report: bool = False) -> dict[str, dict]:
        match = self._filter(parse_query(text), filters or Filters())
        if match is None:
            return {name: {} for name in (*FACETS, *PLACE_FACETS)}
        answer = self._search({"size": 0, "query": match, "aggs": _facet_aggs()})["aggregations"]
        return _read_facets(answer, self.identity(), by_report)

    def sections_of(self, query: Query, filters: Filters, fields: list[str]) -> list[dict]:
        """The chosen fields of every section a parsed query matches (unranked, in report id and section order)."""
        match = self._filter(query, filters)
        return [] if match is None else [h["_source"] for h in self._scan(match, fields)]

    def figure_rows(self, text: str, filters: Filters, keys: list[str]) -> list[dict]:
        """figures.py's rows: each report a query (or the filters alone) selects, with the chosen figures."""
        query = parse_query(text) if text.strip() else Query(())
        match = self._filter(query, filters)
        if match is None:
            return []
        fields = ["report_id", "agency", "year", *(figure_field(k) for k in keys)]
        rows, seen = [], set()
        for h in self._scan(match, fields):
            s = h["_source"]
            if s["report_id"] in seen:
                continue
            seen.add(s["report_id"])
            values = s.get("figures", {})
            rows.append({
                "report_id": s["report_id"],
                "agency": s.get("agency") or None,
                "year": s.get("year") or None,
                "values": [values.get(figure_name(k)) for k in keys],
            })  # fmt: skip
        return rows

    def marks(self, report_ids: list[str]) -> dict[str, tuple[set[str], set[str]]]:
        """The cells each of these reports printed blank, and those read by a fallback (figures.py says so)."""
        out: dict[str, tuple[set[str], set[str]]] = {}
        for first in range(0, len(report_ids), 1000):
            chunk = report_ids[first : first + 1000]
            match = {"bool": {"filter": [{"term": {"kind": "report"}}, {"terms": {"report_id": chunk}}]}}
            for h in self._scan(match, ["report_id", "record.blank", "record.inferred"]):
                s = h["_source"]
                record = s.get("record") or {}
                out[s["report_id"]] = (set(record.get("blank") or ()), set(record.get("inferred") or ()))
        return out

    # --- records ---------------------------------------------------------------------------------
    def metas(self) -> list[dict]:
        """report_metas: id, agency, year, title and source file of every report."""
        fields = ["report_id", "agency", "year", "title", "record.source"]
        return [
            {
                "id": s["report_id"],
                "agency": s.get("agency") or None,
                "year": s.get("year"),
                "title": s.get("title"),
                "source": s.get("record", {}).get("source"),
            }
            for s in (h["_source"] for h in self._scan({"term": {"kind": "report"}}, fields))
        ]

    def records(self) -> list[dict]:
        """The stored record of every held report (body included), in report id order."""
        return [_record(h["_source"]["record"]) for h in self._scan({"term": {"kind": "report"}}, ["record"])]

    def record(self, report_id: str) -> dict | None:
        body = {
            "size": 1,
            "query": {"bool": {"filter": [{"ids": {"values": [report_id]}}, {"term": {"kind": "report"}}]}},
        }
        hits = self._search(body)["hits"]["hits"]
        return _record(hits[0]["_source"]["record"]) if hits else None

    def source_of(self, report_id: str) -> tuple[str, str] | None:
        """The path of a report's file as the build read it, and the hash of its bytes."""
        body = {
            "size": 1,
            "_source": ["source", "hash"],
            "query": {"bool": {"filter": [{"ids": {"values": [report_id]}}, {"term": {"kind": "report"}}]}},
        }
        hits = self._search(body)["hits"]["hits"]
        return (hits[0]["_source"]["source"], hits[0]["_source"]["hash"]) if hits else None


class Vocabulary:
    """The cluster's bigram vocabulary and phrase counts, as search/suggest.py reads a vocabulary."""

    def __init__(self, backend: OpenSearchBackend) -> None:
        self.backend = backend
        self.known: set[str] = set()
        self.asked: set[str] = set()

    def count(self, phrase: str) -> int:
        return self.counts([phrase])[0]

    def counts(self, phrases: list[str]) -> list[int]:
        out = []
        for first in range(0, len(phrases), 100):
            searches = []
            for phrase in phrases[first : first + 100]:
                match = self.backend._filter(Query(((phrase,),)), Filters())
                searches.append(({"size": 0, "track_total_hits": True, "query": match}, None))
            out += [a["hits"]["total"]["value"] for a in self.backend._msearch(searches)] if searches else []
        return out

    def sections(self) -> int:
        """How many sections the index holds."""
        return self.counts_of({"term": {"kind": "section"}})

    def counts_of(self, query: dict) -> int:
        return self.backend._search({"size": 0, "track_total_hits": True, "query": query})["hits"]["total"]["value"]

    def after(self, ch: str) -> list[str]:
        body = {"size": 100_000, "query": {"term": {"first": ch}}, "_source": ["second"]}
        answer = self.backend.client.request(
            "POST", f"/{vocabulary_name(self.backend.prefix)}/_search", body, ok=(404,)
        )
        seconds = {h["_source"]["second"] for h in answer.get("hits", {}).get("hits", [])}
        return sorted(c for c in seconds if c)

    def prefetch(self, grams: set[str]) -> None:
        tokens = sorted({gram_token(g) for g in grams} - self.asked)
        self.asked.update(tokens)
        for first in range(0, len(tokens), 10_000):
            chunk = tokens[first : first + 10_000]
            body = {"size": len(chunk), "query": {"ids": {"values": chunk}}, "_source": False}
            answer = self.backend.client.request(
                "POST", f"/{vocabulary_name(self.backend.prefix)}/_search", body, ok=(404,)
            )
            self.known.update(h["_id"] for h in answer.get("hits", {}).get("hits", []))

    def indexed(self, gram: str) -> bool:
        if gram_token(gram) not in self.asked:
            self.prefetch({gram})
        return gram_token(gram) in self.known


def _facet_aggs() -> dict:
    # every value (a terms aggregation is exact when it returns them all), and its reports: a cardinality
    # counts exactly below its precision threshold (a set of hashes, not an estimate)
    reports = {"reports": {"cardinality": {"field": "report_id", "precision_threshold": 40_000}}}
    return {name: {"terms": {"field": name, "size": 65_536}, "aggs": reports} for name in FACETS}


def _read_facets(answer: dict, identity: Identity, by_report: bool = False) -> dict[str, dict]:
    """engine._facets from the facet aggregations (region, level and kind read from the agency's name)."""
    out = {}
    for name in FACETS:
        count = (lambda b: b["reports"]["value"]) if by_report and name != "section" else (lambda b: b["doc_count"])
        found = {b["key"]: count(b) for b in answer.get(name, {}).get("buckets", [])}
        if name == "year":
            found = {int(k): n for k, n in found.items() if int(k) > 0}
        if name == "template":
            found = {k: n for k, n in found.items() if k in TEMPLATES}
        out[name] = dict(sorted(found.items(), key=lambda kv: (-kv[1], str(kv[0]))))
    out["agency"] = group_agencies({a: n for a, n in out["agency"].items() if a}, identity)
    return out | place_facets(out["agency"])


def _record(record: dict) -> dict:
    """A record as the embedded index keeps it: JSON made its spans (sections', findings') lists; they are pairs."""
    record["spans"] = {name: [tuple(s) for s in spans] for name, spans in record.get("spans", {}).items()}
    for finding in record.get("findings", []):
        if finding.get("span") is not None:
            finding["span"] = tuple(finding["span"])
    return record


def _report_count_body(match: dict) -> dict:
    """The reports among the matching sections, counted exactly: a report's own document has a child that matches."""
    return {"size": 0, "track_total_hits": True, "query": {"has_child": {"type": "section", "query": match}}}


def _phrase(phrase: str) -> dict:
    """A normalised phrase as an exact query on the bigram tokens."""
    if len(phrase) == 1:
        return {"prefix": {"grams": gram_token(phrase)}}
    return {"match_phrase": {"grams": {"query": phrase_tokens(phrase), "analyzer": "whitespace"}}}


def _conditions(filters: Filters) -> list[dict]:
    out = []
    for c in filters.where:
        field = figure_field(c.key)
        if c.op == "=":
            out.append({"term": {field: c.value}})
        elif c.op == "!=":
            out.append({"bool": {"filter": [{"exists": {"field": field}}], "must_not": [{"term": {field: c.value}}]}})
        else:
            out.append({"range": {field: {_OPS[c.op]: c.value}}})
    return out


def _empty_aggs(aggs: dict) -> dict:
    return {name: {"buckets": {} if "filters" in spec else []} for name, spec in aggs.items()}
