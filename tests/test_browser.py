"""A real browser (Debian's Chromium, driven by Playwright) against `xxgk serve`.

Screenshots of each page go to tests/artifacts/. Skipped only where Chromium is
not installed; .ci/run installs it.
"""

from __future__ import annotations

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

    page.goto(server + "/compare")
    page.fill("input[name=a]", "郑州经济技术开发区@2021")
    page.fill("input[name=b]", "郑东新区科技人才局@2022")
    page.locator("form.pick button").click()
    page.wait_for_selector("table.cmpfig")
    assert "数字对照" in page.content()
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
    page.goto(full_server + "/compare")
    page.fill("input[name=a]", "平潭综合实验区@2020")
    page.fill("input[name=b]", "平潭综合实验区@2021")
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
    assert page.locator("table.cmpfig td[title='applications.new.total']").inner_text() == "本年新收·总计"
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
    assert header == "报告,文件,机关,年度,本年新收·总计,行政复议·总计"
    assert rows and all(r.startswith("/reports/") for r in rows)


def test_audit_page_legend_and_links(full_server, page):
    page.goto(full_server + "/audit")
    page.wait_for_selector("details.legend")
    page.locator("details.legend summary").click()
    assert page.locator("details.legend tbody tr").count() >= 10
    assert page.locator("section.audit li .sev").first.inner_text() in ("⚠ 提示", "✖ 错误")
    page.screenshot(path=str(ARTIFACTS / "audit.png"), full_page=True)
    page.locator("section.audit li a").first.click()
    page.wait_for_selector("section.section")
    assert "#" in page.url
