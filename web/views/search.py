"""Search: the home page, /api/search and /search.csv."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, url_for

from index.reader.report import SECTION_NAMES, number_text, state_text
from review.corrections import overlay_table
from review.desk import corrected_ids
from search.engine import Page, export, search
from search.figures import figures_table
from search.mentions import load_topics

from .. import page_args, params
from ..respond import absolute_url, csv_response, respond
from ..state import get_desk, get_index
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
    if params.text("cf") and not request.path.startswith("/api/"):
        # the form's condition picker: the condition joins the others as a `where`, each removable by a link
        args = {k: v for k, v in page_args().items() if k not in ("cf", "co", "cv", "page")}
        args["where"] = params.conditions()
        return redirect(url_for("search.home", **args))
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
        topic_named=result["query"] if result["query"] in load_topics(current_app.config["TOPICS_FILE"]) else None,
    )


@bp.get("/search.csv")
def export_csv():
    """Every matching section (up to CSV_MAX_ROWS), one row each."""
    rows_max = current_app.config["CSV_MAX_ROWS"]
    hits = export(get_index(), params.text("q"), params.filters(), rows_max, params.text("sort", "relevance"))
    sources = source_files()
    rows = (
        [
            h["agency"] or "",
            h["year"] or "",
            SECTION_NAMES.get(h["section"], h["section"]),
            h["snippet"],
            absolute_url(url_for("reports.report", report_id=h["report_id"], _anchor=h["section"])),
            sources.get(h["report_id"], ""),
            h["report_id"],
            h["score"],
        ]
        for h in hits
    )
    header = ["机关", "年度", "章节", "片段", "报告", "文件", "报告编号", "相关度"]
    return csv_response(header, rows, "xxgk-search.csv")


def _was(fixed: bool, original: str | None) -> str:
    """Beside a corrected cell's state, what the report was read as there."""
    if not fixed:
        return ""
    return f"（原读为 {original}）" if original else "（原为空白）" if original == "" else "（原未读出）"


@bp.get("/api/figures")
@bp.get("/figures.csv")
def figures():
    """The figures table: every report the search (or the filters alone) selects × the chosen figures (fig=…),
    with Chinese column labels; as JSON under /api, else as CSV with each report's page and file."""
    keys = [k for k in request.args.getlist("fig") if k]
    table = figures_table(
        get_index(), params.text("q"), params.filters(("all",)), keys, current_app.config["CSV_MAX_ROWS"]
    )
    table = overlay_table(table, corrected_ids(get_desk()))  # a reviewer's corrections, marked 更正
    if request.path.startswith("/api/"):
        return table
    sources = source_files()
    # each figure as printed (empty when it has no number), and beside it what an empty cell means
    header = ["报告", "文件", "机关", "年度", *(h for label in table["labels"] for h in (label, f"{label}（状态）"))]
    rows = (
        [
            absolute_url(url_for("reports.report", report_id=r["report_id"])),
            sources.get(r["report_id"], ""),
            r["agency"] or "",
            r["year"] or "",
            *(
                cell
                for v, state, inferred, fixed, was in zip(
                    r["values"], r["states"], r["inferred"], r["corrected"], r["original"], strict=True
                )
                for cell in ("" if v is None else number_text(v), state_text(state, inferred, fixed) + _was(fixed, was))
            ),
        ]
        for r in table["rows"]
    )
    return csv_response(header, rows, "xxgk-figures.csv")
