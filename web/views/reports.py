"""A whole report: sections, its tables with audit findings on the cells, links to compare."""

from __future__ import annotations

import re
from dataclasses import asdict

from flask import Blueprint, abort, current_app

from index.analysis import normalize
from index.reader.audit.rules import rule_name
from index.reader.report import SECTIONS
from index.reader.tables.layout import figure_label
from search.compare import meta
from search.mentions import load_topics, report_topics
from search.query import parse_query
from search.reports import UnknownReport, get_report, report_metas
from search.snippets import find_matches

from .. import params
from ..respond import respond
from ..state import cached, get_index
from ..tables import report_tables

bp = Blueprint("reports", __name__)
_ID = re.compile(r"^[0-9a-f]{16}$")


def all_metas() -> list[dict]:
    return cached("metas", lambda: report_metas(get_index()))


def source_files() -> dict[str, str]:
    """{report id: its file relative to the corpus} (for the CSV exports), once per index generation."""
    return cached("sources", lambda: {m["id"]: m.get("source") or "" for m in all_metas()})


@bp.get("/api/reports/<report_id>")
@bp.get("/reports/<report_id>")
def report(report_id: str):
    if not _ID.match(report_id):
        abort(404)
    try:
        rep = get_report(get_index(), report_id)
    except UnknownReport:
        abort(404)
    same = [
        m
        for m in all_metas()
        if m["id"] != rep.id and rep.agency and m["agency"] and normalize(m["agency"]) == normalize(rep.agency)
    ]
    previous = next((m for m in same if rep.year and m["year"] == rep.year - 1), None)
    # a search hit links here with its query: the matches are marked in the text (and the page opens at
    # the hit's section, the URL's #anchor)
    query = params.text("q")
    phrases = parse_query(query).phrases if query else []
    marks = {name: find_matches(rep.section(name), phrases) for name in SECTIONS} if phrases else {}
    data = {
        **meta(rep),
        "query": query or None,
        "marks": {name: [list(span) for span in spans] for name, spans in marks.items() if spans},
        "split": rep.split,
        "sections": {name: rep.section(name) for name in SECTIONS},
        "figures": rep.figures,
        "inferred": rep.inferred,
        "blank": rep.blank,
        "findings": [
            asdict(f) | {"rule_name": rule_name(f.rule), "label": figure_label(f.location) if f.location else None}
            for f in rep.findings
        ],
        "topics": report_topics(rep, load_topics(current_app.config["TOPICS_FILE"])),
        "previous_year": previous,
        "same_agency": same,
    }
    return respond("reports/report.html", data, tables=report_tables(rep), metas=all_metas())
