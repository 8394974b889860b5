"""Analysis: one normalisation everywhere, sequential positions, a domain dictionary that helps."""

from __future__ import annotations

import logging
from importlib import resources

import jieba
import pytest

from index.analysis import BigramAnalyzer, WordAnalyzer, normalize, normalize_with_offsets, segment

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


def test_word_positions_are_sequential():
    text = "本年度，依申请公开工作稳步推进；政务新媒体更新不及时。"
    tokens = [(t.text, t.pos, t.startchar) for t in WordAnalyzer()(text, positions=True, chars=True)]
    assert [pos for _, pos, _ in tokens] == list(range(len(tokens)))
    assert ("政务新媒体", 4, 16) in tokens  # a position is a token count, not a character offset


def test_bigram_positions_are_character_positions():
    tokens = [(t.text, t.pos) for t in BigramAnalyzer()("信息公開　更新", positions=True)]
    assert tokens == [("信息", 0), ("息公", 1), ("公开", 2), ("开更", 3), ("更新", 4), ("新", 5)]


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


def test_word_tokens_from_cached_runs_equal_jiebas_own_cut():
    # the words field takes each run's words from segment()'s cache; jieba cutting the whole text gives the same
    from pathlib import Path

    from index.analysis import WordTokenizer
    from index.reader import parse_file

    tok = WordTokenizer()
    root = Path(__file__).resolve().parents[1] / "corpus"
    checked = 0
    for path in sorted(root.rglob("*.txt")):
        for text in parse_file(path).sections.values():
            cached = [(t.text, t.pos) for t in tok(text, positions=True)]
            whole = [(t.text, t.pos) for t in tok(text, positions=True, chars=True)]  # jieba on the whole text
            assert cached == whole
            checked += 1
    assert checked > 100
