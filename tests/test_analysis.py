"""Analysis: one normalisation everywhere, sequential positions, a domain dictionary that helps."""

from __future__ import annotations

import logging
from importlib import resources

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.analysis import normalize, normalize_with_offsets, segment

TERMS = resources.files("index").joinpath("data/userdict.txt").read_text(encoding="utf-8").split()


def test_dictionary_has_at_least_100_terms():
    assert len(TERMS) >= 100 and len(set(TERMS)) == len(TERMS)


@pytest.fixture(scope="module")
def plain_jieba():
    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()  # jieba's own dictionary only


@pytest.mark.parametrize("term", TERMS)
def test_each_term_changes_segmentation_for_the_better(plain_jieba, term):
    sentence = f"我们认为，{term}。"
    assert term not in plain_jieba.lcut(sentence, HMM=False), "jieba already keeps it whole: not needed"
    assert term in segment(normalize(sentence)), "the dictionary should keep it whole"


@pytest.mark.parametrize(
    "raw, norm",
    [
        ("２０２１年", "2021年"),
        ("政府信息公開", "政府信息公开"),
        ("更新 不\n及时", "更新不及时"),
        ("LED  Screen\tTV", "led screen tv"),
        ("  前后  ", "前后"),
    ],
)
def test_normalize(raw, norm):
    assert normalize(raw) == norm


def test_offsets_point_back_into_the_source():
    raw = "ＡＢ 政务　新媒体 更新"
    norm, offsets = normalize_with_offsets(raw)
    assert len(norm) == len(offsets)
    assert all(normalize(raw[o]) == norm[i] for i, o in enumerate(offsets) if norm[i] != " ")


def test_words_from_cached_runs_equal_jiebas_own_cut():
    # segment() takes each run's words from a cache; jieba cutting the whole text gives the same words
    from pathlib import Path

    from index.analysis import _WORDISH, jieba_tokenizer
    from index.reader import parse_file

    root = Path(__file__).resolve().parents[1] / "corpus"
    checked = 0
    for path in sorted(root.rglob("*.txt")):
        for text in parse_file(path).sections.values():
            norm = normalize(text)
            whole = [w for w in jieba_tokenizer().lcut(norm, HMM=False) if _WORDISH.search(w)]
            assert segment(norm) == whole
            checked += 1
    assert checked > 100


LAYOUT_CHARACTERS = list(" \t\n\u3000\u00a0abAB12公開，。（）:；—“”é")
SPACES_AND_NEIGHBOURS = st.text(alphabet=st.sampled_from(LAYOUT_CHARACTERS), max_size=60)


@settings(max_examples=500)
@given(SPACES_AND_NEIGHBOURS | st.text(max_size=60))
def test_normalize_equals_the_offset_building_form(text):
    assert normalize(text) == normalize_with_offsets(text)[0]


def test_fused_cut_equals_jiebas_cut_on_every_run_of_the_bundled_reports():
    from pathlib import Path

    from index.analysis import cut_run, jieba_tokenizer, pieces
    from index.reader import parse_file

    root = Path(__file__).resolve().parents[1] / "corpus"
    runs = {
        piece
        for path in sorted(root.rglob("*.txt"))
        for text in parse_file(path).sections.values()
        for piece in pieces(normalize(text))[1::2]
    }
    assert len(runs) > 1000
    for run in sorted(runs):
        assert cut_run(run) == jieba_tokenizer().lcut(run, HMM=False), run


RUN_CHARACTERS = list("政务公开信息更新不及时新媒体人员编制abc12-._%")


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(RUN_CHARACTERS), min_size=1, max_size=30))
def test_fused_cut_equals_jiebas_cut_on_any_run(run):
    from index.analysis import cut_run, jieba_tokenizer

    assert cut_run(run) == jieba_tokenizer().lcut(run, HMM=False)


# digits among the words that hold them (4s店, 1号店, 12345热线) and those that do not
DIGIT_RUN_CHARACTERS = list("政务公开申请件条年月号店热线4s0123456789.%-")


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(DIGIT_RUN_CHARACTERS), min_size=1, max_size=30))
def test_runs_cut_by_their_shape_equal_jiebas_cut(run):
    """A run is cut where the same run with its digits 0 is (a build shares those cuts): jieba's cut."""
    from index import analysis

    analysis._cut_lengths.cache_clear()
    zeroed = run.translate(analysis._ZEROED)
    assert analysis._cut_run_by_shape(zeroed) == analysis.jieba_tokenizer().lcut(zeroed, HMM=False)
    assert analysis._cut_run_by_shape(run) == analysis.jieba_tokenizer().lcut(run, HMM=False)


def test_words_of_a_run_with_other_digits_come_from_the_shared_cut():
    from index import analysis

    analysis._cut_lengths.cache_clear()
    first = analysis.words_of_piece("共受理申请42件其中1号店12345热线")
    assert first == tuple(analysis.jieba_tokenizer().lcut("共受理申请42件其中1号店12345热线", HMM=False))
    jieba = analysis.jieba_tokenizer()
    assert analysis.words_of_piece("本年共受理申请42件") == tuple(jieba.lcut("本年共受理申请42件", HMM=False))
    hits = analysis._cut_lengths.cache_info().hits
    assert analysis.words_of_piece("本年共受理申请97件") == tuple(jieba.lcut("本年共受理申请97件", HMM=False))
    assert "97" in analysis.words_of_piece("本年共受理申请97件")
    assert analysis._cut_lengths.cache_info().hits == hits + 2


def test_query_words_from_the_compiled_dictionary_equal_segment(tmp_path, monkeypatch):
    """A query is cut with the compiled dictionary (read in place, no jieba loaded): the same words."""
    from pathlib import Path

    from index import analysis
    from index.dictionary import ABSENT, CompiledDictionary, write_dictionary
    from index.reader import parse_file

    tok = analysis.jieba_tokenizer()
    tok.check_initialized()
    write_dictionary(tmp_path / "d.xdict", tok.FREQ, tok.total)
    compiled = CompiledDictionary(tmp_path / "d.xdict")
    memory = analysis._memory_dictionary()
    for word in [*list(tok.FREQ)[::97], "不在词典里的词", "政务新媒体", "政务新"]:
        assert compiled.get(word, ABSENT) == memory.get(word, ABSENT), word
    assert compiled.missing == memory.missing
    root = Path(__file__).resolve().parents[1] / "corpus"
    for path in sorted(root.glob("*.txt")):
        for text in parse_file(path).sections.values():
            norm = normalize(text)
            assert [w for p in analysis.pieces(norm) for w in analysis.words_of_piece(p, compiled)] == segment(norm)


WIDE_AND_TRADITIONAL = [*LAYOUT_CHARACTERS, *"ＡＢＣ１２３開門體ABCXYZ（），：；！？"]
LONG_TEXTS = st.text(alphabet=st.sampled_from(WIDE_AND_TRADITIONAL), min_size=256, max_size=800)


@settings(max_examples=200)
@given(LONG_TEXTS | st.text(min_size=256, max_size=600))
def test_long_texts_normalise_as_short_ones_do(text):
    # long texts are mapped through one table of code points; the offset-building form goes step by step
    assert normalize(text) == normalize_with_offsets(text)[0]


@settings(max_examples=200)
@given(LONG_TEXTS | st.text(min_size=256, max_size=600))
def test_long_texts_fold_as_step_by_step(text):
    from index.reader.text.normalize import fold, to_halfwidth, to_simplified

    assert fold(text) == to_simplified(to_halfwidth(text))
