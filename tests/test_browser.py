"""A real browser (Debian's Chromium, driven by Playwright) against `xxgk serve`.

Screenshots of each page go to tests/artifacts/. Skipped only where Chromium is
not installed; .ci/run installs it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_web import index_with_hostile_report

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    ix = index_with_hostile_report(tmp_path_factory.mktemp("browser"))
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "xxgk", "serve", "--index", str(ix), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


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
