"""Whole reports read back from the index, and selectors naming them (an id or agency@year)."""

from __future__ import annotations

import re

from index.analysis import normalize
from index.reader.report import Finding, Report

from .engine import as_search_index
from .errors import QueryError
from .identity import Identity

_ID = re.compile(r"^[0-9a-f]{16}$")


class UnknownReport(QueryError):
    """No report in the index matches the selector."""


def record_to_report(record: dict) -> Report:
    """Given the stored record of a report document, return the Report."""
    return Report(
        id=record["id"],
        source=record["source"],
        body=record["body"],
        source_url=record.get("source_url"),
        published=record.get("published"),
        published_from=record.get("published_from"),
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
        origins=record.get("origins") or {},
        pages=record.get("pages") or {},
        findings=[Finding(**(f | {"span": tuple(f["span"]) if f.get("span") else None})) for f in record["findings"]],
    )


def identity_of(index) -> Identity:
    """The agency identity of either backend (search/identity.py)."""
    return index.identity() if hasattr(index, "identity") else as_search_index(index).identity()


def all_records(index) -> list[dict]:
    """Given an index, return the stored record of every report in it (body included)."""
    if getattr(index, "remote", False):
        return index.records()
    table = as_search_index(index).table()
    return [table.stored(d)["record"] for d in table.searcher.document_numbers(kind="report")]


def all_findings(index) -> list[dict]:
    """Every report with findings: its id, agency, year, source file and findings (as stored), read without the
    reports' bodies (what an audit lists)."""
    if getattr(index, "remote", False):
        records = index.records()
    else:
        searcher = as_search_index(index).searcher()
        records = (searcher.stored_fields(d)["record"] for d in searcher.document_numbers(kind="report"))
    return [{k: r.get(k) for k in ("id", "agency", "year", "source", "findings")} for r in records if r.get("findings")]


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
            raise UnknownReport(f"没有编号为 {report_id} 的报告")
        return record_to_report(record)
    table = as_search_index(index).table()
    docnum = next(iter(table.searcher.document_numbers(kind="report", report_id=report_id)), None)
    if docnum is None:
        raise UnknownReport(f"没有编号为 {report_id} 的报告")
    return record_to_report(table.stored(docnum)["record"])


class AmbiguousReport(UnknownReport):
    """A selector names several reports: `candidates` are their metas."""

    def __init__(self, message: str, candidates: list[dict]) -> None:
        super().__init__(message)
        self.candidates = candidates


def source_of(index, report_id: str) -> tuple[str, str] | None:
    """The path of a report's file as the build read it (never shown: only served, from its corpus) and
    the SHA-256 of its bytes then; None when the index has no such report."""
    if getattr(index, "remote", False):
        return index.source_of(report_id)
    searcher = as_search_index(index).searcher()
    docnum = next(iter(searcher.document_numbers(kind="report", report_id=report_id)), None)
    if docnum is None:
        return None
    fields = searcher.stored_fields(docnum)
    return fields["source"], fields["hash"]


def resolve(index, selector: str) -> Report:
    """Given a report id or `agency@year`, return the one Report it names.

    The agency is an agency's name (any name it was printed under, or its key) or, failing
    that, a part of one: an agency named exactly wins over one whose name only contains it
    (平潭综合实验区@2013 is that agency's report, not also its tax bureau's). An unknown
    selector raises UnknownReport, an ambiguous one AmbiguousReport with the candidates.
    """
    selector = selector.strip()
    if _ID.match(selector):
        return get_report(index, selector)
    agency, sep, year = selector.rpartition("@")
    if not sep or not agency.strip() or not re.fullmatch(r"[0-9]{1,4}", year.strip()):  # ASCII digits only
        raise UnknownReport(f"“{selector}”既不是报告编号，也不是“机关@年份”（如 平潭综合实验区@2021）")
    metas = report_metas(index)
    candidates = agency_reports_named(index, agency, metas)
    in_year = [m for m in candidates if m["year"] == int(year)]
    if len(in_year) == 1:
        return get_report(index, in_year[0]["id"])
    if in_year:
        raise AmbiguousReport(f"“{selector}”对应多份报告，请选择其中一份", in_year[:20])
    hint = "；该机关的报告：" + "、".join(_label(m) for m in candidates[:10]) if candidates else ""
    raise UnknownReport(f"没有找到“{selector}”{hint}")


def agency_reports_named(index, agency: str, metas: list[dict]) -> list[dict]:
    """The metas of the reports of the agency a person typed: every report of the agency of that exact name
    (or key), or else of every agency whose name contains it."""
    identity = identity_of(index)
    key = identity.key(agency)
    exact = [m for m in metas if key and identity.key(m["agency"]) == key]
    if exact:
        return exact
    needle = normalize(agency)
    return [m for m in metas if needle and needle in normalize(m["agency"] or "")]


def _label(meta: dict) -> str:
    return f"{meta['agency'] or '（机关不详）'}@{meta['year']}"
