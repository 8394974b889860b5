"""A real browser (Debian's Chromium, driven by Playwright) against `xxgk serve`.

Screenshots of each page go to tests/artifacts/. Skipped only where Chromium is
not installed; .ci/run installs it.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT, served
from .test_web import index_with_hostile_report

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(index_with_hostile_report(tmp_path_factory.mktemp("browser"))) as (base, _):
        yield base


@pytest.fixture(scope="module")
def page(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def test_search_report_and_compare_in_a_browser(server, page):
    page.goto(server + "/")
    page.fill("input[name=q]", "培训")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits li.hit")
    assert page.locator("mark").first.inner_text() == "培训"
    assert page.locator("aside.facets h3").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    page.locator("ol.hits li.hit .meta a").first.click()
    page.wait_for_selector("section.section")
    assert page.locator("h2").count() >= 3
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)

    # compare: an agency, then its year, from lists (the year list narrows to the agency's reports)
    page.goto(server + "/compare")
    page.select_option("select[name=a_agency]", label="郑州经济技术开发区管委会")
    assert page.locator("select[name=a] option:checked").inner_text() == "2021"
    page.select_option("select[name=b_agency]", label="郑东新区科技人才局")
    shown = page.eval_on_selector_all("select[name=b] optgroup:not([hidden]) option", "els => els.length")
    assert shown == 1
    page.locator("form.pick button").click()
    page.wait_for_selector("table.cmpfig")
    assert "数字对照" in page.content()
    heads = page.locator("table.cmpfig thead th").all_inner_texts()
    assert heads[1] == "A 郑州经济技术开发区管委会 2021" and heads[2] == "B 郑东新区科技人才局 2022"
    page.screenshot(path=str(ARTIFACTS / "compare.png"), full_page=True)

    page.goto(server + "/topics")
    page.wait_for_selector("svg.bars")
    page.screenshot(path=str(ARTIFACTS / "topics.png"), full_page=True)


def test_report_text_never_runs_as_script(server, page):
    page.goto(server + "/api/search?q=" + urllib.request.quote("人员不足") + "&section=all")
    hits = page.evaluate("() => JSON.parse(document.body.innerText).hits")
    rid = next(h["report_id"] for h in hits if h["agency"] == "某局")
    for path in (f"/reports/{rid}", "/?q=" + urllib.request.quote("人员不足"), f"/compare?a={rid}&b={rid}"):
        page.goto(server + path)
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.xssFired") is None
        assert "<script>window.xssFired" in page.locator("main").inner_text() or path.startswith("/?")
    page.screenshot(path=str(ARTIFACTS / "xss-report.png"), full_page=True)


@pytest.fixture(scope="module")
def full_server(tmp_path_factory):
    """`xxgk serve` over every bundled report (seeds, development reports, the published PDF)."""
    from index.build import build_index

    from .conftest import CORPUS

    ix = tmp_path_factory.mktemp("browser-full") / "ix"
    assert not build_index([CORPUS], ix).failed
    with served(ix, "--processes", "1") as (base, _):
        yield base


def test_compare_is_aligned_in_document_order(full_server, page):
    page.goto(full_server + "/compare?a=" + urllib.request.quote("平潭综合实验区@2020"))
    page.select_option("select[name=b_agency]", label="平潭综合实验区")
    page.select_option("select[name=b]", label="2021")
    page.locator("form.pick button").click()
    page.wait_for_selector("section.changes")
    kinds = page.eval_on_selector_all("#sec-overview [data-kind]", "els => els.map(e => e.dataset.kind)")
    assert "changed" in kinds and "only_a" in kinds and "only_b" in kinds
    # not every "B 无" first and every "A 无" after: the one-sided rows are interleaved in document order
    first_b = kinds.index("only_b")
    assert any(k == "only_a" for k in kinds[first_b:]) or any(k != "only_a" for k in kinds[:first_b])
    # the change list links down the page, and figures carry their Chinese labels
    page.locator("section.changes ol.largest a").first.click()
    assert page.url.split("#")[1].startswith("fig-")
    assert page.locator("#fig-applications\\.new\\.total th").inner_text() == "本年新收·总计"
    # a table section is compared as a table only: no text diff of its digits, no similarity of a heading
    rows = page.eval_on_selector_all("#sec-applications .row", "els => els.map(e => e.innerText)")
    assert all(len(re.findall(r"\d+", r)) < 3 for r in rows), rows
    page.screenshot(path=str(ARTIFACTS / "compare-years.png"), full_page=True)


def test_agency_page_charts_and_browse(full_server, page):
    page.goto(full_server + "/browse")
    page.wait_for_selector("table.browse")
    page.screenshot(path=str(ARTIFACTS / "browse.png"), full_page=True)
    page.locator("table.browse a", has_text="平潭综合实验区").first.click()
    page.wait_for_selector("svg.series")
    charts = page.locator("figure.chart")
    assert charts.count() >= 3
    new = page.locator("figure.chart[data-key='applications.new.total']")
    assert new.locator("figcaption").inner_text() == "本年新收·总计"
    assert new.locator("rect").count() >= 3 and new.locator("text.missing").count() >= 1
    assert page.locator("table.narrative p.repeat").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "agency.png"), full_page=True)


def test_a_hit_opens_its_passage_highlighted(full_server, page):
    page.goto(full_server + "/?q=" + urllib.request.quote("政务新媒体"))
    page.wait_for_selector("ol.hits li.hit")
    page.locator("a.hit-link").first.click()
    page.wait_for_selector("section.section")
    anchor = page.url.split("#")[1]
    marked = page.locator(f"section#{anchor} mark")
    assert marked.count() >= 1 and marked.first.inner_text() == "政务新媒体"
    assert marked.first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "hit-passage.png"))


def test_figures_table_csv_downloads_with_chinese_labels(full_server, page):
    page.goto(full_server + "/?q=" + urllib.request.quote("公开") + "&section=all")
    page.wait_for_selector("details.figure-table")
    page.locator("details.figure-table summary").click()
    page.select_option("details.figure-table select[name=fig]", ["applications.new.total", "review.total"])
    with page.expect_download() as info:
        page.locator("details.figure-table button").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    header, *rows = text.strip().splitlines()
    assert header == "报告,文件,机关,年度,本年新收·总计,本年新收·总计（状态）,行政复议·总计,行政复议·总计（状态）"
    assert rows and all(r.startswith(full_server + "/reports/") for r in rows)


def test_audit_page_legend_and_links(full_server, page):
    page.goto(full_server + "/audit")
    page.wait_for_selector("details.legend")
    page.locator("details.legend summary").click()
    assert page.locator("details.legend tbody tr").count() >= 10
    assert page.locator("section.audit li .sev").first.inner_text() in ("⚠ 提示", "✖ 错误")
    # the two families counted apart
    families = page.locator("ul.families li").all_inner_texts()
    assert families[0].startswith("报告本身的问题") and families[1].startswith("未能可靠读取")
    page.screenshot(path=str(ARTIFACTS / "audit.png"), full_page=True)
    page.locator("section.audit li a").first.click()
    page.wait_for_selector("section.section")
    assert "#" in page.url


PAGES = {
    "compare": "/compare?a="
    + urllib.request.quote("平潭综合实验区@2020")
    + "&b="
    + urllib.request.quote("平潭综合实验区@2021"),
    "agency": "/agencies/" + urllib.request.quote("福建省福州市平潭综合实验区"),
    "report": None,  # the published PDF's report: found by its agency
    "audit": "/audit",
}


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_at_desktop_and_phone_width(full_server, page, name, width):
    path = PAGES[name]
    if path is None:
        rows = {r["key"]: r for r in _json(page, full_server + "/api/browse")["rows"]}
        path = "/reports/" + rows["江苏省淮安市洪泽区"]["ids"][0]["id"]
    page.set_viewport_size({"width": width, "height": 900})
    try:
        page.goto(full_server + path)
        page.wait_for_load_state("load")
        # one readable column on a phone: nothing wider than the screen but the tables that scroll
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= width + 1 or name in ("agency", "report"), overflow
        text = page.locator("main").inner_text()
        assert not re.search(r"\b(?:applications|litigation_direct|art20)\.[a-z_.]+", text)  # no field key to read
        assert "unknown" not in text
        if name == "compare" and width == 390:
            # each sentence once, marked with its side; no placeholders for the other side
            assert page.locator(".cmp .missing").first.is_hidden()
            height = page.evaluate("() => document.documentElement.scrollHeight")
            assert height < 23000, height
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def _json(page, url: str):
    page.goto(url)
    return page.evaluate("() => JSON.parse(document.body.innerText)")


def test_a_pdf_figure_is_shown_where_it_was_printed(full_server, page):
    rows = {r["key"]: r for r in _json(page, full_server + "/api/browse")["rows"]}
    report = "/reports/" + rows["江苏省淮安市洪泽区"]["ids"][0]["id"]
    page.goto(full_server + report)
    cell = page.locator("#cell-applications\\.granted\\.total a.where")
    assert cell.inner_text() == "50"
    cell.click()
    page.wait_for_selector("img.page")
    assert "第 3 页" in page.locator("main").inner_text()
    assert page.locator("pre.printed-row mark").inner_text() == "50"
    page.wait_for_function("() => document.querySelector('img.page').complete")
    assert page.evaluate("() => document.querySelector('img.page').naturalWidth") > 500
    page.screenshot(path=str(ARTIFACTS / "where-pdf.png"), full_page=True)
    # the original file, downloadable from the report page
    page.goto(full_server + report)
    with page.expect_download() as info:
        page.locator("a", has_text="下载原文件").click()
    assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-"
