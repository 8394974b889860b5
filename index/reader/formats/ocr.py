"""OCR for PDFs without a usable text layer: tesseract with chi_sim, used only when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from ..errors import ParseError
from ..limits import FLAGS, limits
from .ocr_tables import read_page

OCR_DPI = 300
_TIMEOUT = 300  # seconds per page


@cache
def available() -> bool:
    """Whether tesseract is on PATH with its simplified-Chinese model."""
    exe = shutil.which("tesseract")
    if not exe:
        return False
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "chi_sim" in langs.split()


def pdf_text(data: bytes, source: str, why: str) -> str:
    """Given a PDF that `why` says cannot be read as text, return its text by OCR, or ParseError."""
    import pypdfium2  # comes with pdfplumber

    count = len(pypdfium2.PdfDocument(data))
    if count > limits().ocr_pages:  # about a second a page: a scan of thousands is refused up front
        raise ParseError(
            source,
            f"the PDF {why}: OCR would read {count:,} pages, over the {limits().ocr_pages:,} a report may have "
            f"(raise the limit with {FLAGS['ocr_pages']})",
        )
    if not available():
        raise ParseError(
            source,
            f"the PDF {why}: it needs OCR. Install tesseract with its simplified-Chinese model "
            "(apt-get install tesseract-ocr tesseract-ocr-chi-sim) and parse it again",
        )
    pages = []
    with tempfile.TemporaryDirectory(prefix="xxgk-ocr-") as tmp:
        pdf = pypdfium2.PdfDocument(data)
        try:
            for i, page in enumerate(pdf):
                image = Path(tmp) / f"{i}.png"
                rendered = page.render(scale=OCR_DPI / 72).to_pil()
                try:
                    tabled = read_page(rendered, Path(tmp), i, _TIMEOUT)  # ruled tables cut into cells first
                except (OSError, subprocess.SubprocessError) as exc:
                    raise ParseError(source, f"OCR failed on page {i + 1}: {str(exc)[:200]}") from None
                if tabled is not None:
                    pages.append(_tidy(tabled))
                    continue
                rendered.save(image)
                result = subprocess.run(
                    ["tesseract", str(image), "-", "-l", "chi_sim", "--psm", "6"],
                    capture_output=True,
                    text=True,
                    timeout=_TIMEOUT,
                )
                if result.returncode != 0:
                    raise ParseError(source, f"OCR failed on page {i + 1}: {result.stderr.strip()[:200]}")
                pages.append(_tidy(result.stdout))
        finally:
            pdf.close()
    text = "\n".join(pages).strip()
    if not text:
        raise ParseError(source, f"the PDF {why}, and OCR found no text in it")
    return text


def _tidy(text: str) -> str:
    """tesseract puts a space between Chinese characters; drop those, keep the ones between numbers."""
    import re

    from ..text.normalize import CJK

    return re.sub(rf"(?<=[{CJK}，。、；：（）])[ ]+(?=[{CJK}，。、；：（）])", "", text)
