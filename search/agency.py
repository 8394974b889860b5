"""One agency across its years: key figures as series, part 五 year by year, checks between years.

An agency is every report whose printed name has the same agency key, the user's
merges included (search/identity.py: 平潭综合实验区, 平潭综合实验区管委会 and
平潭综合实验区（管委会） are one agency; so are 洪泽区人民政府 and
淮安市洪泽区人民政府). Sentences of part 五 that the previous year's report
already said (same normalised sentence) are marked, since copied problems and
promises are what a reader of a series looks for first.
"""

from __future__ import annotations

from dataclasses import asdict
from itertools import pairwise

from index.reader.audit.rules import location_label
from index.reader.report import Report
from index.reader.tables.layout import figure_label

from .compare import sentence_key, sentences, year_checks
from .identity import Identity
from .reports import UnknownReport, get_report, identity_of, report_metas

# The figures a series shows first: requests, outcomes, reviews and suits, documents.
KEY_FIGURES = (
    "applications.new.total",
    "applications.total.total",
    "applications.granted.total",
    "applications.carried_forward.total",
    "review.total",
    "litigation_direct.total",
    "litigation_after_review.total",
    "art20.normative.issued",
)
# The old format's statistics table (reports before 2019): series of their own, never joined to the above
# (the 统计口径 changed in 2019: its 受理依申请公开信息总数 is not table 三's 本年新收)
LEGACY_FIGURES = (
    "legacy.active.year",
    "legacy.requests.year",
    "legacy.replies.year",
    "legacy.review.year",
    "legacy.litigation.year",
)


def agencies(index, metas: list[dict] | None = None, identity: Identity | None = None) -> list[dict]:
    """Every agency in the index: its key, the names it was printed under (most reports first), its years,
    its reports (id and year, oldest first) and their count.

    `metas` are the index's report_metas when the caller holds them already."""
    identity = identity or identity_of(index)
    groups: dict[str, dict] = {}
    for meta in metas if metas is not None else report_metas(index):
        key = identity.key(meta["agency"])
        if not key:
            continue
        group = groups.setdefault(key, {"key": key, "names": {}, "years": [], "reports": 0, "ids": []})
        group["names"][meta["agency"]] = group["names"].get(meta["agency"], 0) + 1
        if meta["year"] is not None and meta["year"] not in group["years"]:
            group["years"].append(meta["year"])
        group["reports"] += 1
        group["ids"].append((meta["year"], meta["id"]))
    for group in groups.values():
        group["years"].sort()
        group["names"] = sorted(group["names"], key=lambda n: (-group["names"][n], n))
        ids = sorted(group["ids"], key=lambda x: (x[0] or 0, x[1]))
        group["ids"] = [{"id": rid, "year": year} for year, rid in ids]
    return sorted(groups.values(), key=lambda g: (-g["reports"], g["key"]))


def agency_reports(index, key: str, metas: list[dict] | None = None, identity: Identity | None = None) -> list[Report]:
    """The reports of one agency (by its key), oldest first; UnknownReport when there are none."""
    identity = identity or identity_of(index)
    metas = metas if metas is not None else report_metas(index)
    ids = [m["id"] for m in metas if identity.key(m["agency"]) == key]
    if not ids:
        raise UnknownReport(f"没有这个机关：{key}")
    return sorted((get_report(index, rid) for rid in ids), key=lambda r: (r.year or 0, r.id))


def _state(report: Report, key: str) -> str:
    """A figure's state in one report; "old_format" or "new_format" where the report's format has no such
    cell (a 2019 key in a report before 2019, a statistics-table key in a later one)."""
    state = report.state(key)
    if state == "unread" and report.template in ("2019", "2021", "legacy"):
        if key.startswith("legacy.") and report.template != "legacy":
            return "new_format"
        if not key.startswith("legacy.") and report.template == "legacy":
            return "old_format"
    return state


def agency_view(reports: list[Report], key: str) -> dict:
    """Given one agency's reports (its key's), oldest first, return its page as a plain dict."""
    years = [r.year for r in reports]
    series = []
    for key in KEY_FIGURES + LEGACY_FIGURES:
        values = [r.figures.get(key) for r in reports]  # None: printed blank or not read, never 0
        states = [_state(r, key) for r in reports]
        if any(v is not None for v in values):
            series.append({"key": key, "label": figure_label(key), "points": values, "states": states,
                           "legacy": key.startswith("legacy.")})  # fmt: skip
    narrative, before = [], None
    for report in reports:
        said_before = _keys(before) if before is not None else set()
        entry = {"id": report.id, "year": report.year, "agency": report.agency}
        entry["compared_with"] = before.year if before is not None else None  # the report before, maybe not last year
        for name in ("problems", "improvements"):
            entry[name] = [
                {"text": s, "same_as_last_year": sentence_key(s) in said_before}
                for s in sentences(report.section(name))
            ]
        entry["repeated"] = sum(s["same_as_last_year"] for n in ("problems", "improvements") for s in entry[n])
        narrative.append(entry)
        before = report
    checks = []
    for old, new in pairwise(reports):
        for finding in year_checks(old, new, same_agency=True):
            checks.append(asdict(finding) | {"label": location_label(finding.location), "year": new.year})
    return {
        "key": key,
        "names": list(dict.fromkeys(r.agency for r in reports if r.agency)),
        "years": years,
        "reports": [
            {"id": r.id, "year": r.year, "agency": r.agency, "template": r.template, "previous": _previous(reports, r)}
            for r in reports
        ],
        "series": series,
        "narrative": narrative,
        "checks": checks,
    }


def _previous(reports: list[Report], report: Report) -> str | None:
    """The id of the agency's report of the year before this one's, if it has one."""
    if report.year is None:
        return None
    return next((r.id for r in reports if r.year == report.year - 1), None)


def _keys(report: Report) -> set[str]:
    return {
        sentence_key(s) for name in ("problems", "improvements", "overview") for s in sentences(report.section(name))
    }
