"""Search: the home page, /api/search and /search.csv."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, current_app, request

from search.engine import MAX_LIMIT, Page, facet_counts, search

from .. import params
from ..respond import respond
from ..state import get_index

bp = Blueprint("search", __name__)


def _run(page: Page) -> dict:
    query = params.text("q")
    filters = params.filters()
    sort = params.text("sort", "relevance")
    by_report = request.args.get("by_report") == "1"
    if not query:
        return {"query": "", "total": 0, "reports": 0, "hits": [], "facets": {}, "page": 1, "limit": page.limit}
    index = get_index()
    result = search(index, query, filters, page, by_report=by_report, sort=sort)
    result["facets"] = facet_counts(index, query, filters)
    return result


@bp.get("/api/search")
@bp.get("/")
def home():
    size = params.number("limit", current_app.config["PAGE_SIZE"], 1, current_app.config["MAX_PAGE_SIZE"])
    page = Page(size, params.number("page", 1, 1, 1000))
    result = _run(page)
    pages = max(1, -(-(result["reports"] if request.args.get("by_report") == "1" else result["total"]) // size))
    figure_sorts = list(dict.fromkeys(c.key for c in params.filters().where))  # sortable: the figures filtered on
    return respond(
        "search/index.html", result, pages=pages, sections=request.args.getlist("section"), figure_sorts=figure_sorts
    )


@bp.get("/search.csv")
def export_csv():
    """Every matching section (up to CSV_MAX_ROWS), one row each."""
    rows_max = current_app.config["CSV_MAX_ROWS"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["report_id", "agency", "year", "section", "score", "snippet"])
    written, page = 0, 1
    while written < rows_max:
        result = search(get_index(), params.text("q"), params.filters(), Page(MAX_LIMIT, page))
        for hit in result["hits"]:
            writer.writerow(
                [hit["report_id"], hit["agency"] or "", hit["year"] or "", hit["section"], hit["score"], hit["snippet"]]
            )
            written += 1
        if page * MAX_LIMIT >= result["total"] or not result["hits"]:
            break
        page += 1
    return Response(
        "\ufeff" + out.getvalue(),  # a BOM so spreadsheet programs read UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=xxgk-search.csv"},
    )
