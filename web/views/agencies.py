"""One agency across its years, and the browse grid of every agency × year."""

from __future__ import annotations

from flask import Blueprint, abort

from search.agency import agencies, agency_reports, agency_view
from search.reports import UnknownReport

from .. import params
from ..charts import series_chart
from ..respond import respond
from ..state import cached, get_index
from .reports import all_metas

bp = Blueprint("agencies", __name__)


def all_agencies() -> list[dict]:
    return cached("agencies", lambda: agencies(get_index(), all_metas()))


@bp.get("/api/agencies/<key>")
@bp.get("/agencies/<key>")
def agency(key: str):
    """Every year of one agency: key figures over the years, part 五 side by side, checks between years."""
    if len(key) > 100:
        abort(404)
    try:
        reports = agency_reports(get_index(), key, all_metas())
    except UnknownReport:
        abort(404)
    data = agency_view(reports)
    return respond("agencies/agency.html", data, chart=series_chart)


@bp.get("/api/browse")
@bp.get("/browse")
def browse():
    """All reports as an agency × year grid, filterable by name."""
    needle = params.text("agency")
    rows = [a for a in all_agencies() if not needle or any(needle in n for n in a["names"]) or needle in a["key"]]
    years = sorted({y for a in rows for y in a["years"]})
    data = {
        "agency": needle or None,
        "agencies": len(rows),
        "reports": sum(a["reports"] for a in rows),
        "years": years,
        "rows": rows,
    }
    return respond("agencies/browse.html", data)
