"""PDF extraction speed: pages per second, against pdfplumber's plain text in the same process.

Reports of the synthetic corpus are rendered as PDFs (ruled tables with merged
cells, page numbers; bench/render.py) and read three ways: pdfplumber's
`extract_text` (the baseline: no tables, no joining), our extraction (tables as
rows, lines joined, page furniture dropped), and our extraction through the
content-hash cache a build keeps, as a re-index meets it.
"""

from __future__ import annotations

import io
import tempfile
import time

from index.reader.formats.cache import TextCache
from index.reader.formats.pdf import pdf_to_text
from index.reader.parse import parse_text

from . import render as R
from .synth import SyntheticCorpus


def time_pdf(results: dict, count: int = 20, seed: int = 0) -> None:
    import pdfplumber

    corpus = SyntheticCorpus(seed)
    pdfs = [R.to_pdf(R.document(parse_text(corpus.report(i).text))) for i in range(count)]
    pages = 0
    started = time.perf_counter()
    for data in pdfs:
        with pdfplumber.open(io.BytesIO(data)) as doc:
            pages += len(doc.pages)
            for page in doc.pages:
                page.extract_text()
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    for i, data in enumerate(pdfs):
        pdf_to_text(data, f"bench-{i}.pdf")
    ours = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        cache = TextCache(folder)
        for data in pdfs:
            cache.put(data, pdf_to_text(data, "bench.pdf"))
        started = time.perf_counter()
        for data in pdfs:
            cache.get(data)
        cached = time.perf_counter() - started
    results |= {
        "pdf_pages": pages,
        "pdf_pages_per_s": pages / ours,
        "pdf_plain_pages_per_s": pages / baseline,
        "pdf_cached_pages_per_s": pages / max(cached, 1e-9),
    }
    print(f"\nPDF extraction ({count} reports, {pages} pages, one process)")
    print(f"  pdfplumber extract_text  {pages / baseline:8.1f} pages/s")
    print(f"  xxgk (tables as rows)    {pages / ours:8.1f} pages/s  ratio {baseline / ours:.2f}x of the baseline")
    print(f"  xxgk, cached (re-index)  {pages / max(cached, 1e-9):8.0f} pages/s")
