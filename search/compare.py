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
from collections import Counter
from dataclasses import asdict
from difflib import SequenceMatcher
from functools import cache

from index.analysis import normalize, segment
from index.reader.audit.rules import location_label
from index.reader.report import (
    ABSENT,
    BLANK,
    PRINTED,
    SECTIONS,
    STATE_NAMES,
    UNREAD,
    Finding,
    Report,
    number_delta,
    number_text,
)
from index.reader.tables.layout import (
    APPLICATION_COLUMNS,
    ART20_ITEM_NAMES,
    ART20_ROWS,
    COLUMN_NAMES,
    application_keys,
    figure_label,
    figure_table,
    review_keys,
)
from index.reader.text.agency import agency_key

from . import budget

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


TABLE_SECTIONS = ("active", "applications", "review", "statistics")
# sentences a section may have on each side for the alignment (n × m pairs weighed): real parts have tens; a
# pasted text of thousands would cost minutes, so beyond this the section is compared by identical sentences only
MAX_ALIGN = 200_000  # compared cell by cell (compare_figures), not as text
_HEADING = re.compile(r"^[一二三四五六七八九十]、")
_NARRATIVE = re.compile(r"[。；！？]$|[，,].*[。；]?")


def narrative(sentences_: list[str]) -> list[str]:
    """Of a table section's sentences, the narrative ones: sentences of the text, not the table's captions,
    header words and labels (which a report prints as lines of their own), nor a table a crawled page ran
    into one line (its labels and digits: many runs of numbers)."""
    return [
        s
        for s in sentences_
        if _NARRATIVE.search(s) and len(_HAS_WORDS.findall(s)) >= 8 and len(_NUMBERS.findall(s)) < 6
    ]


def align(text_a: str, text_b: str, table: bool = False) -> dict:
    """Given one section of each report, return its sentences aligned in document order, and similarity.

    `rows` walks both texts in order: a sentence in both (`same`), a sentence changed
    (`changed`, with its word diff), or a sentence only on one side (`only_a` / `only_b`)
    in its place. The alignment is the order-preserving pairing with the highest total
    similarity (identical sentences count most; pairs below NEAR are never made), with
    ties broken by the sentences' content, so swapping A and B mirrors it.
    """
    sa, sb = sentences(text_a), sentences(text_b)
    if table:  # a table section's text: its narrative only (the table is compared cell by cell)
        sa, sb = narrative(sa), narrative(sb)
    ka, kb = [sentence_key(s) for s in sa], [sentence_key(s) for s in sb]
    n, m = len(sa), len(sb)
    if n * m > MAX_ALIGN:
        return _too_long(sa, sb, ka, kb)
    ga, gb = [bigrams(_loose(k)) for k in ka], [bigrams(_loose(k)) for k in kb]

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
        budget.check()  # a request's time is bounded even below the cap
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
    # the similarity of what was said: a part's heading line is not a sentence of it, and a part of one
    # sentence a side has no similarity worth a percentage
    headings = sum(1 for r in rows if r["kind"] == "same" and _HEADING.match(r["a"]))
    said_a, said_b = n - sum(1 for x in sa if _HEADING.match(x)), m - sum(1 for x in sb if _HEADING.match(x))
    total = n + m - 2 * headings
    return {
        "rows": rows,
        "same": same,
        "changed": changed,
        "only_a": [r["a"] for r in rows if r["kind"] == "only_a"],
        "only_b": [r["b"] for r in rows if r["kind"] == "only_b"],
        "similarity": round(2 * (total_sim - headings) / total, 4) if total and said_a > 1 and said_b > 1 else None,
    }


def _too_long(sa: list[str], sb: list[str], ka: list[str], kb: list[str]) -> dict:
    """A section too long to align sentence by sentence: what is identical on both sides, counted, and said."""
    in_a, in_b = Counter(ka), Counter(kb)
    left, same = Counter(kb), []
    for sentence, key in zip(sa, ka, strict=True):
        if left[key] > 0:
            same.append(sentence)
            left[key] -= 1
    said = f"这一部分句子过多（A {len(sa)} 句、B {len(sb)} 句），未逐句对齐"
    return {
        "rows": [],
        "same": same,
        "changed": [],
        "only_a": [s for s, k in zip(sa, ka, strict=True) if k not in in_b],
        "only_b": [s for s, k in zip(sb, kb, strict=True) if k not in in_a],
        "similarity": None,
        "too_long": f"{said}，只比较了完全相同的句子（{len(same)} 句）",
    }


