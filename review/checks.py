"""The checks that need the roster or the corpus's dates: a government's report against its units' (R1),
and the date a report was made public against its deadline (R2)."""

from __future__ import annotations

from datetime import date

from index.reader.report import Finding, Report, number_text
from index.reader.tables.layout import figure_label
from index.reader.text.place import place_of

from .roster import Unit

# 条例 第四十九条; F2021 二(一)(二): departments and 乡镇 by 1月31日; aggregated government reports by level
DEADLINES = {"县级": (2, 20), "市级": (3, 10), "省级": (3, 31)}
DEPARTMENT_DEADLINE = (1, 31)
LEVEL_NAMES = {"省级": "省级人民政府", "市级": "地市级人民政府", "县级": "县级人民政府"}
# the totals a government's report sums from its units' (F2021 二(二): 逐级汇总相关情况和数据)
SUMMED = (
    "applications.new.total",
    "applications.total.total",
    "review.total",
    "litigation_direct.total",
    "litigation_after_review.total",
)
_FROM = {"page": "网页所载发布时间", "manifest": "语料清单所载发布日期", "file": "文件内记录的生成日期"}


def published_text(report: Report) -> str:
    """When a report was made public, as a person is told it (a file's date is only the earliest it can be)."""
    if not report.published:
        return "不详"
    if report.published_from == "file":
        return f"不早于 {report.published}（文件生成日期）"
    return f"{report.published}（{_FROM.get(report.published_from, '发布日期')}）"


def deadline(report: Report, unit: Unit | None) -> tuple[date, str] | None:
    """The last day a report may be made public and who that deadline is for; None without a year."""
    if report.year is None:
        return None
    if unit is not None:
        government, level = unit.is_government, unit.level
    else:
        place = place_of(report.agency)
        government, level = place.kind == "人民政府", place.level
    if government and level in DEADLINES:
        month, day = DEADLINES[level]
        return date(report.year + 1, month, day), LEVEL_NAMES[level]
    month, day = DEPARTMENT_DEADLINE
    return date(report.year + 1, month, day), "政府部门、乡镇"


def day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def late(report: Report, unit: Unit | None) -> list[Finding]:
    """R2: made public after its deadline, where the page or the corpus gives the date (unknown stays unknown)."""
    due = deadline(report, unit)
    if not report.published or due is None:
        return []
    day = date.fromisoformat(report.published)
    if day <= due[0]:
        return []
    late_by = (day - due[0]).days
    if report.published_from == "file":  # made after the deadline: published then or later, late in any case
        message = (
            f"报告文件记录的生成日期为 {day_text(day)}，晚于{due[1]}的发布期限 {day_text(due[0])} {late_by} 天："
            "这份文件不可能在期限前发布（如期限前曾发布过其他版本，请核实）"
        )
    else:
        message = (
            f"{_FROM.get(report.published_from, '发布日期')}为 {day_text(day)}，晚于{due[1]}的发布期限 "
            f"{day_text(due[0])}（晚 {late_by} 天）"
        )
    return [Finding("R2", "warning", message, "published", None, late_by)]


def sums(report: Report, unit: Unit, units: list[tuple[Unit, Report | None]]) -> list[Finding]:
    """R1: a government's report whose totals are below the sum of its units' reports of the same year (a
    sum cannot be less than its parts: only that is asserted, since which reports a government sums is
    not set out in the format), and the units whose reports are missing."""
    if not unit.sums or not units:
        return []
    out = []
    missing = [u.name for u, r in units if r is None]
    filed = [r for _, r in units if r is not None]
    for key in SUMMED:
        own = report.figures.get(key)
        parts = [r.figures.get(key) for r in filed]
        printed = [v for v in parts if v is not None]
        if own is None or not printed:
            continue
        total = sum(printed)
        if own < total:
            unread = len(parts) - len(printed)
            note = f"（另有 {unread} 个单位的这一数字未读出或为空白）" if unread else ""
            message = (
                f"{figure_label(key)} {number_text(own)} 件，少于所属 {len(printed)} 个单位报告之和 "
                f"{number_text(total)} 件{note}；逐级汇总的报告应包含所属单位的数字"
            )
            out.append(Finding("R1", "warning", message, key, total, own))
    if missing:
        names = "、".join(missing[:10]) + (f" 等 {len(missing)} 个单位" if len(missing) > 10 else "")
        message = f"所属单位中 {names} 没有 {report.year} 年度报告，汇总数字无法完整核对"
        out.append(Finding("R1", "warning", message, "units", None, len(missing)))
    return out
