"""The fast segment writer and fields write exactly what Whoosh's own writer and analyzers would."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

import index.writer
from index.analysis import BigramAnalyzer, WordAnalyzer
from index.fields import GramsField, PositionArray, WordsField
from index.reader.parse import parse_file
from index.store import INDEX_NAME, report_documents, schema
from index.writer import FastSegmentWriter
from search.columns import column_values, field_lengths
from search.postings import read_postings

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
        out["lengths"] = [
            (d, reader.doc_field_length(d, "text"), reader.doc_field_length(d, "grams"))
            for d in range(reader.doc_count_all())
        ]
    return out


def test_fast_writer_writes_what_whooshs_writer_writes(tmp_path):
    docs = _documents(CORPUS_FILES + DEV_FILES[:5])
    fast = _contents(_write(tmp_path / "fast", FastSegmentWriter, docs))
    stock = _contents(_write(tmp_path / "stock", SegmentWriter, docs))
    assert fast.keys() == stock.keys()
    assert any(len(postings) > 8 for postings in fast.values())  # lists of several blocks were compared
    for key in stock:
        assert fast[key] == stock[key], key


def _segment_per_report(folder, monkeypatch):
    """An index of the bundled reports, one segment each, with a deleted document in each."""
    monkeypatch.setattr(index.writer, "SMALL_SEGMENT", 0)  # keep every commit's segment
    folder.mkdir()
    ix = whoosh_index.create_in(folder, schema(), indexname=INDEX_NAME)
    for path in CORPUS_FILES:
        writer = FastSegmentWriter(ix, codec=W3Codec(blocklimit=4))
        for doc in _documents([path]):
            writer.add_document(**doc)
        writer.commit()
    writer = FastSegmentWriter(ix)
    writer.delete_by_term("section", "problems")
    writer.commit()
    return ix


def test_whole_posting_lists_equal_whooshs_matchers_across_segments_and_deletions(tmp_path, monkeypatch):
    ix = _segment_per_report(tmp_path / "ix", monkeypatch)
    with ix.reader() as reader:
        assert len(list(reader.leaf_readers())) == len(CORPUS_FILES)
        assert reader.has_deletions()
        for term in ("公开", "信息", "更新", "。"):
            m = reader.postings("grams", term)
            expected = []
            while m.is_active():
                expected.append((m.id(), m.weight(), m.value()))
                m.next()
            got = read_postings(reader, "grams", term, values=True, weights=True)
            assert list(zip(got.ids, got.weights, got.values, strict=True)) == expected


def test_whole_columns_equal_whooshs_values_one_by_one(tmp_path, monkeypatch):
    ix = _segment_per_report(tmp_path / "ix", monkeypatch)
    writer = FastSegmentWriter(ix)  # and a segment without some columns, ending in default values
    writer.add_document(kind="section", report_id="x", section="other", text="附：说明。", year=2021)
    writer.add_document(kind="section", report_id="x", section="review", text="无。")
    writer.commit()
    with ix.reader() as reader:
        assert not all(leaf.has_column("agency") for leaf, _ in reader.leaf_readers())
        for name in ("section", "year", "agency", "template", "report_id"):
            # each segment's own reader: the multi-segment one leaves out segments without the column
            expected = [value for leaf, _ in reader.leaf_readers() for value in leaf.column_reader(name)]
            assert column_values(reader, name) == expected, name
        lengths = [reader.doc_field_length(d, "text") or 0 for d in range(reader.doc_count_all())]
        assert field_lengths(reader, "text") == lengths and len(set(lengths)) > 10


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


@pytest.mark.parametrize("path", CORPUS_FILES + DEV_FILES, ids=lambda p: p.name)
def test_fields_index_what_their_analyzers_yield(path):
    for text in parse_file(path).sections.values():
        grams = defaultdict(list)
        for t in BigramAnalyzer()(text, positions=True):
            grams[t.text].append(t.pos)
        fmt = PositionArray()
        got = {tb.decode(): (freq, list(fmt.decode_positions(v))) for tb, freq, _, v in GramsField().index(text)}
        assert got == {g: (len(p), p) for g, p in grams.items()}
        words = Counter(t.text for t in WordAnalyzer()(text))
        assert {tb.decode(): freq for tb, freq, _, _ in WordsField().index(text)} == words