def comparable_figures(report: Report) -> dict[str, tuple[float | None, str, bool]]:
    """Given a report, return {key: (number or None, state, inferred)} of every cell read (printed or blank),
    plus, for the 2021 format, （六）其他处理 summed as in 2019 (a number only when all three parts were
    printed; computed, so marked inferred: the report did not print it)."""
    inferred = set(report.inferred)
    cells = {k: (v, PRINTED, k in inferred) for k, v in report.figures.items()}
    cells |= {k: (None, BLANK, k in inferred) for k in report.blank}
    if report.template != "2021":
        return cells
    for col in APPLICATION_COLUMNS:
        parts = [cells.get(f"applications.{row}.{col}", (None, UNREAD, False)) for row in OTHER_2021]
        states = {state for _, state, _ in parts}
        if states == {PRINTED}:
            cells[f"applications.other.{col}"] = (sum(v for v, _, _ in parts), PRINTED, True)
        elif UNREAD not in states:
            cells[f"applications.other.{col}"] = (None, BLANK, True)
    return cells


def _comparable(key: str, template_a: str, template_b: str) -> bool:
    if template_a == template_b:
        return True
    if key.startswith("art20."):
        return key in ART20_COMPARABLE
    return not any(key.startswith(f"applications.{row}.") for row in OTHER_2021)


def compare_figures(a: Report, b: Report) -> list[dict]:
    """Given two reports, return every figure of either, cell by cell in the format's order (tables 二, 三,
    四), with its Chinese label, each side's number and state (printed, blank, unread), Δ (b − a) and %.

    Only two printed numbers are compared: a side printed blank or not read has no Δ and no %, and
    `why` says why the pair is not compared."""
    fa, fb = comparable_figures(a), comparable_figures(b)
    ka, kb = format_keys(a.template), format_keys(b.template)
    out = []
    for key in sorted(set(fa) | set(fb), key=_format_order):
        (va, sa, ia), (vb, sb, ib) = fa.get(key, (None, UNREAD, False)), fb.get(key, (None, UNREAD, False))
        sa, sb = (ABSENT if s == UNREAD and key not in k else s for s, k in ((sa, ka), (sb, kb)))
        same_format = _comparable(key, a.template, b.template)
        comparable = same_format and sa == PRINTED and sb == PRINTED
        delta = number_delta(va, vb) if comparable else None
        pct = round(100 * delta / va, 2) if comparable and va else None
        out.append(
            {
                "key": key,
                "label": figure_label(key),
                "table": figure_table(key),
                "a": va,
                "b": vb,
                "a_state": sa,
                "b_state": sb,
                "a_inferred": ia,
                "b_inferred": ib,
                "a_corrected": key in a.corrected,  # a reviewer's number, not the report's (review/corrections.py)
                "b_corrected": key in b.corrected,
                "delta": delta,
                "pct": pct,
                "comparable": comparable,
                "why": None if comparable else ("格式不同，不可比" if not same_format else _why(sa, sb)),
            }
        )
    return out


def _why(sa: str, sb: str) -> str:
    sides = [f"{side} {STATE_NAMES[state].strip('（）')}" for side, state in (("A", sa), ("B", sb)) if state != PRINTED]
    return "，".join(sides) + "，不计变化"


@cache
def format_keys(template: str) -> frozenset[str]:
    """Every figure a format's tables have (none for a report before 2019 or of an unknown format)."""
    if template not in ART20_ROWS:
        return frozenset()
    keys = [k for row in ART20_ROWS[template] for k in row.keys] + application_keys(template) + review_keys()
    if template == "2021":  # （六）其他处理 summed as 2019 prints it, to compare across the formats
        keys += [f"applications.other.{c}" for c in APPLICATION_COLUMNS]
    return frozenset(keys)


def _format_order(key: str) -> tuple:
    return (FIGURE_ORDER.get(key, len(FIGURE_ORDER)), key)


# table 二's money (万元): compared, but never ranked with counts of cases and documents
AMOUNTS = frozenset({"art20.fees.amount", "art20.procurement.amount"})


