"""Which reports mention an issue: one row per report, and the topic taxonomy of part 五.

A query matches exactly as in search (the same phrases, the same index); the
mentions of a report are the occurrences of the query's phrases in its matched
sections. Topics are read from search/data/topics.toml, extended by a user file.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from index.analysis import normalize
from index.reader.report import SECTIONS, Report

from . import budget
from .engine import as_search_index
from .errors import QueryError
from .filters import Filters, parse_sections
from .matching import matching_docs
from .query import parse_query
from .snippets import make_snippet

TOPIC_SECTIONS = ("problems", "improvements")
ROLE_NAMES = {"problem": "问题", "remedy": "改进措施"}
# A sentence admits a problem when it says what is lacking; it promises a remedy when it says what will be
# done. A report whose part 五 was not split keeps both in its problems: each sentence is read for its role.
_LACK = re.compile(
    r"不足|不够|欠缺|缺乏|缺少|滞后|薄弱|不及时|不强|不高|不全|不到位|不规范|不完善|不均衡|单一|较少|偏少|有待|尚未|"
    r"存在|问题|短板|差距|不深|不细|流动性大|变动频繁|兼职"
)
_REMEDY = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]|[一二三四五六七八九十]是)?\s*(?:下一步|今后|[0-9]{4}年)?[，,]?\s*"
    r"(?:我[们局委办区县市]?|本[机关单位局委办]*)?\s*(?:将|要|拟|计划|继续|持续|进一步|着力|加大|加强|强化|完善|健全|建立|"
    r"提升|提高|推进|推动|做好|抓好|落实|配备|充实|优化|规范|开展|组织|坚持|深化|扩大|丰富|确保)"
)
_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")


def sentence_role(sentence: str, section: str) -> str:
    """Whether a sentence of part 五 admits a problem ("problem") or promises a remedy ("remedy"); a sentence
    of another part is neither ("other").

    >>> sentence_role("信息公开工作人员不足，且均为兼职。", "problems")
    'problem'
    >>> sentence_role("继续配备专职人员，加强业务培训。", "problems")
    'remedy'
    >>> sentence_role("人员力量不足的问题依然存在。", "improvements")
    'remedy'
    """
    if section == "improvements":
        return "remedy"  # what the report files under its improvements
    if section != "problems":
        return "other"
    if _REMEDY.match(sentence.strip()) and not _LACK.search(sentence):
        return "remedy"
    return "problem"


def phrase_roles(text: str, section: str, phrases: list[str]) -> Counter:
    """Given a section's text and normalised phrases, count the mentions by role of their sentences."""
    out: Counter = Counter()
    for m in _SENTENCE.finditer(text):
        n = count_mentions(m.group(), phrases)
        if n:
            out[sentence_role(m.group(), section)] += n
    return out


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
        if matched % 256 == 0:
            budget.check()  # a phrase found everywhere in a large index: the request says so, in Chinese
        n = count_mentions(section_text, phrases)
        row = rows.setdefault(
            stored["report_id"],
            {
                "report_id": stored["report_id"],
                "agency": stored.get("agency") or None,
                "year": stored.get("year"),
                "mentions": 0,
                "sections": [],
                "roles": Counter(),
                "_best": (-1, ""),
            },
        )
        row["mentions"] += n
        row["sections"].append(stored["section"])
        row["roles"].update(phrase_roles(section_text, stored["section"], phrases))
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
        row["roles"] = {role: row["roles"].get(role, 0) for role in ROLE_NAMES}
        out.append(row)
    return {
        "query": text,
        "searched": list(sections) or ["all"],
        "reports": len(ordered),
        "sections": matched,
        # reports that say it among their problems, and among their improvements (a report may do both)
        "by_section": {name: sum(1 for r in ordered if name in r["sections"]) for name in ("problems", "improvements")},
        # reports whose sentences admit it as a problem, and that promise a remedy for it (read sentence by sentence)
        "by_role": {role: sum(1 for r in ordered if r["roles"][role]) for role in ROLE_NAMES},
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


def report_topics(report: Report, topics: dict[str, Topic], sections: tuple[str, ...] = TOPIC_SECTIONS) -> list[dict]:
    """Given a report, return the topics its part 五 mentions, each as a problem it admits (`role` "problem")
    or only as a remedy it promises ("remedy"): a report is tagged with a problem only where it says so."""
    texts = {s: report.section(s) for s in sections}
    out = []
    for name, topic in topics.items():
        phrases = [normalize(p) for p in topic.phrases]
        roles: Counter = Counter()
        for section, text in texts.items():
            roles.update(phrase_roles(text, section, phrases))
        if roles:
            role = "problem" if roles["problem"] else "remedy"
            out.append({"topic": name, "role": role, "role_name": ROLE_NAMES[role]})
    return out


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
        query = parse_query(topic.query)
        docs = matching_docs(index.table(), query, Filters(sections=sections))
        by_section = {
            name: _years_by_report(g, docs[g.section[docs] == SECTIONS.index(name)], report_ids, codes)
            for name in TOLD_APART
            if name in sections
        }
        if "problems" in by_section:  # read sentence by sentence: a remedy filed among the problems is one
            texts = {report_ids[codes[d]]: g.text(d) for d in docs[g.section[docs] == SECTIONS.index("problems")]}
            _split_roles(by_section, texts, query.phrases)
        out.append(_topic_row(topic, _years_by_report(g, docs, report_ids, codes), by_section))
    return out


def _split_roles(by_section: dict[str, dict[str, int]], problem_texts: dict[str, str], phrases: list[str]) -> None:
    """Given the reports found per section and the texts of the problems sections, move to the remedies the
    reports whose problems only promise a remedy (继续配备专职人员), and add there those that do both."""
    remedies = by_section.setdefault("improvements", {})
    for rid, text in problem_texts.items():
        roles = phrase_roles(text, "problems", phrases)
        if roles["remedy"]:
            remedies[rid] = by_section["problems"][rid]
        if not roles["problem"]:
            del by_section["problems"][rid]


def _remote_topic_counts(index, topics: dict[str, Topic], sections: tuple[str, ...]) -> list[dict]:
    out = []
    for topic in topics.values():
        query = parse_query(topic.query)
        found = index.sections_of(query, Filters(sections=sections), ["report_id", "year", "section", "text"])
        by_section = {
            name: {s["report_id"]: s.get("year") or 0 for s in found if s["section"] == name}
            for name in TOLD_APART
            if name in sections
        }
        if "problems" in by_section:
            texts = {s["report_id"]: s.get("text") or "" for s in found if s["section"] == "problems"}
            _split_roles(by_section, texts, query.phrases)
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
