"""Each segment's search part holds exactly what its documents say: texts, bigram positions, words,
facts and figures, across merges, worker segments and deletions."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict

import numpy as np
import pytest

from index.analysis import normalize, segment
from index.build import build_index
from index.grams import key_gram
from index.part import PartBuilder, SegmentPart
from index.reader.parse import parse_file
from index.reader.report import SECTIONS, TEMPLATES
from index.store import report_documents
from search.engine import SearchIndex
from search.matching import phrase_docs, segment_phrase_docs

from .conftest import CORPUS_FILES, DEV_FILES


def _documents(files) -> list[dict]:
    return [doc for path in files for doc in report_documents(parse_file(path), str(path), "hash")]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    docs = _documents(CORPUS_FILES + DEV_FILES[:6])
    builder = PartBuilder()
    for doc in docs:
        builder.add(doc)
    path = tmp_path_factory.mktemp("part") / "one.xsp"
    builder.write(path)
    return docs, SegmentPart(path)


def _texts(docs) -> list[str]:
    return [normalize(d["text"]) if d["kind"] == "section" else "" for d in docs]


def test_texts_and_where_each_starts(written):
    docs, part = written
    texts = _texts(docs)
    assert part.count == len(docs)
    assert [part.text_bytes(i).decode("utf-8") for i in range(part.count)] == texts
    assert np.diff(part.char_start.astype(np.int64)).tolist() == [len(t) + 1 for t in texts]


def test_every_gram_with_its_documents_and_positions(written):
    docs, part = written
    expected_positions: dict[str, list[int]] = defaultdict(list)
    expected_docs: dict[str, list[int]] = defaultdict(list)
    for d, text in enumerate(_texts(docs)):
        base = int(part.char_start[d])
        for i in range(len(text)):
            gram = text[i : i + 2]  # the last character alone
            expected_positions[gram].append(base + i)
            if not expected_docs[gram] or expected_docs[gram][-1] != d:
                expected_docs[gram].append(d)
    grams = [key_gram(int(k)) for k in part.gram_key]
    assert grams == sorted(expected_positions, key=lambda g: (ord(g[0]), ord(g[1]) if len(g) > 1 else 0x110000))
    for i, gram in enumerate(grams):
        assert part.gram_positions(i).tolist() == expected_positions[gram], gram
        assert part.gram_docs(i).tolist() == expected_docs[gram], gram


def test_every_word_with_its_documents_and_frequencies(written):
    docs, part = written
    expected: dict[str, dict[int, int]] = defaultdict(dict)
    lengths = []
    for d, text in enumerate(_texts(docs)):
        words = segment(text) if text else []
        lengths.append(len(words))
        for word, n in Counter(words).items():
            expected[word][d] = n
    assert part["word_len"].tolist() == lengths
    assert part.words == len(expected)
    for word, postings in expected.items():
        i = part.word(word)
        assert i >= 0, word
        found, tf = part.word_postings(i)
        assert dict(zip(found.tolist(), tf.tolist(), strict=True)) == postings, word
    assert part.word("不在词表里的词") == -1


def test_facts_and_figures_of_every_document(written):
    docs, part = written
    agencies, reports = part.meta["agencies"], part.meta["reports"]
    for d, doc in enumerate(docs):
        assert part["kind"][d] == (doc["kind"] == "section")
        assert part["section"][d] == (SECTIONS.index(doc["section"]) if doc["kind"] == "section" else -1)
        assert part["year"][d] == (doc.get("year") or 0)
        assert part["template"][d] == TEMPLATES.index(doc["template"])
        assert (agencies[part["agency"][d]] if part["agency"][d] >= 0 else "") == doc["agency"]
        assert reports[part["report"][d]] == doc["report_id"]
    figures = defaultdict(dict)
    for d, doc in enumerate(docs):
        if doc["kind"] == "report":
            for key, value in doc["record"]["figures"].items():
                figures[key][d] = float(value)
    assert part.meta["figures"] == sorted(figures)
    for key, values in figures.items():
        found, numbers = part.figure(key)
        assert dict(zip(found.tolist(), numbers.tolist(), strict=True)) == values, key
    assert len(part.figure("applications.no_such_key")[0]) == 0


def _exactly(figures: dict) -> list:
    return [(k, type(v), v) for k, v in figures.items()]


def test_each_reports_figures_read_back_as_its_record_held_them(written):
    """Whoosh stores a record without its figures (index/part.py kept_in_part): the part gives them back,
    the same keys in the same order, ints as ints and floats as floats."""
    docs, part = written
    reports = [(d, doc) for d, doc in enumerate(docs) if doc["kind"] == "report"]
    assert any(type(v) is float for _, doc in reports for v in doc["record"]["figures"].values())
    for d, doc in reports:
        assert _exactly(part.figures_of(d)) == _exactly(doc["record"]["figures"])
    assert all(part.figures_of(d) == {} for d, doc in enumerate(docs) if doc["kind"] == "section")


def _records_equal_the_parsed_reports(ix, folder) -> None:
    from search.reports import all_records

    records = {r["source"]: r for r in all_records(ix)}
    paths = sorted(folder.rglob("*.txt"))
    assert len(records) == len(paths)
    for path in paths:
        name = path.relative_to(folder).as_posix()
        want = report_documents(parse_file(path), str(path), "hash", name)[0]["record"]
        got = records[name]
        assert got == want, name
        assert [k for k in got if k != "body"] == [k for k in want if k != "body"]  # the figures in their place
        assert _exactly(got["figures"]) == _exactly(want["figures"]), name


PHRASES = ["信息公开", "政务新媒体", "更新不及时", "公开", "的", "情况。", "2021", "不存在的短语组合"]


@pytest.mark.parametrize("phrase", PHRASES)
def test_phrase_by_positions_equals_a_scan_and_a_text_search(written, phrase):
    docs, part = written
    norm = normalize(phrase)
    truth = [d for d, text in enumerate(_texts(docs)) if norm in text]
    assert segment_phrase_docs(part, norm).tolist() == truth
    every = np.arange(part.count)
    assert part.containing(every, norm.encode("utf-8")).tolist() == truth
    some = every[::3]
    assert segment_phrase_docs(part, norm, some).tolist() == [d for d in truth if d % 3 == 0]


def _part_texts(ix: SearchIndex) -> list[bytes]:
    g = ix.table().generation
    return [s.part.text_bytes(i) for s in g.segments for i in range(s.count)]


def _stored_texts(ix: SearchIndex) -> list[bytes]:
    table = ix.table()
    out = []
    for d in range(table.count):
        stored = table.stored(d)
        out.append(normalize(stored["text"]).encode() if stored.get("kind") == "section" else b"")
    return out


def test_parts_equal_the_stored_texts_after_a_merge(tmp_path):
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
    assert len(ix.ix._segments()) == 1
    assert _part_texts(ix) == _stored_texts(ix)
    _records_equal_the_parsed_reports(ix, corpus)


def test_parts_of_worker_segments(tmp_path):
    from bench.synth import SyntheticCorpus

    SyntheticCorpus(seed=2).write(220, tmp_path / "synth")  # above the worker threshold: two segments
    build_index([tmp_path / "synth"], tmp_path / "ix", procs=2)
    ix = SearchIndex.open(tmp_path / "ix")
    assert len(ix.ix._segments()) == 2
    assert _part_texts(ix) == _stored_texts(ix)
    _records_equal_the_parsed_reports(ix, tmp_path / "synth")


def test_generation_facts_equal_the_stored_documents_across_segments_and_deletions(tmp_path, monkeypatch):
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
    g = table.generation
    assert len(g.segments) == 2 and table.reader.has_deletions()
    names, agency = g.agencies
    ids, report = g.reports
    for d in range(g.count):
        stored = table.searcher.stored_fields(d)
        assert g.live[d] == (not table.reader.is_deleted(d))
        assert g.kind[d] == (stored["kind"] == "section")
        assert (SECTIONS[g.section[d]] if g.section[d] >= 0 else None) == stored.get("section")
        assert g.year[d] == (stored.get("year") or 0)
        assert (names[agency[d]] if agency[d] >= 0 else "") == stored["agency"]
        assert ids[report[d]] == stored["report_id"]
        if g.live[d]:
            rdoc = g.report_of[d]
            assert table.searcher.stored_fields(int(rdoc))["report_id"] == stored["report_id"]
    texts = _stored_texts(ix)
    for phrase in ("信息公开", "公开", "政务新媒体", "补充说明"):
        truth = [d for d, t in enumerate(texts) if g.live[d] and phrase.encode() in t]
        assert phrase_docs(g, phrase).tolist() == truth, phrase
        sections = g.sections_live
        assert phrase_docs(g, phrase, sections[::2]).tolist() == [d for d in truth if d in set(sections[::2])]