def change_list(sections: dict[str, dict], figures: list[dict], largest: int = 8) -> dict:
    """The summary at the top of a comparison: sentences changed / only in A / only in B (per section and in
    all), and the counts that changed most (by |Δ|; money in 万元 is not a count and is not ranked with them)."""
    counts = {name: {k: len(sec[k]) for k in ("same", "changed", "only_a", "only_b")} for name, sec in sections.items()}
    totals = {k: sum(c[k] for c in counts.values()) for k in ("same", "changed", "only_a", "only_b")}
    counted = (f for f in figures if f["delta"] and f["key"] not in AMOUNTS)
    moved = sorted(counted, key=lambda f: (-abs(f["delta"]), f["key"]))
    return {
        **totals,
        "sections": counts,
        "figures_changed": sum(1 for f in figures if f["delta"]),
        "figures_same": sum(1 for f in figures if f["comparable"] and not f["delta"]),
        "figures_not_comparable": sum(1 for f in figures if not f["comparable"]),
        "largest": [
            {k: f[k] for k in ("key", "label", "table", "a", "b", "delta", "pct", "a_inferred", "b_inferred")}
            for f in moved[:largest]
        ],
    }


def year_checks(a: Report, b: Report, same_agency: bool | None = None) -> list[Finding]:
    """Given two reports of the same agency in consecutive years (either order), return X1, X2 and X3 findings.

    Whether they are one agency's is the caller's to say (search/identity.py); by default, by the rules'
    agency key. Only printed numbers are checked: a year printed blank or not read is a gap, never a 0."""
    if same_agency is None:
        same_agency = a.agency is not None and agency_key(a.agency) == agency_key(b.agency)
    if not same_agency:
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
                    f"{new.year} 年报告的“上年结转·{COLUMN_NAMES[col]}”为 {number_text(over)}，"
                    f"{old.year} 年报告的“结转下年度继续办理·{COLUMN_NAMES[col]}”为 {number_text(forward)}，两者应相等",
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
                    f"{ART20_ITEM_NAMES[item]}现行有效件数 {number_text(now)}，按上年 {number_text(before)} + "
                    f"本年制发 {number_text(issued)} − 本年废止 {number_text(repealed)} 应约为 {number_text(expected)}"
                    "（软性检查）",
                    keys[0],
                    expected,
                    now,
                )
            )
    return findings + _repeated_part5(old, new)


REPEAT_SHARE = 0.5  # part 五 with at least this share of last year's sentences is 年年雷同 (F2021 一(五))
REPEAT_MIN = 3  # sentences: a part 五 of one or two sentences is P4's (too short), not this
_SENTENCE_WORDS = 12  # Chinese characters below which a line is a heading or a formula, not a statement
# a numbered heading (五、存在的主要问题及改进情况, （一）存在的问题): the same every year by the format
_PART_HEADING = re.compile(r"^[（(]?[一二三四五六七八九十]+[)）、.．]\s*\S{0,20}$")


def _part5(report: Report) -> list[str]:
    found = sentences(report.section("problems") + "\n" + report.section("improvements"))
    return [s for s in found if len(_HAS_WORDS.findall(s)) >= _SENTENCE_WORDS and not _PART_HEADING.match(s.strip())]


def _repeated_part5(old: Report, new: Report) -> list[Finding]:
    """X3: part 五 saying again what last year's said (the same normalised sentences)."""
    said = {sentence_key(s) for s in _part5(old)}
    now = _part5(new)
    repeated = [s for s in now if sentence_key(s) in said]
    if len(repeated) < REPEAT_MIN or len(repeated) / len(now) < REPEAT_SHARE:
        return []
    share = len(repeated) / len(now)
    quoted = "；".join(f"“{s[:40]}{'…' if len(s) > 40 else ''}”" for s in repeated[:2])
    message = (
        f"第五部分 {len(now)} 句中有 {len(repeated)} 句（{share:.0%}）与 {old.year} 年报告相同（年年雷同），如{quoted}"
    )
    return [Finding("X3", "warning", message, "problems", None, round(share, 4))]


def meta(report: Report) -> dict:
    return {
        "id": report.id,
        "agency": report.agency,
        "year": report.year,
        "template": report.template,
        "title": report.title,
        "source": report.source,
        "source_url": report.source_url,
    }


def compare(a: Report, b: Report, same_agency: bool | None = None) -> dict:
    """Given two reports, return their comparison as a plain dict (the JSON of `xxgk compare`).

    `same_agency`: whether they are one agency's (search/identity.py), for the cross-year checks."""
    sections = {name: align(a.section(name), b.section(name), name in TABLE_SECTIONS) for name in SECTIONS}
    figures = compare_figures(a, b)
    return {
        "a": meta(a),
        "b": meta(b),
        "summary": change_list(sections, figures),
        "sections": sections,
        "figures": figures,
        "findings": [asdict(f) | {"label": location_label(f.location)} for f in year_checks(a, b, same_agency)],
    }
