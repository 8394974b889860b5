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


@pytest.fixture(autouse=True)
def patient_suggestions(monkeypatch):
    """Both backends look for a suggestion under a time budget; here the answers are compared, not the
    speed: a busy machine must not make one backend give up where the other did not."""
    from search import suggest
    from search.opensearch import backend

    monkeypatch.setattr(suggest, "MAX_SECONDS", 60.0)
    monkeypatch.setattr(backend, "REMOTE_SUGGEST_SECONDS", 60.0)


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


@pytest.mark.parametrize("typo", ["更新不急时", "政务心媒体", "不存在的短语甲乙丙", "人员不租 培训"])
def test_zero_hits_suggest_the_same_phrase(built_index, cluster_index, typo):
    f = make_filters(["all"])
    a, b = search(built_index, typo, f), search(cluster_index, typo, f)
    assert a["total"] == b["total"] == 0
    assert a.get("suggestion") == b.get("suggestion")


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
    vocabulary = by_index.pop(f"{cluster_index.prefix}-vocabulary")  # one shard: a small index of bigrams
    assert sorted(s["prirep"] for s in vocabulary) == ["p", "r"] and len({s["node"] for s in vocabulary}) == 2
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


def test_sorting_by_a_figure_agrees(built_index, cluster_index):
    f = make_filters(["all"])
    for key in ("applications.new.total", "review.total"):
        a = search(built_index, "公开", f, Page(MAX_LIMIT), sort=key)
        b = search(cluster_index, "公开", f, Page(MAX_LIMIT), sort=key)
        _same_hits(a["hits"], b["hits"])


def test_mentions_topics_figures_and_records_agree(built_index, cluster_index):
    from search.figures import figures_table
    from search.mentions import load_topics, mentions, topic_counts
    from search.reports import all_records, get_report, report_metas

    for q in ("更新不及时", "人员 OR 编制", "培训"):
        assert mentions(built_index, q) == mentions(cluster_index, q)
        assert mentions(built_index, q, ("problems",), limit=3) == mentions(cluster_index, q, ("problems",), limit=3)
    topics = load_topics()
    assert topic_counts(built_index, topics) == topic_counts(cluster_index, topics)
    for text, options in (("", {}), ("公开", {"year": "2021-"}), ("", {"where": ["review.total>0"]})):
        f = make_filters(**options)
        assert figures_table(built_index, text, f) == figures_table(cluster_index, text, f)
    assert report_metas(built_index) == report_metas(cluster_index)
    ours = sorted(all_records(built_index), key=lambda r: r["id"])
    assert ours == sorted(all_records(cluster_index), key=lambda r: r["id"])
    assert get_report(built_index, ours[0]["id"]) == get_report(cluster_index, ours[0]["id"])


@pytest.fixture(scope="module")
def apps(built_index, cluster_index):
    from web import create_app

    embedded = create_app({"INDEX_DIR": str(built_index.folder), "TESTING": True})
    remote = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(built_index.folder),  # the local folder of the aliases and the corpus list
            "BACKEND": "opensearch",
            "OPENSEARCH_URL": ",".join(cluster_index.client.urls),
            "PREFIX": cluster_index.prefix,
        }
    )
    return embedded.test_client(), remote.test_client()


def _pages(client) -> list[str]:
    metas = client.get("/api/browse").get_json()
    rows = metas["rows"]
    report = client.get("/api/search", query_string={"q": "公开", "section": "all"}).get_json()["hits"][0]["report_id"]
    key = next(iter(rows), {}).get("key", "")
    return [
        "/",
        "/?q=更新不及时",
        "/?q=公开&section=all&year=2019-2022",
        "/?q=政务新媒体&sort=year",
        "/?q=更新不急时&section=all",  # no match: the same suggestion
        "/browse",
        f"/agencies/{key}",
        f"/reports/{report}",
        f"/reports/{report}?q=公开",
        "/compare?a=平潭综合实验区@2020&b=平潭综合实验区@2021",
        "/topics",
        "/mentions?q=更新不及时",
        "/audit",
        "/search.csv?q=公开",
        "/figures.csv?q=公开",
        "/topics.csv",
        "/mentions.csv?q=培训",
        "/compare.csv?a=平潭综合实验区@2020&b=平潭综合实验区@2021",
    ]


def test_every_page_is_served_alike_from_the_cluster(apps):
    embedded, remote = apps
    for path in _pages(embedded):
        a, b = embedded.get(path), remote.get(path)
        assert a.status_code == b.status_code, path
        assert a.status_code in (200, 202), path
        if path.startswith("/audit"):
            continue  # copied-text detection runs in the background: both pages say so, or show it
        assert a.get_data(as_text=True) == b.get_data(as_text=True), path
    for path in ("/api/search?q=公开&section=all", "/api/topics", "/api/mentions?q=培训", "/api/browse"):
        assert embedded.get(path).get_json() == remote.get(path).get_json(), path


def test_a_cluster_that_does_not_answer_is_a_clear_503(cluster_index):
    from web import create_app

    app = create_app({"TESTING": True, "BACKEND": "opensearch", "OPENSEARCH_URL": "http://127.0.0.1:9", "PREFIX": "x"})
    app.extensions.setdefault("xxgk", {})
    client = app.test_client()
    from search.opensearch.backend import OpenSearchBackend

    with app.app_context():
        app.extensions["xxgk"]["index"] = OpenSearchBackend("http://127.0.0.1:9", "x", retry_for=0.5, timeout=1)
    response = client.get("/?q=公开")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "检索集群暂时无法访问" in page and "Traceback" not in page and "127.0.0.1:9" not in page


def test_the_command_line_indexes_and_searches_on_the_cluster(built_index, cluster_url, capsys, monkeypatch):
    import json

    from xxgk.cli import main

    from .conftest import CORPUS

    remote = ["--backend", "opensearch", "--url", cluster_url, "--prefix", "xxgk-cli-test"]
    try:
        assert main(["index", "--corpus", str(CORPUS), "--quiet", *remote]) == 0
        assert "0 failed" in capsys.readouterr().out
        args = ["search", "更新不及时", "--section", "all", "--json", "--limit", "5"]
        assert main([*args, *remote]) == 0
        theirs = json.loads(capsys.readouterr().out)
        assert main([*args, "--index", str(built_index.folder)]) == 0
        ours = json.loads(capsys.readouterr().out)
        assert theirs["total"] == ours["total"] > 0
        _same_hits(ours["hits"], theirs["hits"])
        assert main(["index", "--check", *remote]) == 2  # a cluster checks its own shards
        monkeypatch.delenv("XXGK_OPENSEARCH_URL", raising=False)
        assert main(["search", "公开", "--backend", "opensearch"]) == 2  # no URL: said, not a traceback
        assert "--url" in capsys.readouterr().err
    finally:
        from search.opensearch.backend import OpenSearchBackend

        OpenSearchBackend(cluster_url, "xxgk-cli-test").drop()
