"""The figures table: reports × chosen figures, for a search or for filters alone (a spreadsheet's input).

One row per report that the query (or, without one, the filters) selects, in the
order year (newest first), agency; one column per chosen figure, headed by its
Chinese label. A figure the report does not have (not printed, not read, another
format) is empty, never 0.
"""

from __future__ import annotations

from index.reader.tables.layout import figure_label
from index.store import figure_field

from .engine import as_search_index
from .errors import QueryError
from .filters import FIGURE_KEYS, Filters
from .matching import allowed_docs, matching_docs
from .postings import read_postings
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
    keys = list(dict.fromkeys(keys)) or list(DEFAULT_FIGURES)
    unknown = [k for k in keys if k not in FIGURE_KEYS]
    if unknown:
        raise QueryError(f"未知的数字字段“{unknown[0]}”（见 docs/fields.md）")
    if len(keys) > MAX_FIGURES:
        raise QueryError(f"数字字段过多（上限 {MAX_FIGURES} 个）")
    filters = filters or Filters()
    table = as_search_index(index).table()
    if text.strip():
        docs = matching_docs(table, parse_query(text), filters)
    else:
        docs = allowed_docs(table, filters)
        if docs is None:
            docs = set(read_postings(table.reader, "kind", "section").ids)
    reports: dict[int, int] = {}  # report document → a section of it (for agency and year)
    for d in docs:
        reports.setdefault(table.report_of[d], d)
    reports.pop(-1, None)
    columns = [table.figure(figure_field(k)) for k in keys]
    rows = []
    for rdoc, d in reports.items():
        rows.append(
            {
                "report_id": table.report_ids[d],
                "agency": table.agency[d] or None,
                "year": table.year[d] or None,
                "values": [column[rdoc] for column in columns],
            }
        )
    rows.sort(key=lambda r: (-(r["year"] or 0), r["agency"] or "", r["report_id"]))
    return {"keys": keys, "labels": [figure_label(k) for k in keys], "total": len(rows), "rows": rows[:limit]}
