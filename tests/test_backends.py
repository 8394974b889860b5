"""The same search on both backends: the embedded index and a real two-node OpenSearch cluster.

Every test here runs one query on each and asks for the same answer: the matching
sections, their counts, the ranking with its scores, facets and snippets; and both
must find exactly what a substring scan of the reports' texts finds.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.analysis import normalize
from index.reader.report import SECTIONS
from search.engine import MAX_LIMIT, Page, facet_counts, match_keys, search
from search.filters import make_filters
from search.query import unsupported

from .test_search import SEEDED, scan

QUERIES = [
    ("公开", {}),
    ("更新不及时", {}),
    ("政务新媒体 更新", {}),
    ("人员 OR 编制", {"sections": ["all"]}),
    ("公开 -保密", {"sections": ["all"]}),
    ("的", {"sections": ["all"]}),  # one character
    ("培训", {"sections": ["narrative"], "year": "2019-2022"}),
    ("考核", {"agency": "郑州", "sections": ["all"]}),
    ("公开", {"where": ["review.total>=1"], "sections": ["all"]}),
    ("申请", {"where": ["applications.new.total>0", "review.total=0"], "sections": ["all"]}),
    ("公开", {"year": "2020-2022", "template": "2021", "sections": ["all"]}),
    ("信息", {"level": "县级", "sections": ["all"]}),
    ("政府信息公开", {"kind": "人民政府", "sections": ["all"]}),
    ("不存在的短语甲乙丙", {}),
]


def _same_hits(a: list[dict], b: list[dict]) -> None:
    assert [(h["report_id"], h["section"]) for h in a] == [(h["report_id"], h["section"]) for h in b]
    for x, y in zip(a, b, strict=True):
        assert x["score"] == pytest.approx(y["score"], abs=2e-4)
        assert (x["snippet"], x["spans"], x["agency"], x["year"]) == (y["snippet"], y["spans"], y["agency"], y["year"])
        assert x.get("sections") == y.get("sections")


@pytest.mark.parametrize(("text", "filters"), QUERIES, ids=[f"{q} {f}" for q, f in QUERIES])
def test_the_same_answer_on_both_backends(built_index, cluster_index, text, filters):
    f = make_filters(**filters)
    ours, theirs = match_keys(built_index, text, f), match_keys(cluster_index, text, f)
    assert ours == theirs
    for by_report in (False, True):
        a = search(built_index, text, f, Page(MAX_LIMIT), by_report=by_report)
        b = search(cluster_index, text, f, Page(MAX_LIMIT), by_report=by_report)
        assert (a["total"], a["reports"]) == (b["total"], b["reports"]) == (len(ours), len({r for r, _ in ours}))
        _same_hits(a["hits"], b["hits"])
    assert facet_counts(built_index, text, f) == facet_counts(cluster_index, text, f)


def test_pages_and_year_order_agree(built_index, cluster_index):
    f = make_filters(["all"])
    for page in (1, 2, 3):
        for sort in ("relevance", "year"):
            a = search(built_index, "公开", f, Page(20, page), sort=sort)
            b = search(cluster_index, "公开", f, Page(20, page), sort=sort)
            _same_hits(a["hits"], b["hits"])


@pytest.mark.parametrize("phrase", SEEDED[:30])
def test_both_match_what_a_substring_scan_finds(built_index, cluster_index, indexed_reports, phrase):
    truth = scan(indexed_reports, lambda text: phrase in text)
    everywhere = make_filters(["all"])
    assert match_keys(built_index, phrase, everywhere) == truth
    assert match_keys(cluster_index, phrase, everywhere) == truth


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(which=st.integers(0, 10**9), size=st.integers(1, 10), where=st.integers(0, 10**9))
def test_random_phrases_match_the_scan_on_both(built_index, cluster_index, indexed_reports, which, size, where):
    texts = sorted({normalize(r.section(s)) for r in indexed_reports.values() for s in SECTIONS if r.section(s)})
    text = texts[which % len(texts)]
    start = where % max(1, len(text) - size)
    phrase = text[start : start + size].strip()
    if not phrase or any(c in phrase for c in ' "“”') or phrase.startswith("-") or phrase.upper() in ("OR", "AND"):
        return  # the query syntax reads these as operators
    if unsupported(phrase):
        return
    truth = scan(indexed_reports, lambda t: phrase in t)
    everywhere = make_filters(["all"])
    assert match_keys(cluster_index, phrase, everywhere) == truth, phrase
    assert match_keys(built_index, phrase, everywhere) == truth, phrase


def test_the_cluster_holds_two_shards_and_a_replica_on_two_nodes(cluster_index):
    client = cluster_index.client
    health = client.request("GET", "/_cluster/health")
    assert health["number_of_nodes"] == 2 and health["status"] == "green"
    shards = client.request("GET", f"/_cat/shards/{cluster_index.prefix}-*", params={"format": "json"})
    by_index: dict[str, list] = {}
    for s in shards:
        by_index.setdefault(s["index"], []).append(s)
    assert by_index
    for copies in by_index.values():
        assert sorted(s["prirep"] for s in copies) == ["p", "p", "r", "r"]
        for shard in ("0", "1"):  # a primary and its replica never share a node
            assert len({s["node"] for s in copies if s["shard"] == shard}) == 2


def test_a_second_build_adds_nothing_and_counts_hold(cluster_index, indexed_reports):
    from search.opensearch.build import build_remote

    from .conftest import CORPUS

    again = build_remote([CORPUS], cluster_index)
    assert not again.added and not again.failed and len(again.unchanged) == len(indexed_reports)
    held = cluster_index.held()
    assert sorted(rid for _, rid in held.values()) == sorted(indexed_reports)
    sections = sum(1 for r in indexed_reports.values() for s in SECTIONS if r.section(s).strip())
    assert cluster_index.count("的 OR 公开 OR 0 OR 1", make_filters(["all"]))[0] <= sections
