"""The Whoosh index on disk: its schema, opening it, and the one-writer-at-a-time lock.

Each report is stored as one "report" document (its whole parsed record, figures
included) and one "section" document per non-empty section, carrying the report's
metadata. Whoosh indexes only the IDs builds look reports up by; what a search reads
is in each segment's part (index/part.py), written beside the segment.
"""

from __future__ import annotations

import contextlib
import pickle
import re
import struct
import time
import zlib
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.fields import ID, STORED, Schema
from whoosh.index import LockError

from . import mapped
from .part import PartError
from .reader.report import Report
from .writer import FastSegmentWriter

INDEX_NAME = "MAIN"


def _cached_reader(self, fieldname, column):
    """W3PerDocReader._cached_reader that also remembers a missing column.

    Whoosh asks for the length column of every posting while writing a segment,
    and for fields without lengths (the numeric figures, IDs) it looked for the
    file on disk each time: millions of stat calls on a large build.
    """
    try:
        return self._readers[fieldname]
    except KeyError:
        pass
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    self._readers[fieldname] = reader
    return reader


W3PerDocReader._cached_reader = _cached_reader
mapped.install()


class IndexBusy(Exception):
    """Another process is writing to the index."""


class IndexMissing(Exception):
    """There is no index at the given directory."""


class IndexOutdated(IndexMissing):
    """The index was written by an earlier version: it must be rebuilt from its corpus (`xxgk index --rebuild`)."""


class IndexDamaged(Exception):
    """The index's own files (its format file, its table of contents) are missing or damaged: a build must not
    start a new index over it, or the reports it holds would be lost in silence; `xxgk index --check --repair`."""


# What reading a truncated or corrupted index file raises: a searcher meeting one answers
# that the index is damaged (xxgk index --check --repair), never with a traceback.
DAMAGE_ERRORS = (EOFError, struct.error, zlib.error, pickle.UnpicklingError, PartError, IndexDamaged)


def schema() -> Schema:
    """Return the index schema: stored documents and the ID fields builds look reports up by.

    What a search reads (texts, grams, words, figures, per-document facts) is in each
    segment's part (index/part.py), not in Whoosh's postings; so are the stored texts
    (a section's `text`, a record's `body`), which the writer passes to the part only.
    """
    return Schema(
        kind=ID(stored=True),  # "report" or "section"
        report_id=ID(stored=True),
        source=ID(stored=True),
        hash=STORED(),
        section=STORED(),
        agency=STORED(),
        year=STORED(),
        template=STORED(),
        title=STORED(),
        record=STORED(),
    )


def report_documents(report: Report, source: str, digest: str, name: str | None = None) -> list[dict]:
    """Given a parsed report, return the documents that represent it.

    `source` (the file's full path) keys the report for builds; what readers see as its
    source is `name`, the file's name relative to its corpus folder: no server path is shown.
    The figures are in the record (the part reads them from there).
    """
    common = {
        "report_id": report.id,
        "source": source,
        "agency": report.agency or "",
        "year": report.year,
        "template": report.template,
    }
    if report.year is None:
        del common["year"]
    record = report.to_json() | {"body": report.body, "spans": report.spans, "source": name or Path(source).name}
    del record["sections"]
    docs = [{**common, "kind": "report", "hash": digest, "record": record, "title": report.title}]
    for name, text in report.sections.items():
        if text.strip():
            docs.append({**common, "kind": "section", "section": name, "text": text})
    return docs


# Raised when what is indexed changes (the normalisation, a field): an index written by an
# earlier version is rebuilt by the next `xxgk index`, never searched with other rules.
# 3: punctuation width folded; 4: text columns; 5: search parts (index/part.py); 6: texts in them;
# 7: the records' figures in them; 8: a cell printed blank has no figure (only `blank`), records keep origins;
# 9: the office's checks (P1–P7) among the findings; 10: when a report was published (`published`); 11: the
# statistics table before 2019 (`legacy.…`), U1, and scanned tables read cell by cell
INDEX_FORMAT = "11"
FORMAT_FILE = "format"


