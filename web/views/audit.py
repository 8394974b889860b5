"""Audit: every report with findings, filterable by rule and severity, and copied-text shares."""

from __future__ import annotations

from flask import Blueprint, current_app, url_for

from index.reader.audit.rules import FAMILIES, RULES, describe
from index.reader.report import Finding, number_text
from review.desk import corrected_ids
from search import derived
from search.copies import copies_summary, find_copies
from search.errors import QueryError
from search.reports import all_findings, all_records, record_to_report

from .. import params
from ..respond import absolute_url, csv_response, respond
from ..state import Pending, cached, cached_in_background, get_desk, get_index
from .reports import all_metas

bp = Blueprint("audit", __name__)
AUDIT_PAGE = 50  # reports with findings per page
COPIES_SHOWN = 100  # the most copied reports; `xxgk copies` lists them all


def _table() -> list[dict]:
    """Every report with findings, each finding described, most errors first: read once per index generation
    from the stored records (never their bodies), then only filtered by requests."""

    def build() -> list[dict]:
        rows = []
        for r in all_findings(get_index()):
            findings = [describe(_finding(f)) for f in r["findings"]]
            rows.append(
                {
                    "report_id": r["id"],
                    "agency": r["agency"],
                    "year": r["year"],
                    "source": r["source"],
                    "findings": findings,
                }
            )
        errors = {r["report_id"]: sum(f["severity"] == "error" for f in r["findings"]) for r in rows}
        rows.sort(key=lambda r: (-errors[r["report_id"]], -(r["year"] or 0), r["report_id"]))
        return rows

    return _corrected(cached("audit table", build))


def _corrected(rows: list[dict]) -> list[dict]:
    """The audit table with the findings of corrected reports run again on their corrected figures (few:
    each correction is a person's), so that the audit and the report's page agree."""
    fixed = corrected_ids(get_desk())
    if not fixed:
        return rows
    out = []
    for row in rows:
        if row["report_id"] in fixed:
            row = row | {"findings": [describe(f) for f in get_desk().report(row["report_id"]).findings]}
        out.append(row)
    listed = {r["report_id"] for r in rows}
    for report_id in fixed.keys() - listed:  # a report whose findings all came with its correction
        rep = get_desk().report(report_id)
        if rep.findings:
            out.append({"report_id": rep.id, "agency": rep.agency, "year": rep.year, "source": rep.source,
                        "findings": [describe(f) for f in rep.findings]})  # fmt: skip
    return [r for r in out if r["findings"]]


def _finding(stored: dict) -> Finding:
    return Finding(**(stored | {"span": tuple(stored["span"]) if stored.get("span") else None}))


def _copies() -> tuple[list[dict] | None, str | None]:
    """The reports with copied sentences, most copied first; None and a status while not ready (computed once
    per generation by one job beside the index, search/derived.py: never on a request's path, never per
    process), or when the index is too large to compare in the server (`xxgk copies` does it offline)."""
    index = get_index()
    if len(all_metas()) > current_app.config["COPIES_MAX_REPORTS"]:
        return None, "too_many"
    if not getattr(index, "remote", False):
        found, status = derived.copies(index)
        return found, None if status == "ready" else status

    def compute():
        reports = [record_to_report(r) for r in all_records(index)]
        return [c for c in copies_summary(reports, find_copies(reports)) if c["copied_sentences"]]

    try:
        return cached_in_background("copies", compute, current_app.config["COPIES_WAIT"]), None
    except Pending as pending:
        return None, pending.status


def _rows(rule: str, severity: str, family: str = "") -> list[dict]:
    """Reports with the findings that pass the filters, most errors first."""
    if not (rule or severity or family):
        return _table()
    rows = []
    for r in _table():
        findings = [
            f
            for f in r["findings"]
            if (not rule or f["rule"] == rule)
            and (not severity or f["severity"] == severity)
            and (not family or f["family"] == family)
        ]
        if findings:
            rows.append(r | {"findings": findings})
    return rows


def _n(value) -> str:
    return "" if value is None else number_text(value)


def _totals() -> dict:
    """The two families counted apart (reports, findings, errors), and the rules found, once per generation."""
    out: dict = {"rules": set()}
    for name in FAMILIES:
        mine = [[f for f in r["findings"] if f["family"] == name] for r in _table()]
        out[name] = {
            "reports": sum(1 for fs in mine if fs),
            "findings": sum(len(fs) for fs in mine),
            "errors": sum(1 for fs in mine for f in fs if f["severity"] == "error"),
        }
    out["rules"] = {f["rule"] for r in _table() for f in r["findings"]}
    return out


@bp.get("/audit.csv")
def audit_csv():
    """Every finding (of the rule and severity asked for), one row each, with its report's page and file."""
    # the arithmetic's expected and found; a text rule's numbers are the table's and the text's
    header = [
        "报告",
        "文件",
        "机关",
        "年度",
        "类别",
        "规则",
        "严重程度",
        "位置",
        "说明",
        "应为",
        "实为",
        "表格中",
        "正文中",
    ]
    rows = (
        [
            absolute_url(url_for("reports.report", report_id=r["report_id"])),
            r["source"],
            r["agency"] or "",
            r["year"] or "",
            f["family_name"],
            f["rule_name"],
            "错误" if f["severity"] == "error" else "提示",
            f["label"] or "",
            f["message"],
            *(
                ["", "", _n(f["expected"]), _n(f["found"])]
                if f["rule"].startswith("T")
                else [_n(f["expected"]), _n(f["found"]), "", ""]
            ),
        ]
        for r in _rows(params.text("rule"), params.text("severity"), params.text("family"))
        for f in r["findings"]
    )
    return csv_response(header, rows, "xxgk-audit.csv")


@bp.get("/api/audit")
@bp.get("/audit")
def audit():
    """Reports with findings (most errors first, a page at a time) and the most copied reports."""
    rule, severity, family = params.text("rule"), params.text("severity"), params.text("family")
    if family and family not in FAMILIES:
        raise QueryError(f"未知的类别“{family}”：report（报告本身的问题）或 reading（未能可靠读取）")
    size = params.number("limit", AUDIT_PAGE, 1, current_app.config["MAX_PAGE_SIZE"])
    page = params.number("page", 1, 1, 100_000)
    rows = _rows(rule, severity, family)
    totals = cached("audit totals", _totals)
    rules = [{"code": r.code, "name": r.name} for r in RULES.values() if r.code in totals["rules"]]
    copies, status = _copies()
    data = {
        "rule": rule or None,
        "severity": severity or None,
        "family": family or None,
        "families": {name: {"name": FAMILIES[name], **totals[name]} for name in FAMILIES},
        "total": len(rows),
        "page": page,
        "limit": size,
        "reports": rows[(page - 1) * size : page * size],
        "copies_status": status or "ready",
        "copies_max_reports": current_app.config["COPIES_MAX_REPORTS"],
        "copies_total": None if copies is None else len(copies),
        "copies": None if copies is None else copies[:COPIES_SHOWN],
        # every rule a finding can name, with what it checks (the page's legend)
        "rules": [
            {
                "code": r.code,
                "name": r.name,
                "explanation": r.explanation,
                "family": FAMILIES[r.group],
                "family_code": r.group,
                "source": r.source,
            }
            for r in RULES.values()
        ],
    }
    return respond("audit/audit.html", data, rules=rules, pages=max(1, -(-len(rows) // size)))
