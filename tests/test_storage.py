"""The index's folder full or read-only: one line naming the cause and the fix, a non-zero exit, the old commit kept,
and no debris left behind. Real file systems (tmpfs mounts of a few MB); skipped where mounting is not allowed."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bench.synth import SyntheticCorpus
from index.check import check_index

from .conftest import CORPUS, ROOT


@pytest.fixture
def small_disk(tmp_path):
    where = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(where)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here ({mounted.stderr.decode(errors='replace').strip()})")
    yield where
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _index(corpus: Path, ix: Path, *more: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "xxgk", "index", "--corpus", str(corpus), "--index", str(ix), "--quiet", *more],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip


def test_a_full_disk_keeps_the_old_commit_and_no_debris(small_disk, tmp_path):
    ix = small_disk / "ix"
    first = _index(CORPUS / "dev", ix)
    assert first.returncode == 0
    big = tmp_path / "big"
    SyntheticCorpus(seed=3).write(400, big)  # far more than the disk holds
    run = _index(big, ix, "--procs", "1")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "磁盘已满" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    found = check_index(ix)
    assert found.ok and found.reports == 20  # the old commit, whole
    live = {p.name.split(".")[0] for p in ix.iterdir() if p.name.startswith("MAIN_") and p.suffix == ".seg"}
    debris = [p.name for p in ix.iterdir() if p.name.startswith("MAIN_") and p.name.split(".")[0] not in live]
    assert debris == [] or debris == ["MAIN_WRITELOCK"]


def test_a_read_only_index_says_so(small_disk, tmp_path):
    ix = small_disk / "ix"
    assert _index(CORPUS / "dev", ix).returncode == 0
    corpus = tmp_path / "more"
    shutil.copytree(CORPUS / "dev", corpus)
    (corpus / "new.txt").write_text((CORPUS / "dev" / "dev-0003.txt").read_text(encoding="utf-8") + "\n补充。")
    if subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True).returncode != 0:
        pytest.skip("cannot remount read-only here")
    run = _index(corpus, ix)
    assert run.returncode == 2 and "Traceback" not in run.stderr and "只读" in run.stderr
    # searching a read-only index works
    search = subprocess.run(
        [sys.executable, "-m", "xxgk", "search", "公开", "--index", str(ix)], capture_output=True, text=True, cwd=ROOT
    )
    assert search.returncode == 0, search.stderr
