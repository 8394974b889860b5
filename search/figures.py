"""The figures table: reports × chosen figures, for a search or for filters alone (a spreadsheet's input).

One row per report that the query (or, without one, the filters) selects, in the
order year (newest first), agency; one column per chosen figure, headed by its
Chinese label. A figure the report does not have is empty, never 0, and its state
says why: printed blank ("blank") or not read — not printed, not readable, or not in
the report's format ("unread"). Whole numbers stay integers.
"""

from __future__ import annotations

import numpy as np

from index.reader.report import BLANK, PRINTED, UNREAD
from index.reader.tables.layout import figure_label

from .engine import as_search_index
from .errors import QueryError
from .filters import Filters, figure_key
from .matching import allowed_docs, matching_docs
from .query import parse_query

# what a table shows when no figure is chosen: requests, outcomes, reviews and suits
DEFAULT_FIGURES = (
    "applications.new.total",
    "applications.carried_over.total",
    "applications.granted.total",
    "applications.partly_granted.total",
    "applications.total.total",
    "applications.carried_forward.total",
    "review.total",
    "litigation_direct.total",
    "litigation_after_review.total",
)
MAX_FIGURES = 60


def figures_table(index, text: str = "", filters: Filters | None = None, keys=(), limit: int = 5000) -> dict:
    """Given a query (or none) and filters, return {keys, labels, rows, total} for the chosen figure keys."""
    keys = list(dict.fromkeys(figure_key(k) for k in keys)) or list(DEFAULT_FIGURES)
    if len(keys) > MAX_FIGURES:
        raise QueryError(f"数字项目过多（上限 {MAX_FIGURES} 个）")
    filters = filters or Filters()
    if getattr(index, "remote", False):
        rows = index.figure_rows(text, filters, keys)
    else:
        rows = _rows(as_search_index(index), text, filters, keys)
    rows.sort(key=lambda r: (-(r["year"] or 0), r["agency"] or "", r["report_id"]))
    rows = rows[:limit]
    marks = index.marks([r["report_id"] for r in rows]) if getattr(index, "remote", False) else None
    for row in rows:
        blank, inferred = marks.get(row["report_id"], ((), ())) if marks is not None else row.pop("marks").read()
        row["values"] = [None if v is None else (int(v) if v == int(v) else v) for v in row["values"]]
        pairs = zip(keys, row["values"], strict=True)
        row["states"] = [PRINTED if v is not None else BLANK if k in blank else UNREAD for k, v in pairs]
        row["inferred"] = [k in inferred for k in keys]
    return {"keys": keys, "labels": [figure_label(k) for k in keys], "total": len(rows), "rows": rows}


def _rows(index, text: str, filters: Filters, keys: list[str]) -> list[dict]:
    """One row per report the query (or the filters alone) selects: its id, agency, year and figures."""
    table = index.table()
    g = table.generation
    if text.strip():
        docs = matching_docs(table, parse_query(text), filters)
    else:
        docs = allowed_docs(table, filters)
        if docs is None:
            docs = g.sections_live
    report_docs = g.report_of[docs]
    reports, first = np.unique(report_docs, return_index=True)  # each report once, with a section of it
    keep = reports >= 0
    reports, sections = reports[keep], docs[first[keep]]
    columns = [g.figure(k)[reports] for k in keys]
    ids, codes = g.reports
    names, agency_codes = g.agencies
    rows = []
    for i, d in enumerate(sections.tolist()):
        agency = int(agency_codes[d])
        rows.append(
            {
                "report_id": ids[int(codes[d])],
                "agency": names[agency] if agency >= 0 else None,
                "year": int(g.year[d]) or None,
                "values": [None if np.isnan(column[i]) else float(column[i]) for column in columns],
                "marks": _Marks(table, int(reports[i])),
            }
        )
    return rows


class _Marks:
    """The cells a report printed blank and those read by a fallback, from its stored record when asked (only
    the rows shown are)."""

    def __init__(self, table, docnum: int) -> None:
        self.table, self.docnum = table, docnum

    def read(self) -> tuple[set[str], set[str]]:
        record = self.table.searcher.stored_fields(self.docnum)["record"]
        return set(record.get("blank") or ()), set(record.get("inferred") or ())
