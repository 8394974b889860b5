"""The format's arithmetic (勾稽关系, docs/report-format.md §3) checked on one report's figures.

E1, I1, I2 (table 三) and I4 (table 四) are identities: a failure is an error.
A cell printed blank holds no number; an identity that holds when the blank
cells count 0 is fine, and one that fails only with blank cells in it says the
report left cells out, not that it added wrongly: those are gathered into one
B1 warning per table (a 总计 column printed blank is one finding, not 25).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from functools import cache

from ..report import Finding, number_text
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
    figure_label,
)

Figures = dict[str, float]


DOUBT_MANY = 3  # identities failing in one table whose layout was uncertain: the reading is doubted, not the report


class _Checker:
    def __init__(self, figures: Figures, blank: Iterable[str]):
        self.figures = figures
        self.blank = set(blank)
        self.findings: list[Finding] = []
        self.blanked: dict[str, set[str]] = {}  # table → blank cells in identities that fail with them

    def value(self, key: str) -> float | None:
        return 0 if key in self.blank else self.figures.get(key)

    def identity(self, rule: str, left: list[str], right: list[str], location: str, describe: Callable[[], str]):
        """Check sum(left) == sum(right) when every cell was read (a blank cell adds nothing)."""
        values = [self.value(k) for k in left + right]
        if any(v is None for v in values):
            return
        expected, found = sum(values[: len(left)]), sum(values[len(left) :])
        if abs(expected - found) < 1e-9:
            return
        blanks = [k for k in left + right if k in self.blank]
        if blanks:
            self.blanked.setdefault(_table_of(rule), set()).update(blanks)
            return
        message = f"{describe()}：应为 {number_text(expected)}，实为 {number_text(found)}"
        self.findings.append(Finding(rule, "error", message, location, expected, found))

    def blank_findings(self) -> list[Finding]:
        """One B1 warning per table whose identities fail only where cells were printed blank."""
        out = []
        for table, keys in sorted(self.blanked.items()):
            name = "表三" if table == "applications" else "表四"
            where, location = blank_cells(keys, table)
            message = f"{name}{where}印为空白：涉及这些单元格的勾稽关系无法核对（表格缺项，不按计算错误计）"
            out.append(Finding("B1", "warning", message, location))
        return out


def blank_cells(keys: Collection[str], table: str) -> tuple[str, str]:
    """Given blank cells of one table, return where they are in words and a location that covers them:
    a whole column (“总计”列 25 个单元格, applications.*.total) or the cells by name."""
    columns = {k.rsplit(".", 1)[1] for k in keys}
    if len(columns) == 1 and len(keys) > 1:
        column = columns.pop()
        pattern = f"applications.*.{column}" if table == "applications" else table  # 四's groups have no pattern
        return f"“{COLUMN_NAMES.get(column, column)}”列 {len(keys)} 个单元格", pattern
    names = "、".join(figure_label(k) for k in sorted(keys)[:6]) + ("等" if len(keys) > 6 else "")
    return f" {len(keys)} 个单元格（{names}）", table if len(keys) > 1 else next(iter(keys))


def table3_template(figures: Collection[str]) -> str | None:
    """Given the keys of the cells read (numbers and blanks), return which format's table 三 they hold
    ("2021" has （六） split in three)."""
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


def doubt(findings: list[Finding], uncertain: Collection[str]) -> list[Finding]:
    """The arithmetic's findings with those of a doubtful reading taken out and said once per table (U1).

    Every failure of a table whose layout was uncertain (`uncertain`: the tables with a reading finding)
    is the reading's doubt, never the agency's error, when DOUBT_MANY or more of its identities fail: a
    reading that breaks so many sums is more likely wrong than the report. A table read with certainty
    keeps every error it has (digits glued in a run that splits only one way are certain): the printed
    numbers are never repaired. So does a table whose failures are the ones a single misprinted cell makes
    (`_one_cell`), which no reading of ours makes."""
    doubted: dict[str, list[Finding]] = {}
    for table in ("applications", "review"):
        own = [f for f in findings if f.rule in _IDENTITY_RULES and _table_of(f.rule) == table]
        if table in uncertain and len(own) >= DOUBT_MANY and not _one_cell(own):
            doubted[table] = own
    moved = {id(f) for fs in doubted.values() for f in fs}
    out = [f for f in findings if id(f) not in moved]
    for table, fs in sorted(doubted.items()):
        name = "表三" if table == "applications" else "表四"
        rules = "、".join(sorted({f.rule for f in fs}))
        message = (
            f"{name}按读出的数字有 {len(fs)} 处勾稽关系（{rules}）不成立，而这张表的版式不确定："
            "更可能是读取有误，未作为报告的计算错误；请对照原文核对"
        )
        out.append(Finding("U1", "warning", message, table, None, len(fs)))
    return out


_IDENTITY_RULES = frozenset({"E1", "I1", "I2", "I4"})


def _one_cell(failures: list[Finding]) -> bool:
    """Whether a table's failing identities are exactly those one misprinted cell of table 三 breaks: its row's
    sum (I1) and its column's (E1, I2), crossing at it. That is an agency's slip, not a reading's: a row
    placed in the wrong slot keeps its own sum, digits are split so that the row's sum holds, and a page
    read in the wrong order breaks many rows and columns."""
    rows = [f for f in failures if f.rule == "I1"]
    columns = [f for f in failures if f.rule in ("E1", "I2")]
    return len(rows) == 1 and len(rows) + len(columns) == len(failures) and len({_column(f) for f in columns}) == 1


def _column(finding: Finding) -> str:
    return (finding.location or "").rsplit(".", 1)[-1]


def doubtful_cells(figures: Figures, inferred: Collection[str], tables: Collection[str]) -> set[str]:
    """Given a report's figures, its inferred cells and the tables whose reading is doubted (U1), return the
    cells not to keep: those the reader inferred (placed by row order, split from glued digits) and every
    cell of a row (表三) or group (表四) whose own sum fails. What remains is what the layout made certain."""
    out: set[str] = set()
    if "applications" in tables:
        out |= {k for k in inferred if k.startswith("applications.")}
        rows = {k.removeprefix("applications.").rsplit(".", 1)[0] for k in figures if k.startswith("applications.")}
        for row in rows:
            keys = [f"applications.{row}.{c}" for c in APPLICANT_COLUMNS]
            total = figures.get(f"applications.{row}.total")
            values = [figures.get(k) for k in keys]
            if total is not None and None not in values and abs(sum(values) - total) > 1e-9:
                out |= {*keys, f"applications.{row}.total"}
    if "review" in tables:
        out |= {k for k in inferred if k.startswith(("review.", "litigation_"))}
        for group in REVIEW_GROUPS:
            keys = [f"{group}.{c}" for c in REVIEW_COLUMNS]
            values = [figures.get(k) for k in keys]
            if None not in values and abs(sum(values[:4]) - values[4]) > 1e-9:
                out |= set(keys)
    return out


def _table_of(rule: str) -> str:
    return "review" if rule == "I4" else "applications"


def audit(figures: Figures, blank: Iterable[str] = (), uncertain: Collection[str] = ()) -> list[Finding]:
    """Given a report's figures (which were blank, and which tables' layout was uncertain), return the
    findings of rules E1, I1, I2, I4, I5 (and U1 for a doubtful reading)."""
    check = _Checker(figures, blank)
    a = "applications"
    for rule, left, right, location, describe in _identities(table3_template([*figures, *check.blank])):
        check.identity(rule, left, right, location, describe)
    check.findings += check.blank_findings()
    check.findings = doubt(check.findings, uncertain)
    for key, value in figures.items():
        counted = key.startswith((f"{a}.", "review.", "litigation_"))
        if counted and (value < 0 or value != int(value)):
            message = f"{figure_label(key)} 应为非负整数，实为 {number_text(value)}"
            check.findings.append(Finding("I5", "error", message, key, None, value))
    issued, in_force = figures.get("art20.normative.issued"), figures.get("art20.normative.in_force")
    if issued is not None and in_force is not None and in_force < issued:
        check.findings.append(
            Finding(
                "S1",
                "warning",
                f"行政规范性文件现行有效件数 {number_text(in_force)} 少于本年制发件数 {number_text(issued)}"
                "（软性检查）",
                "art20.normative.in_force",
                issued,
                in_force,
            )
        )
    return check.findings
