"""The format's arithmetic (勾稽关系, docs/report-format.md §3) checked on one report's figures.

E1, I1, I2 (table 三) and I4 (table 四) are identities: a failure is an error.
When a cell in a failing identity was printed blank, the report left a cell
out rather than added wrongly, so the failure is a missing-cell warning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

from ..report import Finding
from ..tables.layout import (
    APPLICANT_COLUMNS,
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    COLUMN_NAMES,
    GROUP_NAMES,
    OUTCOME_KEYS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    ROW_NAMES,
)

Figures = dict[str, float]


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


class _Checker:
    def __init__(self, figures: Figures, blank: Iterable[str]):
        self.figures = figures
        self.blank = set(blank)
        self.findings: list[Finding] = []

    def identity(self, rule: str, left: list[str], right: list[str], location: str, describe: Callable[[], str]):
        """Check sum(left) == sum(right) when every cell was read."""
        cells = left + right
        if any(k not in self.figures for k in cells):
            return
        expected = sum(self.figures[k] for k in left)
        found = sum(self.figures[k] for k in right)
        if abs(expected - found) < 1e-9:
            return
        blanks = [k for k in cells if k in self.blank]
        if blanks:
            message = f"{describe()}：{_fmt(expected)} ≠ {_fmt(found)}，空白单元格 {', '.join(blanks)}（表格缺项）"
            self.findings.append(Finding(rule, "warning", message, location, expected, found))
        else:
            message = f"{describe()}：应为 {_fmt(expected)}，实为 {_fmt(found)}"
            self.findings.append(Finding(rule, "error", message, location, expected, found))


def table3_template(figures: Figures) -> str | None:
    """Given figures, return which format's table 三 they hold ("2021" has （六） split in three)."""
    if any(k.startswith(("applications.other.other.", "applications.other.no_correction.")) for k in figures):
        return "2021"
    if any(k.startswith("applications.") for k in figures):
        return "2019"
    return None


@cache
def _identities(template: str | None) -> tuple[tuple, ...]:
    """The identities of the format's tables (rule, left keys, right keys, location, description), made
    once per template: every report checks the same ones."""
    a = "applications"
    out = []
    if template:
        for c in APPLICATION_COLUMNS:
            cn = COLUMN_NAMES[c]
            out.append((
                "E1",
                [f"{a}.new.{c}", f"{a}.carried_over.{c}"],
                [f"{a}.total.{c}", f"{a}.carried_forward.{c}"],
                f"{a}.*.{c}",
                lambda cn=cn: f"表三“{cn}”列：本年新收 + 上年结转 应等于 办理结果总计 + 结转下年度",
            ))  # fmt: skip
            out.append((
                "I2",
                [f"{a}.{r}.{c}" for r in OUTCOME_KEYS[template]],
                [f"{a}.total.{c}"],
                f"{a}.total.{c}",
                lambda cn=cn: f"表三“{cn}”列：各办理结果之和 应等于（七）总计",
            ))  # fmt: skip
        for row in APPLICATION_ROWS[template]:
            rn = ROW_NAMES[row.key]
            out.append((
                "I1",
                [f"{a}.{row.key}.{c}" for c in APPLICANT_COLUMNS],
                [f"{a}.{row.key}.total"],
                f"{a}.{row.key}.total",
                lambda rn=rn: f"表三“{rn}”行：各类申请人之和 应等于 总计",
            ))  # fmt: skip
    for g in REVIEW_GROUPS:
        gn = GROUP_NAMES[g]
        out.append((
            "I4",
            [f"{g}.{c}" for c in REVIEW_COLUMNS[:4]],
            [f"{g}.total"],
            f"{g}.total",
            lambda gn=gn: f"表四“{gn}”：维持 + 纠正 + 其他 + 尚未审结 应等于 总计",
        ))  # fmt: skip
    return tuple(out)


def audit(figures: Figures, blank: Iterable[str] = ()) -> list[Finding]:
    """Given a report's figures (and which were blank), return the findings of rules E1, I1, I2, I4, I5."""
    check = _Checker(figures, blank)
    a = "applications"
    for rule, left, right, location, describe in _identities(table3_template(figures)):
        check.identity(rule, left, right, location, describe)
    for key, value in figures.items():
        counted = key.startswith((f"{a}.", "review.", "litigation_"))
        if counted and (value < 0 or value != int(value)):
            check.findings.append(Finding("I5", "error", f"{key} 应为非负整数，实为 {_fmt(value)}", key, None, value))
    issued, in_force = figures.get("art20.normative.issued"), figures.get("art20.normative.in_force")
    if issued is not None and in_force is not None and in_force < issued:
        check.findings.append(
            Finding(
                "S1",
                "warning",
                f"行政规范性文件现行有效件数 {_fmt(in_force)} 少于本年制发件数 {_fmt(issued)}（软性检查）",
                "art20.normative.in_force",
                issued,
                in_force,
            )
        )
    return check.findings
