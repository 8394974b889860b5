"""The review desk: a region's units for a year, one report's findings with verdicts and corrections,
the roster, uploads, and the 问题清单 and 通报 to hand out. Every page here needs a desk login."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from index.reader.audit.rules import FAMILIES, describe
from index.reader.report import SECTIONS, TEMPLATE_NAMES
from index.reader.tables.layout import figure_label
from review.checks import published_text
from review.corrections import ORIGINS, correct
from review.desk import desk_table, finding_by_key, pinyin, report_review, stamp
from review.errors import Conflict, ReviewError
from review.notice import desk_notice
from review.roster import decode, import_roster, merge_into, read_roster, removed_by
from review.uploads import KINDS, MAX_BYTES, check, store
from review.verdicts import DECISIONS, NEXT_STATUS, STATUSES, change
from review.workbook import desk_workbook
from search.filters import FIGURE_KEYS
from search.reports import UnknownReport, get_report

from .. import params
from ..auth import admin_required, login_required
from ..respond import csv_response, wants_json
from ..state import cached, get_desk, get_engine, get_index
from ..tables import report_tables
from .reports import all_metas, split_table_text

bp = Blueprint("review", __name__)


@bp.context_processor
def _limits() -> dict:
    return {"limit_mb": MAX_BYTES // 1024 // 1024}


SORTS = {
    "region": ("按地区排序", lambda r: (pinyin(r["region"]), pinyin(r["name"]))),
    "name": ("按单位名称排序（拼音）", lambda r: pinyin(r["name"])),
    "open": ("待审核多的在前", lambda r: (-r["open"], pinyin(r["name"]))),
    "findings": ("问题多的在前", lambda r: (-r["findings"], -r["errors"], pinyin(r["name"]))),
    "unfiled": ("未发布的在前", lambda r: (r["filed"], pinyin(r["name"]))),
}
SHOWS = {
    "": "全部单位",
    "unfiled": "未发布",
    "open": "有待审核的",
    "errors": "有计算错误的",
    "todo": "有待整改的",
}
PAGE = 50


def _year() -> int:
    """The year asked for; by default the latest year a unit of the roster has a report for (the library's
    latest year without a roster, or when no unit of it has one)."""
    desk = get_desk()  # its reports by agency and year, which the table reads next
    mine = [year for unit in desk.roster for year in desk.by_key.get(unit.key, {}) if year]
    years = mine or [m["year"] for m in all_metas() if m["year"]]
    return params.number("year", max(years) if years else 2024, 1990, 2100)


def _table() -> dict:
    """The desk's table, computed once per index generation and desk write (a desk login is needed to ask)."""
    region, year = params.text("region"), _year()
    holder = cached(("desk", region, year), dict)
    now = stamp(get_engine())
    if holder.get("stamp") != now:
        holder.update(table=desk_table(get_desk(), region, year), stamp=now)
    return holder["table"]


def _shown(rows: list[dict], show: str) -> list[dict]:
    if show == "unfiled":
        return [r for r in rows if not r["filed"]]
    if show == "open":
        return [r for r in rows if r["open"]]
    if show == "errors":
        return [r for r in rows if r["errors"]]
    if show == "todo":
        return [r for r in rows if any(x["counts"]["statuses"]["todo"] for x in r["reports"])]
    return rows


