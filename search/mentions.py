"""Which reports mention an issue: one row per report, and the topic taxonomy of part 五.

A query matches exactly as in search (the same phrases, the same index); the
mentions of a report are the occurrences of the query's phrases in its matched
sections. Topics are read from search/data/topics.toml, extended by a user file.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from index.analysis import normalize
from index.reader.report import SECTIONS, Report

from .engine import as_search_index
from .errors import QueryError
from .filters import Filters, parse_sections
from .matching import matching_docs
from .query import parse_query
from .snippets import make_snippet

TOPIC_SECTIONS = ("problems", "improvements")


@dataclass(frozen=True)
class Topic:
    name: str
    phrases: tuple[str, ...]

    @property
    def query(self) -> str:
        """The topic as a query: any of its phrases."""
        return " OR ".join(f'"{p}"' for p in self.phrases)


def load_topics(extra: Path | str | None = None) -> dict[str, Topic]:
    """Return the bundled topics, with those of `extra` (a TOML file of the same form) added or replacing."""
    text = resources.files("search").joinpath("data/topics.toml").read_text(encoding="utf-8")
    tables = tomllib.loads(text)
    if extra is not None:
        try:
            tables |= tomllib.loads(Path(extra).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise QueryError(f"无法读取议题文件 {extra}：{exc}") from None
    topics = {}
    for name, table in tables.items():
        phrases = table.get("phrases") if isinstance(table, dict) else None
        if not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
            raise QueryError(f"议题“{name}”需要非空的 phrases 列表")
        topics[name] = Topic(name, tuple(dict.fromkeys(phrases)))
    return topics


def count_mentions(text: str, phrases: list[str]) -> int:
    """Given a text and normalised phrases, return how often they occur (overlaps of one phrase not counted twice)."""
    norm = normalize(text)
    total = 0
    for phrase in phrases:
        i = norm.find(phrase)
        while i >= 0:
            total += 1
            i = norm.find(phrase, i + len(phrase))
    return total


def mentions(index, text: str, sections: tuple[str, ...] = (), limit: int | None = None) -> dict:
    """Given an index and a query, return one row per report whose sections match, and counts by year and agency.

    Rows are sorted by number of mentions, then year (newest first).
    """
    query = parse_query(text)
    phrases = query.phrases
    rows: dict[str, dict] = {}
    matched = 0
    for stored, section_text in _matching_sections(index, query, Filters(sections=parse_sections(sections))):
        matched += 1
        n = count_mentions(section_text, phrases)
        row = rows.setdefault(
            stored["report_id"],
            {
                "report_id": stored["report_id"],
                "agency": stored.get("agency") or None,
                "year": stored.get("year"),
                "mentions": 0,
                "sections": [],
                "_best": (-1, ""),
            },
        )
        row["mentions"] += n
        row["sections"].append(stored["section"])
        if n > row["_best"][0]:
            row["_best"] = (n, stored["section"], section_text)
    ordered = sorted(
        rows.values(), key=lambda r: (-r["mentions"], -(r["year"] or 0), r["agency"] or "", r["report_id"])
    )
    for row in ordered[:limit]:
        _, section, body = row["_best"]
        snippet = make_snippet(body, phrases)
        row.update(best_section=section, snippet=snippet.text, spans=snippet.spans)
    out = []
    for row in ordered[:limit]:
        row.pop("_best")
        row["sections"].sort()
        out.append(row)
    return {
        "query": text,
        "reports": len(ordered),
        "sections": matched,
        # reports that say it among their problems, and among their improvements (a report may do both)
        "by_section": {name: sum(1 for r in ordered if name in r["sections"]) for name in ("problems", "improvements")},
        "by_year": dict(sorted(Counter(r["year"] for r in ordered if r["year"]).items())),
        "by_agency": dict(Counter(r["agency"] for r in ordered if r["agency"]).most_common()),
        "rows": out,
    }


def _matching_sections(index, query, filters: Filters):
    """(stored fields, stored text) of every matching section, from one generation of either backend."""
    if getattr(index, "remote", False):
        fields = ["report_id", "agency", "year", "section", "text"]
        for s in index.sections_of(query, filters, fields):
            yield s, s.get("text") or ""
        return
    table = as_search_index(index).table()  # one generation for the match and the stored texts
    for docnum in matching_docs(table, query, filters).tolist():
        yield table.searcher.stored_fields(docnum), table.generation.text(docnum)


def report_topics(report: Report, topics: dict[str, Topic], sections: tuple[str, ...] = TOPIC_SECTIONS) -> list[str]:
    """Given a report, return the names of the topics its sections mention."""
    texts = [normalize(report.section(s)) for s in sections]
    return [name for name, topic in topics.items() if any(normalize(p) in t for p in topic.phrases for t in texts)]


# a problem admitted and a remedy promised are told apart: 培训不足 is a problem, 加强业务培训 a remedy
TOLD_APART = ("problems", "improvements")


def topic_counts(index, topics: dict[str, Topic], sections: tuple[str, ...] = TOPIC_SECTIONS) -> list[dict]:
    """Given an index, return for each topic its phrases and the number of reports mentioning it, per year."""
    if getattr(index, "remote", False):
        return _remote_topic_counts(index, topics, sections)
    index = as_search_index(index)
    g = index.table().generation
    report_ids, codes = g.reports
    out = []
    for topic in topics.values():
        docs = matching_docs(index.table(), parse_query(topic.query), Filters(sections=sections))
        by_section = {
            name: _years_by_report(g, docs[g.section[docs] == SECTIONS.index(name)], report_ids, codes)
            for name in TOLD_APART
            if name in sections
        }
        out.append(_topic_row(topic, _years_by_report(g, docs, report_ids, codes), by_section))
    return out


def _remote_topic_counts(index, topics: dict[str, Topic], sections: tuple[str, ...]) -> list[dict]:
    out = []
    for topic in topics.values():
        found = index.sections_of(
            parse_query(topic.query), Filters(sections=sections), ["report_id", "year", "section"]
        )
        by_section = {
            name: {s["report_id"]: s.get("year") or 0 for s in found if s["section"] == name}
            for name in TOLD_APART
            if name in sections
        }
        out.append(_topic_row(topic, {s["report_id"]: s.get("year") or 0 for s in found}, by_section))
    return out


def _topic_row(topic: Topic, per_report: dict[str, int], by_section: dict[str, dict[str, int]]) -> dict:
    """A topic's row: its reports (report id → year), counted in all and per year, and so per section told apart."""
    row = {
        "topic": topic.name,
        "phrases": list(topic.phrases),
        "reports": len(per_report),
        "by_year": _by_year(per_report),
    }
    for name, found in by_section.items():
        row[name] = {"reports": len(found), "by_year": _by_year(found)}
    return row


def _years_by_report(g, docs, report_ids: list[str], codes) -> dict[str, int]:
    return dict(zip((report_ids[c] for c in codes[docs].tolist()), g.year[docs].tolist(), strict=True))


def _by_year(per_report: dict) -> dict:
    return dict(sorted(Counter(y for y in per_report.values() if y).items()))


def topic_query(topics: dict[str, Topic], name: str) -> str:
    if name not in topics:
        raise QueryError(f"未知的议题“{name}”；现有议题：{'、'.join(topics)}")
    return topics[name].query
