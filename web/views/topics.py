"""The topic taxonomy with a chart per topic, and the reports that mention a topic or a phrase."""

from __future__ import annotations

from flask import Blueprint, current_app, url_for

from index.reader.report import SECTION_NAMES
from search.errors import QueryError
from search.mentions import load_topics, topic_counts, topic_query
from search.mentions import mentions as find_mentions

from .. import params
from ..charts import year_bars
from ..respond import absolute_url, csv_response, respond
from ..state import cached, get_index
from .reports import all_metas, source_files

bp = Blueprint("topics", __name__)


def _topics():
    return load_topics(current_app.config["TOPICS_FILE"])


@bp.get("/api/topics")
@bp.get("/topics")
def topics():
    rows = cached("topics", lambda: topic_counts(get_index(), _topics()))
    held, years = _years()
    charts = {
        (row["topic"], part): year_bars({int(k): v for k, v in row[part]["by_year"].items()}, years, held)
        for row in rows
        for part in ("problems", "improvements")
    }
    return respond("mentions/topics.html", {"topics": rows, "years": years}, charts=charts)


def _years() -> tuple[set[int], list[int]]:
    """The years the index holds reports of, and every year from the first to the last (a chart's axis)."""
    held = {m["year"] for m in all_metas() if m["year"]}
    return held, list(range(min(held), max(held) + 1)) if held else []


@bp.get("/topics.csv")
def topics_csv():
    """Each topic's report counts, as problems and as remedies, per year."""
    rows = cached("topics", lambda: topic_counts(get_index(), _topics()))
    years = sorted({y for row in rows for y in row["by_year"]})
    header = [
        "议题",
        "报告数",
        "作为问题",
        "作为改进",
        *(f"{y}年作为问题" for y in years),
        *(f"{y}年作为改进" for y in years),
    ]
    out = (
        [
            row["topic"],
            row["reports"],
            row["problems"]["reports"],
            row["improvements"]["reports"],
            *(row["problems"]["by_year"].get(y, 0) for y in years),
            *(row["improvements"]["by_year"].get(y, 0) for y in years),
        ]
        for row in rows
    )
    return csv_response(header, out, "xxgk-topics.csv")


@bp.get("/mentions.csv")
def mentions_csv():
    """The reports that mention a topic or phrase, one row each, with the report's page and file."""
    data = _mentions(current_app.config["CSV_MAX_ROWS"])
    if data is None:
        raise QueryError("请给出议题（topic）或检索词（q）")
    sources = source_files()
    header = ["报告", "文件", "机关", "年度", "提及次数", "章节", "作为问题（次）", "作为改进措施（次）", "摘录"]
    out = (
        [
            absolute_url(url_for("reports.report", report_id=r["report_id"])),
            sources.get(r["report_id"], ""),
            r["agency"] or "",
            r["year"] or "",
            r["mentions"],
            "、".join(SECTION_NAMES.get(s, s) for s in r["sections"]),
            r["roles"]["problem"],
            r["roles"]["remedy"],
            r["snippet"],
        ]
        for r in data["rows"]
    )
    return csv_response(header, out, "xxgk-mentions.csv")


def _mentions(limit: int) -> dict | None:
    """The mentions the request asks for (a topic or a phrase, searched in part 五 by default as topics are;
    section=all searches every section), at most `limit` reports; None when it names neither."""
    topic, query = params.text("topic"), params.text("q")
    if not (topic or query):
        return None
    text = topic_query(_topics(), topic) if topic else query
    sections = params.filters(("narrative",)).sections
    data = find_mentions(get_index(), text, sections, limit=limit)
    data["topic"] = topic or None
    data["searched"] = [SECTION_NAMES[s] for s in sections] if sections else ["全部章节"]
    data["all_sections"] = not sections or set(sections) == set(SECTION_NAMES)
    # a phrase that is a topic's name: the topic is what the person most likely wants
    data["topic_named"] = query if query and not topic and query in _topics() else None
    return data


@bp.get("/api/mentions")
@bp.get("/mentions")
def mentions():
    data = _mentions(params.number("limit", 200, 1, 1000)) or {"query": "", "rows": [], "reports": 0}
    held, years = _years()
    chart = year_bars(data.get("by_year", {}), years, held) if data.get("by_year") else ""
    return respond("mentions/mentions.html", data, chart=chart, topics=list(_topics()))
