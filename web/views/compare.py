"""Compare two reports, picked by agency and year with type-ahead."""

from __future__ import annotations

from flask import Blueprint

from search.compare import compare as compare_reports
from search.reports import resolve

from .. import params
from ..respond import respond
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
