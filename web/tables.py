"""A report's figures laid out as the format's tables, each cell marked with its audit findings."""

from __future__ import annotations

from fnmatch import fnmatchcase

from index.reader.audit.arithmetic import table3_template
from index.reader.audit.rules import rule_name
from index.reader.report import Report
from index.reader.tables.layout import (
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    ART20_MEASURE_NAMES,
    ART20_ROWS,
    COLUMN_NAMES,
    GROUP_NAMES,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    ROW_NAMES,
    figure_label,
)
from index.reader.tables.statistics import LEGACY_ROWS, MEASURE_NAMES


def _cell(report: Report, key: str) -> dict:
    """One cell: its number, its state (printed, blank, unread), marks, and its findings in words."""
    flags = [f for f in report.findings if f.location and fnmatchcase(key, f.location)]
    return {
        "key": key,
        "label": figure_label(key),
        "value": report.figures.get(key),
        "state": report.state(key),
        "blank": key in report.blank,
        "inferred": key in report.inferred,
        "corrected": report.corrected.get(key),
        "note": report.notes.get(key),
        "traced": key in report.origins,
        "findings": [f"{rule_name(f.rule)}：{f.message}" for f in flags],
        "severity": "error" if any(f.severity == "error" for f in flags) else ("warning" if flags else ""),
    }


def report_tables(report: Report) -> dict:
    """Given a report, return tables 二, 三 and 四 as rows of cells (empty lists when not read)."""
    out: dict = {
        "art20": [],
        "applications": [],
        "review": [],
        "statistics": [],
        "columns": [COLUMN_NAMES[c] for c in APPLICATION_COLUMNS],
    }
    template = table3_template([*report.figures, *report.blank])
    if template:
        for row in APPLICATION_ROWS[template]:
            out["applications"].append(
                {
                    "name": ROW_NAMES[row.key],
                    "cells": [_cell(report, f"applications.{row.key}.{c}") for c in APPLICATION_COLUMNS],
                }
            )
    if any(k.startswith(("review.", "litigation_")) for k in [*report.figures, *report.blank]):
        for g in REVIEW_GROUPS:
            out["review"].append({"name": GROUP_NAMES[g], "cells": [_cell(report, f"{g}.{c}") for c in REVIEW_COLUMNS]})
        out["review_columns"] = [COLUMN_NAMES[c] for c in REVIEW_COLUMNS]
    if report.template in ART20_ROWS:
        for row in ART20_ROWS[report.template]:
            cells = [_cell(report, k) for k in row.keys]
            if any(c["state"] != "unread" for c in cells):
                # each row says what its cells are: table 二's rows measure different things
                heads = [ART20_MEASURE_NAMES[k.rsplit(".", 1)[1]] for k in row.keys]
                out["art20"].append({"name": row.name, "cells": cells, "keys": list(row.keys), "heads": heads})
    if any(k.startswith("legacy.") for k in [*report.figures, *report.blank]):  # a report before 2019
        out["statistics"] = [
            {"name": name, "cells": [_cell(report, f"legacy.{key}.{m}") for m in MEASURE_NAMES]}
            for key, name, *_ in LEGACY_ROWS
            if any(f"legacy.{key}.{m}" in report.figures or f"legacy.{key}.{m}" in report.blank for m in MEASURE_NAMES)
        ]
        out["statistics_columns"] = list(MEASURE_NAMES.values())
    return out