@bp.get("/api/review")
@bp.get("/review")
@login_required
def desk():
    try:
        table = _table()
    except ReviewError as exc:
        if wants_json():
            return {"error": str(exc)}, 400
        return render_template("errors/error.html", title="范围过大", message=str(exc)), 400
    show = request.args.get("show", "")
    sort = request.args.get("sort", "region")
    if show not in SHOWS or sort not in SORTS:
        abort(400)
    rows = sorted(_shown(table["rows"], show), key=SORTS[sort][1])
    page = params.number("page", 1, 1, 100_000)
    data = {k: v for k, v in table.items() if k != "rows"} | {
        "rows": rows[(page - 1) * PAGE : page * PAGE],
        "shown": len(rows),
        "page": page,
        "show": show,
        "sort": sort,
    }
    if wants_json():
        return data
    years = sorted({m["year"] for m in all_metas() if m["year"]}, reverse=True)
    return render_template(
        "review/desk.html",
        data=data,
        years=years,
        sorts={k: v[0] for k, v in SORTS.items()},
        shows=SHOWS,
        decisions=DECISIONS,
        statuses=STATUSES,
        pages=max(1, -(-len(rows) // PAGE)),
        roster_names=sorted(u.name for u in get_desk().roster) if data.get("from_roster") else [],
    )


def _filename(table: dict, ext: str) -> str:
    from urllib.parse import quote

    name = f"{table['region']}{table['year']}年度年报审核.{ext}"
    return f"attachment; filename*=UTF-8''{quote(name)}"


@bp.get("/review.xlsx")
@login_required
def desk_xlsx():
    table = _table()
    return Response(
        desk_workbook(table),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": _filename(table, "xlsx")},
    )


@bp.get("/review.docx")
@login_required
def desk_docx():
    table = _table()
    return Response(
        desk_notice(table, params.text("office")[:100], params.text("to")[:200]),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": _filename(table, "docx")},
    )


@bp.get("/review.csv")
@login_required
def desk_csv():
    table = _table()
    header = ["单位", "地区", "层级", "是否发布", "报告编号", "文件", "错误", "提示", "未能可靠读取",
              *DECISIONS.values(), *STATUSES.values()]  # fmt: skip
    rows = []
    for row in table["rows"]:
        for r in row["reports"] or [None]:
            if r is None:
                rows.append([row["name"], row["region"], row["level"], "未发布"])
                continue
            c = r["counts"]
            rows.append([row["name"], row["region"], row["level"], "已发布", r["id"], r["source"],
                         c["report"].get("error", 0), c["report"].get("warning", 0), sum(c["reading"].values()),
                         *c["decisions"].values(), *c["statuses"].values()])  # fmt: skip
    return csv_response(header, rows, "xxgk-review.csv")


def _review(report_id: str):
    try:
        return report_review(get_desk(), report_id)
    except UnknownReport:
        abort(404)


@bp.get("/api/review/reports/<report_id>")
@bp.get("/review/reports/<report_id>")
@login_required
def report(report_id: str):
    rep, review = _review(report_id)
    data = {
        "id": rep.id,
        "agency": rep.agency,
        "year": rep.year,
        "source": rep.source,
        "template": rep.template,
        "template_name": TEMPLATE_NAMES[rep.template],
        "published": rep.published,
        "published_from": rep.published_from,
        "published_text": published_text(rep),
        "deadline": review["deadline"][0].isoformat() if review["deadline"] else None,
        "deadline_for": review["deadline"][1] if review["deadline"] else None,
        "slot": review["slot"],
        "unit": review["unit"].name if review["unit"] else None,
        "findings": review["findings"],
        "stale": review["stale"],
        "counts": review["counts"],
        "corrected": rep.corrected,
        "corrections": {k: [_correction(c) for c in v] for k, v in review["corrections"].items()},
    }
    if wants_json():
        return data
    texts = {name: split_table_text(rep.section(name)) for name in SECTIONS}
    cell = request.args.get("cell", "")
    editing = None
    if cell in FIGURE_KEYS:
        history = data["corrections"].get(cell, [])
        editing = {
            "key": cell,
            "label": figure_label(cell),
            "state": rep.state(cell),
            "value": rep.figures.get(cell),
            "seen": history[-1]["seq"] if history else 0,
            "history": history,
            "corrected": rep.corrected.get(cell),
        }
    return render_template(
        "review/report.html",
        editing=editing,
        data=data,
        tables=report_tables(rep),
        texts=texts,
        families=FAMILIES,
        decisions=DECISIONS,
        statuses=STATUSES,
        next_status=NEXT_STATUS,
        origins=ORIGINS,
        draft=session.pop("draft", None),  # what was typed into a form that was refused, to type no more
    )


def _correction(row: dict) -> dict:
    out = {k: row[k] for k in ("seq", "value", "original", "origin", "origin_name", "note", "user")}
    out["at"] = row["at"].isoformat(timespec="seconds") if hasattr(row["at"], "isoformat") else str(row["at"])
    out["label"] = figure_label(row["key"])
    return out


def _seen() -> int:
    raw = request.form.get("seen", "0")
    if not raw.isascii() or not raw.isdigit():
        abort(400)
    return int(raw)


def _done(
    report_id: str, message: str, anchor: str = "", status: int = 200, error: bool = False, cell: str | None = None
):
    if wants_json():
        return ({"error": message} if error else {"message": message}), status
    flash(message, "error" if error else "message")
    if error and anchor:  # the form comes back with what was typed into it
        fields = ("decision", "status", "responsible", "note", "value", "origin", "blank")
        session["draft"] = {"anchor": anchor, "message": message} | {k: request.form.get(k, "")[:2000] for k in fields}
    return redirect(url_for("review.report", report_id=report_id, cell=cell, _anchor=anchor or None), 303)


@bp.post("/api/review/reports/<report_id>/findings/<key>")
@bp.post("/review/reports/<report_id>/findings/<key>")
@login_required
def verdict(report_id: str, key: str):
    desk = get_desk()
    rep, review = _review(report_id)
    finding = finding_by_key(desk, rep, key)
    item = next((f for f in review["findings"] if f["key"] == key), None)
    if finding is None or item is None:
        return _done(report_id, "这条发现已不存在（报告或数字已更改），请查看最新的审核结果", status=409, error=True)
    if not item["decidable"]:
        return _done(report_id, "这是本工具读取表格时的提示，不是报告的问题；如数字读错，请直接更正数字", status=400,
                     error=True)  # fmt: skip
    form = request.form
    try:
        change(
            desk.engine, review["slot"], rep, finding, user=g.user, seen=_seen(),
            decision=form.get("decision") or None, status=form.get("status") or None,
            responsible=form.get("responsible"), note=form.get("note", ""),
        )  # fmt: skip
    except Conflict as exc:
        return _done(report_id, str(exc), f"f-{key}", 409, error=True)
    except ReviewError as exc:
        return _done(report_id, str(exc), f"f-{key}", 400, error=True)
    return _done(report_id, "已保存审核意见", f"f-{key}")


@bp.post("/api/review/reports/<report_id>/cells/<key>")
@bp.post("/review/reports/<report_id>/cells/<key>")
@login_required
def correction(report_id: str, key: str):
    if key not in FIGURE_KEYS:
        abort(404)
    desk = get_desk()
    _, review = _review(report_id)
    form = request.form
    value = None if form.get("withdraw") else "" if form.get("blank") == "1" else form.get("value", "")
    if value is not None and not value.strip() and form.get("blank") != "1" and not wants_json():
        # on the page an empty box is no answer (the API's empty value is a blank cell, as documented)
        message = "请填写正确的数字；要把这一格改为空白（报告此格未填数字），请勾选“改为空白”"
        return _done(report_id, message, f"c-{key}", 400, error=True, cell=key)
    try:
        correct(
            desk.engine, review["slot"], desk.raw(report_id), key, value, user=g.user, seen=_seen(),
            origin=form.get("origin", "reader"), note=form.get("note", ""),
        )  # fmt: skip
    except Conflict as exc:
        return _done(report_id, str(exc), f"c-{key}", 409, error=True, cell=key)
    except ReviewError as exc:
        return _done(report_id, str(exc), f"c-{key}", 400, error=True, cell=key)
    said = "已撤销更正" if value is None else f"已更正“{figure_label(key)}”，审核结果已按更正后的数字重新计算"
    return _done(report_id, said, f"c-{key}")


@bp.get("/review/roster")
@login_required
def roster():
    return render_template("review/roster.html", units=get_desk().roster)


@bp.post("/review/roster")
@admin_required
def roster_import():
    """Import a roster; one that would remove units first lists them, and is imported when confirmed (the
    file's text comes back with the confirmation, so nothing is kept between the two requests)."""
    upload = request.files.get("file")
    confirmed = request.form.get("confirm") == "1" and "text" in request.form
    if not confirmed and (upload is None or not upload.filename):
        flash("请选择名单文件（CSV）", "error")
        return redirect(url_for("review.roster"), 303)
    name = (request.form.get("name", "") if confirmed else Path(upload.filename).name)[:80]
    try:
        text = request.form["text"] if confirmed else decode(upload.stream.read(6 * 1024 * 1024), name)
        units = read_roster(text, get_desk().identity, name)
        removed = [] if confirmed else removed_by(get_engine(), units)
        if removed:
            pending = {"name": name, "text": text, "removed": removed, "units": len(units)}
            return render_template("review/roster.html", units=get_desk().roster, pending=pending)
        counts = import_roster(get_engine(), units, g.user, name)
    except ReviewError as exc:
        flash(str(exc), "error")
        return redirect(url_for("review.roster"), 303)
    flash("名单已导入：新增 {added}、更新 {updated}、移除 {removed}、未变 {unchanged} 个单位".format(**counts))
    return redirect(url_for("review.roster"), 303)


@bp.post("/review/merge")
@admin_required
def merge_agency():
    """A report outside the roster (a name the roster prints otherwise) is one of its units: recorded in the
    index's aliases, as `xxgk agencies merge` does, and logged."""
    back = url_for("review.desk", year=request.form.get("year") or None, region=request.form.get("region") or None)
    if getattr(get_index(), "remote", False):
        flash("OpenSearch 索引的机关合并请在命令行用 xxgk agencies merge 完成", "error")
        return redirect(back, 303)
    name, into = request.form.get("name", "")[:200], request.form.get("into", "")[:200]
    try:
        merge_into(get_engine(), current_app.config["INDEX_DIR"], name, into, get_desk().roster, g.user)
    except ReviewError as exc:
        flash(str(exc), "error")
        return redirect(back, 303)
    flash(f"已将“{name}”并入名单中的“{into}”")
    return redirect(back, 303)


@bp.get("/review/roster.csv")
@login_required
def roster_template():
    """The roster as a CSV in the format import reads (an empty one to fill in when there is none)."""
    header = ["单位名称", "上级单位", "地区", "层级", "类型", "汇总下级"]
    rows = (
        [u.name, u.parent_name or "", u.region, u.level, u.kind, "是" if u.sums else "否"] for u in get_desk().roster
    )
    return csv_response(header, rows, "roster.csv")


@bp.route("/review/upload", methods=["GET", "POST"])
@login_required
def upload():
    if request.method == "GET":
        return render_template("review/upload.html", result=None, kinds=KINDS)
    file = request.files.get("file")
    if file is None or not file.filename:
        return render_template("review/upload.html", result=None, kinds=KINDS, error="请选择要上传的报告文件"), 400
    data = file.stream.read(current_app.config["MAX_CONTENT_LENGTH"] + 1)
    keep = request.form.get("mode") == "store"
    try:
        checked = check(data, file.filename)
        known = _indexed(checked.report.id)
        if keep and not known:
            if getattr(get_index(), "remote", False):
                raise ReviewError("检索集群模式下不能在网页上传入库，请用 xxgk index 导入")
            folder = Path(current_app.config["UPLOAD_DIR"] or _default_uploads())
            store(checked, data, folder, Path(current_app.config["INDEX_DIR"]))
            from review.db import writing
            from review.log import record

            with writing(get_engine()) as conn:
                record(conn, g.user, "upload", checked.name, report=checked.report.id)
            flash(f"已上传并入库：{checked.report.agency or '机关不详'} {checked.report.year or ''} 年度报告")
            return redirect(url_for("review.report", report_id=checked.report.id), 303)
    except ReviewError as exc:
        return render_template("review/upload.html", result=None, kinds=KINDS, error=str(exc)), 400
    report = checked.report
    result = {
        "report": report,
        "template_name": TEMPLATE_NAMES[report.template],
        "known": known,
        "findings": [f | {"key": ""} for f in _described(report)],
        "kind": KINDS[checked.suffix],
    }
    return render_template("review/upload.html", result=result, kinds=KINDS, tables=report_tables(report))


def _described(report) -> list[dict]:
    return [describe(f) for f in report.findings]


def _indexed(report_id: str) -> bool:
    try:
        get_report(get_index(), report_id)
    except UnknownReport:
        return False
    return True


def _default_uploads() -> str:
    index = Path(current_app.config["INDEX_DIR"]).resolve()
    return str(index.parent / (index.name + "-uploads"))
