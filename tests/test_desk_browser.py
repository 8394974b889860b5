"""The desk's whole loop in a real browser (Debian's Chromium, driven by Playwright) against `xxgk serve`:
log in, import a roster, upload a PDF, see its findings, confirm one with a note, correct a figure, see
the audit change, export the 问题清单 (XLSX) and the 通报 (DOCX) and read them back.

Screenshots at desktop and phone width go to tests/artifacts/. Skipped only where Chromium is not
installed; .ci/run installs it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from index.build import build_index
from review.accounts import add_user
from review.db import open_database

from .conftest import CORPUS_FILES, PDF_FILES, ROOT, served

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
PASSWORD = "浏览器里的密码-2024"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed (apt-get install chromium)")
ROSTER = (
    "单位名称,上级单位,地区,层级,类型,汇总下级\n"
    "淮安市洪泽区人民政府,,江苏省淮安市洪泽区,县级,人民政府,否\n"
    "洪泽区教育局,淮安市洪泽区人民政府,江苏省淮安市洪泽区,部门,教育,否\n"
    "郑州经济技术开发区管委会,,河南省郑州市,园区,开发区,否\n"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("desk-browser")
    corpus = root / "corpus"
    corpus.mkdir()
    for path in CORPUS_FILES:  # the five seed reports; the PDF comes by upload
        shutil.copy(path, corpus / path.name)
    assert not build_index([corpus], root / "ix").failed
    url = f"sqlite:///{root / 'review.sqlite'}"
    add_user(open_database(url), "王科长", PASSWORD, "admin")
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    with served(root / "ix", "--database", url, "--uploads", str(root / "uploads")) as (base, _):
        yield base, root


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


def shoot(page, name: str) -> None:
    """The page at desktop width, then at a phone's (the layout must not need sideways scrolling there)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(ARTIFACTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / f"{name}-390.png"), full_page=True)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name}: the page scrolls sideways by {overflow}px on a phone"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_whole_loop(site, browser):
    base, root = site
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)

    # the desk asks for a login, then comes back
    page.goto(base + "/review")
    assert "/login" in page.url
    page.fill("input[name=name]", "王科长")
    page.fill("input[name=password]", "wrong password")
    page.click("form.login button")
    assert "账号或密码不正确" in page.content()
    page.fill("input[name=name]", "王科长")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button")
    page.wait_for_url(re.compile(r"/review"))
    assert "尚未导入名单" in page.content()

    # import the roster
    page.goto(base + "/review/roster")
    page.set_input_files("form.pick input[type=file]", str(root / "roster.csv"))
    page.click("form.pick button")
    assert "名单已导入：新增 3" in page.content()
    shoot(page, "desk-roster")

    # upload the PDF: parsed, audited, indexed, its page with its findings
    page.goto(base + "/review/upload")
    shoot(page, "desk-upload")
    page.set_input_files("form.pick input[type=file]", str(PDF_FILES[0]))
    page.select_option("form.pick select[name=mode]", "store")
    page.click("form.pick button")
    page.wait_for_url(re.compile(r"/review/reports/[0-9a-f]+"), timeout=120_000)
    assert "已上传并入库" in page.content() and "淮安市洪泽区人民政府 2024 年度报告" in page.content()
    assert "未能可靠读取（1）" in page.content()  # the one row label read by its nearest match, said
    report_url = page.url.split("#")[0]
    (kept,) = (root / "uploads").iterdir()
    assert kept.suffix == ".pdf"

    # the desk lists it against its roster unit; the unit with no report is 未发布
    page.goto(base + "/review?year=2024")
    assert "名单内单位" in page.content()
    row = page.locator("tr", has_text="洪泽区教育局")
    assert "未发布" in row.inner_text()
    shoot(page, "desk")

    # correct a figure (予以公开 50 → 49: table three no longer adds up): the audit changes
    page.goto(report_url + "?cell=applications.granted.total#correct")
    page.fill("#correct input[name=value]", "49")
    page.select_option("#correct select[name=origin]", "unit")
    page.fill("#correct textarea[name=note]", "单位来函更正：予以公开 49 件")
    page.click("#correct form button[type=submit]")
    page.wait_for_load_state()
    assert "审核结果已按更正后的数字重新计算" in page.content()
    cell = page.locator("#cell-applications\\.granted\\.total")
    assert cell.inner_text().strip() == "49" and "corrected" in cell.get_attribute("class")
    errors = page.locator(".finding", has_text="49")
    assert errors.count() >= 1

    # confirm that finding with a note; its history shows who and what
    finding = errors.first
    finding.locator("select[name=decision]").select_option("confirmed")
    finding.locator("input[name=responsible]").fill("区政府办公室")
    finding.locator("textarea[name=note]").fill("表三合计与分项不符，请核实后更正")
    finding.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已保存审核意见" in page.content()
    confirmed = page.locator(".finding", has_text="表三合计与分项不符")
    assert "确认" in confirmed.inner_text() and "待整改" in confirmed.inner_text()
    confirmed.locator("summary").click()
    assert "王科长" in confirmed.locator("details").inner_text()
    shoot(page, "desk-report")

    # the public report page shows the corrected number, marked
    page.goto(base + "/reports/" + report_url.rsplit("/", 1)[1])
    assert "更正" in page.content()

    # the exports, downloaded and read back
    page.goto(base + "/review?year=2024")
    with page.expect_download() as xlsx:
        page.click("text=导出问题清单（XLSX）")
    assert xlsx.value.suggested_filename == "2024年度年报审核.xlsx"
    xlsx.value.save_as(root / "desk.xlsx")
    book = load_workbook(root / "desk.xlsx")
    lines = list(book["问题清单"].values)
    header = lines[0]
    rows = [dict(zip(header, line, strict=True)) for line in lines[1:]]
    (mine,) = [r for r in rows if r["审核说明"] == "表三合计与分项不符，请核实后更正"]
    assert mine["单位"] == "淮安市洪泽区人民政府" and mine["审核意见"] == "确认" and mine["责任单位"] == "区政府办公室"
    summary = {r[0]: r for r in list(book["汇总"].values)[1:]}
    assert summary["洪泽区教育局"][3] == "未发布" and summary["淮安市洪泽区人民政府"][3] == "已发布"
    with page.expect_download() as docx:
        page.click("text=导出审核情况通报（Word）")
    assert docx.value.suggested_filename.endswith(".docx")
    docx.value.save_as(root / "notice.docx")
    text = "\n".join(p.text for p in Document(str(root / "notice.docx")).paragraphs)
    assert "2024年度政府信息公开工作年度报告审核情况的通报" in text
    assert "淮安市洪泽区人民政府" in text and "审核意见：表三合计与分项不符，请核实后更正" in text
    assert "库中未找到年度报告的单位：洪泽区教育局" in text
    page.close()
