"""Hostile requests and files against a real `xxgk serve` (two worker processes sharing the port)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from index.build import build_index
from web import create_app

from .conftest import CORPUS_FILES, ROOT, child_pids, served

HOSTILE = (
    "@某局2021年政府信息公开工作年度报告\n一、总体情况\n本局依法公开政府信息。\n"
    "五、存在的主要问题及改进情况\n"
    '=HYPERLINK("http://evil.example/","点击")人员不足，更新不及时。\n下一步，加强培训。\n'
)


def _get(url: str, headers: dict | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8")


def _q(path: str, **params) -> str:
    return path + "?" + urllib.parse.urlencode(params)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("hardening")
    corpus = root / "reports"
    (corpus / "2021").mkdir(parents=True)
    for path in CORPUS_FILES:
        (corpus / "2021" / path.name).write_bytes(path.read_bytes())
    (corpus / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    assert not build_index([corpus], root / "ix").failed
    return root / "ix"


@pytest.fixture(scope="module")
def server(index_dir):
    with served(index_dir, "--processes", "2", stderr=subprocess.PIPE) as (base, proc):
        yield base, proc
    with proc.stderr:
        assert "Traceback" not in proc.stderr.read().decode("utf-8", "replace")


# 5. link builders and digits


@pytest.mark.parametrize("name", ["endpoint", "_scheme", "_anchor", "_method", "_external", "values"])
def test_url_for_keywords_in_the_query_are_ignored(server, name):
    base, _ = server
    status, _, page = _get(base + _q("/", q="公开", **{name: "1"}))
    assert status == 200 and "份报告命中" in page


def test_forged_host_and_external_never_point_links_elsewhere(server):
    base, _ = server
    status, _, page = _get(base + _q("/", q="公开", _external="1"), headers={"Host": "evil.example"})
    assert status == 200 and "evil.example" not in page


@pytest.mark.parametrize("selector", ["郑州@²", "郑州@①", "@①", "郑州@٢٠٢١"])
def test_years_in_other_digits_are_refused_clearly(server, selector):
    base, _ = server
    status, _, body = _get(base + _q("/api/compare", a=selector, b="郑东@2022"))
    assert status in (400, 404) and "error" in json.loads(body)
    cli = subprocess.run(
        [sys.executable, "-m", "xxgk", "compare", selector, "郑东@2022", "--index", str(server_index(server))],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert cli.returncode == 2 and "Traceback" not in cli.stderr


def server_index(server) -> Path:
    _, proc = server
    return Path(proc.args[proc.args.index("--index") + 1])


@pytest.mark.parametrize(
    "params", [{"q": "公开", "page": "²"}, {"q": "公开", "limit": "١٠"}, {"q": "公开", "year": "２０２１"}]
)
def test_numbers_in_other_digits_are_a_400(server, params):
    base, _ = server
    status, _, _ = _get(base + _q("/api/search", **params))
    assert status == 400


# 6. CSV


def test_csv_cells_never_start_a_formula(server):
    base, _ = server
    status, _, body = _get(base + _q("/search.csv", q="人员不足", section="all"))
    assert status == 200
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:4] == ["机关", "年度", "章节", "片段"]
    hostile = [r for r in rows[1:] if "HYPERLINK" in r[3]]
    assert hostile, rows
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert hostile[0][0] == "'@某局"  # the agency, shown as text


# 7. bounded work


def test_a_long_repetitive_query_costs_what_its_distinct_terms_cost(server):
    base, _ = server
    status, _, body = _get(base + _q("/api/search", q=" ".join(["信息公开"] * 40), section="all"))
    once = json.loads(_get(base + _q("/api/search", q="信息公开", section="all"))[2])
    assert status == 200 and json.loads(body)["total"] == once["total"]


def test_too_many_conditions_are_refused(server):
    base, _ = server
    where = [f"applications.new.total>={i}" for i in range(30)]
    status, _, body = _get(base + "/api/search?" + urllib.parse.urlencode({"q": "公开", "where": where}, doseq=True))
    assert status == 400 and "上限" in json.loads(body)["error"]


def test_a_request_over_its_time_budget_stops_with_a_message(index_dir):
    client = create_app({"INDEX_DIR": str(index_dir), "QUERY_BUDGET": 0.0}).test_client()
    page = client.get("/", query_string={"q": "信息公开", "section": "all"})
    assert page.status_code == 400 and "计算时间上限" in page.text
    assert "计算时间上限" in client.get("/api/search", query_string={"q": "信息公开"}).get_json()["error"]


def test_a_file_far_larger_than_a_report_is_refused_at_build(tmp_path):
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "huge.txt").write_text(CORPUS_FILES[0].read_text(encoding="utf-8") * 400, encoding="utf-8")
    summary = build_index([folder], tmp_path / "ix")
    (reason,) = [r for _, r in summary.failed]
    assert "over the" in reason and "report" in reason


# 8. no server paths; waitress's own errors


def test_answers_name_the_file_relative_to_the_corpus(server):
    base, _ = server
    hits = json.loads(_get(base + _q("/api/search", q="信息公开", section="all"))[2])["hits"]
    ids = {h["report_id"] for h in hits}
    sources = {json.loads(_get(f"{base}/api/reports/{rid}")[2])["source"] for rid in ids}
    assert "hostile.txt" in sources and any(s.startswith("2021/") for s in sources)
    assert not any(s.startswith("/") or str(ROOT) in s for s in sources)
    a, b = sorted(ids)[:2]
    compared = json.loads(_get(base + _q("/api/compare", a=a, b=b))[2])
    assert not compared["a"]["source"].startswith("/") and not compared["b"]["source"].startswith("/")


@pytest.mark.parametrize(
    ("raw", "status", "said"),
    [
        (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400, "请求有误"),
        (b"GET / HTTP/1.1\r\nX: " + b"a" * 300_000 + b"\r\n\r\n", 431, "请求头过大"),
        # a 200 MB upload announced: refused before a byte of it is read, the server keeps answering
        (b"POST /review/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 209715200\r\n\r\n%PDF", 413, "文件过大"),
    ],
)
def test_waitress_errors_carry_the_security_headers(server, raw, status, said):
    base, _ = server
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall(raw)
        answer = b""
        try:
            while chunk := s.recv(65536):
                answer += chunk
        except ConnectionResetError:  # closed with what we sent unread (a 300 KB header): its answer came first
            pass
    head, _, body = answer.partition(b"\r\n\r\n")
    head = head.decode("latin-1")
    assert head.startswith(f"HTTP/1.0 {status}") or head.startswith(f"HTTP/1.1 {status}")
    assert "Content-Security-Policy:" in head and "X-Content-Type-Options: nosniff" in head
    assert said in body.decode("utf-8") and b"waitress" not in body
    assert _get(base + "/")[0] == 200


# Load: worker processes


def test_the_server_runs_worker_processes_and_replaces_a_dead_one(server):
    base, proc = server
    children = child_pids(proc.pid)
    assert len(children) == 2
    os.kill(children[0], signal.SIGKILL)
    for _ in range(100):
        now = child_pids(proc.pid)
        if len(now) == 2 and children[0] not in now:
            break
        time.sleep(0.1)
    assert len(now) == 2 and children[0] not in now
    for _ in range(10):  # every request answered, whichever worker takes it
        assert _get(base + _q("/api/search", q="公开"))[0] == 200
