"""One agency across its years, and the browse grid of every agency × year."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for

from search.agency import agencies, agency_reports, agency_view
from search.reports import UnknownReport

from .. import params
from ..charts import series_chart
from ..respond import respond
from ..state import cached, get_index
from .reports import all_metas, identity

bp = Blueprint("agencies", __name__)


def all_agencies() -> list[dict]:
    ident = identity()
    return cached(("agencies", ident.stamp), lambda: agencies(get_index(), all_metas(), ident))


@bp.get("/api/agencies/<key>")
@bp.get("/agencies/<key>")
def agency(key: str):
    """Every year of one agency: key figures over the years, part 五 side by side, checks between years."""
    if len(key) > 100:
        abort(404)
    try:
        reports = agency_reports(get_index(), key, all_metas(), identity())
    except UnknownReport:
        # a name rather than a key (/agencies/洪泽区人民政府): the page of the agency of that name
        named = identity().key(key)
        if named and named != key and any(g["key"] == named for g in all_agencies()):
            return redirect(url_for(request.endpoint, key=named), 301)
        abort(404)
    data = agency_view(reports, key)
    return respond("agencies/agency.html", data, chart=series_chart)


@bp.get("/api/browse")
@bp.get("/browse")
def browse():
    """All reports as an agency × year grid, filterable by name."""
    needle = params.text("agency")
    rows = [a for a in all_agencies() if not needle or any(needle in n for n in a["names"]) or needle in a["key"]]
    # every report is listed: those whose agency was not recognised in a row of their own
    unnamed = [m for m in all_metas() if not identity().key(m["agency"])]
    unknown = None
    if unnamed and not needle:
        ids = sorted(unnamed, key=lambda m: (m["year"] or 0, m["id"]))
        unknown = {
            "reports": len(unnamed),
            "years": sorted({m["year"] for m in unnamed if m["year"]}),
            "ids": [{"id": m["id"], "year": m["year"], "source": m.get("source")} for m in ids],
        }
    held = {y for a in rows for y in a["years"]} | set(unknown["years"] if unknown else ())
    years = list(range(min(held), max(held) + 1)) if held else []  # every year: a year without reports shows
    data = {
        "agency": needle or None,
        "agencies": len(rows),
        "reports": sum(a["reports"] for a in rows) + (unknown["reports"] if unknown else 0),
        "years": years,
        "rows": rows,
        "unknown_agency": unknown,
    }
    return respond("agencies/browse.html", data)