def written_format(path: Path | str) -> str | None:
    """The index format the folder's format file names (None when it is missing, unreadable or not one)."""
    try:
        written = (Path(path) / FORMAT_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return written if written.isdigit() and len(written) <= 4 else None


def is_current(ix) -> bool:
    """Whether an index was written with this version's schema and normalisation."""
    return written_format(ix.storage.folder) == INDEX_FORMAT and "grams" not in ix.schema


def holds_index(path: Path | str) -> bool:
    """Whether a folder holds an index's files (its table of contents, or segments without one)."""
    folder = Path(path)
    try:
        return any(p.name.startswith((f"_{INDEX_NAME}_", f"{INDEX_NAME}_")) for p in folder.iterdir())
    except OSError:
        return False


def open_index(path: Path | str):
    """Given an index directory, return the open index; IndexMissing if there is none, IndexOutdated for one an
    earlier version wrote, IndexDamaged when its format file is missing or damaged."""
    path = Path(path)
    if not whoosh_index.exists_in(path, indexname=INDEX_NAME):
        raise IndexMissing(f"no index at {path}: build one with `xxgk index`")
    written = written_format(path)
    if written is None:
        raise IndexDamaged(f"the index at {path} has no readable format file: run `xxgk index --check --repair`")
    ix = whoosh_index.open_dir(path, indexname=INDEX_NAME)
    if not is_current(ix):
        raise IndexOutdated(f"the index at {path} was built by an earlier version: rebuild it (`xxgk index --rebuild`)")
    return ix


def open_or_create(path: Path | str, wait: float = 10.0, rebuild: bool = False):
    """Given an index directory, return its index, creating it if there is none.

    A folder that holds an index is never started anew in silence: one an earlier version wrote is
    replaced only with `rebuild` (IndexOutdated otherwise), and one whose format file or table of
    contents is missing or damaged raises IndexDamaged (check and repair it) unless `rebuild` says to
    start again."""
    path = Path(path)
    if whoosh_index.exists_in(path, indexname=INDEX_NAME):
        written = written_format(path)
        if written is None and not rebuild:
            raise IndexDamaged(
                f"the index at {path} has no readable format file (deleted or damaged): "
                f"run `xxgk index --check --repair --index {path}`"
            )
        try:
            ix = whoosh_index.open_dir(path, indexname=INDEX_NAME)
        except (*DAMAGE_ERRORS, OSError, ValueError, KeyError) as exc:
            if not rebuild:
                raise IndexDamaged(
                    f"the index at {path} has a table of contents that cannot be read ({type(exc).__name__}): "
                    f"run `xxgk index --check --repair --index {path}`"
                ) from None
            ix = None
        if ix is not None and is_current(ix) and not rebuild:
            return ix
        if not rebuild:
            raise IndexOutdated(
                f"the index at {path} was built by an earlier version (format {written}, now {INDEX_FORMAT}): "
                f"rebuild it from its corpus with `xxgk index --rebuild --index {path}`"
            )
        if ix is not None:
            acquire_writer(ix, wait).cancel()  # replaced under the write lock, so no build is running on it
        clear_index(path)
    elif holds_index(path) and not rebuild:
        raise IndexDamaged(
            f"the index at {path} has segments but no readable table of contents: "
            f"run `xxgk index --check --repair --index {path}`"
        )
    path.mkdir(parents=True, exist_ok=True)
    (path / FORMAT_FILE).write_text(INDEX_FORMAT + "\n", encoding="utf-8")  # before the TOC readers look for
    return whoosh_index.create_in(path, schema(), indexname=INDEX_NAME)


def remove_orphans(ix) -> list[str]:
    """Remove segment files no table of contents names (a build that failed left them: a full disk, a kill);
    call with the write lock held. Returns the names removed."""
    folder = Path(ix.storage.folder)
    try:
        live = {s.segment_id() for s in ix._segments()}
    except Exception:  # a table of contents that cannot be read: nothing is known to be an orphan
        return []
    pattern = re.compile(rf"^({INDEX_NAME}_[0-9a-z]+)\.")
    removed = []
    for p in folder.iterdir():
        m = pattern.match(p.name)
        if m and m.group(1) not in live and p.is_file():
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p.name)
    return removed


def clear_index(path: Path | str) -> None:
    """Remove an index's own files (its table of contents, segments, parts and checksums); what is kept
    beside it — the extraction cache, the corpus list, the aliases — stays."""
    from .durable import CHECKSUMS

    folder = Path(path)
    for p in folder.iterdir():
        if p.is_file() and (p.name.startswith((INDEX_NAME, f"_{INDEX_NAME}")) or p.name in (CHECKSUMS, FORMAT_FILE)):
            p.unlink()


def acquire_writer(ix, wait: float, **kwargs):
    """Given an index, return a writer, waiting up to `wait` seconds for another writer to finish."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return FastSegmentWriter(ix, **kwargs)
        except LockError:
            if time.monotonic() >= deadline:
                raise IndexBusy(
                    f"another process is writing the index in {ix.storage.folder}; "
                    "wait for it to finish (or pass a longer --wait)"
                ) from None
            time.sleep(0.2)
