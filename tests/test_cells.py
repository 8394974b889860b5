"""Glued digit runs split by the format's arithmetic, and cell text read as numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.reader.tables.cells import glue, parse_number, split_free, split_rows


@pytest.mark.parametrize(
    "digits, row",
    [
        ("640020470", (64, 0, 0, 2, 0, 4, 70)),  # dev-0006 本年新收
        ("2200003", None),  # seven digits that do not add up: no reading
        ("0000000", (0, 0, 0, 0, 0, 0, 0)),
        ("21710000218", (217, 1, 0, 0, 0, 0, 218)),
    ],
)
def test_split_one_row(digits, row):
    found = split_rows(digits, frozenset(), 1, 7)
    assert found == ([row] if row else [])


def test_kept_spaces_are_boundaries():
    digits, cuts = glue(["20", "0", "00", "0", "121"])  # dev-0005 （七）总计
    assert split_rows(digits, cuts, 1, 7) == [(20, 0, 0, 0, 0, 1, 21)]


def test_review_row_of_fifteen():
    assert split_rows("10203120001200000", frozenset(), 3, 5) == [(1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)]


@given(st.lists(st.integers(0, 400), min_size=6, max_size=6))
def test_any_row_glued_is_read_back(cells):
    row = (*cells, sum(cells))
    digits = "".join(map(str, row))
    assert row in split_rows(digits, frozenset(), 1, 7)


def test_free_split_is_unique_or_refused():
    assert split_free("007", frozenset(), 3) == [(0, 0, 7)]
    assert len(split_free("693665", frozenset(), 3)) > 1


@pytest.mark.parametrize(
    "text, amount, value",
    [
        ("13", False, 13),
        ("2.9004", False, 2.9004),
        ("251000元", True, 25.1),
        ("12万元", True, 12),
        ("-185", False, -185),
    ],
)
def test_parse_number(text, amount, value):
    assert parse_number(text, amount=amount) == value


@pytest.mark.parametrize("text", ["", "规章", "1.属于国家秘密", "12件"])
def test_not_numbers(text):
    assert parse_number(text) is None
