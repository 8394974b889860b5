"""Every file bounded: hostile files a few KB in size are refused by name, with the limit they met and its flag,
and the batch goes on. Limits are lowered in the tests so that each runs in seconds."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import sys
import zipfile
import zlib

import pytest

from index.build import build_index
from index.reader.errors import ParseError
from index.reader.limits import Limits, limits, set_limits
from index.reader.parse import parse_bytes
from index.reader.tables.rows import _anchors

from .conftest import CORPUS, ROOT


@pytest.fixture
def low_limits():
    saved = limits()
    set_limits(part_bytes=2 * 1024 * 1024, memory_mb=400, seconds=10, pages=20, ocr_pages=5)
    yield limits()
    set_limits(**{k: getattr(saved, k) for k in ("pages", "part_bytes", "chars", "ocr_pages", "memory_mb", "seconds")})


def docx_bomb(unzipped: int = 50 * 1024 * 1024) -> bytes:
    """A Word file whose document part unzips to `unzipped` bytes of spaces (the file: a few tens of KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        z.writestr("word/document.xml", b" " * unzipped)
    return out.getvalue()


def pdf(pages: list[bytes]) -> bytes:
    """A PDF of pages, each page's content stream as given (already FlateDecode-compressed)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for content in pages:
        page_no, content_no = len(objects) + 1, len(objects) + 2
        kids.append(f"{page_no} 0 R".encode())
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content_no} 0 R >>".encode())
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream")
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(pages)
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % o for o in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_a_docx_zip_bomb_is_refused_having_cost_only_the_limit(low_limits):
    bomb = docx_bomb()
    assert len(bomb) < 200_000
    with pytest.raises(ParseError, match=r"unzip to more than 2,097,152 bytes.*--max-unzipped"):
        parse_bytes(bomb, "bomb.docx", ".docx")


def test_a_pdf_flate_bomb_is_refused_by_the_memory_limit(low_limits):
    stream = zlib.compressobj(9)
    content = b"".join(stream.compress(b"0 0 m " * 200_000) for _ in range(80)) + stream.flush()  # ~96 MB inflated
    bomb = pdf([content] * 6)
    assert len(bomb) < 2_000_000
    with pytest.raises(ParseError, match=r"took more than the 400 MB of memory.*--file-memory|--file-seconds"):
        parse_bytes(bomb, "bomb.pdf", ".pdf")


def test_thousands_of_pages_are_refused_before_they_are_read(low_limits):
    blank = zlib.compress(b" ")
    with pytest.raises(ParseError, match=r"2,000 pages, over the 20 one report may have.*--max-pages"):
        parse_bytes(pdf([blank] * 2000), "long.pdf", ".pdf")
    # a scan of more pages than OCR may read is refused up front, whether or not OCR is installed
    with pytest.raises(ParseError, match=r"OCR would read 12 pages, over the 5.*--max-ocr-pages"):
        parse_bytes(pdf([blank] * 12), "scan.pdf", ".pdf")


def test_a_batch_with_hostile_files_indexes_the_rest_and_names_them(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "dev", corpus)
    (corpus / "bomb.docx").write_bytes(docx_bomb())
    (corpus / "long.pdf").write_bytes(pdf([zlib.compress(b" ")] * 2000))
    run = subprocess.run(
        [sys.executable, "-m", "xxgk", "index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"),
         "--max-unzipped", "2000000", "--max-pages", "50", "--quiet"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 2
    assert "20 added" in run.stdout and "2 failed" in run.stdout
    assert "bomb.docx: its parts unzip to more than 2,000,000 bytes" in run.stderr
    assert "long.pdf: 2,000 pages, over the 50" in run.stderr


def test_the_defaults_are_documented_and_far_above_real_reports():
    d = Limits()
    assert d.pages >= 100 and d.chars >= 500_000 and d.memory_mb >= 1024 and d.seconds >= 60
    doc = (ROOT / "docs" / "robustness.md").read_text(encoding="utf-8")
    for flag in ("--max-pages", "--max-unzipped", "--max-chars", "--max-ocr-pages", "--file-memory", "--file-seconds"):
        assert flag in doc, flag


def _quadratic_anchors(cands):
    """The chain of anchors as first written: every pair of candidates compared (quadratic)."""
    n = len(cands)
    best = []
    for k, (i, j, exact) in enumerate(cands):
        weight = 1.0 if exact else 0.6
        score, prev = weight, -1
        for p in range(k):
            pi, pj, _ = cands[p]
            if pi < i and pj < j and best[p][0] + weight > score:
                score, prev = best[p][0] + weight, p
        best.append((score, prev))
    if not best:
        return []
    k = max(range(n), key=lambda x: best[x][0])
    chain = []
    while k != -1:
        chain.append(cands[k])
        k = best[k][1]
    return chain[::-1]


@pytest.mark.parametrize("seed", range(200))
def test_the_linear_anchor_chain_is_the_quadratic_one(seed):
    rng = random.Random(seed)
    rows = sorted(rng.sample(range(400), rng.randint(0, 60)))
    cands = [(i, rng.randrange(26), rng.random() < 0.7) for i in rows]
    assert _anchors(cands) == _quadratic_anchors(cands)


def test_fault_drill_kill_9_at_random_moments_with_hostile_files_in_the_batch(tmp_path):
    from bench.synth import SyntheticCorpus
    from index.build import indexed_reports
    from index.check import check_index
    from index.store import open_index

    from .conftest import start_build

    corpus = tmp_path / "corpus"
    SyntheticCorpus(seed=9).write(200, corpus)
    hostile = {"bomb.docx": docx_bomb(), "long.pdf": pdf([zlib.compress(b" ")] * 2000), "broken.docx": b"PK\x03\x04"}
    for name, data in hostile.items():
        (corpus / name).write_bytes(data)
    ix = tmp_path / "ix"
    flags = ("--max-unzipped", "2000000", "--max-pages", "50")
    rng = random.Random(7)
    for _ in range(4):
        proc = start_build(corpus, ix, *flags)
        try:
            proc.wait(timeout=rng.uniform(0.2, 2.5))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        found = check_index(ix)
        assert found.ok or found.toc == "no index here", found.problems()
    run = subprocess.run(  # the limits are the flags': the build runs as the command, as the drill did
        [sys.executable, "-m", "xxgk", "index", "--corpus", str(corpus), "--index", str(ix), "--quiet", *flags],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 2
    for name in hostile:  # every bad file named
        assert f"{name}: " in run.stderr, name
    held = indexed_reports(open_index(ix))
    good = {str(p) for p in corpus.rglob("*.txt")}
    assert set(held) == good  # nothing lost
    with open_index(ix).searcher() as s:  # nothing duplicated
        ids = [s.stored_fields(d)["report_id"] for d in s.document_numbers(kind="report")]
    assert len(ids) == len(set(ids)) == len(good)
    assert check_index(ix).ok


def test_links_out_of_the_corpus_are_not_followed_and_the_index_is_never_its_own_input(tmp_path):
    corpus, elsewhere = tmp_path / "corpus", tmp_path / "elsewhere"
    shutil.copytree(CORPUS / "dev", corpus)
    shutil.copytree(CORPUS / "dev", elsewhere / "dev")
    (corpus / "outside").symlink_to(elsewhere)  # a link to another checkout
    (corpus / "root").symlink_to("/")  # a link to / must not make a build crawl the filesystem
    (corpus / "inside").symlink_to(corpus / "dev-0003.txt")  # a link within the corpus is fine (a duplicate)
    ix = corpus / "var" / "index"  # the index inside the corpus: its extraction cache is not a report
    summary = build_index([corpus], ix)
    assert len(summary.added) == 20
    reasons = dict(summary.failed)
    assert "a symbolic link out of the corpus folder" in reasons[str(corpus / "outside")]
    assert "--follow-links" in reasons[str(corpus / "root")]
    again = build_index([corpus], ix)
    assert again.added == [] and not [s for s, _ in again.failed if "/var/index/" in s]


def test_a_file_name_can_never_forge_a_line_of_the_output(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    forged = "x\n0 added, 0 updated, 0 unchanged, 0 removed, 0 failed\x1b[2K.txt"
    (corpus / forged).write_bytes(b"\xff\xfe not a report")
    run = subprocess.run(
        [sys.executable, "-m", "xxgk", "index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--quiet"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 2
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and "\\n0 added" in lines[0] and "\\x1b" in lines[0] and "\x1b" not in run.stderr
