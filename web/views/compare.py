"""Compare two reports: picked by agency then year from lists, or by id from a report or a search hit."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from index.reader.report import number_text, state_text
from search.compare import compare as compare_reports
from search.reports import AmbiguousReport, UnknownReport, get_report, resolve

from .. import params
from ..respond import absolute_url, csv_response, respond, wants_json
from ..state import get_desk, get_index
from .agencies import all_agencies
from .reports import all_metas, identity

bp = Blueprint("compare", __name__)


def _pick(side: str):
    """The report one side of the form names: `a` (an id or 机关@年份), or `a_agency` (a key) and `a_year`;
    with the review desk's corrections laid over it."""
    report = _named(side)
    return None if report is None else get_desk().report(report.id)


def _named(side: str):
    selector = params.text(side)
    if selector:
        return resolve(get_index(), selector)
    key, year = params.text(f"{side}_agency"), params.text(f"{side}_year")
    if not key or key == UNKNOWN:
        return None
    group = next((g for g in all_agencies() if g["key"] == key), None)
    if group is None:
        raise UnknownReport(f"没有这个机关：{key}")
    chosen = [r for r in group["ids"] if str(r["year"]) == year] if year else []
    if len(chosen) == 1:
        return get_report(get_index(), chosen[0]["id"])
    if len(chosen) > 1:
        metas = [{"id": r["id"], "agency": group["names"][0], "year": r["year"]} for r in chosen]
        raise AmbiguousReport(f"{group['names'][0]} {year} 年有多份报告，请选择其中一份", metas)
    return None  # an agency without a year yet: the form asks for the year


UNKNOWN = "（机关不详）"  # no agency key has brackets: the reports whose agency is not known, as one list


def pickers() -> list[dict]:
    """Every agency for the form's lists: its key, its name, its reports (id and year); last, the reports
    whose agency is not known, each by its year and file."""
    out = [{"key": g["key"], "name": g["names"][0], "reports": g["ids"]} for g in all_agencies()]
    unnamed = sorted(
        (m for m in all_metas() if not identity().key(m["agency"])), key=lambda m: (m["year"] or 0, m["id"])
    )
    if unnamed:
        reports = [
            {"id": m["id"], "year": f"{m['year'] or '年度不详'}（{m.get('source') or m['id']}）"} for m in unnamed
        ]
        out.append({"key": UNKNOWN, "name": "机关不详", "reports": reports})
    return out


@bp.get("/api/compare")
@bp.get("/compare")
def compare():
    data: dict = {"a": None, "b": None}
    try:
        a, b = _pick("a"), _pick("b")
    except AmbiguousReport as exc:
        if wants_json():
            return {"error": str(exc), "candidates": exc.candidates}, 400
        page = render_template(
            "compare/compare.html", data=data, agencies=pickers(), picked=_picked(None, None), choices=exc
        )
        return page, 300
    if a is not None and b is not None:
        ident = identity()
        same = a.agency is not None and ident.key(a.agency) == ident.key(b.agency)
        data = compare_reports(a, b, same_agency=same)
        data["same_agency"] = same
    elif wants_json():
        return {"error": "请给出两份报告：a 与 b（报告编号或“机关@年份”），或 a_agency/a_year 与 b_agency/b_year"}, 400
    return respond("compare/compare.html", data, agencies=pickers(), picked=_picked(a, b), choices=None)


def _picked(a, b) -> dict:
    """What the form shows as chosen on each side: the agency's key and the report's id."""
    out = {}
    for side, report in (("a", a), ("b", b)):
        key = (identity().key(report.agency) or UNKNOWN) if report is not None else params.text(f"{side}_agency")
        out[side] = {"key": key or "", "id": report.id if report is not None else ""}
    return out


def side_label(meta: dict) -> str:
    """A side of a comparison as a person names it: 机关 年份."""
    return f"{meta['agency'] or '机关不详'} {meta['year'] or '年度不详'}"


@bp.get("/compare.csv")
def compare_csv():
    """Every figure of two reports, cell by cell, with Chinese labels; each side named by agency and year,
    its number as printed (empty when printed blank or not read, its state saying which), Δ and %."""
    a, b = _pick("a"), _pick("b")
    if a is None or b is None:
        raise UnknownReport("请给出两份报告：a 与 b")
    data = compare_reports(a, b, same_agency=identity().key(a.agency) == identity().key(b.agency))
    la, lb = side_label(data["a"]), side_label(data["b"])
    header = [
        "表",
        "项目",
        f"A：{la}",
        "A 状态",
        f"B：{lb}",
        "B 状态",
        "变化（B−A）",
        "变化率（%）",
        "说明",
        "A 报告",
        "A 文件",
        "B 报告",
        "B 文件",
    ]
    url_a, url_b = (absolute_url(url_for("reports.report", report_id=r.id)) for r in (a, b))
    rows = (
        [
            f"表{f['table']}",
            f["label"],
            "" if f["a"] is None else number_text(f["a"]),
            state_text(f["a_state"], f["a_inferred"], f["a_corrected"]),
            "" if f["b"] is None else number_text(f["b"]),
            state_text(f["b_state"], f["b_inferred"], f["b_corrected"]),
            "" if f["delta"] is None else number_text(f["delta"]),
            f["pct"],
            f["why"] or "",
            url_a,
            a.source,
            url_b,
            b.source,
        ]
        for f in data["figures"]
    )
    return csv_response(header, rows, "xxgk-compare.csv")
