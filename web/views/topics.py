"""The topic taxonomy with a chart per topic, and the reports that mention a topic or a phrase."""

from __future__ import annotations

from flask import Blueprint, current_app

from search.mentions import load_topics, topic_counts, topic_query
from search.mentions import mentions as find_mentions

from .. import params
from ..charts import year_bars
from ..respond import respond
from ..state import cached, get_index

bp = Blueprint("topics", __name__)


def _topics():
    return load_topics(current_app.config["TOPICS_FILE"])


@bp.get("/api/topics")
@bp.get("/topics")
def topics():
    rows = cached("topics", lambda: topic_counts(get_index(), _topics()))
    years = sorted({y for row in rows for y in row["by_year"]})
    charts = {row["topic"]: year_bars({int(k): v for k, v in row["by_year"].items()}, years) for row in rows}
    return respond("mentions/topics.html", {"topics": rows, "years": years}, charts=charts)


@bp.get("/api/mentions")
@bp.get("/mentions")
def mentions():
    topic, query = params.text("topic"), params.text("q")
    data: dict = {"query": "", "rows": [], "reports": 0}
    if topic or query:
        text = topic_query(_topics(), topic) if topic else query
        sections = params.filters(("narrative",) if topic else ("all",)).sections
        data = find_mentions(get_index(), text, sections, limit=params.number("limit", 200, 1, 1000))
        data["topic"] = topic or None
    years = sorted(data.get("by_year", {}))
    chart = year_bars(data.get("by_year", {}), years) if years else ""
    return respond("mentions/mentions.html", data, chart=chart, topics=list(_topics()))
