"""Never lose or duplicate indexed reports: concurrent builds, a corpus that looks smaller, odd files."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from bench.synth import SyntheticCorpus
from index import corpus as corpus_module
from index.build import build_index, indexed_reports
from index.store import open_index

from .conftest import CORPUS_FILES, ROOT, child_pids, start_build


def _xxgk(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xxgk", *args], capture_output=True, text=True, cwd=ROOT, **kwargs)


def _reports(ix_dir: Path) -> dict[str, tuple[str, str]]:
    return indexed_reports(open_index(ix_dir))


def _ids_are_unique(ix_dir: Path) -> bool:
    with open_index(ix_dir).searcher() as s:
        ids = [s.stored_fields(d)["report_id"] for d in s.document_numbers(kind="report")]
    return len(ids) == len(set(ids))


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in CORPUS_FILES:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    folder = tmp_path_factory.mktemp("many")
    SyntheticCorpus(seed=5).write(240, folder)  # above the worker threshold
    return folder


# 1. two builds at once


def test_a_build_that_waited_adds_nothing_the_first_added(many, tmp_path):
    ix_dir = tmp_path / "ix"
    build_index([tmp_path / "missing-is-fine"], ix_dir)  # an empty index, as in the report
    # both wait as long as needed for the lock: which one takes it first depends on the machine's speed
    first = start_build(many, ix_dir, "--wait", "600", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.0)
    second = _xxgk("index", "--corpus", str(many), "--index", str(ix_dir), "--wait", "600", "--quiet")
    out, err = first.communicate()
    assert first.returncode == 0, err
    assert second.returncode == 0, second.stderr
    assert len(_reports(ix_dir)) == 240 and _ids_are_unique(ix_dir)
    # one of the two added everything, the other found it there
    assert {"240 added" in out, "240 added" in second.stdout} == {True, False}
    assert "0 added" in out + second.stdout and "240 unchanged" in out + second.stdout


def test_the_index_refuses_a_second_document_for_a_report(corpus, tmp_path):
    from index.build import _add_file
    from index.reader.parse import report_id
    from index.store import acquire_writer, open_or_create

    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    ix = open_or_create(ix_dir)
    writer = acquire_writer(ix, 1)
    path = sorted(corpus.glob("*.txt"))[0]
    data = path.read_bytes()
    held = {rid for _, rid in _reports(ix_dir).values()}
    import hashlib

    reason = _add_file(writer, (path, hashlib.sha256(data).hexdigest(), report_id(data)), None, held)
    writer.commit()
    assert "already in the index" in reason
    assert len(_reports(ix_dir)) == 5 and _ids_are_unique(ix_dir)


# 2. a corpus that looks smaller


def test_a_mistyped_corpus_removes_nothing(corpus, tmp_path):
    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    cli = _xxgk("index", "--corpus", str(tmp_path / "corpsu"), "--index", str(ix_dir), "--prune", "--quiet")
    assert cli.returncode == 2
    assert "no such file or directory" in cli.stderr and "0 removed" in cli.stdout
    assert len(_reports(ix_dir)) == 5


def test_another_folder_is_added_beside_the_first(corpus, many, tmp_path):
    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    summary = build_index([many], ix_dir, prune=True)  # even with --prune: the first folder was not read
    assert summary.counts()["removed"] == 0 and len(summary.added) == 240
    assert len(_reports(ix_dir)) == 245


def test_an_unreadable_subfolder_removes_nothing(corpus, tmp_path, monkeypatch):
    sub = corpus / "2023"
    sub.mkdir()
    (sub / "a.txt").write_bytes(CORPUS_FILES[0].read_bytes() + "补充。".encode())
    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    assert len(_reports(ix_dir)) == 6
    if os.geteuid() != 0:
        sub.chmod(0)
    else:  # root reads every folder: the operating system's refusal is given as it would come
        real = os.scandir

        def scandir(path):
            if Path(path) == sub.resolve():
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(corpus_module.os, "scandir", scandir)
    try:
        summary = build_index([corpus], ix_dir, prune=True)
    finally:
        sub.chmod(0o755)
    assert summary.counts()["removed"] == 0
    assert [(Path(p).name, "Permission denied" in why) for p, why in summary.failed] == [("2023", True)]
    assert len(_reports(ix_dir)) == 6


def test_prune_removes_only_what_is_positively_gone(corpus, tmp_path):
    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    gone = sorted(corpus.glob("*.txt"))[0]
    gone.unlink()
    dry = _xxgk("index", "--corpus", str(corpus), "--index", str(ix_dir), "--prune", "--dry-run")
    assert dry.returncode == 0 and "1 removed" in dry.stdout and f"remove: {gone.resolve()}" in dry.stdout
    assert len(_reports(ix_dir)) == 5  # a dry run changes nothing
    assert build_index([corpus], ix_dir).counts()["removed"] == 0
    assert build_index([corpus], ix_dir, prune=True).removed == [str(gone.resolve())]
    assert len(_reports(ix_dir)) == 4


# 3. odd files


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_name_that_is_not_utf8_is_indexed(many, tmp_path, workers):
    folder = tmp_path / "odd"
    folder.mkdir()
    if workers == 2:  # enough files for the worker processes
        for path in sorted(many.rglob("*.txt")):
            (folder / path.name).write_bytes(path.read_bytes())
    odd = os.path.join(os.fsencode(folder), b"\xb1\xa8\xb8\xe6-gbk-name.txt")  # 报告 in GBK bytes
    with open(odd, "wb") as f:
        f.write(CORPUS_FILES[0].read_bytes())
    summary = build_index([folder], tmp_path / "ix", procs=workers)
    assert not summary.failed
    (source,) = [s for s in summary.added if "gbk-name" in s]
    assert "\\xb1\\xa8" in source
    cli = _xxgk("index", "--corpus", str(folder), "--index", str(tmp_path / "ix"), "--quiet")
    assert cli.returncode == 0 and "Traceback" not in cli.stderr


def test_odd_entries_are_reported_not_skipped(corpus, tmp_path):
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)
    (corpus / "folder.txt").mkdir()
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    summary = build_index([corpus], tmp_path / "ix")
    why = {Path(p).name: reason for p, reason in summary.failed}
    assert "loop" in why["loop"] and "folder" in why["folder.txt"] and "FIFO" in why["pipe.txt"]
    assert "dangling.txt" in why
    assert len(summary.added) == 5


def test_utf32_is_decoded_and_a_decode_error_names_its_byte(corpus, tmp_path):
    (corpus / "utf32.txt").write_bytes(
        CORPUS_FILES[0].read_text(encoding="utf-8").replace("报告", "报吿").encode("utf-32")
    )
    bad = "政府信息公开工作年度报告。".encode() * 50 + b"\xff\xff" + "其余。".encode()
    (corpus / "bad.txt").write_bytes(bad)
    summary = build_index([corpus], tmp_path / "ix")
    assert str((corpus / "utf32.txt").resolve()) in summary.added
    (reason,) = [r for p, r in summary.failed if p.endswith("bad.txt")]
    where = bad.index(b"\xff")
    assert f"at byte {where}" in reason


def _workers(proc: subprocess.Popen) -> list[int]:
    """The worker processes of a running build, once it has started them (the test is skipped if it finished)."""
    children: list[int] = []
    deadline = time.monotonic() + 60
    while not children and time.monotonic() < deadline and proc.poll() is None:
        children = child_pids(proc.pid)
        time.sleep(0.05)
    if not children:
        proc.kill()
        pytest.skip("the build finished before a worker could be seen")
    return children


def test_a_killed_worker_is_noticed_at_once(many, tmp_path):
    ix_dir = tmp_path / "ix"
    proc = start_build(many, ix_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    children = _workers(proc)
    os.kill(children[0], signal.SIGKILL)
    _, err = proc.communicate()
    assert proc.returncode == 2 and "Traceback" not in err
    # the file it was reading is named; the build stopped the other workers at once and built the rest again
    (line,) = [line for line in err.splitlines() if "killed by signal 9" in line]
    victim = line.removeprefix("xxgk index: ").split(": the process reading it", 1)[0]
    assert Path(victim).is_relative_to(many) and "skipped until it changes" in line
    assert all(not Path(f"/proc/{pid}").exists() for pid in children[1:])
    total = len(list(many.rglob("*.txt")))
    assert len(_reports(ix_dir)) == total - 1 and victim not in _reports(ix_dir)
    assert _ids_are_unique(ix_dir)
    # the next build skips it while it is the same file, and reads it once it changes
    again = build_index([many], ix_dir)
    assert [s for s, _ in again.failed] == [victim] and "refused earlier" in again.failed[0][1]
    Path(victim).write_text(Path(victim).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert build_index([many], ix_dir).added == [victim]
    assert len(_reports(ix_dir)) == total


# 4. durability and repair


def _truncate_a_segment(ix_dir: Path) -> None:
    (seg,) = sorted(ix_dir.glob("*.seg"))[:1]
    size = seg.stat().st_size
    with seg.open("r+b") as f:
        f.truncate(size // 2)


def test_commits_are_synced_before_the_rename(corpus, tmp_path, monkeypatch):
    from index import durable

    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real_fsync(fd)

    monkeypatch.setattr(durable.os, "fsync", fsync)
    build_index([corpus], tmp_path / "ix")
    names = [Path(p).name for p in synced]
    assert any(n.endswith(".seg") for n in names)
    toc = [i for i, n in enumerate(names) if n.startswith("_MAIN_") and ".toc." in n]
    assert toc and all(i > names.index(next(n for n in names if n.endswith(".seg"))) for i in toc)
    assert "ix" in names  # the folder, after the rename


def test_check_finds_nothing_after_builds_killed_at_any_moment(corpus, many, tmp_path):
    from index.check import check_index

    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    for delay in (0.3, 1.0, 2.0):
        proc = start_build(many, ix_dir)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        found = check_index(ix_dir)
        assert found.ok, found.problems()
        assert found.reports in (5, 245)


def test_a_truncated_segment_is_found_named_and_repaired(corpus, tmp_path):
    from web import create_app

    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    before = _xxgk("search", "信息公开", "--index", str(ix_dir), "--json")
    _truncate_a_segment(ix_dir)

    cli = _xxgk("search", "信息公开", "--index", str(ix_dir))
    assert cli.returncode == 2 and "damaged" in cli.stderr and "--check --repair" in cli.stderr
    assert "Traceback" not in cli.stderr
    with warnings.catch_warnings():
        # Whoosh leaves the damaged segment's file to the garbage collector when reading it fails
        warnings.simplefilter("ignore", ResourceWarning)
        client = create_app({"INDEX_DIR": str(ix_dir), "TESTING": True}).test_client()
        page = client.get("/", query_string={"q": "信息公开"})
        assert page.status_code == 503 and "索引文件已损坏" in page.text and "Traceback" not in page.text
        assert client.get("/api/search", query_string={"q": "信息公开"}).status_code == 503
        del client, page
        gc.collect()

    check = _xxgk("index", "--check", "--index", str(ix_dir))
    assert check.returncode == 2 and "truncated" in check.stderr
    repair = _xxgk("index", "--check", "--repair", "--corpus", str(corpus), "--index", str(ix_dir))
    assert repair.returncode == 0 and "no problem left" in repair.stdout
    after = _xxgk("search", "信息公开", "--index", str(ix_dir), "--json")
    assert after.stdout == before.stdout


def test_check_finds_and_repair_removes_a_second_document_for_a_report(corpus, tmp_path):
    from index.check import check_index, repair_index
    from index.reader import parse_file
    from index.store import acquire_writer, open_or_create, report_documents

    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    # an index written by an older version, without the refusal: the same report twice
    path = sorted(corpus.glob("*.txt"))[0]
    writer = acquire_writer(open_or_create(ix_dir), 1)
    for doc in report_documents(parse_file(path), str(path.resolve()), "0" * 64):
        writer.add_document(**doc)
    writer.commit()
    found = check_index(ix_dir)
    assert list(found.duplicates.values()) == [2]
    summary = repair_index(ix_dir, [corpus])
    assert summary.added == [str(path.resolve())]
    assert check_index(ix_dir).ok and len(_reports(ix_dir)) == 5 and _ids_are_unique(ix_dir)


def test_workers_die_with_a_killed_build_and_free_the_lock(many, tmp_path):
    ix_dir = tmp_path / "ix"
    proc = start_build(many, ix_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = _workers(proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # the kernel ends them with their parent (PR_SET_PDEATHSIG): no orphan goes on holding the lock
    waited = time.monotonic() + 60
    while any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in children):
        assert time.monotonic() < waited, "a worker outlived its build"
        time.sleep(0.05)
    summary = build_index([many], ix_dir, wait=30)  # the lock is free: the next build runs
    assert not summary.failed and len(_reports(ix_dir)) == len(list(many.rglob("*.txt")))


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"
