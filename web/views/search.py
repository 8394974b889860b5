"""Search: the home page, /api/search and /search.csv."""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from search.engine import Page, export, search
from search.figures import figures_table

from .. import params
from ..respond import csv_response, respond
from ..state import get_index
from .agencies import all_agencies
from .reports import all_metas, source_files

bp = Blueprint("search", __name__)


def _holdings() -> dict:
    """What the index holds, for the home page: reports, agencies, years."""
    groups = all_agencies()
    years = sorted({y for g in groups for y in g["years"]})
    return {
        "reports": sum(g["reports"] for g in groups) + _unnamed(),
        "agencies": len(groups),
        "first": years[0] if years else None,
        "last": years[-1] if years else None,
    }


def _unnamed() -> int:
    return sum(1 for m in all_metas() if not m["agency"])


def _run(page: Page) -> dict:
    query = params.text("q")
    filters = params.filters()
    sort = params.text("sort", "relevance")
    by_report = request.args.get("by_report") == "1"
    if not query:
        return {"query": "", "total": 0, "reports": 0, "hits": [], "facets": {}, "page": 1, "limit": page.limit}
    return search(get_index(), query, filters, page, by_report=by_report, sort=sort, facets=True)


@bp.get("/api/search")
@bp.get("/")
def home():
    size = params.number("limit", current_app.config["PAGE_SIZE"], 1, current_app.config["MAX_PAGE_SIZE"])
    page = Page(size, params.number("page", 1, 1, 1000))
    result = _run(page)
    pages = max(1, -(-(result["reports"] if request.args.get("by_report") == "1" else result["total"]) // size))
    figure_sorts = list(dict.fromkeys(c.key for c in params.filters().where))  # sortable: the figures filtered on
    holdings = None if result["query"] else _holdings()
    return respond(
        "search/index.html",
        result,
        pages=pages,
        sections=request.args.getlist("section"),
        figure_sorts=figure_sorts,
        holdings=holdings,
    )


@bp.get("/search.csv")
def export_csv():
    """Every matching section (up to CSV_MAX_ROWS), one row each."""
    rows_max = current_app.config["CSV_MAX_ROWS"]
    hits = export(get_index(), params.text("q"), params.filters(), rows_max, params.text("sort", "relevance"))
    sources = source_files()
    rows = (
        [
            h["report_id"],
            h["agency"] or "",
            h["year"] or "",
            h["section"],
            h["score"],
            h["snippet"],
            url_for("reports.report", report_id=h["report_id"], _anchor=h["section"]),
            sources.get(h["report_id"], ""),
        ]
        for h in hits
    )
    header = ["report_id", "agency", "year", "section", "score", "snippet", "url", "file"]
    return csv_response(header, rows, "xxgk-search.csv")


@bp.get("/api/figures")
@bp.get("/figures.csv")
def figures():
    """The figures table: every report the search (or the filters alone) selects × the chosen figures (fig=…),
    with Chinese column labels; as JSON under /api, else as CSV with each report's page and file."""
    keys = [k for k in request.args.getlist("fig") if k]
    table = figures_table(
        get_index(), params.text("q"), params.filters(("all",)), keys, current_app.config["CSV_MAX_ROWS"]
    )
    if request.path.startswith("/api/"):
        return table
    sources = source_files()
    header = ["报告", "文件", "机关", "年度", *table["labels"]]
    rows = (
        [
            url_for("reports.report", report_id=r["report_id"]),
            sources.get(r["report_id"], ""),
            r["agency"] or "",
            r["year"] or "",
            *("" if v is None else (int(v) if v == int(v) else v) for v in r["values"]),
        ]
        for r in table["rows"]
    )
    return csv_response(header, rows, "xxgk-figures.csv")
