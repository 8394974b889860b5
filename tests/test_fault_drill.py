"""Fault drill on the real two-node cluster: a node stops during queries and during a bulk build.

Queries keep answering from the replicas, with the same answers; a build cut off by the
outage (or slowed by it) is finished by running it again, and no report is lost or
duplicated: the counts are checked against the corpus.
"""

from __future__ import annotations

import threading

from bench.synth import SyntheticCorpus
from index.analysis import normalize
from index.reader.parse import parse_file
from index.reader.report import SECTIONS
from search.engine import match_keys, search
from search.filters import make_filters
from search.opensearch.backend import OpenSearchBackend
from search.opensearch.build import build_remote
from search.opensearch.client import ClusterError
from tools import cluster

DRILL_QUERIES = ["公开", "更新不及时", "人员 OR 编制", "政务新媒体 -微博", "的"]


def _victim(backend: OpenSearchBackend) -> int:
    """The node that is not the elected cluster manager (two nodes have one vote between them)."""
    (manager,) = backend.client.request("GET", "/_cat/cluster_manager", params={"format": "json"})
    return 1 if manager["node"] == "node-0" else 0


def _restart(node: int) -> None:
    cluster.start_node(node, 2)
    cluster.wait_green(2)


def test_queries_keep_answering_from_the_replica(built_index, cluster_index):
    everywhere = make_filters(["all"])
    expected = {q: match_keys(built_index, q, everywhere) for q in DRILL_QUERIES}
    node = _victim(cluster_index)
    cluster.stop_node(node)
    try:
        for q in DRILL_QUERIES:
            assert match_keys(cluster_index, q, everywhere) == expected[q]
            assert search(cluster_index, q, everywhere)["total"] == len(expected[q])
    finally:
        _restart(node)
    assert match_keys(cluster_index, "公开", everywhere) == expected["公开"]


def test_a_build_cut_off_by_a_node_stopping_resumes_without_loss_or_duplicates(tmp_path, cluster_url):
    corpus = tmp_path / "corpus"
    written = SyntheticCorpus(5).write(300, corpus)
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    reports = [parse_file(p) for p in files]
    sections = sum(1 for r in reports for s in SECTIONS if r.section(s).strip())
    backend = OpenSearchBackend(cluster_url, prefix="xxgk-drill")
    backend.drop()
    node = _victim(backend)
    stopped = threading.Event()

    def progress(done: int, total: int, source: str) -> None:
        if done == total // 3 and not stopped.is_set():
            stopped.set()
            threading.Thread(target=cluster.stop_node, args=(node,)).start()

    first: dict = {}

    def run() -> None:
        try:
            first["summary"] = build_remote([corpus], backend, procs=1, progress=progress)
        except ClusterError as exc:  # the outage outlasted the retries: the next run finishes it
            first["error"] = exc

    builder = threading.Thread(target=run)
    builder.start()
    builder.join()
    assert stopped.is_set()
    _restart(node)
    again = build_remote([corpus], backend)
    assert not again.failed
    try:
        held = backend.held()
        assert len(held) == len(written) == len({rid for _, rid in held.values()})
        assert sorted(rid for _, rid in held.values()) == sorted(r.id for r in reports)
        client = backend.client
        count = lambda kind: client.request(  # noqa: E731
            "POST", "/xxgk-drill/_count", {"query": {"term": {"kind": kind}}}
        )["count"]
        assert count("report") == len(reports)
        assert count("section") == sections
        truth = [(r.id, s) for r in reports for s in SECTIONS if "信息公开" in normalize(r.section(s))]
        assert backend.count("信息公开", make_filters(["all"])) == (len(truth), len({rid for rid, _ in truth}))
    finally:
        backend.drop()
