"""The desk: a region's units for one year, each with its report, its findings and what was decided.

Units are the roster's (review/roster.py) or, with no roster, every agency with a report that year
or the year before (so that one that stopped publishing shows as 未发布). A report's findings at the
desk are its own (run again on corrected figures), the checks against its previous year's report
(X1–X3), and those that need the roster or the corpus's dates (R1, R2).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from functools import cached_property

from sqlalchemy import Engine, func, select

from index.reader.audit.office import OTHER_SHARE, other_share
from index.reader.audit.rules import FAMILIES, describe, family_of, rule_name
from index.reader.report import Finding, Report
from index.reader.text.place import place_of
from search import derived
from search.compare import year_checks
from search.identity import Identity
from search.reports import UnknownReport, get_report, identity_of, report_metas

from .checks import deadline, late, published_text, sums
from .corrections import all_in_force, apply, history_of, in_force
from .errors import Invalid
from .keys import finding_key, slot_of
from .roster import Unit, load_roster
from .schema import writes
from .verdicts import DECISIONS, STATUSES, Verdict, verdicts_in

MAX_UNITS = 2000  # units a desk page reads at once (two reports each): a region larger is to be narrowed


def pinyin(text: str | None) -> bytes:
    """A sort key that puts Chinese names in pinyin order: GB2312 orders its common characters by their
    reading (李 before 张), as code points do not."""
    return (text or "").encode("gb18030", errors="replace")


@dataclass
class Desk:
    """The index and the review database, read together."""

    index: object
    engine: Engine
    other_threshold: float = OTHER_SHARE  # the office's threshold for P6 (a high share of 其他处理)
    _reports: dict = field(default_factory=dict)

    @cached_property
    def identity(self) -> Identity:
        return identity_of(self.index)

    @cached_property
    def metas(self) -> list[dict]:
        return report_metas(self.index)

    @cached_property
    def by_key(self) -> dict[str, dict[int | None, list[dict]]]:
        """{agency key: {year: the metas of its reports that year}}."""
        out: dict[str, dict] = defaultdict(lambda: defaultdict(list))
        for m in self.metas:
            key = self.identity.key(m["agency"])
            if key:
                out[key][m["year"]].append(m)
        return out

    @cached_property
    def roster(self) -> list[Unit]:
        return load_roster(self.engine)

    def raw(self, report_id: str) -> Report:
        """A report as the index read it (UnknownReport when there is none)."""
        if ("raw", report_id) not in self._reports:
            self._reports["raw", report_id] = get_report(self.index, report_id)
        return self._reports["raw", report_id]

    def report(self, report_id: str) -> Report:
        """A report as the desk sees it: its corrections laid over it (UnknownReport when there is none)."""
        if report_id not in self._reports:
            raw = self.raw(report_id)
            slot = self.slot(raw)
            self._reports[report_id] = apply(raw, in_force(history_of(self.engine, slot, raw.id)))
        return self._reports[report_id]

    def slot(self, report: Report) -> str:
        """Where a report's decisions are kept (review/keys.py)."""
        key = self.identity.key(report.agency)
        alone = not key or len(self.by_key.get(key, {}).get(report.year, [])) <= 1
        return slot_of(report, self.identity, alone)

    def unit_of(self, report: Report) -> Unit | None:
        key = self.identity.key(report.agency)
        return next((u for u in self.roster if u.key == key), None) if key else None

    def reports_of(self, key: str, year: int | None) -> list[Report]:
        return [self.report(m["id"]) for m in self.by_key.get(key, {}).get(year, [])]


def corrected_ids(desk: Desk) -> dict[str, dict[str, dict]]:
    """{report id: {cell key: the correction in force}} of every report with one (what exports overlay)."""
    out: dict[str, dict[str, dict]] = {}
    for slot, cells in all_in_force(desk.engine).items():
        if slot.startswith("file:"):
            ids = [m["id"] for m in desk.metas if m.get("source") == slot[5:]]
        else:
            key, _, year = slot.rpartition("@")
            ids = [m["id"] for m in desk.by_key.get(key, {}).get(int(year) if year.isdigit() else None, [])]
            ids = ids if len(ids) == 1 else []  # two reports that year: each keeps its own (a file slot)
        ids += sorted({row["report_id"] for row in cells.values()} - set(ids))  # a file renamed, a slot merged
        for report_id in ids:
            if any(m["id"] == report_id for m in desk.metas):
                out[report_id] = cells
    return out


