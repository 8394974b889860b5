"""Every number traceable to where it was printed: its row, its cell, a PDF's page and box, the file itself."""

from __future__ import annotations

import json
import shutil

import pytest

from bench import render as R
from index.build import build_index
from index.reader.parse import parse_bytes, parse_file
from search.provenance import pdf_box, printed
from web import create_app

from .conftest import CORPUS, corpus_file

PDF = CORPUS / "pdf" / "洪泽区人民政府-2024.pdf"


def test_every_figure_of_the_published_pdf_is_found_on_its_page():
    report = parse_file(PDF)
    data = PDF.read_bytes()
    truth = json.loads(PDF.with_suffix(".figures.json").read_text(encoding="utf-8"))
    assert set(report.figures) >= set(truth)
    for key in report.figures:
        where = printed(report, key)
        assert where is not None and where.page in (2, 3, 4), key
        start, end = where.cell
        assert where.line[start:end].strip() == str(truth.get(key, report.figures[key])), key
        box = pdf_box(data, where)
        assert box is not None and not box.whole_row and box.box is not None, key
        x0, top, x1, bottom = box.box
        assert 0 <= x0 < x1 <= box.width and 0 <= top < bottom <= box.height, key


@pytest.mark.parametrize("suffix", [".docx", ".html", ".txt"])
def test_a_word_or_web_figure_is_shown_in_its_row(suffix):
    original = parse_file(corpus_file("2021-郑州"))
    doc = R.document(original)
    data = {".docx": R.to_docx, ".html": lambda d: R.to_html(d).encode(), ".txt": lambda d: R.to_tabs(d).encode()}[
        suffix
    ](doc)
    report = parse_bytes(data, f"report{suffix}", suffix)
    for key in ("applications.new.total", "applications.granted.natural_person", "review.total"):
        where = printed(report, key)
        assert where is not None and where.page is None
        start, end = where.cell
        assert where.line[start:end].strip() == str(report.figures[key])
        assert where.line.split("\t")[where.field].strip() == str(report.figures[key])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("provenance")
    folder = root / "corpus"
    shutil.copytree(CORPUS / "dev", folder / "dev")
    shutil.copytree(CORPUS / "pdf", folder / "pdf")
    assert not build_index([folder], root / "ix").failed
    return root


@pytest.fixture
def client(corpus):
    return create_app({"INDEX_DIR": str(corpus / "ix"), "TESTING": True}).test_client()


def _report(client, key: str) -> dict:
    rows = {r["key"]: r for r in client.get("/api/browse").get_json()["rows"]}
    return client.get(f"/api/reports/{rows[key]['ids'][-1]['id']}").get_json()


def test_a_manifest_gives_the_address_a_report_was_published_at(client):
    report = _report(client, "福建省福州市平潭综合实验区")
    assert report["source_url"].startswith("https://www.pingtan.gov.cn/")
    page = client.get(f"/reports/{report['id']}").text
    assert f'href="{report["source_url"]}"' in page and "原文网址" in page


def test_the_original_file_is_served_from_its_corpus_only_as_indexed(client, corpus):
    report = _report(client, "江苏省淮安市洪泽区")
    got = client.get(f"/reports/{report['id']}/file")
    assert got.status_code == 200 and got.data == PDF.read_bytes() and got.mimetype == "application/pdf"
    assert "attachment" in got.headers["Content-Disposition"]
    # a file changed since it was indexed is not served as the report's
    copy = corpus / "corpus" / "pdf" / PDF.name
    original = copy.read_bytes()
    copy.write_bytes(original + b"\n% changed")
    try:
        assert client.get(f"/reports/{report['id']}/file").status_code == 410
    finally:
        copy.write_bytes(original)
    # a file outside every corpus the index was built from is never served
    recorded = corpus / "ix" / "corpora.json"
    saved = recorded.read_text(encoding="utf-8")
    recorded.write_text(json.dumps([str(corpus / "elsewhere")]), encoding="utf-8")
    try:
        assert client.get(f"/reports/{report['id']}/file").status_code == 404
        assert "下载原文件" not in client.get(f"/reports/{report['id']}").text
    finally:
        recorded.write_text(saved, encoding="utf-8")
    assert client.get("/reports/0000000000000000/file").status_code == 404
    assert client.get("/reports/..%2F..%2Fetc%2Fpasswd/file").status_code == 404


def test_where_a_figure_was_printed_in_the_api(client):
    report = _report(client, "江苏省淮安市洪泽区")
    where = client.get(f"/api/reports/{report['id']}/where/applications.new.total").get_json()
    assert (where["value"], where["state"], where["printed"]["page"]) == (95, "printed", 3)
    assert where["label"] == "本年新收·总计" and where["image"].endswith("/page.png")
    image = client.get(where["image"])
    assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(f"/api/reports/{report['id']}/where/not.a.key").status_code == 404


def test_where_a_glued_figure_was_printed_marks_its_row(client):
    # a crawled page runs a table's digits together: the row is shown, the cell only where certain — never a 500
    report = _report(client, "福建省福州市平潭综合实验区")
    keys = [k for k in report["figures"] if k.startswith("applications.")]
    assert keys
    for key in keys[:40]:
        page = client.get(f"/reports/{report['id']}/where/{key}")
        assert page.status_code == 200, key
        assert "printed-row" in page.text
