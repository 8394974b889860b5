"""The desk's table as an XLSX workbook: a summary sheet (one row a unit) and the 问题清单 (one row a
finding), Chinese headers, filters on, the header row frozen. Numbers are written as the report
printed them (an integer stays an integer; a blank is an empty cell, never 0)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from index.reader.report import TEMPLATE_NAMES, number_text
from index.reader.tables.layout import figure_label

from .log import local_time
from .verdicts import DECISIONS, STATUSES

SUMMARY = (
    ("单位", 28), ("地区", 22), ("层级", 8), ("是否发布", 9), ("报告", 30), ("格式", 14), ("发布日期", 12),
    ("发布期限", 12), ("错误", 7), ("提示", 7), ("未能可靠读取", 12),
    *((name, 9) for name in DECISIONS.values()), *((name, 9) for name in STATUSES.values()), ("更正数字", 9),
    ("需重新审核", 11), ("与他人文字雷同", 14), ("报告编号", 18),
)  # fmt: skip
FINDINGS = (
    ("单位", 28), ("年度", 7), ("报告", 30), ("规则", 22), ("类别", 14), ("严重程度", 9), ("位置", 24),
    ("说明", 70), ("应为", 10), ("实为", 10), ("表格中", 10), ("正文中", 10), ("审核意见", 10), ("整改状态", 10),
    ("责任单位", 18),
    ("审核说明", 40), ("审核人", 10), ("审核时间（北京时间）", 20), ("报告编号", 18),
)  # fmt: skip
CORRECTIONS = (
    ("单位", 28), ("年度", 7), ("报告", 30), ("数字", 40), ("原读数", 10), ("更正为", 10), ("来源", 10),
    ("依据", 40), ("更正人", 10), ("更正时间（北京时间）", 20), ("报告编号", 18),
)  # fmt: skip
_HEAD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="E8EEF7")
SEVERITY_NAMES = {"error": "错误", "warning": "提示"}


def number(value):
    """A figure for a cell: an int, or the decimal as printed; None stays None (an empty cell)."""
    if value is None:
        return None
    text = number_text(value)
    return int(text) if "." not in text else float(Decimal(text))


def _copied(copied: dict | None) -> str | None:
    return f"{copied['share']:.0%}（{copied['sentences']} 句）" if copied else None


def _compared(finding: dict) -> list:
    """A finding's two numbers under the columns that say what they are: the arithmetic's 应为/实为, or a
    text check's 表格中/正文中 (the table's number and the one the text states), as /audit's CSV has them."""
    pair = [number(finding["expected"]), number(finding["found"])]
    return ["", "", *pair] if finding["rule"].startswith("T") else [*pair, "", ""]


def _cell(text: str | None):
    """A correction's side as a cell: the number as written, 空白 for a blank, 未读出 for none."""
    if text is None:
        return "未读出"
    return "空白" if text == "" else number(float(text) if "." in text else int(text))


def _sheet(book: Workbook, title: str, columns, rows: list[list], first: bool = False):
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    sheet.append([name for name, _ in columns])
    for i, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        cell = sheet.cell(row=1, column=i)
        cell.font, cell.fill = _HEAD, _FILL
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and len(cell.value) > 30:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return sheet


def desk_workbook(table: dict) -> bytes:
    """Given the desk's table (review/desk.py desk_table), return the XLSX file's bytes."""
    book = Workbook()
    summary, findings, corrections = [], [], []
    for row in table["rows"]:
        reports = row["reports"] or [None]
        for r in reports:
            if r is None:
                summary.append([row["name"], row["region"], row["level"], "未发布"] + [None] * (len(SUMMARY) - 4))
                continue
            c = r["counts"]
            summary.append(
                [
                    row["name"], row["region"], row["level"], "已发布", r["source"], TEMPLATE_NAMES.get(r["template"]),
                    r["published_text"] if r["published"] else None, r["deadline"], c["report"].get("error", 0),
                    c["report"].get("warning", 0), sum(c["reading"].values()), *c["decisions"].values(),
                    *c["statuses"].values(), r["corrected"], r["stale"], _copied(r.get("copied")), r["id"],
                ]
            )  # fmt: skip
            for key, fixed in sorted(r["corrections"].items()):
                corrections.append(
                    [
                        row["name"], table["year"], r["source"], figure_label(key), _cell(fixed["original"]),
                        _cell(fixed["value"]), fixed["origin_name"], fixed["note"], fixed["user"],
                        local_time(fixed["at"]), r["id"],
                    ]
                )  # fmt: skip
            for f in r["findings"]:
                last = f["history"][-1] if f["history"] else {}
                findings.append(
                    [
                        row["name"], table["year"], r["source"], f["rule_name"], f["family_name"],
                        SEVERITY_NAMES.get(f["severity"], f["severity"]), f["label"] or "", f["message"],
                        *_compared(f),
                        f["decision_name"] if f["decidable"] else "", f["status_name"] or "", f["responsible"] or "",
                        f["note"], last.get("user", ""), local_time(last.get("at")), r["id"],
                    ]
                )  # fmt: skip
    for m in table.get("others", []):  # reports matched to no unit: the office's to settle, never dropped
        label = "名单外的报告" if table.get("from_roster") else "机关不详的报告"
        filler = [None] * (len(SUMMARY) - 6)
        summary.append([m["agency"] or "机关不详", None, None, label, m["source"], *filler, m["id"]])
    _sheet(book, "汇总", SUMMARY, summary, first=True)
    _sheet(book, "问题清单", FINDINGS, findings)
    _sheet(book, "更正记录", CORRECTIONS, corrections)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
