"""Corrections of figures: a cell the reader got wrong, or a value the unit supplied.

The original reading stays in the index; a correction is laid over it wherever a report is shown
(its page, compare, exports, the API), marked 更正, and the report's checks are run again on the
corrected figures. A correction can be withdrawn; every change is kept.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation

from sqlalchemy import Engine, insert, or_, select
from sqlalchemy.exc import IntegrityError

from index.reader.audit.rerun import audit_report
from index.reader.report import Report, number_text
from index.reader.tables.layout import figure_label
from search.filters import FIGURE_KEYS

from .db import writing
from .errors import Conflict, Invalid
from .log import now, record
from .schema import corrections

ORIGINS = {"reader": "读取有误", "unit": "单位提供"}
MAX_DIGITS = 15  # a count or a sum in 万元 never has more; a float carries them exactly


def parse_value(text: str, key: str) -> str:
    """A corrected value as written: a non-negative number ("12", "2766.7879") or "" for a blank cell;
    Invalid otherwise. Counts (tables 三 and 四) must be whole numbers."""
    text = text.strip().replace(",", "").replace("，", "")
    if text in ("", "空白", "-", "—", "/"):
        return ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Invalid(f"“{text}”不是数字（空白的单元格写“空白”）") from None
    if not value.is_finite() or value < 0 or value >= 10**MAX_DIGITS or len(value.as_tuple().digits) > MAX_DIGITS:
        raise Invalid(f"“{text}”不是有效的件数或金额")
    if not key.startswith("art20.") and value != value.to_integral_value():
        raise Invalid(f"{figure_label(key)}是件数，应为整数")
    return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))


def _number(text: str) -> int | float:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def _original(report: Report, key: str) -> str | None:
    if key in report.figures:
        return number_text(report.figures[key])
    return "" if key in report.blank else None


def correct(
    engine: Engine,
    slot: str,
    report: Report,
    key: str,
    value: str | None,
    *,
    user: str,
    seen: int,
    origin: str = "reader",
    note: str = "",
) -> int:
    """Record a correction of one cell made on version `seen` (0: none yet); value None withdraws it.
    Return the new version. Conflict when the cell was corrected meanwhile."""
    if key not in FIGURE_KEYS:
        raise Invalid("没有这个单元格")
    if origin not in ORIGINS:
        raise Invalid("更正来源只能是：读取有误或单位提供")
    if value is not None:
        value = parse_value(value, key)
    note = note.strip()
    if not note:
        raise Invalid("请写明更正的依据（如报告第几页印的是多少，或单位来函）")
    with writing(engine) as conn:
        rows = _rows(conn, [slot], [report.id], key)
        last = rows[-1]["seq"] if rows else 0
        if last != seen:
            raise Conflict("这个单元格已被他人更正，您的修改未保存；请查看最新状态后重新操作")
        if value is None and rows:  # a withdrawal is of the correction in force: its origin, not the form's
            origin = rows[-1]["origin"]
        try:
            conn.execute(
                insert(corrections).values(
                    slot=slot,
                    key=key,
                    seq=seen + 1,
                    report_id=report.id,
                    value=value,
                    original=_original(report, key),
                    origin=origin,
                    note=note,
                    user=user,
                    at=now(),
                )
            )
        except IntegrityError:
            raise Conflict("这个单元格刚被他人更正，您的修改未保存；请查看最新状态后重新操作") from None
        if value is None:
            record(conn, user, "correction.withdraw", f"{slot}#{key}", note=note)
        else:
            record(conn, user, "correction", f"{slot}#{key}", value=value, origin=origin, note=note)
    return seen + 1


def _rows(conn, slots: list[str], report_ids: list[str], key: str | None = None) -> list[dict]:
    query = select(corrections).where(or_(corrections.c.slot.in_(slots), corrections.c.report_id.in_(report_ids)))
    if key:
        query = query.where(corrections.c.key == key)
    return [dict(r) for r in conn.execute(query.order_by(corrections.c.seq, corrections.c.id)).mappings()]


def history_of(engine: Engine, slot: str, report_id: str) -> dict[str, list[dict]]:
    """{cell key: its corrections, oldest first} of one report."""
    with engine.connect() as conn:
        rows = _rows(conn, [slot], [report_id])
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["key"], []).append(r | {"origin_name": ORIGINS.get(r["origin"], r["origin"])})
    return out


def all_in_force(engine: Engine) -> dict[str, dict[str, dict]]:
    """{slot: {cell key: the correction in force}} over the whole database (few: a person writes each)."""
    with engine.connect() as conn:
        rows = conn.execute(select(corrections).order_by(corrections.c.seq, corrections.c.id)).mappings().all()
    latest: dict[tuple[str, str], dict] = {}
    for r in rows:
        latest[r["slot"], r["key"]] = dict(r) | {"origin_name": ORIGINS.get(r["origin"], r["origin"])}
    out: dict[str, dict[str, dict]] = {}
    for (slot, key), row in latest.items():
        if row["value"] is not None:
            out.setdefault(slot, {})[key] = row
    return out


def overlay_table(table: dict, by_id: dict[str, dict[str, dict]]) -> dict:
    """A figures table (search/figures.py) with the corrections in force laid over its rows: each row gains
    `corrected` (per figure, whether the number is a reviewer's) and `original` (what the reader had there: a
    number's text, "" for blank, None for not read), and a corrected cell its number or blank."""
    for row in table["rows"]:
        cells = by_id.get(row["report_id"], {})
        row["corrected"] = [key in cells for key in table["keys"]]
        row["original"] = [cells[key]["original"] if key in cells else None for key in table["keys"]]
        for i, key in enumerate(table["keys"]):
            if key in cells:
                value = cells[key]["value"]
                row["values"][i] = None if value == "" else _number(value)
                row["states"][i] = "blank" if value == "" else "printed"
                row["inferred"][i] = False
    return table


def in_force(history: dict[str, list[dict]]) -> dict[str, dict]:
    """{cell key: the correction in force} (a withdrawn one is not)."""
    return {k: rows[-1] for k, rows in history.items() if rows[-1]["value"] is not None}


def apply(report: Report, force: dict[str, dict]) -> Report:
    """The report with the corrections in force laid over its figures (the cells marked in `corrected`,
    with what the reader had), its checks run again on them; the report itself when there are none."""
    if not force:
        return report
    figures, blank = dict(report.figures), set(report.blank)
    corrected = {}
    for key, row in force.items():
        figures.pop(key, None)
        blank.discard(key)
        if row["value"] == "":
            blank.add(key)
        else:
            figures[key] = _number(row["value"])
        corrected[key] = {
            "value": row["value"],  # as the reviewer wrote it ("" for a blank)
            "original": _original(report, key),
            "origin": row["origin"],
            "origin_name": ORIGINS.get(row["origin"], row["origin"]),
            "note": row["note"],
            "user": row["user"],
            "at": row["at"].isoformat() if hasattr(row["at"], "isoformat") else str(row["at"]),
        }
    inferred = [k for k in report.inferred if k not in force]
    out = dataclasses.replace(report, figures=figures, blank=sorted(blank), inferred=inferred, corrected=corrected)
    out.findings = audit_report(out)
    return out
