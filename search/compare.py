"""Comparing two reports: sentences aligned per section, figures side by side, X1/X2 across years.

Sentences are split on 。！？； and line breaks and compared after normalisation
(index.analysis.normalize, closing punctuation dropped). A sentence found in
both is "same"; of the rest, pairs whose character-bigram Jaccard similarity
is at least NEAR are "changed" (paired greedily, most similar first, with a
word-level diff); the others are only in A or only in B. Everything here is
symmetric, so swapping A and B mirrors the result.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict
from difflib import SequenceMatcher

from index.analysis import normalize, segment
from index.reader.report import SECTIONS, Finding, Report
from index.reader.tables.layout import APPLICATION_COLUMNS

NEAR = 0.5  # character-bigram Jaccard from which two sentences count as one sentence changed
_SPLIT = re.compile(r"(?<=[。！？；!?;])|\n")
_TRAILING = re.compile(r"[。！？；!?;，,、：:\s]+$")
_HAS_WORDS = re.compile(r"[\u4e00-\u9fff]")
OTHER_2021 = ("other.no_correction", "other.unpaid_fee", "other.other")
# Table 二 figures that mean the same in both formats (docs/report-format.md §2.5).
ART20_COMPARABLE = ("art20.licensing.decisions", "art20.penalty.decisions", "art20.enforcement.decisions")


def sentences(text: str) -> list[str]:
    """Given a section text, return its sentences (those with Chinese words), stripped.

    >>> sentences("一、总体情况\\n加强领导。完善制度；  \\n0\\t0")
    ['一、总体情况', '加强领导。', '完善制度；']
    """
    return [s.strip() for s in _SPLIT.split(text) if _HAS_WORDS.search(s)]


def sentence_key(sentence: str) -> str:
    """The form two sentences are compared in: normalised, closing punctuation dropped."""
    return _TRAILING.sub("", normalize(sentence))


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of two normalised texts' character bigrams (symmetric)."""
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / len(x | y) if x or y else 1.0


def word_diff(a: str, b: str) -> list[list[str]]:
    """Given two sentences, return [op, text in a, text in b] runs of their jieba words.

    >>> word_diff("加强政务新媒体管理", "加强政府网站管理")
    [['equal', '加强', '加强'], ['replace', '政务新媒体', '政府网站'], ['equal', '管理', '管理']]
    """
    wa, wb = _words(a), _words(b)
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        out.append([op, "".join(wa[i1:i2]), "".join(wb[j1:j2])])
    return out


def _words(sentence: str) -> list[str]:
    norm = normalize(sentence)
    words, pos = [], 0
    for w in segment(norm):  # keep what segment() drops (punctuation) attached, so runs rebuild the text
        at = norm.find(w, pos)
        if at > pos:
            words.append(norm[pos:at])
        words.append(w)
        pos = at + len(w)
    if pos < len(norm):
        words.append(norm[pos:])
    return words


