"""Copied text (内容雷同): sentences a report shares with another agency's report or its own earlier ones.

The rules, documented in docs/copies.md:
- Sentences come from the narrative sections (overview, problems, improvements,
  other), split as in comparison; part headings and title lines are the format,
  and sentences under MIN_CHARS normalised characters too generic to call copied.
- Identical: the same after normalisation. Near-identical: Jaccard similarity of
  their character bigrams at least NEAR_COPY (as in comparison: a few characters
  changed in a sentence of forty leaves about 0.8).
- A sentence counts as copied from another report when that report is another
  agency's of the same year or earlier (a later report copied it, not the other
  way round; reports with no known agency count as their own agency) or the same
  agency's from an earlier year. Agencies are told apart by their agency key
  (平潭综合实验区 and 平潭综合实验区管委会 are one). The earliest source is named first.
- Template wording is excluded by frequency, not by a list: a sentence found,
  identically or near-identically, in reports of at least
  max(TEMPLATE_MIN_AGENCIES, TEMPLATE_SHARE × agencies) distinct agencies is the
  format's or a circular's wording, not copying.
- Candidates are found with MinHash over SHINGLE-character shingles (HASHES
  hash functions, one band each) of the distinct sentences, never by comparing
  all pairs, so the work grows with the number of sentences, not its square.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from dataclasses import dataclass

from index.reader.report import Report
from index.reader.sections import classify_heading
from index.reader.text.agency import agency_key
from index.reader.text.meta import find_title

from .compare import bigrams, sentence_key, sentences

NARRATIVE = ("overview", "problems", "improvements", "other")
SHARE_GROUPS = {"problems": ("problems",), "improvements": ("improvements",), "overall": NARRATIVE}
MIN_CHARS = 12
SHINGLE = 4
NEAR_COPY = 0.7
TEMPLATE_SHARE = 0.2
TEMPLATE_MIN_AGENCIES = 5
HASHES = 8
BUCKET_CAP = 2000  # a MinHash bucket this full is boilerplate the template rule also drops
ALL_PAIRS = 40  # buckets up to this size are verified pair by pair
_PRIME = (1 << 61) - 1
_SALTS = [
    ((i * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) % _PRIME | 1, (i * 0xBF58476D1CE4E5B9) % _PRIME)
    for i in range(HASHES)
]


@dataclass
class _Sentence:
    report: int  # index into the report list
    section: str
    text: str
    key: str


def shingles(key: str) -> set[int]:
    """Given a normalised sentence, return the hashes of its SHINGLE-character shingles."""
    if len(key) <= SHINGLE:
        return {zlib.crc32(key.encode())}
    return {zlib.crc32(key[i : i + SHINGLE].encode()) for i in range(len(key) - SHINGLE + 1)}


def _minhash(hashes: set[int]) -> list[int]:
    return [min((h * a + b) % _PRIME for h in hashes) for a, b in _SALTS]


_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]")


def _is_heading(key: str) -> bool:
    """A part heading or a title line: the format's words, not the report's."""
    m = _HEADING.match(key)
    return bool(m and classify_heading(key[m.end() :])) or find_title(key) is not None


def _agency(report: Report, i: int) -> str:
    return agency_key(report.agency) or f"#{i}"  # an unknown agency is its own


def find_copies(reports: list[Report]) -> dict[str, dict]:
    """Given reports, return for each report id its copied sentences and the share of its text copied."""
    items: list[_Sentence] = []
    for i, report in enumerate(reports):
        for name in NARRATIVE:
            for s in sentences(report.section(name)):
                key = sentence_key(s)
                if len(key) >= MIN_CHARS and not _is_heading(key):
                    items.append(_Sentence(i, name, s, key))
    by_key: dict[str, list[int]] = defaultdict(list)
    for n, item in enumerate(items):
        by_key[item.key].append(n)
    agencies = {_agency(r, i) for i, r in enumerate(reports)}
    threshold = max(TEMPLATE_MIN_AGENCIES, TEMPLATE_SHARE * len(agencies))
    template = {
        key
        for key, members in by_key.items()
        if len({_agency(reports[items[m].report], items[m].report) for m in members}) >= threshold
    }
    keys = [k for k in by_key if k not in template]
    buckets: dict[tuple[int, int], list[str]] = defaultdict(list)
    for key in keys:
        for band, value in enumerate(_minhash(shingles(key))):
            buckets[(band, value)].append(key)
    grams = {k: bigrams(k) for k in keys}

    def near(a: str, b: str) -> float:
        x, y = grams[a], grams[b]
        return len(x & y) / len(x | y)

    similar: dict[str, dict[str, float]] = defaultdict(dict)  # key → {other key: similarity}
    for members in buckets.values():
        if len(members) < 2 or len(members) > BUCKET_CAP:
            continue
        # small buckets: every pair; large ones (a family of variants): each member against the first
        pairs = (
            ((members[x], members[y]) for x in range(len(members)) for y in range(x + 1, len(members)))
            if len(members) <= ALL_PAIRS
            else ((members[0], m) for m in members[1:])
        )
        for a, b in pairs:
            if b in similar[a]:
                continue
            score = near(a, b)
            if score >= NEAR_COPY:
                similar[a][b] = similar[b][a] = round(score, 4)
    # template wording also comes in variants (…2020年… / …2021年…): count their agencies together
    for key in keys:
        family = [key, *similar.get(key, ())]
        owners = {_agency(reports[items[m].report], items[m].report) for k in family for m in by_key[k]}
        if len(owners) >= threshold:
            template.add(key)
    own: dict[int, list[_Sentence]] = defaultdict(list)
    for item in items:
        own[item.report].append(item)
    return {
        report.id: _report_copies(i, own[i], reports, items, by_key, similar, template)
        for i, report in enumerate(reports)
    }


def _is_source(reports: list[Report], mine: int, other: int) -> bool:
    """Whether report `other` can be where report `mine` copied from."""
    if mine == other:
        return False
    a, b = reports[mine], reports[other]
    if _agency(a, mine) != _agency(b, other):  # another agency's, unless it is later: then it copied from this
        return a.year is None or b.year is None or b.year <= a.year
    return a.year is not None and b.year is not None and b.year < a.year


def _report_copies(i, mine, reports, items, by_key, similar, template) -> dict:
    copied: list[dict] = []
    chars: dict[str, list[int]] = {g: [0, 0] for g in SHARE_GROUPS}  # [copied, all]
    for item in mine:
        sources = []
        if item.key not in template:
            for m in by_key[item.key]:
                if _is_source(reports, i, items[m].report):
                    sources.append((items[m], "identical", 1.0))
            for other_key, score in similar.get(item.key, {}).items():
                for m in by_key[other_key]:
                    if _is_source(reports, i, items[m].report):
                        sources.append((items[m], "near", score))
        for group, names in SHARE_GROUPS.items():
            if item.section in names:
                chars[group][1] += len(item.key)
                chars[group][0] += len(item.key) if sources else 0
        if sources:
            sources.sort(key=lambda s: (-s[2], reports[s[0].report].year or 9999))  # the earliest first
            copied.append(
                {
                    "section": item.section,
                    "sentence": item.text,
                    "kind": "identical" if sources[0][1] == "identical" else "near",
                    "similarity": sources[0][2],
                    "sources": [
                        {
                            "report_id": reports[s.report].id,
                            "agency": reports[s.report].agency,
                            "year": reports[s.report].year,
                            "section": s.section,
                            "sentence": s.text,
                            "similarity": score,
                        }
                        for s, _, score in sources[:5]
                    ],
                    "source_count": len({s.report for s, _, _ in sources}),
                }
            )
    shares = {g: round(c / total, 4) if total else 0.0 for g, (c, total) in chars.items()}
    return {"share": shares, "sentences": copied}


def copies_summary(reports: list[Report], found: dict[str, dict]) -> list[dict]:
    """Given reports and find_copies' result, return one row per report, most copied first."""
    rows = [
        {
            "report_id": r.id,
            "agency": r.agency,
            "year": r.year,
            "share": found[r.id]["share"],
            "copied_sentences": len(found[r.id]["sentences"]),
        }
        for r in reports
    ]
    return sorted(rows, key=lambda row: (-row["share"]["overall"], -(row["year"] or 0), row["report_id"]))
