"""Damage an index under a running server, or before a command: every request answers 503 with the Chinese page
and the repair command, every time, until repaired; no worker dies of a bus error; check sees it all."""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from index.build import build_index
from index.check import check_index, repair_index

from .conftest import CORPUS, ROOT, served

PAGES = ("/", "/?q=%E5%85%AC%E5%BC%80&section=all", "/audit", "/browse", "/api/search?q=%E5%85%AC%E5%BC%80")


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


@pytest.fixture
def index(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "dev", corpus)
    ix = tmp_path / "ix"
    assert not build_index([corpus], ix).failed
    return ix


def _files(ix: Path, suffix: str) -> list[Path]:
    return sorted(p for p in ix.iterdir() if p.name.startswith("MAIN_") and p.name.endswith(suffix))


def _always_503(base: str, times: int = 3) -> None:
    for _ in range(times):
        for path in PAGES:
            status, body = _get(base + path)
            assert status == 503, (path, status, body[:300])
            assert "Traceback" not in body and "xxgk index --check --repair" in body, path


@pytest.mark.parametrize("damage", ["delete segment", "truncate part", "flip a text byte"])
def test_damage_under_a_running_server_is_503_until_repaired(index, damage):
    with served(index, "--processes", "1") as (base, proc):
        assert _get(base + "/audit")[0] == 200  # opened, maps in place
        if damage == "delete segment":
            (seg,) = _files(index, ".seg")
            seg.unlink()
            # a server that has the segment open keeps serving it; a new generation is what breaks
        elif damage == "truncate part":
            (part,) = _files(index, ".xsp")
            with part.open("r+b") as f:
                f.truncate(part.stat().st_size // 2)  # in place, under the server's map
        else:
            (part,) = _files(index, ".xsp")
            data = bytearray(part.read_bytes())
            at = data.rindex("公开".encode()) + 1  # inside a stored text: no longer UTF-8
            data[at] = 0xFF
            part.write_bytes(bytes(data))  # rewritten: a size change or not, the text must never crash a page
        if damage == "delete segment":
            status, _ = _get(base + "/?q=%E5%85%AC%E5%BC%80&section=all")
            assert status in (200, 503)
        else:
            _always_503(base) if damage == "truncate part" else None
            statuses = {_get(base + p)[0] for p in PAGES}
            assert statuses <= {200, 503} and 500 not in statuses
        assert proc.poll() is None, "the server died"
        # a restarted server (a new generation) answers 503 on every request, never 500
    with served(index, "--processes", "1") as (base, proc):
        if damage != "flip a text byte":
            _always_503(base)
        else:
            assert 500 not in {_get(base + p)[0] for p in (*PAGES, "/audit")}
        assert proc.poll() is None
    assert not check_index(index).ok
    repair_index(index)
    assert check_index(index).ok


def test_a_command_on_a_damaged_index_says_so_in_one_line(index):
    (seg,) = _files(index, ".seg")
    seg.unlink()
    run = subprocess.run(
        [sys.executable, "-m", "xxgk", "search", "公开", "--index", str(index)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "xxgk index --check --repair" in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_check_sees_a_segment_without_its_checksums_and_a_renamed_field(index):
    (sums,) = _files(index, ".sums")
    sums.unlink()
    found = check_index(index)
    assert not found.ok and "no readable checksums" in " ".join(found.problems())
    repair_index(index)
    assert check_index(index).ok
    # one flipped byte in the table of contents that renames a schema field
    (toc,) = [p for p in index.iterdir() if p.name.startswith("_MAIN_") and p.name.endswith(".toc")]
    data = bytearray(toc.read_bytes())
    at = data.index(b"report_id")
    data[at] = ord("x")
    toc.write_bytes(bytes(data))
    found = check_index(index)
    assert not found.ok and "schema" in (found.toc or "")
    repair_index(index)
    assert check_index(index).ok
