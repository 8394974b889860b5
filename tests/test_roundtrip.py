"""Figures rendered in the national format and parsed back: exact for tab tables, never wrong when glued."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synth import SyntheticCorpus
from index.reader.parse import parse_text

CORPUS = SyntheticCorpus(seed=3)


@settings(max_examples=60)
@given(st.integers(0, 10**6))
def test_rendered_tables_parse_back_exactly(i):
    rep = CORPUS.report(i)
    report = parse_text(rep.text)
    assert (report.agency, report.year, report.template) == (rep.agency, rep.year, rep.template)
    assert report.figures == rep.figures
    # the synthetic narrative recombines real sentences with random tables, so only the rules on the
    # text (T…, and the office's P…) may disagree; the tables themselves must raise nothing
    assert [f for f in report.findings if not f.rule.startswith(("T", "P"))] == [] and report.split


@settings(max_examples=60)
@given(st.integers(0, 10**6), st.randoms(use_true_random=False))
def test_glued_tables_are_read_right_or_left_out(i, rng: random.Random):
    rep = CORPUS.report(i)
    # a crawler flattening the page: tabs vanish, sometimes a space survives
    glued = re.sub(r"\t+", lambda m: " " if rng.random() < 0.1 else "", rep.text).replace("\n", "")
    report = parse_text(glued)
    tables = [k for k in report.figures if not k.startswith("art20.")]
    assert all(report.figures[k] == rep.figures[k] for k in tables)
    assert not [f for f in report.findings if f.severity == "error"]
