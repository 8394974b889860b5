"""PDF and Word files: the published PDF's every figure, generated files, scans, damage, the extraction cache."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from bench import render as R
from index.build import EXTRACTED, build_index
from index.reader import ParseError, parse_bytes, parse_file
from index.reader.formats import pdf as pdf_format
from index.reader.formats.cache import TextCache
from search.engine import SearchIndex
from search.reports import all_records, record_to_report

from .conftest import CORPUS_FILES, PDF_CORPUS, corpus_file

PUBLISHED = sorted(PDF_CORPUS.glob("*.pdf"))  # a published report with its figures, bundled


@pytest.mark.parametrize("path", PUBLISHED, ids=lambda p: p.name)
def test_published_pdf_every_figure(path):
    truth = json.loads(path.with_suffix(".figures.json").read_text(encoding="utf-8"))
    report = parse_file(path)
    assert len(truth) >= 100
    assert {k: report.figures.get(k) for k in truth} == truth
    assert report.year and report.agency and report.split
    assert not [f for f in report.findings if f.severity == "error" and not f.rule.startswith("I4")]


def test_published_pdf_through_the_cli():
    assert PUBLISHED
    out = subprocess.run(
        [sys.executable, "-m", "xxgk", "parse", "--json", str(PUBLISHED[0])], capture_output=True, text=True, check=True
    )
    parsed = json.loads(out.stdout)
    figures = parsed[0]["figures"] if isinstance(parsed, list) else parsed["figures"]
    truth = json.loads(PUBLISHED[0].with_suffix(".figures.json").read_text(encoding="utf-8"))
    assert {k: figures.get(k) for k in truth} == truth


def _seed_doc(prefix: str = "2021-郑州") -> R.Document:
    return R.document(parse_file(corpus_file(prefix)))


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name[:12])
def test_pdf_and_docx_round_trip_the_bundled_reports(path):
    original = parse_file(path)
    doc = R.document(original)
    for data, suffix in ((R.to_pdf(doc), ".pdf"), (R.to_docx(doc), ".docx")):
        report = parse_bytes(data, f"report{suffix}", suffix)
        assert report.figures == doc.figures, suffix
        assert (report.year, report.template) == (original.year, original.template)
        # the narrative survives: every paragraph's opening words are in the body
        for block in doc.blocks:
            if isinstance(block, str) and len(block) > 20:
                assert "".join(block[:12].split()) in "".join(report.body.split()), suffix


def test_pdf_page_numbers_and_wrapped_lines():
    doc = _seed_doc()
    data = R.to_pdf(doc)
    text = pdf_format.pdf_to_text(data, "r.pdf")
    assert "— 1 —" not in text and "— 2 —" not in text
    # a paragraph wrapped over several PDF lines comes back as one line
    long = next(b for b in doc.blocks if isinstance(b, str) and len(b) > 120)
    assert "".join(long.split()) in ["".join(line.split()) for line in text.splitlines()]


def _blank_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.rect(100, 100, 300, 400, fill=1)  # a page with no text, as a scanner leaves it
    c.showPage()
    c.save()
    return out.getvalue()


def test_scanned_pdf_is_named_as_needing_ocr(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)  # as on a machine without tesseract
    with pytest.raises(ParseError) as err:
        parse_bytes(_blank_pdf(), "scan.pdf", ".pdf")
    assert err.value.source == "scan.pdf"
    assert "OCR" in err.value.reason and "scan" in err.value.reason


def test_encrypted_pdf_is_refused_clearly():
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, encrypt=StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "report")
    c.save()
    with pytest.raises(ParseError) as err:
        parse_bytes(out.getvalue(), "locked.pdf", ".pdf")
    assert "encrypted" in err.value.reason or "password" in err.value.reason


def test_encrypted_word_file_is_refused_clearly():
    ole = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512  # an encrypted .docx is an OLE container
    with pytest.raises(ParseError) as err:
        parse_bytes(ole, "locked.docx", ".docx")
    assert "encrypted" in err.value.reason or "password" in err.value.reason


def test_extraction_is_cached_by_content(tmp_path, monkeypatch):
    data = R.to_pdf(_seed_doc())
    cache = TextCache(tmp_path / "cache")
    first = parse_bytes(data, "a.pdf", ".pdf", cache)

    # with the text cached, the same bytes under any name are never extracted again (extraction runs in a
    # child process, which says so as a reason it could not read the file)
    def extracted(page):
        raise ParseError("any.pdf", "extracted again")

    monkeypatch.setattr(pdf_format, "_page_items", extracted)
    again = parse_bytes(data, "b.pdf", ".pdf", cache)
    assert again.figures == first.figures and again.body == first.body
    with pytest.raises(ParseError, match="extracted again"):
        parse_bytes(data + b"\n", "c.pdf", ".pdf", cache)  # other bytes: extracted


def test_build_indexes_documents_beside_text_and_keeps_going(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = _seed_doc()
    (corpus / "a.pdf").write_bytes(R.to_pdf(doc))
    (corpus / "b.docx").write_bytes(R.to_docx(_seed_doc("2022-郑东")))
    (corpus / "c.txt").write_bytes(corpus_file("2020-河南").read_bytes())
    (corpus / "scan.pdf").write_bytes(_blank_pdf())
    (corpus / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    summary = build_index([corpus], tmp_path / "idx")
    assert len(summary.added) == 3
    failed = dict(summary.failed)
    assert set(failed) == {str(corpus / "scan.pdf"), str(corpus / "broken.docx")}
    assert all(reason for reason in failed.values())
    # what the build extracted is kept beside the index
    assert len(list((tmp_path / "idx" / EXTRACTED).rglob("*.txt"))) == 2
    records = [r for r in all_records(SearchIndex.open(tmp_path / "idx")) if r["source"].endswith("a.pdf")]
    assert len(records) == 1 and record_to_report(records[0]).figures == doc.figures
