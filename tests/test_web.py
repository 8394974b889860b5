"""The web app through Flask's test client: every page and API route, bad input, untrusted text."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import time

import pytest

from index.build import build_index
from index.reader.report import SECTION_NAMES
from search.copies import find_copies
from search.engine import SearchIndex
from web import create_app

from .conftest import CORPUS_FILES, ROOT, corpus_file

XSS = (
    "某局2021年政府信息公开工作年度报告\n一、总体情况\n<script>window.xssFired = 1</script>"
    '<img src=x onerror="window.xssFired = 1">{{ 7*7 }}{% raw %}x{% endraw %}\n'
    "五、存在的主要问题及改进情况\n<script>window.xssFired = 1</script>人员不足<b>加粗</b>。\n下一步，加强培训。\n"
)


def index_with_hostile_report(root):
    """Given a folder, index the bundled corpus plus the XSS report there and return the index folder."""
    corpus = root / "corpus"
    corpus.mkdir()
    for path in CORPUS_FILES:
        shutil.copy(path, corpus / path.name)
    (corpus / "xss.txt").write_text(XSS, encoding="utf-8")
    assert not build_index([corpus], root / "ix").failed
    return root / "ix"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    ix = index_with_hostile_report(tmp_path_factory.mktemp("web"))
    return create_app({"INDEX_DIR": str(ix), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def xss_id(client):
    rows = client.get("/api/search", query_string={"q": "人员不足", "section": "all"}).get_json()["hits"]
    return next(h["report_id"] for h in rows if h["agency"] == "某局")


def test_home_without_query(client):
    page = client.get("/")
    assert page.status_code == 200 and "输入词语即按原文精确匹配" in page.text
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_search_page_defaults_to_narrative_with_facets(client):
    page = client.get("/", query_string={"q": "培训"})
    assert page.status_code == 200
    assert "<mark>培训</mark>" in page.text
    assert "在全部章节中检索" in page.text and "年份" in page.text
    data = client.get("/api/search", query_string={"q": "培训"}).get_json()
    assert data["total"] >= 1 and {h["section"] for h in data["hits"]} <= {"problems", "improvements"}
    assert set(data["facets"]) == {"year", "agency", "template", "section", "region", "level", "kind"}
    everywhere = client.get("/api/search", query_string={"q": "培训", "section": "all"}).get_json()
    assert everywhere["total"] > data["total"]


def test_facet_links_filter(client):
    data = client.get("/api/search", query_string={"q": "公开", "section": "all", "year": "2021"}).get_json()
    assert data["hits"] and all(h["year"] == 2021 for h in data["hits"])
    assert list(data["facets"]["year"]) == ["2021"]  # JSON object keys are strings


def test_pagination_sort_and_group(client):
    a = client.get("/api/search", query_string={"q": "公开", "section": "all", "limit": 3, "page": 2}).get_json()
    assert a["page"] == 2 and len(a["hits"]) == 3
    grouped = client.get("/api/search", query_string={"q": "公开", "section": "all", "by_report": "1"}).get_json()
    ids = [h["report_id"] for h in grouped["hits"]]
    assert len(ids) == len(set(ids))
    by_year = client.get("/api/search", query_string={"q": "公开", "section": "all", "sort": "year"}).get_json()
    years = [h["year"] or 0 for h in by_year["hits"]]
    assert years == sorted(years, reverse=True)


def test_sort_by_a_figure_filtered_on(client):
    query = {"q": "公开", "section": "all", "where": "applications.new.total>=0", "sort": "applications.new.total"}
    page = client.get("/", query_string=query).get_data(as_text=True)
    # named in Chinese, no field key in the page's text
    assert "<strong>本年新收·总计</strong>（从大到小）" in page
    assert '数字条件：<span class="chip">本年新收·总计 ≥ 0 <a' in page  # each condition removable
    by_year = client.get("/", query_string={**query, "sort": "year"}).get_data(as_text=True)
    assert "sort=applications.new.total" in by_year  # offered as a link


def test_csv_export(client):
    resp = client.get("/search.csv", query_string={"q": "公开", "section": "all"})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    lines = resp.data.decode("utf-8-sig").strip().split("\n")
    total = client.get("/api/search", query_string={"q": "公开", "section": "all"}).get_json()["total"]
    assert lines[0].startswith("机关,年度,章节,片段,报告,文件,报告编号") and len(lines) == total + 1
    # in the order of the search it exports
    query = {"q": "公开", "section": "all", "sort": "year", "limit": 100}
    hits = client.get("/api/search", query_string=query).get_json()["hits"]
    rows = list(csv.reader(io.StringIO(client.get("/search.csv", query_string=query).data.decode("utf-8-sig"))))
    assert [(r[6], r[2]) for r in rows[1:101]] == [(h["report_id"], SECTION_NAMES[h["section"]]) for h in hits]


@pytest.mark.parametrize(
    "query",
    [{"q": '"人员'}, {"q": "人员", "year": "abc"}, {"q": "人员", "where": "bogus>1"}, {"q": "字" * 201},
     {"q": "人员", "limit": "1000"}, {"q": "人员", "page": "x"}, {"q": "人员", "section": "nowhere"},
     {"q": "人员", "sort": "nonsense"}],
)  # fmt: skip
def test_bad_parameters(client, query):
    api = client.get("/api/search", query_string=query)
    assert api.status_code == 400 and "error" in api.get_json()
    page = client.get("/", query_string=query)
    assert page.status_code == 400 and "检索条件有误" in page.text and "Traceback" not in page.text
    assert '<form class="search"' in page.text  # the search page again, ready to correct


def test_report_page_and_api(client):
    rid = client.get("/api/search", query_string={"q": "行政许可", "section": "all"}).get_json()["hits"][0]["report_id"]
    page = client.get(f"/reports/{rid}")
    assert page.status_code == 200 and "依申请公开" in page.text and "<table" in page.text
    data = client.get(f"/api/reports/{rid}").get_json()
    assert data["id"] == rid and set(data["sections"]) >= {"overview", "problems"}


@pytest.mark.parametrize(
    "path", ["/reports/0000000000000000", "/reports/../../etc/passwd", "/api/reports/nope", "/nowhere"]
)
def test_unknown_is_404(client, path):
    resp = client.get(path)
    assert resp.status_code == 404 and "Traceback" not in resp.text


def test_untrusted_text_is_inert_everywhere(client):
    rid = xss_id(client)
    pages = [
        client.get(f"/reports/{rid}"),
        client.get("/", query_string={"q": "人员不足"}),
        client.get("/mentions", query_string={"q": "人员不足"}),
        client.get("/compare", query_string={"a": rid, "b": rid}),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>window.xssFired" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text
    assert "{{ 7*7 }}{% raw %}" in pages[0].text  # template syntax in a report is text, never evaluated


def test_compare_page(client):
    data = client.get(
        "/api/compare", query_string={"a": "郑州经济技术开发区@2021", "b": "郑东新区科技人才局@2022"}
    ).get_json()
    assert data["a"]["agency"] == "郑州经济技术开发区管委会" and "figures" in data
    page = client.get("/compare", query_string={"a": "郑州经济技术开发区@2021", "b": "郑东新区科技人才局@2022"})
    assert page.status_code == 200 and "数字对照" in page.text and '<select name="a_agency"' in page.text
    bad = client.get("/api/compare", query_string={"a": "nobody@2000", "b": "x@2001"})
    assert bad.status_code == 400 and "没有找到“nobody@2000”" in bad.get_json()["error"]


def test_topics_and_mentions(client):
    page = client.get("/topics")
    assert page.status_code == 200 and "<svg" in page.text and "人员力量不足" in page.text
    data = client.get("/api/mentions", query_string={"topic": "人员力量不足"}).get_json()
    assert data["reports"] >= 1 and data["rows"][0]["mentions"] >= 1
    assert client.get("/api/mentions", query_string={"topic": "没有这个"}).status_code == 400


def test_audit_page(client):
    page = client.get("/audit")
    assert page.status_code == 200 and "内容雷同" in page.text
    data = client.get("/api/audit", query_string={"severity": "warning"}).get_json()
    assert all(f["severity"] == "warning" for r in data["reports"] for f in r["findings"])
    # copied text is computed by one job beside the index (never on a request's path): the page says so until
    # it is there, then shows it
    deadline = time.monotonic() + 180
    while data["copies_status"] == "computing" and time.monotonic() < deadline:
        time.sleep(0.2)
        data = client.get("/api/audit").get_json()
    assert data["copies_status"] == "ready" and data["copies_total"] == len(data["copies"])
    assert all(c["copied_sentences"] > 0 for c in data["copies"])


@pytest.mark.parametrize("query", ["政务新媒体", "培训", "人员 OR 编制"])
def test_cli_json_is_what_the_api_serves(app, client, query):
    cli = subprocess.run(
        [sys.executable, "-m", "xxgk", "search", query, "--index", app.config["INDEX_DIR"], "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    api = client.get("/api/search", query_string={"q": query}).get_json()
    printed = json.loads(cli.stdout)
    assert printed["sections"] == api["sections"] == ["problems", "improvements"]
    assert (printed["total"], printed["hits"]) == (api["total"], api["hits"])


def test_audit_names_every_rule_in_chinese(client):
    from index.reader.audit.rules import RULES

    page = client.get("/audit").text
    assert "审核规则说明" in page
    assert all(rule.name in page and rule.explanation in page for rule in RULES.values())
    data = client.get("/api/audit", query_string={"rule": "T2"}).get_json()
    # the bundled 郑州 report says it received no requests while its table 三 holds 20
    (report,) = data["reports"]
    assert [(f["rule"], f["rule_name"]) for f in report["findings"]] == [("T2", RULES["T2"].name)]
    assert RULES["T2"].name in client.get(f"/reports/{report['report_id']}").text


def _wait_for_copies(client) -> dict:
    deadline = time.monotonic() + 180
    while (data := client.get("/api/audit").get_json())["copies_status"] == "computing":
        assert time.monotonic() < deadline, "the copied-text job never finished"
        time.sleep(0.1)
    return data


def test_copied_text_is_computed_once_beside_the_index(tmp_path):
    from search.copies import copies_summary
    from search.reports import all_records, record_to_report

    ix = index_with_hostile_report(tmp_path)
    client = create_app({"INDEX_DIR": str(ix), "TESTING": True}).test_client()
    # a job holding the lock: the page says it is computing, and no second job starts
    import fcntl

    with open(ix / "copies.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        first = client.get("/api/audit").get_json()
        assert first["copies_status"] == "computing" and first["copies"] is None
        assert "正在比对各报告的句子" in client.get("/audit").text
        assert not list(ix.glob("copies-*.json"))
    data = _wait_for_copies(client)
    reports = [record_to_report(r) for r in all_records(SearchIndex.open(ix))]
    expected = [c for c in copies_summary(reports, find_copies(reports)) if c["copied_sentences"]]
    assert data["copies_status"] == "ready" and data["copies"] == expected[: len(data["copies"])]
    assert len(list(ix.glob("copies-*.json"))) == 1  # kept beside the index: others read it, compute nothing
    other = create_app({"INDEX_DIR": str(ix), "TESTING": True}).test_client()
    assert other.get("/api/audit").get_json()["copies"] == data["copies"]


def test_a_failed_copied_text_job_is_said_not_shown(tmp_path):
    from search.derived import generation_name, result_path

    ix = index_with_hostile_report(tmp_path)
    failed = result_path(ix, generation_name(SearchIndex.open(ix))).with_suffix(".failed")
    failed.write_text("ValueError: /xyzzy/path went wrong\n", encoding="utf-8")
    client = create_app({"INDEX_DIR": str(ix), "TESTING": True}).test_client()
    assert client.get("/api/audit").get_json()["copies_status"] == "failed"
    page = client.get("/audit")
    assert page.status_code == 200 and "内容雷同未能计算" in page.text and "xyzzy" not in page.text


def test_copied_text_is_left_to_the_cli_above_the_report_limit(app):
    reports = _wait_for_copies(app.test_client())
    reports = app.test_client().get("/api/audit", query_string={"limit": 1}).get_json()
    assert reports["copies_status"] == "ready" and reports["copies_total"] is not None
    small = create_app({**app.config, "COPIES_MAX_REPORTS": 2}).test_client()
    data = small.get("/api/audit").get_json()
    assert data["copies_status"] == "too_many" and data["copies"] is None and data["total"] == reports["total"]
    assert "xxgk copies" in small.get("/audit").text


def test_audit_is_paged(client):
    everything = client.get("/api/audit", query_string={"limit": 100}).get_json()
    total = everything["total"]
    assert total == len(everything["reports"]) >= 2
    pages = [client.get("/api/audit", query_string={"limit": 1, "page": p}).get_json() for p in range(1, total + 2)]
    assert [r for page in pages for r in page["reports"]] == everything["reports"] and not pages[-1]["reports"]
    html = client.get("/audit", query_string={"limit": 1, "page": 2}).text
    assert "上一页" in html and f"第 2 / {total} 页" in html
    assert client.get("/api/audit", query_string={"limit": 1000}).status_code == 400
    assert client.get("/audit", query_string={"page": "x"}).status_code == 400


def test_missing_index_is_a_clear_page(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    resp = client.get("/", query_string={"q": "人员"})
    assert resp.status_code == 503 and "尚未建立索引" in resp.text


def test_cached_pages_follow_a_commit(tmp_path):
    """What the app derives once per index generation (audit records, topics) is derived again after a build."""
    late = corpus_file("2020-河南")  # a report with audit findings
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS_FILES:
        if path != late:
            shutil.copy(path, corpus / path.name)
    build_index([corpus], tmp_path / "ix")
    client = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client()
    before = client.get("/api/audit", query_string={"limit": 100}).get_json()["total"]
    topics_before = client.get("/api/topics").get_json()

    shutil.copy(late, corpus / late.name)
    assert build_index([corpus], tmp_path / "ix").counts()["added"] == 1
    fresh = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client()
    after = client.get("/api/audit", query_string={"limit": 100}).get_json()
    assert after == fresh.get("/api/audit", query_string={"limit": 100}).get_json() and after["total"] == before + 1
    topics_after = client.get("/api/topics").get_json()
    assert topics_after == fresh.get("/api/topics").get_json() and topics_after != topics_before


def test_custom_topics_are_listed_on_the_report_page(app, tmp_path):
    topics = tmp_path / "topics.toml"
    topics.write_text('["加强培训（自定义）"]\nphrases = ["加强培训"]\n', encoding="utf-8")
    custom = create_app({"INDEX_DIR": app.config["INDEX_DIR"], "TESTING": True, "TOPICS_FILE": str(topics)})
    client = custom.test_client()
    counted = client.get("/api/topics").get_json()
    (row,) = [t for t in counted["topics"] if t["topic"] == "加强培训（自定义）"]
    assert row["reports"] >= 1
    report_id = xss_id(client)  # the hostile report's part 五 says 下一步，加强培训
    page = client.get(f"/api/reports/{report_id}").get_json()
    assert "加强培训（自定义）" in [t["topic"] if isinstance(t, dict) else t for t in page["topics"]]


def test_zero_hits_page_suggests_in_chinese(client):
    page = client.get("/", query_string={"q": "更新不急时", "section": "all"})
    assert page.status_code == 200 and "您是不是要找" in page.text and "更新不及时" in page.text
    wildcard = client.get("/", query_string={"q": "更新*"})
    assert wildcard.status_code == 400 and "不支持通配符" in wildcard.text


def test_every_csv_names_its_reports_page_and_file(client):
    def table(path, **query):
        resp = client.get(path, query_string=query)
        assert resp.status_code == 200 and resp.mimetype == "text/csv", path
        return list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))

    search_rows = table("/search.csv", q="公开", section="all")
    # absolute links, so that they open from a spreadsheet
    assert search_rows[0][4:6] == ["报告", "文件"] and all(
        r[4].startswith("http://localhost/reports/") for r in search_rows[1:]
    )
    assert all(not r[5].startswith("/") and r[5].endswith(".txt") for r in search_rows[1:])
    figures = table("/figures.csv", q="公开", section="all", fig=["applications.new.total", "review.total"])
    assert figures[0] == [
        "报告",
        "文件",
        "机关",
        "年度",
        "本年新收·总计",
        "本年新收·总计（状态）",
        "行政复议·总计",
        "行政复议·总计（状态）",
    ]
    assert len(figures) - 1 == len({r[6] for r in search_rows[1:]})  # one row per report the search found
    mentions = table("/mentions.csv", topic="培训不足")
    assert mentions[0][:2] == ["报告", "文件"] and "作为问题（次）" in mentions[0] and len(mentions) > 1
    topics = table("/topics.csv")
    assert topics[0][:4] == ["议题", "报告数", "作为问题", "作为改进"]
    audit = table("/audit.csv")
    assert audit[0][:2] == ["报告", "文件"] and len(audit) > 1
    assert audit[0][-4:] == ["应为", "实为", "表格中", "正文中"] and "规则代码" not in audit[0]
    a, b = (
        h["report_id"]
        for h in client.get("/api/search", query_string={"q": "公开", "section": "all"}).get_json()["hits"][:2]
    )
    compared = table("/compare.csv", a=a, b=b)
    assert compared[0][:2] == ["表", "项目"] and compared[0][2].startswith("A：") and compared[0][4].startswith("B：")
    assert all(r[1] and "." not in r[1] for r in compared[1:])  # Chinese labels, never a field key


def test_topics_count_problems_and_remedies_apart(client):
    rows = client.get("/api/topics").get_json()["topics"]
    training = next(r for r in rows if r["topic"] == "培训不足")
    assert training["problems"]["reports"] + training["improvements"]["reports"] >= training["reports"]
    assert training["problems"]["reports"] <= training["reports"]
    page = client.get("/topics").text
    assert "作为问题" in page and "作为改进" in page and 'class="value"' in page  # values on the charts
    mentions = client.get("/api/mentions", query_string={"topic": "培训不足"}).get_json()
    assert set(mentions["by_section"]) == {"problems", "improvements"}
