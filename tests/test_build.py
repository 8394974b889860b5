"""Building the index: incremental by content, one bad file never stops a batch, crash- and lock-safe."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
from whoosh import index as whoosh_index

from bench.synth import SyntheticCorpus
from index.build import build_index, indexed_reports
from index.check import check_index, repair_index
from index.reader.parse import parse_file
from index.store import IndexBusy, IndexDamaged, IndexOutdated, acquire_writer, open_index
from search.engine import SearchIndex, match_keys, search
from search.filters import Filters

from .conftest import CORPUS_FILES, ROOT, start_build


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in CORPUS_FILES:
        shutil.copy(path, folder / path.name)
    return folder


def report_total(ix) -> int:
    with ix.searcher() as s:
        return len(list(s.document_numbers(kind="report")))  # doc_frequency would count deleted ones


def test_incremental_by_content(corpus, tmp_path):
    ix_dir = tmp_path / "ix"
    assert build_index([corpus], ix_dir).counts() == dict(added=5, updated=0, unchanged=0, removed=0, failed=0)
    assert build_index([corpus], ix_dir).counts()["unchanged"] == 5

    changed = sorted(corpus.glob("*.txt"))[0]
    addition = "\n附：本报告新增一段关于档案数字化的说明。"
    changed.write_text(changed.read_text(encoding="utf-8") + addition, encoding="utf-8")
    (sorted(corpus.glob("*.txt"))[1]).unlink()
    assert build_index([corpus], ix_dir, dry_run=True, prune=True).counts() == dict(
        added=0, updated=1, unchanged=3, removed=1, failed=0
    )
    # a deleted file's report stays until removal is asked for
    summary = build_index([corpus], ix_dir)
    assert summary.counts() == dict(added=0, updated=1, unchanged=3, removed=0, failed=0)
    assert report_total(open_index(ix_dir)) == 5
    summary = build_index([corpus], ix_dir, prune=True)
    assert summary.counts() == dict(added=0, updated=0, unchanged=4, removed=1, failed=0)
    ix = open_index(ix_dir)
    assert report_total(ix) == 4
    assert search(ix, "档案数字化")["total"] == 1
    with ix.searcher() as s:  # no stale section documents of the replaced or removed versions
        ids = {s.stored_fields(d)["report_id"] for d in s.document_numbers(kind="section")}
        assert ids == {rid for _, rid in indexed_reports(ix).values()}


def test_one_bad_file_never_stops_the_batch_nor_loses_the_old_version(corpus, tmp_path):
    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    target = corpus / CORPUS_FILES[0].name
    target.write_bytes(b"\x00\x01binary now")  # an indexed report turns bad
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "new.txt").write_text(CORPUS_FILES[1].read_text(encoding="utf-8") + "另附新内容。", encoding="utf-8")
    summary = build_index([corpus], ix_dir)
    assert {(os.path.basename(f), reason) for f, reason in summary.failed} == {
        (target.name, "binary file (a NUL byte at byte 0)"),
        ("empty.txt", "empty file"),
    }
    assert summary.added == [str((corpus / "new.txt").resolve())]
    ix = open_index(ix_dir)
    assert str(target.resolve()) in indexed_reports(ix)  # the last good version stays
    assert report_total(ix) == 6


def test_identical_files_are_indexed_once(corpus, tmp_path):
    shutil.copy(CORPUS_FILES[0], corpus / "copy.txt")
    summary = build_index([corpus], tmp_path / "ix")
    assert len(summary.duplicates) == 1 and len(summary.added) == 5


def test_second_writer_waits_then_says_why(corpus, tmp_path):
    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    ix = open_index(ix_dir)
    holder = acquire_writer(ix, wait=0)
    try:
        (corpus / "new.txt").write_text(CORPUS_FILES[0].read_text(encoding="utf-8") + "新增。", encoding="utf-8")
        started = time.monotonic()
        with pytest.raises(IndexBusy, match="another process is writing the index"):
            build_index([corpus], ix_dir, wait=0.5)
        assert time.monotonic() - started >= 0.5
        cli = subprocess.run(
            [sys.executable, "-m", "xxgk", "index", "--corpus", str(corpus), "--index", str(ix_dir), "--wait", "0"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert cli.returncode == 3
        assert "another process is writing the index" in cli.stderr and "Traceback" not in cli.stderr
    finally:
        holder.cancel()
    assert build_index([corpus], ix_dir).counts()["added"] == 1


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    SyntheticCorpus(seed=11).write(240, folder)  # above MP_THRESHOLD: built by worker processes
    return folder


def test_killed_build_leaves_the_previous_index_searchable(corpus, synthetic, tmp_path):
    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    before = search(open_index(ix_dir), "公开")["total"]
    both = tmp_path / "both"
    shutil.copytree(corpus, both / "corpus")
    shutil.copytree(synthetic, both / "synth")
    for delay in (0.5, 1.5, 3.0, 5.0):
        proc = start_build(both, ix_dir)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        ix = open_index(ix_dir)
        total = search(ix, "公开")["total"]
        assert report_total(ix) in (5, 245)  # all of the old state or all of the new, never half
        assert total == before or report_total(ix) == 245
    summary = build_index([both], ix_dir, wait=5)  # the killed writer's lock died with it
    assert not summary.failed
    assert len(summary.duplicates) == 5  # the first corpus's reports, indexed already from their old place
    assert report_total(open_index(ix_dir)) == 245


def test_searches_during_a_build_see_the_last_commit(corpus, synthetic, tmp_path):
    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    log = tmp_path / "build.log"
    with log.open("w") as stream:
        proc = start_build(synthetic, ix_dir, stderr=stream)
    try:
        seen = set()
        while proc.poll() is None:
            ix = open_index(ix_dir)
            seen.add(report_total(ix))
            search(ix, "公开")
            time.sleep(0.2)
        assert proc.returncode == 0, log.read_text()
        assert seen <= {5, 245}  # another folder indexed beside the first: nothing of the first removed
        assert 5 in seen  # searched while the build ran
    finally:
        if proc.poll() is None:
            proc.kill()
    assert report_total(open_index(ix_dir)) == 245


def test_threads_share_a_generations_facts_and_see_the_next_commit(corpus, tmp_path):
    """Each thread searches with its own searcher over the lists of the generation, read
    once; after a commit, the same open index answers from the new generation's lists."""
    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    index = SearchIndex.open(ix_dir)
    tables = []

    def look() -> None:  # each thread reads the lists while the others do
        table = index.table()
        tables.append((table.searcher, table.report_of, table.agencies))

    threads = [threading.Thread(target=look) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    searchers, report_ofs, agencies = zip(*tables, strict=True)
    assert len(set(map(id, searchers))) == 4
    assert len(set(map(id, report_ofs))) == 1 and len(set(map(id, agencies))) == 1

    changed = next(corpus.glob("2022-*.txt"))  # one with an agency in its title
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附：档案数字化的说明。", encoding="utf-8")
    assert build_index([corpus], ix_dir).counts()["updated"] == 1
    table = index.table()
    assert table.report_of is not report_ofs[0]
    (hit,) = search(index, "档案数字化", by_report=True)["hits"]
    report = parse_file(changed)
    assert hit["report_id"] == report.id and hit["agency"] == report.agency
    filtered = search(index, "公开", Filters(agency=report.agency, year_from=2022, year_to=2022), by_report=True)
    assert [h["report_id"] for h in filtered["hits"]] == [report.id]
    assert filtered["hits"][0]["sections"] == sorted(s for s, text in report.sections.items() if "公开" in text)


def test_an_open_index_after_a_merging_commit_sees_exactly_the_new_state(corpus, tmp_path):
    """Small segments are merged into the next commit's: the open index must not keep the old one."""
    ix_dir = tmp_path / "ix"
    late = sorted(corpus.glob("*.txt"))[-1]
    late.rename(tmp_path / late.name)
    build_index([corpus], ix_dir)
    index = SearchIndex.open(ix_dir)
    assert search(index, "公开", by_report=True)["reports"] == 4
    (tmp_path / late.name).rename(late)
    assert build_index([corpus], ix_dir).counts()["added"] == 1
    with open_index(ix_dir).searcher() as fresh:
        assert len(list(fresh.reader().leaf_readers())) == 1  # the first segment was merged away
    result = search(index, "公开", by_report=True)
    assert result["reports"] == 5 == report_total(open_index(ix_dir))
    assert result == search(SearchIndex.open(ix_dir), "公开", by_report=True)


def test_worker_processes_build_what_one_process_builds(synthetic, tmp_path):
    import index.build

    assert len(list(synthetic.rglob("*.txt"))) >= index.build.MP_THRESHOLD
    workers = build_index([synthetic], tmp_path / "two", procs=2)
    alone = build_index([synthetic], tmp_path / "one", procs=1)
    assert workers.counts() == alone.counts() and workers.counts()["added"] == 240
    two, one = open_index(tmp_path / "two"), open_index(tmp_path / "one")
    assert len(two._segments()) == 2 and len(one._segments()) == 1
    for query in ("公开", "政务新媒体 培训", "更新不及时"):
        assert match_keys(two, query) == match_keys(one, query)


def test_a_failing_worker_commits_nothing(synthetic, corpus, tmp_path, monkeypatch):
    import index.build

    ix_dir = tmp_path / "ix"
    build_index([corpus], ix_dir)
    victim = sorted(synthetic.rglob("*.txt"))[-1]
    real = index.build.report_documents

    def documents(report, source, digest, name=None):  # the forked workers inherit this
        if source == str(victim):
            raise OSError("disk full")  # not the file's fault: the whole batch stops
        return real(report, source, digest, name)

    monkeypatch.setattr(index.build, "report_documents", documents)
    with pytest.raises(RuntimeError, match="an indexing process failed: OSError: disk full"):
        build_index([corpus, synthetic], ix_dir)
    assert report_total(open_index(ix_dir)) == 5
    monkeypatch.setattr(index.build, "report_documents", real)
    assert build_index([corpus, synthetic], ix_dir, wait=5).counts()["added"] == 240


def test_an_index_of_an_older_version_is_rebuilt_not_misread(tmp_path, corpus):
    from whoosh.fields import ID, TEXT, Schema

    ix_dir = tmp_path / "ix"
    ix_dir.mkdir()
    old = whoosh_index.create_in(ix_dir, Schema(kind=ID(stored=True), grams=TEXT(phrase=True)), indexname="MAIN")
    with old.writer() as writer:
        writer.add_document(kind="section", grams="公开")
    (ix_dir / "format").write_text("2\n", encoding="utf-8")
    with pytest.raises(IndexOutdated, match="built by an earlier version"):
        open_index(ix_dir)
    # never started anew in silence: only when a rebuild is asked for
    with pytest.raises(IndexOutdated, match="xxgk index --rebuild"):
        build_index([corpus], ix_dir)
    assert build_index([corpus], ix_dir, rebuild=True).counts()["added"] == 5
    assert report_total(open_index(ix_dir)) == 5


def test_an_index_without_its_format_file_is_damage_not_a_new_index(tmp_path, corpus):
    # an index of two corpus folders, its format file deleted: a build from one folder must not start it anew
    second = tmp_path / "second"
    second.mkdir()
    (second / "other.txt").write_text(next(corpus.glob("*.txt")).read_text(encoding="utf-8") + "\n另一份。", "utf-8")
    ix_dir = tmp_path / "ix"
    assert build_index([corpus, second], ix_dir).counts()["added"] == 6
    (ix_dir / "format").unlink()
    with pytest.raises(IndexDamaged, match="--check --repair"):
        build_index([second], ix_dir)
    with pytest.raises(IndexDamaged):
        open_index(ix_dir)
    found = check_index(ix_dir)
    assert not found.ok and found.format == "missing or unreadable"
    repair_index(ix_dir)  # from the corpus folders the index records
    assert check_index(ix_dir).ok and report_total(open_index(ix_dir)) == 6


def test_index_files_are_whoosh(tmp_path, corpus):
    build_index([corpus], tmp_path / "ix")
    assert whoosh_index.exists_in(tmp_path / "ix", indexname="MAIN")


def test_large_builds_commit_in_batches(corpus, tmp_path, monkeypatch):
    import index.build

    monkeypatch.setattr(index.build, "BATCH", 2)
    ix_dir = tmp_path / "ix"
    summary = build_index([corpus], ix_dir)
    assert summary.counts()["added"] == 5
    ix = open_index(ix_dir)
    assert report_total(ix) == 5
    assert ix.latest_generation() >= 3  # 2 + 2 + 1 files: three commits
    monkeypatch.setattr(index.build, "BATCH", 5000)
    build_index([corpus], tmp_path / "one")
    assert match_keys(ix, "公开") == match_keys(open_index(tmp_path / "one"), "公开")
