"""The Whoosh index on disk: its schema, opening it, and the one-writer-at-a-time lock.

Each report is stored as one "report" document (its whole parsed record, figures
included) and one "section" document per non-empty section, carrying the report's
metadata. Whoosh indexes only the IDs builds look reports up by; what a search reads
is in each segment's part (index/part.py), written beside the segment.
"""

from __future__ import annotations

import pickle
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

# What reading a truncated or corrupted index file raises: a searcher meeting one answers
# that the index is damaged (xxgk index --check --repair), never with a traceback.
DAMAGE_ERRORS = (EOFError, struct.error, zlib.error, pickle.UnpicklingError, PartError)


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
# 7: the records' figures in them; 8: a cell printed blank has no figure (only `blank`), records keep origins
INDEX_FORMAT = "8"
FORMAT_FILE = "format"


def is_current(ix) -> bool:
    """Whether an index was written with this version's schema and normalisation."""
    try:
        written = (Path(ix.storage.folder) / FORMAT_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return written == INDEX_FORMAT and "grams" not in ix.schema


def open_index(path: Path | str):
    """Given an index directory, return the open index; IndexMissing if there is none (or an outdated one)."""
    path = Path(path)
    if not whoosh_index.exists_in(path, indexname=INDEX_NAME):
        raise IndexMissing(f"no index at {path}: build one with `xxgk index`")
    ix = whoosh_index.open_dir(path, indexname=INDEX_NAME)
    if not is_current(ix):
        raise IndexMissing(f"the index at {path} was built by an older version: rebuild it with `xxgk index`")
    return ix


def open_or_create(path: Path | str, wait: float = 10.0):
    """Given an index directory, return its index, creating it (or replacing an outdated one) if needed."""
    path = Path(path)
    if whoosh_index.exists_in(path, indexname=INDEX_NAME):
        ix = whoosh_index.open_dir(path, indexname=INDEX_NAME)
        if is_current(ix):
            return ix
        # An outdated index is replaced under the write lock, so no build is running on it.
        acquire_writer(ix, wait).cancel()
    path.mkdir(parents=True, exist_ok=True)
    (path / FORMAT_FILE).write_text(INDEX_FORMAT + "\n", encoding="utf-8")  # before the TOC readers look for
    return whoosh_index.create_in(path, schema(), indexname=INDEX_NAME)


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
