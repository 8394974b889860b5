"""Verdicts on findings and their 整改 status, with the whole history of each.

A reviewer confirms a finding (it is the unit's to fix: 待整改 → 已整改 → 复核通过, or 退回 back to the
unit) or dismisses it (with a reason), and may reopen it. Every change is a row; the latest row of a
finding is its state. A change names the version it was made on (`seen`): when someone else changed the
finding meanwhile, Conflict, and nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Engine, insert, or_, select
from sqlalchemy.exc import IntegrityError

from index.reader.audit.rules import location_label, rule_name
from index.reader.report import Finding, Report

from .db import writing
from .errors import Conflict, Invalid
from .keys import finding_key
from .log import now, record
from .schema import verdicts

DECISIONS = {"open": "待审核", "confirmed": "确认", "dismissed": "不予采纳"}
STATUSES = {"todo": "待整改", "fixed": "已整改", "passed": "复核通过", "returned": "退回整改"}
# where a confirmed finding's 整改 may go next
NEXT_STATUS = {
    None: {"todo"},
    "todo": {"fixed"},
    "fixed": {"passed", "returned"},
    "returned": {"fixed"},
    "passed": set(),
}
MAX_NOTE = 2000


@dataclass(frozen=True)
class Change:
    """One row of a finding's history."""

    seq: int
    report_id: str
    decision: str
    status: str | None
    responsible: str | None
    note: str
    user: str
    at: object

    @property
    def decision_name(self) -> str:
        return DECISIONS[self.decision]

    @property
    def status_name(self) -> str | None:
        return STATUSES.get(self.status) if self.status else None


@dataclass(frozen=True)
class Verdict:
    """A finding's state at the desk and its history (oldest first)."""

    finding: str
    rule: str
    location: str
    message: str
    history: tuple[Change, ...]

    @property
    def latest(self) -> Change:
        return self.history[-1]

    @property
    def seq(self) -> int:
        return self.latest.seq


def change(
    engine: Engine,
    slot: str,
    report: Report,
    finding: Finding,
    *,
    user: str,
    seen: int,
    decision: str | None = None,
    status: str | None = None,
    responsible: str | None = None,
    note: str = "",
) -> Verdict:
    """Record one change of a finding's verdict made on version `seen` (0: none yet) and return the
    verdict as it now stands. Invalid for an unknown decision, a status the finding cannot move to, or a
    dismissal or return without a note; Conflict when the finding changed since `seen`."""
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise Invalid(f"说明不能超过 {MAX_NOTE} 字")
    key = finding_key(finding)
    with writing(engine) as conn:
        rows = _rows(conn, [slot], [report.id], key)
        last = rows[-1] if rows else None
        if (last["seq"] if last else 0) != seen:
            who = f"{last['user']} 于 {last['at']:%Y-%m-%d %H:%M} " if last else ""
            raise Conflict(f"这条审核发现已被{who}修改，您的修改未保存；请查看最新状态后重新操作")
        was_decision = last["decision"] if last else "open"
        was_status = last["status"] if last else None
        decision = decision or was_decision
        if decision not in DECISIONS:
            raise Invalid("审核意见只能是：确认、不予采纳或待审核")
        if decision != was_decision:
            new_status = "todo" if decision == "confirmed" else None
            if status and status != new_status:
                raise Invalid("改变审核意见时不能同时改变整改状态")
            status = new_status
        elif status and status != was_status:
            if decision != "confirmed":
                raise Invalid("只有确认的问题才有整改状态")
            if status not in NEXT_STATUS.get(was_status, set()):
                now_name = STATUSES.get(was_status, "无")
                raise Invalid(f"整改状态不能从“{now_name}”改为“{STATUSES.get(status, status)}”")
        else:
            status = was_status
        dismissing = decision == "dismissed" and was_decision != "dismissed"
        if not note and (dismissing or status == "returned" != was_status):
            raise Invalid("不予采纳或退回整改时请写明理由")
        responsible = (responsible if responsible is not None else (last["responsible"] if last else None)) or None
        if responsible and len(responsible) > 255:
            raise Invalid("责任单位名称过长")
        values = dict(
            slot=slot,
            finding=key,
            seq=seen + 1,
            report_id=report.id,
            rule=finding.rule,
            location=finding.location or "",
            message=finding.message,
            decision=decision,
            status=status,
            responsible=responsible,
            note=note,
            user=user,
            at=now(),
        )
        try:
            conn.execute(insert(verdicts).values(**values))
        except IntegrityError:  # another process wrote this seq between our read and our write
            raise Conflict("这条审核发现刚被他人修改，您的修改未保存；请查看最新状态后重新操作") from None
        place = location_label(finding.location) if finding.location else ""
        what = f"{rule_name(finding.rule)}（{place}）" if place else rule_name(finding.rule)
        record(conn, user, "verdict", f"{slot}#{key}", finding=what, decision=decision, status=status, note=note)
    return verdicts_of(engine, slot, report.id)[key]


def _rows(conn, slots: list[str], report_ids: list[str], key: str | None = None) -> list[dict]:
    where = [verdicts.c.slot.in_(slots)]
    if report_ids:
        where.append(verdicts.c.report_id.in_(report_ids))
    query = select(verdicts).where(or_(*where))
    if key:
        query = query.where(verdicts.c.finding == key)
    return [dict(r) for r in conn.execute(query.order_by(verdicts.c.seq, verdicts.c.id)).mappings()]


def verdicts_of(engine: Engine, slot: str, report_id: str | None = None) -> dict[str, Verdict]:
    """{finding key: verdict} of a report's slot (and of its file, were its slot renamed by a merge)."""
    return verdicts_in(engine, [slot], [report_id] if report_id else []).get(slot, {})


def verdicts_in(engine: Engine, slots: list[str], report_ids: list[str] = ()) -> dict[str, dict[str, Verdict]]:
    """{slot: {finding key: verdict}} of many reports at once (the desk's table)."""
    with engine.connect() as conn:
        rows = _rows(conn, list(slots), list(report_ids))
    by_id = dict(zip(report_ids, slots, strict=False))
    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        slot = r["slot"] if r["slot"] in slots else by_id.get(r["report_id"], r["slot"])
        grouped[slot, r["finding"]].append(r)
    out: dict[str, dict[str, Verdict]] = defaultdict(dict)
    for (slot, key), history in grouped.items():
        last = history[-1]
        changes = tuple(Change(**{f: h[f] for f in Change.__dataclass_fields__}) for h in history)
        out[slot][key] = Verdict(key, last["rule"], last["location"], last["message"], changes)
    return dict(out)
