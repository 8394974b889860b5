"""Scanned reports: ruled tables found on the page image and read cell by cell (tests/…: the bundled PDF
made image-only, every page a picture, then read by OCR and checked against its published figures)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from index.reader.formats import ocr
from index.reader.formats.ocr_tables import table_rows
from index.reader.parse import parse_bytes

from .conftest import PDF_FILES


def test_ruled_cells_are_found_on_a_page_image():
    image = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(image)
    ys, xs = [100, 180, 260, 340], [100, 500, 700, 900, 1100]
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=3)
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=0, width=3)
    draw.line([(100, 600), (1100, 600)], fill=0, width=3)  # a rule under the text: no row with it
    draw.text((120, 130), "规章", fill=0)
    rows = table_rows(np.asarray(image) < 160)
    assert len(rows) == 3
    assert all(len(row.cells) == 4 for row in rows)
    assert [(round(a, -1), round(b, -1)) for a, b in rows[0].cells] == [(100, 500), (500, 700), (700, 900), (900, 1100)]


@pytest.mark.skipif(
    not ocr.available(), reason="tesseract with chi_sim is not installed (apt-get install tesseract-ocr-chi-sim)"
)
def test_a_scanned_report_is_read_cell_by_cell_and_never_misread():
    import pypdfium2

    pdf = PDF_FILES[0]
    truth = json.loads(pdf.with_name(pdf.stem + ".figures.json").read_text(encoding="utf-8"))
    pages = [page.render(scale=200 / 72).to_pil().convert("RGB") for page in pypdfium2.PdfDocument(pdf.read_bytes())]
    scan = io.BytesIO()
    pages[0].save(scan, format="PDF", save_all=True, append_images=pages[1:], resolution=200)
    report = parse_bytes(scan.getvalue(), "scan.pdf", ".pdf")
    right = sum(report.figures.get(k) == v for k, v in truth.items())
    wrong = {k: (v, report.figures[k]) for k, v in truth.items() if k in report.figures and report.figures[k] != v}
    assert not wrong  # a doubtful cell is left unread, never a wrong number
    assert right >= 0.9 * len(truth), f"{right} of {len(truth)} cells read"
    assert report.year == 2024 and report.template == "2021"
    # the title's 洪泽 may be read as 法泽: the name the text prints (the gazetteer's) stands, and that is said
    assert report.agency_key == "江苏省淮安市洪泽区"
    assert not [f for f in report.findings if f.severity == "error"]