def align(text_a: str, text_b: str) -> dict:
    """Given one section of each report, return its same / changed / only_a / only_b sentences and similarity."""
    sa, sb = sentences(text_a), sentences(text_b)
    ka, kb = [sentence_key(s) for s in sa], [sentence_key(s) for s in sb]
    common = Counter(ka) & Counter(kb)
    left = Counter(common)
    same, rest_a = [], []
    for s, k in zip(sa, ka, strict=True):
        if left[k]:
            left[k] -= 1
            same.append(s)
        else:
            rest_a.append((s, k))
    left = Counter(common)
    rest_b = []
    for s, k in zip(sb, kb, strict=True):
        if left[k]:
            left[k] -= 1
        else:
            rest_b.append((s, k))
    pairs = sorted(
        (
            (round(similarity(x[1], y[1]), 6), min(x[1], y[1]), max(x[1], y[1]), i, j)
            for i, x in enumerate(rest_a)
            for j, y in enumerate(rest_b)
        ),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    used_a, used_b, changed = set(), set(), []
    for score, _, _, i, j in pairs:
        if score < NEAR:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        a, b = rest_a[i][0], rest_b[j][0]
        changed.append({"a": a, "b": b, "similarity": score, "diff": word_diff(a, b)})
    changed.sort(key=lambda c: sa.index(c["a"]))
    only_a = [s for i, (s, _) in enumerate(rest_a) if i not in used_a]
    only_b = [s for j, (s, _) in enumerate(rest_b) if j not in used_b]
    total = len(sa) + len(sb)
    score = (2 * len(same) + 2 * sum(c["similarity"] for c in changed)) / total if total else 1.0
    return {"same": same, "changed": changed, "only_a": only_a, "only_b": only_b, "similarity": round(score, 4)}


def comparable_figures(report: Report) -> dict[str, float]:
    """Given a report, return its figures plus, for the 2021 format, （六）其他处理 summed as in 2019."""
    figures = dict(report.figures)
    for col in APPLICATION_COLUMNS:
        parts = [figures.get(f"applications.{row}.{col}") for row in OTHER_2021]
        if all(p is not None for p in parts):
            figures[f"applications.other.{col}"] = sum(parts)
    return figures


def _comparable(key: str, template_a: str, template_b: str) -> bool:
    if template_a == template_b:
        return True
    if key.startswith("art20."):
        return key in ART20_COMPARABLE
    return not any(key.startswith(f"applications.{row}.") for row in OTHER_2021)


def compare_figures(a: Report, b: Report) -> list[dict]:
    """Given two reports, return every figure of either, side by side with Δ (b − a) and % change."""
    fa, fb = comparable_figures(a), comparable_figures(b)
    out = []
    for key in sorted(set(fa) | set(fb)):
        va, vb = fa.get(key), fb.get(key)
        comparable = va is not None and vb is not None and _comparable(key, a.template, b.template)
        delta = round(vb - va, 6) if comparable else None
        pct = round(100 * delta / va, 2) if comparable and va else None
        out.append({"key": key, "a": va, "b": vb, "delta": delta, "pct": pct, "comparable": comparable})
    return out


def year_checks(a: Report, b: Report) -> list[Finding]:
    """Given two reports of the same agency in consecutive years (either order), return X1 and X2 findings."""
    if not (a.agency and b.agency and normalize(a.agency) == normalize(b.agency)):
        return []
    if a.year is None or b.year is None or abs(a.year - b.year) != 1:
        return []
    old, new = (a, b) if a.year < b.year else (b, a)
    findings = []
    for col in APPLICATION_COLUMNS:
        forward = old.figures.get(f"applications.carried_forward.{col}")
        over = new.figures.get(f"applications.carried_over.{col}")
        if forward is not None and over is not None and forward != over:
            findings.append(
                Finding(
                    "X1",
                    "warning",
                    f"{new.year}年上年结转（{col}）{_n(over)} ≠ {old.year}年结转下年度 {_n(forward)}",
                    f"applications.carried_over.{col}",
                    forward,
                    over,
                )
            )
    for item in ("regulations", "normative"):
        keys = [f"art20.{item}.{k}" for k in ("in_force", "issued", "repealed")]
        before, (now, issued, repealed) = old.figures.get(keys[0]), (new.figures.get(k) for k in keys)
        if None in (before, now, issued, repealed):
            continue
        expected = before + issued - repealed
        if expected != now:
            findings.append(
                Finding(
                    "X2",
                    "warning",
                    f"{item} 现行有效件数 {_n(now)}，按上年 {_n(before)} + 制发 {_n(issued)} − 废止 {_n(repealed)} "
                    f"应约为 {_n(expected)}（软性检查）",
                    keys[0],
                    expected,
                    now,
                )
            )
    return findings


def _n(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def meta(report: Report) -> dict:
    return {
        "id": report.id,
        "agency": report.agency,
        "year": report.year,
        "template": report.template,
        "title": report.title,
        "source": report.source,
    }


def compare(a: Report, b: Report) -> dict:
    """Given two reports, return their comparison as a plain dict (the JSON of `xxgk compare`)."""
    return {
        "a": meta(a),
        "b": meta(b),
        "sections": {name: align(a.section(name), b.section(name)) for name in SECTIONS},
        "figures": compare_figures(a, b),
        "findings": [asdict(f) for f in year_checks(a, b)],
    }
