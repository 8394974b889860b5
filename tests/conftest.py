"""Shared paths, fixtures and process helpers: the bundled corpus, real builds and real servers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from index.reader.parse import parse_file

# Tests never depend on the machine's speed: no deadline and no too-slow health check on
# CPU-bound properties, and no example database carried from one run to the next.
settings.register_profile("xxgk", deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("xxgk")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
# The 20 development reports are bundled (corpus/dev, with their MANIFEST), and the published
# PDF with its figures (corpus/pdf): tests need nothing outside the repository.
DEV_CORPUS = CORPUS / "dev"
PDF_CORPUS = CORPUS / "pdf"

CORPUS_FILES = sorted(CORPUS.glob("*.txt"))  # the five seed reports at the top of corpus/
DEV_FILES = sorted(DEV_CORPUS.glob("*.txt"))
PDF_FILES = sorted(PDF_CORPUS.glob("*.pdf"))


def corpus_file(prefix: str) -> Path:
    """Given the start of a bundled report's file name, return its path."""
    (path,) = [p for p in CORPUS_FILES if p.name.startswith(prefix)]
    return path


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    """An index of the bundled corpus and, when present, the development corpus (built once)."""
    from index.build import build_index
    from search.engine import SearchIndex

    path = tmp_path_factory.mktemp("index")
    summary = build_index([CORPUS], path)  # seeds, dev reports and the PDF
    assert not summary.failed
    return SearchIndex.open(path)


@pytest.fixture(scope="session")
def indexed_reports():
    """Every indexed report, parsed, by id."""
    return {r.id: r for r in map(parse_file, CORPUS_FILES + DEV_FILES + PDF_FILES)}


@pytest.fixture(scope="session")
def corpus_reports():
    return {p.name: parse_file(p) for p in CORPUS_FILES}


@pytest.fixture(scope="session")
def dev_reports():
    if not DEV_FILES:
        pytest.skip("../shared/corpus-dev is not present")
    return {p.name: parse_file(p) for p in DEV_FILES}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_build(folder: Path, index: Path, *options: str, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
    """Start `xxgk index` on a folder in a process of its own (a real second build, or one to kill)."""
    return subprocess.Popen(
        [sys.executable, "-m", "xxgk", "index", "--corpus", str(folder), "--index", str(index), "--quiet", *options],
        cwd=ROOT,
        stdout=stdout,
        stderr=stderr,
        text=True,
    )


@contextmanager
def served(index: Path, *options: str, stderr=subprocess.DEVNULL) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run `xxgk serve` on a free port until the block ends; yield its base URL and process once it answers.

    With stderr=subprocess.PIPE, the server's error output can be read from the process after the block.
    """
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "xxgk", "serve", "--index", str(index), "--port", str(port), *options],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(1200):  # waits for start-up only (up to 2 minutes on a busy machine), ends when it answers
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except urllib.error.HTTPError:
            break  # it answered (a damaged index answers 503)
        except OSError:
            time.sleep(0.1)
    try:
        yield base, proc
    finally:
        proc.terminate()
        proc.wait()


def child_pids(pid: int) -> list[int]:
    """The processes a process started (its workers), from /proc."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.fixture(scope="session")
def cluster_url():
    """A real two-node OpenSearch cluster on loopback (tools/cluster.py): the one .ci/run started, else
    started here and stopped at the end. Skips only when the machine has no Java."""
    from tools import cluster

    if cluster.health() is None:
        if cluster.java_home() is None:
            pytest.skip("no Java on this machine: the OpenSearch backend's tests need Java 17 (set JAVA_HOME)")
        cluster.start(2)
        started = True
    else:
        started = False
    cluster.wait_green(2)
    yield ",".join(cluster.url(i) for i in range(2))
    if started:
        cluster.stop()


@pytest.fixture(scope="session")
def cluster_index(cluster_url):
    """The bundled corpus indexed on the cluster (an index prefix of this run's own, dropped at the end)."""
    import os

    from search.opensearch.backend import OpenSearchBackend
    from search.opensearch.build import build_remote

    backend = OpenSearchBackend(cluster_url, prefix=f"xxgk-test-{os.getpid()}")
    backend.drop()
    summary = build_remote([CORPUS], backend)
    assert not summary.failed, summary.failed
    yield backend
    backend.drop()


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server for the session (skipped, with the reason, where none can be started)."""
    from .postgres import postgres_server

    try:
        with postgres_server() as url:
            yield url
    except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", "") or ""
        pytest.skip(f"no PostgreSQL server could be started here: {exc} {detail}".strip())


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty review database on SQLite and on PostgreSQL, one per test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'review.sqlite'}"
    from .postgres import fresh_database

    server = request.getfixturevalue("postgres_url")
    return fresh_database(server, f"t{abs(hash(request.node.nodeid)) % 10**12}")