def stamp(engine: Engine) -> int:
    """A number that changes with every write at the desk (what a cached desk page is valid for)."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(writes.c.id))).scalar() or 0


def findings_of(desk: Desk, report: Report, unit: Unit | None = None) -> list[Finding]:
    """Every finding of a report at the desk: its own (P6 at the desk's threshold), against its previous
    year, and R1/R2."""
    out = [f for f in report.findings if f.rule != "P6"] + other_share(report, desk.other_threshold)
    key = desk.identity.key(report.agency)
    if key and report.year:
        before = desk.reports_of(key, report.year - 1)
        if len(before) == 1:  # two reports of one year: which one it follows is not known
            out += year_checks(before[0], report, same_agency=True)
    out += late(report, unit)
    if unit is not None and unit.sums:
        children = [u for u in desk.roster if u.parent == unit.key]
        filed = []
        for child in children:
            found = desk.reports_of(child.key, report.year)
            filed.append((child, found[0] if len(found) == 1 else None))
        out += sums(report, unit, filed)
    return out


def finding_by_key(desk: Desk, report: Report, key: str) -> Finding | None:
    """The finding of a report at the desk with this key (None when there is none: it changed, or never was)."""
    return next((f for f in findings_of(desk, report, desk.unit_of(report)) if finding_key(f) == key), None)


def review_of(desk: Desk, report: Report, unit: Unit | None = None) -> dict:
    """A report's review: each finding described, with its key and verdict; verdicts whose finding has
    changed since (to be looked at again); the corrections of its cells."""
    slot = desk.slot(report)
    decided = verdicts_in(desk.engine, [slot], [report.id]).get(slot, {})
    items = []
    for finding in findings_of(desk, report, unit):
        key = finding_key(finding)
        verdict = decided.get(key)
        items.append(_item(finding, key, verdict))
    current = {i["key"] for i in items}
    stale = [
        _change(v.latest) | {"key": k, "rule": v.rule, "rule_name": rule_name(v.rule), "message": v.message}
        for k, v in decided.items()
        if k not in current and v.latest.decision != "open"
    ]
    return {
        "slot": slot,
        "unit": unit,
        "findings": items,
        "stale": stale,
        "corrections": history_of(desk.engine, slot, report.id),
        "counts": counts(items),
        "deadline": deadline(report, unit),
    }


def _item(finding: Finding, key: str, verdict: Verdict | None) -> dict:
    latest = verdict.latest if verdict else None
    decision = latest.decision if latest else "open"
    return describe(finding) | {
        "key": key,
        "decidable": family_of(finding.rule) == "report",  # how a table was read is no one's to 整改
        "decision": decision,
        "decision_name": DECISIONS[decision],
        "status": latest.status if latest else None,
        "status_name": STATUSES.get(latest.status) if latest and latest.status else None,
        "responsible": latest.responsible if latest else None,
        "seq": verdict.seq if verdict else 0,
        # the reviewer's latest word on it (a status moved on without a note keeps the reason it was confirmed)
        "note": _note(verdict) if verdict else "",
        "history": [_change(c) for c in verdict.history] if verdict else [],
    }


def _note(verdict: Verdict) -> str:
    """The reviewer's word that stands: the latest change's note, else the note given with the decision (a
    status moved on without a note keeps why it was confirmed, never a return's reason that no longer holds)."""
    history = verdict.history
    if history[-1].note:
        return history[-1].note
    decided = [c for i, c in enumerate(history) if i == 0 or c.decision != history[i - 1].decision]
    return decided[-1].note if decided else ""


def _change(change) -> dict:
    out = asdict(change) | {"decision_name": change.decision_name, "status_name": change.status_name}
    out["at"] = change.at.isoformat(timespec="seconds") if hasattr(change.at, "isoformat") else str(change.at)
    return out


def counts(items: list[dict]) -> dict:
    """Findings by family and severity, and the report's own findings by decision and 整改 status."""
    out = {family: Counter() for family in FAMILIES}
    decisions, statuses = Counter(), Counter()
    for item in items:
        out[item["family"]][item["severity"]] += 1
        if item["decidable"]:
            decisions[item["decision"]] += 1
            if item["status"]:
                statuses[item["status"]] += 1
    return {
        "report": dict(out["report"]),
        "reading": dict(out["reading"]),
        "decisions": {k: decisions.get(k, 0) for k in DECISIONS},
        "statuses": {k: statuses.get(k, 0) for k in STATUSES},
    }


def units_in(desk: Desk, region: str, year: int) -> tuple[list[Unit], bool]:
    """The units of a region (any part of its name or area): the roster's, or the corpus's agencies with a
    report in `year` or the year before. The second value says whether they came from a roster."""
    region = region.strip()
    if desk.roster:
        chosen = [u for u in desk.roster if not region or region in u.region or region in u.name]
        return chosen, True
    units = []
    for key, years in desk.by_key.items():
        if year not in years and year - 1 not in years:
            continue
        metas = years.get(year) or years.get(year - 1)
        name = metas[0]["agency"]
        place = place_of(name)
        area = place.area or ""
        if region and region not in area and region not in name:
            continue
        level = place.level if place.kind == "人民政府" else ("园区" if place.level == "园区" else "部门")
        units.append(Unit(key, name, None, None, area, level or "", place.kind or "", False))
    return sorted(units, key=lambda u: (pinyin(u.region), pinyin(u.name))), False


def copied_text(desk: Desk) -> tuple[dict[str, dict], str]:
    """{report id: the share of its text found in other agencies' reports, and how many sentences} and the
    status of that comparison ("ready", "computing" while the index's background job runs, "failed", or
    "unavailable" on a search cluster). The comparison is the audit page's, over the whole corpus: wording
    many agencies share (the format's own) is not counted."""
    if getattr(desk.index, "remote", False):
        return {}, "unavailable"
    rows, status = derived.copies(desk.index)
    found = {r["report_id"]: {"share": r["share"]["overall"], "sentences": r["copied_sentences"]} for r in rows or []}
    return found, status


def desk_table(desk: Desk, region: str, year: int) -> dict:
    """The desk's table for a region and year: one row per unit, its report(s) or 未发布, their counts."""
    units, from_roster = units_in(desk, region, year)
    copies, copies_status = copied_text(desk)
    if len(units) > MAX_UNITS:
        raise Invalid(f"该范围有 {len(units)} 个单位，超过一次可审核的 {MAX_UNITS} 个，请缩小地区范围")
    rows = []
    for unit in units:
        reports = []
        for report in desk.reports_of(unit.key, year):
            review = review_of(desk, report, unit if from_roster else None)
            reports.append(
                {
                    "id": report.id,
                    "agency": report.agency,
                    "source": report.source,
                    "template": report.template,
                    "published": report.published,
                    "published_from": report.published_from,
                    "published_text": published_text(report),
                    "deadline": review["deadline"][0].isoformat() if review["deadline"] else None,
                    "corrected": len(report.corrected),
                    "corrections": report.corrected,  # {cell key: the correction in force, with the original}
                    "copied": copies.get(report.id),  # None: nothing copied (or not known yet: copies_status)
                    "counts": review["counts"],
                    "stale": len(review["stale"]),
                    "findings": review["findings"],
                    "figures": report.figures,
                    "blank": report.blank,
                }
            )
        rows.append(
            {
                "key": unit.key,
                "name": unit.name,
                "region": unit.region,
                "level": unit.level,
                "kind": unit.kind,
                "parent_name": unit.parent_name,
                "filed": bool(reports),
                "reports": reports,
                "open": sum(r["counts"]["decisions"]["open"] for r in reports),
                "errors": sum(r["counts"]["report"].get("error", 0) for r in reports),
                "findings": sum(sum(r["counts"]["report"].values()) for r in reports),
            }
        )
    filed = sum(r["filed"] for r in rows)
    listed = {u.key for u in units}
    others = [  # a roster name the reports print otherwise (上海市科委): to be merged, never silently lost
        {"id": m["id"], "agency": m["agency"], "source": m.get("source")}
        for key, years in desk.by_key.items()
        if from_roster and key not in listed and key not in {u.key for u in desk.roster}
        for m in years.get(year, [])
        if not region or region in (place_of(m["agency"]).area or "") or region in (m["agency"] or "")
    ]
    # a report whose agency could not be read belongs to no unit: listed too, never dropped
    others += [
        {"id": m["id"], "agency": None, "source": m.get("source")}
        for m in desk.metas
        if m["year"] == year and not desk.identity.key(m["agency"])
    ]
    return {
        "region": region,
        "year": year,
        "from_roster": from_roster,
        "units": len(rows),
        "filed": filed,
        "unfiled": len(rows) - filed,
        "rows": rows,
        "totals": _totals(rows),
        "others": sorted(others, key=lambda m: pinyin(m["agency"])),
        "copies_status": copies_status,
    }


def _totals(rows: list[dict]) -> dict:
    decisions, statuses = Counter(), Counter()
    for row in rows:
        for r in row["reports"]:
            decisions.update(r["counts"]["decisions"])
            statuses.update(r["counts"]["statuses"])
    return {
        "decisions": {k: decisions.get(k, 0) for k in DECISIONS},
        "statuses": {k: statuses.get(k, 0) for k in STATUSES},
    }


def report_review(desk: Desk, report_id: str) -> tuple[Report, dict]:
    """One report and its review (UnknownReport when the index has no such report)."""
    report = desk.report(report_id)
    unit = desk.unit_of(report)
    return report, review_of(desk, report, unit)


__all__ = ["Desk", "UnknownReport", "desk_table", "findings_of", "report_review", "review_of", "stamp", "units_in"]
