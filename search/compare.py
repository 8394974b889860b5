"""Comparing two reports: sentences aligned per section, figures side by side, X1/X2 across years.

Sentences are split on 。！？； and line breaks and compared after normalisation
(index.analysis.normalize: punctuation width folded; closing punctuation dropped).
The two sections are aligned in document order: identical sentences are "same",
sentences whose character-bigram Jaccard similarity (numbering ignored) is at
least NEAR are "changed" (with a word-level diff), and the rest stand in their
place as only in A or only in B. Everything here is symmetric, so swapping A and
B mirrors the result.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import asdict
from difflib import SequenceMatcher

from index.analysis import normalize, segment
from index.reader.report import SECTIONS, Finding, Report
from index.reader.tables.layout import (
    APPLICATION_COLUMNS,
    ART20_ROWS,
    application_keys,
    figure_label,
    figure_table,
    review_keys,
)

# the format's own order of every figure: table 二's rows, then 三's, then 四's (2021's keys, then 2019's)
FIGURE_ORDER = {
    key: i
    for i, key in enumerate(
        dict.fromkeys(
            [k for t in ("2021", "2019") for row in ART20_ROWS[t] for k in row.keys]
            + application_keys("2021")
            + application_keys("2019")
            + review_keys()
        )
    )
}

NEAR = 0.5  # character-bigram Jaccard from which two sentences count as one sentence changed
_SPLIT = re.compile(r"(?<=[。！？；!?;])|\n")
_TRAILING = re.compile(r"[。！？；!?;，,、：:\s]+$")
_HAS_WORDS = re.compile(r"[\u4e00-\u9fff]")
OTHER_2021 = ("other.no_correction", "other.unpaid_fee", "other.other")
# Table 二 figures that mean the same in both formats (docs/report-format.md §2.5).
ART20_COMPARABLE = ("art20.licensing.decisions", "art20.penalty.decisions", "art20.enforcement.decisions")


_NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def sentences(text: str) -> list[str]:
    """Given a section text, return its sentences (those with Chinese words), stripped.

    Table rows are not sentences: tables are compared cell by cell (compare_figures).

    >>> sentences("一、总体情况\\n加强领导。完善制度；  \\n（一）予以公开\\t0\\t3\\n| 规章 | 0 | 0 |")
    ['一、总体情况', '加强领导。', '完善制度；']
    """
    out = []
    for line in text.split("\n"):
        if "\t" in line or line.count("|") >= 2 or (len(_NUMBERS.findall(line)) >= 3 and len(line) < 80):
            continue
        out += [s.strip() for s in _SPLIT.split(line) if _HAS_WORDS.search(s)]
    return out


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


_N = "一二三四五六七八九十"
_NUMBERING = re.compile(rf"^(?:[(（]?[{_N}\d]{{1,3}}[)）]|[{_N}]{{1,3}}是|[\d{_N}]{{1,3}}[、.．])\s*")


def _loose(key: str) -> str:
    """A sentence key without its leading numbering: （三）加强培训 and （五）加强培训 are one sentence moved."""
    return _NUMBERING.sub("", key)


def align(text_a: str, text_b: str) -> dict:
    """Given one section of each report, return its sentences aligned in document order, and similarity.

    `rows` walks both texts in order: a sentence in both (`same`), a sentence changed
    (`changed`, with its word diff), or a sentence only on one side (`only_a` / `only_b`)
    in its place. The alignment is the order-preserving pairing with the highest total
    similarity (identical sentences count most; pairs below NEAR are never made), with
    ties broken by the sentences' content, so swapping A and B mirrors it.
    """
    sa, sb = sentences(text_a), sentences(text_b)
    ka, kb = [sentence_key(s) for s in sa], [sentence_key(s) for s in sb]
    ga, gb = [bigrams(_loose(k)) for k in ka], [bigrams(_loose(k)) for k in kb]
    n, m = len(sa), len(sb)

    def weight(i: int, j: int) -> float | None:
        if ka[i] == kb[j]:
            return 2.0
        union = len(ga[i] | gb[j])
        sim = len(ga[i] & gb[j]) / union if union else 1.0
        if sim < NEAR:
            return None
        # a tiny tie-break from the pair's content, the same whichever side is A
        tie = zlib.crc32("\x00".join(sorted((ka[i], kb[j]))).encode()) / 2**32 * 1e-6
        return sim + tie

    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, up = best[i], best[i - 1]
        for j in range(1, m + 1):
            w = weight(i - 1, j - 1)
            row[j] = max(up[j], row[j - 1], up[j - 1] + w if w is not None else -1.0)
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while i and j:
        w = weight(i - 1, j - 1)
        if w is not None and abs(best[i][j] - (best[i - 1][j - 1] + w)) < 1e-12:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    pairs.reverse()

    rows: list[dict] = []
    same, changed, total_sim = [], [], 0.0
    ai = bj = 0
    for pi, pj in [*pairs, (n, m)]:
        rows += [{"kind": "only_a", "a": sa[x], "b": None} for x in range(ai, pi)]
        rows += [{"kind": "only_b", "a": None, "b": sb[y]} for y in range(bj, pj)]
        if pi < n and pj < m:
            a, b = sa[pi], sb[pj]
            if ka[pi] == kb[pj]:
                rows.append({"kind": "same", "a": a, "b": b})
                same.append(a)
                total_sim += 1.0
            else:
                sim = round(similarity(ka[pi], kb[pj]), 6)
                item = {"a": a, "b": b, "similarity": sim, "diff": word_diff(a, b)}
                rows.append({"kind": "changed", **item})
                changed.append(item)
                total_sim += sim
        ai, bj = pi + 1, pj + 1
    total = n + m
    return {
        "rows": rows,
        "same": same,
        "changed": changed,
        "only_a": [r["a"] for r in rows if r["kind"] == "only_a"],
        "only_b": [r["b"] for r in rows if r["kind"] == "only_b"],
        "similarity": round(2 * total_sim / total, 4) if total else 1.0,
    }


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
    """Given two reports, return every figure of either, cell by cell in the format's order (tables 二, 三,
    四), with its Chinese label, Δ (b − a) and % change."""
    fa, fb = comparable_figures(a), comparable_figures(b)
    out = []
    for key in sorted(set(fa) | set(fb), key=_format_order):
        va, vb = fa.get(key), fb.get(key)
        comparable = va is not None and vb is not None and _comparable(key, a.template, b.template)
        delta = round(vb - va, 6) if comparable else None
        pct = round(100 * delta / va, 2) if comparable and va else None
        out.append(
            {
                "key": key,
                "label": figure_label(key),
                "table": figure_table(key),
                "a": va,
                "b": vb,
                "delta": delta,
                "pct": pct,
                "comparable": comparable,
            }
        )
    return out


def _format_order(key: str) -> tuple:
    return (FIGURE_ORDER.get(key, len(FIGURE_ORDER)), key)


def change_list(sections: dict[str, dict], figures: list[dict], largest: int = 8) -> dict:
    """The summary at the top of a comparison: sentences changed / only in A / only in B (per section and in
    all), and the figures that changed most (by |Δ|)."""
    counts = {
        name: {k: sum(r["kind"] == k for r in sec["rows"]) for k in ("same", "changed", "only_a", "only_b")}
        for name, sec in sections.items()
    }
    totals = {k: sum(c[k] for c in counts.values()) for k in ("same", "changed", "only_a", "only_b")}
    moved = sorted((f for f in figures if f["delta"]), key=lambda f: (-abs(f["delta"]), f["key"]))
    return {
        **totals,
        "sections": counts,
        "figures_changed": sum(1 for f in figures if f["delta"]),
        "figures_not_comparable": sum(1 for f in figures if not f["comparable"]),
        "largest": [{k: f[k] for k in ("key", "label", "a", "b", "delta", "pct")} for f in moved[:largest]],
    }


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
    sections = {name: align(a.section(name), b.section(name)) for name in SECTIONS}
    figures = compare_figures(a, b)
    return {
        "a": meta(a),
        "b": meta(b),
        "summary": change_list(sections, figures),
        "sections": sections,
        "figures": figures,
        "findings": [asdict(f) | {"label": figure_label(f.location)} for f in year_checks(a, b)],
    }
