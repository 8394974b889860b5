"""Whole reports read back from the index, and selectors naming them (an id or agency@year)."""

from __future__ import annotations

import re

from index.analysis import normalize
from index.reader.report import Finding, Report

from .engine import as_search_index
from .errors import QueryError

_ID = re.compile(r"^[0-9a-f]{16}$")


class UnknownReport(QueryError):
    """No report in the index matches the selector."""


def record_to_report(record: dict) -> Report:
    """Given the stored record of a report document, return the Report."""
    return Report(
        id=record["id"],
        source=record["source"],
        body=record["body"],
        title=record["title"],
        agency=record["agency"],
        agency_key=record.get("agency_key"),
        agency_from=record.get("agency_from"),
        year=record["year"],
        template=record["template"],
        spans={k: [tuple(s) for s in v] for k, v in record["spans"].items()},
        split=record["split"],
        figures=record["figures"],
        inferred=record["inferred"],
        blank=record["blank"],
        notes=record.get("notes", {}),
        findings=[Finding(**(f | {"span": tuple(f["span"]) if f.get("span") else None})) for f in record["findings"]],
    )


def all_records(index) -> list[dict]:
    """Given an index, return the stored record of every report in it (body included)."""
    if getattr(index, "remote", False):
        return index.records()
    table = as_search_index(index).table()
    return [table.stored(d)["record"] for d in table.searcher.document_numbers(kind="report")]


def report_metas(index) -> list[dict]:
    """Given an index, return id, agency, year, title and source file of every report, newest first."""
    out = index.metas() if getattr(index, "remote", False) else _metas(as_search_index(index))
    return sorted(out, key=lambda m: (-(m["year"] or 0), m["agency"] or "", m["id"]))


def _metas(index) -> list[dict]:
    searcher = index.searcher()
    out = []
    for docnum in searcher.document_numbers(kind="report"):
        f = searcher.stored_fields(docnum)
        out.append(
            {
                "id": f["report_id"],
                "agency": f.get("agency") or None,
                "year": f.get("year"),
                "title": f.get("title"),
                "source": f["record"].get("source"),  # the file relative to its corpus folder
            }
        )
    return out


def get_report(index, report_id: str) -> Report:
    """Given an index and a report id, return the Report; UnknownReport when there is none."""
    if getattr(index, "remote", False):
        record = index.record(report_id)
        if record is None:
            raise UnknownReport(f"no report with id {report_id!r}")
        return record_to_report(record)
    table = as_search_index(index).table()
    docnum = next(iter(table.searcher.document_numbers(kind="report", report_id=report_id)), None)
    if docnum is None:
        raise UnknownReport(f"no report with id {report_id!r}")
    return record_to_report(table.stored(docnum)["record"])


def resolve(index, selector: str) -> Report:
    """Given a report id or `agency@year` (agency matched by substring), return the one Report it names.

    An unknown or ambiguous selector raises UnknownReport listing the candidates.
    """
    selector = selector.strip()
    if _ID.match(selector):
        return get_report(index, selector)
    agency, sep, year = selector.rpartition("@")
    if not sep or not agency.strip() or not re.fullmatch(r"[0-9]{1,4}", year.strip()):  # ASCII digits only
        raise UnknownReport(f"{selector!r} is neither a report id nor agency@year (e.g. 平潭@2021)")
    needle = normalize(agency)
    candidates = [m for m in report_metas(index) if m["year"] == int(year) and needle in normalize(m["agency"] or "")]
    if len(candidates) == 1:
        return get_report(index, candidates[0]["id"])
    if not candidates:
        same_agency = [m for m in report_metas(index) if needle in normalize(m["agency"] or "")]
        hint = "; reports of that agency: " + ", ".join(_label(m) for m in same_agency[:10]) if same_agency else ""
        raise UnknownReport(f"no report matches {selector!r}{hint}")
    raise UnknownReport(f"{selector!r} is ambiguous; candidates: " + ", ".join(_label(m) for m in candidates[:10]))


def _label(meta: dict) -> str:
    return f"{meta['agency'] or '(agency unknown)'}@{meta['year']} ({meta['id']})"
