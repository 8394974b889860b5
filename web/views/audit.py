"""Audit: every report with findings, filterable by rule and severity, and copied-text shares."""

from __future__ import annotations

from flask import Blueprint, current_app, url_for

from index.reader.audit.rules import FAMILIES, RULES, describe, family_of
from index.reader.report import number_text
from search.copies import copies_summary, find_copies
from search.errors import QueryError
from search.reports import all_records, record_to_report

from .. import params
from ..respond import absolute_url, csv_response, respond
from ..state import Pending, cached, cached_in_background, get_index

bp = Blueprint("audit", __name__)
AUDIT_PAGE = 50  # reports with findings per page
COPIES_SHOWN = 100  # the most copied reports; `xxgk copies` lists them all


def _reports():
    return cached("reports", lambda: [record_to_report(r) for r in all_records(get_index())])


def _copies() -> tuple[list[dict] | None, str | None]:
    """The reports with copied sentences, most copied first; None and a status while not ready
    (or when the index is too large to compare in the server: minutes of CPU and GBs per 10,000
    reports, which `xxgk copies` spends offline instead)."""
    if len(_reports()) > current_app.config["COPIES_MAX_REPORTS"]:
        return None, "too_many"

    def compute():
        reports = _reports()
        return [c for c in copies_summary(reports, find_copies(reports)) if c["copied_sentences"]]

    try:
        return cached_in_background("copies", compute, current_app.config["COPIES_WAIT"]), None
    except Pending as pending:
        return None, pending.status


def _rows(rule: str, severity: str, family: str = "") -> list[dict]:
    """Reports with the findings that pass the filters, most errors first."""
    rows = []
    for rep in _reports():
        findings = [
            describe(f)
            for f in rep.findings
            if (not rule or f.rule == rule)
            and (not severity or f.severity == severity)
            and (not family or family_of(f.rule) == family)
        ]
        if findings:
            rows.append(
                {
                    "report_id": rep.id,
                    "agency": rep.agency,
                    "year": rep.year,
                    "source": rep.source,
                    "findings": findings,
                }
            )
    rows.sort(key=lambda r: (-sum(f["severity"] == "error" for f in r["findings"]), -(r["year"] or 0)))
    return rows


def _n(value) -> str:
    return "" if value is None else number_text(value)


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
    found = {f.rule for rep in _reports() for f in rep.findings}
    rules = [{"code": r.code, "name": r.name} for r in RULES.values() if r.code in found]
    # the two families counted apart: the reports' own problems, and what could not be read reliably
    totals = {
        name: {
            "reports": sum(1 for rep in _reports() if any(family_of(f.rule) == name for f in rep.findings)),
            "findings": sum(1 for rep in _reports() for f in rep.findings if family_of(f.rule) == name),
            "errors": sum(
                1 for rep in _reports() for f in rep.findings if family_of(f.rule) == name and f.severity == "error"
            ),
        }
        for name in FAMILIES
    }
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
            {"code": r.code, "name": r.name, "explanation": r.explanation, "family": FAMILIES[r.group]}
            for r in RULES.values()
        ],
    }
    return respond("audit/audit.html", data, rules=rules, pages=max(1, -(-len(rows) // size)))
