"""Each segment's text column holds exactly the normalised section texts, across merges and worker segments."""

from __future__ import annotations

import shutil

from index.analysis import normalize
from index.build import build_index
from index.textcolumn import TextColumn
from search.engine import SearchIndex
from search.matching import phrase_docs

from .conftest import CORPUS_FILES


def _column_texts(ix: SearchIndex) -> dict[int, bytes]:
    table = ix.table()
    column = TextColumn.open(table.reader)
    assert column is not None
    out = {}
    for d in range(table.count):
        i = max(k for k, base in enumerate(column._bases) if base <= d)
        source, start, offsets = column._parts[i]
        local = d - column._bases[i]
        out[d] = bytes(source[start + offsets[local] : start + offsets[local + 1]])
    return out


def _stored_texts(ix: SearchIndex) -> dict[int, bytes]:
    table = ix.table()
    out = {}
    for d in range(table.count):
        stored = table.searcher.stored_fields(d)
        out[d] = normalize(stored["text"]).encode() if stored.get("kind") == "section" else b""
    return out


def test_column_equals_the_stored_texts_after_a_merge(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS_FILES[:3]:
        shutil.copy(path, corpus / path.name)
    build_index([corpus], tmp_path / "ix")
    for path in CORPUS_FILES[3:]:  # a second commit: the small first segment is merged into the new one
        shutil.copy(path, corpus / path.name)
    (corpus / CORPUS_FILES[0].name).write_text(CORPUS_FILES[0].read_text(encoding="utf-8") + "补充。", encoding="utf-8")
    build_index([corpus], tmp_path / "ix")
    ix = SearchIndex.open(tmp_path / "ix")
    assert _column_texts(ix) == _stored_texts(ix)


def test_column_of_worker_segments(tmp_path):
    from bench.synth import SyntheticCorpus

    SyntheticCorpus(seed=2).write(220, tmp_path / "synth")  # above the worker threshold: two segments
    build_index([tmp_path / "synth"], tmp_path / "ix", procs=2)
    ix = SearchIndex.open(tmp_path / "ix")
    assert len(ix.ix._segments()) == 2
    assert _column_texts(ix) == _stored_texts(ix)


def test_positions_and_column_agree(built_index):
    table = built_index.table()
    texts = table.text_column
    for phrase in ("信息公开", "政务新媒体", "更新不及时", "进一步加强", "主动公开意识有待", "不存在的短语组合"):
        norm = normalize(phrase)
        assert phrase_docs(table.reader, norm, None, texts) == phrase_docs(table.reader, norm, None, None), phrase


def test_scan_and_candidates_skip_deleted_documents(tmp_path, monkeypatch):
    import index.writer

    monkeypatch.setattr(index.writer, "SMALL_SEGMENT", 0)  # keep every segment, with its deletions
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS_FILES:
        shutil.copy(path, corpus / path.name)
    build_index([corpus], tmp_path / "ix")
    changed = corpus / CORPUS_FILES[0].name
    changed.write_text(changed.read_text(encoding="utf-8") + "信息公开补充说明。", encoding="utf-8")
    build_index([corpus], tmp_path / "ix")  # the old version is deleted in the first segment
    ix = SearchIndex.open(tmp_path / "ix")
    table = ix.table()
    assert len(ix.ix._segments()) == 2 and table.reader.has_deletions()
    texts = table.text_column
    for phrase in ("信息公开", "公开", "政务新媒体"):
        norm = normalize(phrase)
        truth = phrase_docs(table.reader, norm, None, None)
        assert texts.scan(norm) == truth, phrase
        assert (
            texts.containing(
                set(range(table.count)) - {d for d in range(table.count) if table.reader.is_deleted(d)}, norm
            )
            == truth
        )
