"""Compare two reports, picked by agency and year with type-ahead."""

from __future__ import annotations

from flask import Blueprint, url_for

from search.compare import compare as compare_reports
from search.reports import resolve

from .. import params
from ..respond import csv_response, respond
from ..state import get_index
from .reports import all_metas

bp = Blueprint("compare", __name__)


@bp.get("/api/compare")
@bp.get("/compare")
def compare():
    a, b = params.text("a"), params.text("b")
    data: dict = {"a": None, "b": None}
    if a and b:
        index = get_index()
        data = compare_reports(resolve(index, a), resolve(index, b))
    return respond("compare/compare.html", data, metas=all_metas(), picked=(a, b))


@bp.get("/compare.csv")
def compare_csv():
    """Every figure of two reports, cell by cell, with Chinese labels, Δ and %; each row names both reports."""
    index = get_index()
    a, b = resolve(index, params.text("a")), resolve(index, params.text("b"))
    data = compare_reports(a, b)
    url_a, url_b = (url_for("reports.report", report_id=r.id, _external=False) for r in (a, b))
    header = ["表", "项目", "字段", "A", "B", "Δ", "%", "A 报告", "A 文件", "B 报告", "B 文件"]
    rows = (
        [f["table"], f["label"], f["key"], f["a"], f["b"], f["delta"], f["pct"], url_a, a.source, url_b, b.source]
        for f in data["figures"]
    )
    return csv_response(header, rows, "xxgk-compare.csv")
