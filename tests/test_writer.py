"""The fast segment writer writes exactly what Whoosh's own writer would: stored documents and ID postings."""

from __future__ import annotations

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

import index.writer
from index.part import kept_in_part
from index.reader.parse import parse_file
from index.store import INDEX_NAME, report_documents, schema
from index.writer import PART_ONLY, FastSegmentWriter

from .conftest import CORPUS_FILES, DEV_FILES


def _documents(files) -> list[dict]:
    return [doc for path in files for doc in report_documents(parse_file(path), str(path), "hash")]


def _write(folder, writer_class, docs) -> object:
    folder.mkdir()
    ix = whoosh_index.create_in(folder, schema(), indexname=INDEX_NAME)
    # tiny blocks, so that posting lists span many blocks
    writer = writer_class(ix, codec=W3Codec(blocklimit=4))
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return ix


def _contents(ix) -> dict:
    """Every term's postings (doc, weight, value), every stored document and every field length."""
    out: dict = {}
    with ix.reader() as reader:
        for fieldname, tbytes in reader.all_terms():
            m = reader.postings(fieldname, tbytes)
            items = []
            while m.is_active():
                items.append((m.id(), m.weight(), m.value()))
                m.next()
            out[fieldname, tbytes] = items
        out["stored"] = list(reader.iter_docs())
    return out


def _as_whoosh_sees_them(doc: dict) -> dict:
    """A document as the fast writer passes it to Whoosh: what the part keeps left out."""
    out = {k: v for k, v in doc.items() if k not in PART_ONLY}
    if "record" in out:
        out["record"] = kept_in_part(out["record"])
        assert out["record"]["figures"] is None and "body" not in out["record"]
    return out


def test_fast_writer_writes_what_whooshs_writer_writes(tmp_path):
    docs = _documents(CORPUS_FILES + DEV_FILES[:5])
    fast = _contents(_write(tmp_path / "fast", FastSegmentWriter, docs))
    stock = _contents(_write(tmp_path / "stock", SegmentWriter, [_as_whoosh_sees_them(d) for d in docs]))
    assert fast.keys() == stock.keys()
    assert any(len(postings) > 8 for postings in fast.values())  # lists of several blocks were compared
    for key in stock:
        assert fast[key] == stock[key], key


def test_small_segments_are_merged_and_large_ones_kept(tmp_path, monkeypatch):
    folder = tmp_path / "ix"
    folder.mkdir()
    ix = whoosh_index.create_in(folder, schema(), indexname=INDEX_NAME)

    def commit(paths):
        writer = FastSegmentWriter(ix)
        for doc in _documents(paths):
            writer.add_document(**doc)
        writer.commit()
        return [s.doc_count_all() for s in ix._segments()]

    monkeypatch.setattr(index.writer, "SMALL_SEGMENT", 10)
    large = commit(CORPUS_FILES[:3])  # one segment of ~24 documents: large
    assert len(large) == 1 and large[0] >= 10
    assert len(commit(CORPUS_FILES[3:4])) == 2
    assert len(commit(CORPUS_FILES[4:5])) == 2, "the two small segments were merged, the large one kept"
