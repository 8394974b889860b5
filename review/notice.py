"""The desk's table as a DOCX review report (审核情况通报) an office can send out after light editing:
coverage, the common problems, each unit's confirmed findings with their place in the report, parts
五 repeated from last year, and a table of each unit's key figures."""

from __future__ import annotations

import io
from collections import Counter

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from index.reader.report import number_text
from index.reader.tables.layout import figure_label

from .verdicts import STATUSES

NUMERALS = "一二三四五六七八九十"
FIGURES = (
    "applications.new.total",
    "applications.total.total",
    "applications.carried_forward.total",
    "review.total",
    "litigation_direct.total",
    "litigation_after_review.total",
)


def _font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = "仿宋"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    for name in ("Title", "Heading 1", "Heading 2"):
        s = document.styles[name]
        s.font.name = "黑体"
        s.element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")


def _figure(report: dict, key: str) -> str:
    mark = "（更正）" if key in report["corrections"] else ""
    if key in report["figures"]:
        return number_text(report["figures"][key]) + mark
    return ("（空白）" if key in report["blank"] else "—") + mark


def desk_notice(table: dict, office: str = "") -> bytes:
    """Given the desk's table (review/desk.py desk_table), return the DOCX file's bytes."""
    region, year = table["region"] or "本地区", table["year"]
    document = Document()
    _font(document)
    title = document.add_heading(f"关于{region}{year}年度政府信息公开工作年度报告审核情况的通报", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if office:
        document.add_paragraph(office).alignment = WD_ALIGN_PARAGRAPH.CENTER
    rows = table["rows"]
    filed = [r for r in rows if r["filed"]]
    unfiled = [r for r in rows if not r["filed"]]
    confirmed = [
        (row, report, f)
        for row in rows
        for report in row["reports"]
        for f in report["findings"]
        if f["decidable"] and f["decision"] == "confirmed"
    ]
    heading = iter(NUMERALS)

    document.add_heading(f"{next(heading)}、总体情况", level=1)
    said = (
        f"本次审核{'名单内' if table['from_roster'] else ''}单位 {len(rows)} 个，其中 {len(filed)} 个已发布"
        f" {year} 年度报告，{len(unfiled)} 个未发布。经逐份审核，确认存在问题 {len(confirmed)} 条，"
        f"涉及 {len({row['key'] for row, _, _ in confirmed})} 个单位。"
    )
    document.add_paragraph(said)
    if unfiled:
        document.add_paragraph(
            "库中未找到年度报告的单位（请核实是否未发布，或报告署名与名单不同）："
            + "、".join(r["name"] for r in unfiled)
            + "。"
        )
    if table.get("others"):
        names = "、".join(m["agency"] or f"机关不详（{m['source']}）" for m in table["others"])
        document.add_paragraph(f"另有 {len(table['others'])} 份报告未能对应到名单中的单位：{names}。")
    late = [(row, r) for row in filed for r in row["reports"] if any(f["rule"] == "R2" for f in r["findings"])]
    if late:
        document.add_paragraph("发布晚于期限的单位：" + "、".join(row["name"] for row, _ in late) + "。")

    document.add_heading(f"{next(heading)}、发现的主要问题", level=1)
    common = Counter(f["rule_name"] for _, _, f in confirmed)
    if common:
        for name, n in common.most_common():
            units = sorted({row["name"] for row, _, f in confirmed if f["rule_name"] == name})
            document.add_paragraph(f"{name}：{n} 条，涉及{'、'.join(units)}。", style="List Bullet")
    else:
        document.add_paragraph("经审核，暂未确认问题。")

    document.add_heading(f"{next(heading)}、各单位存在的问题及整改要求", level=1)
    by_unit: dict[str, list] = {}
    for row, _, f in confirmed:
        by_unit.setdefault(row["name"], []).append(f)
    for name, items in by_unit.items():
        document.add_heading(name, level=2)
        for f in items:
            where = f"（{f['label']}）" if f["label"] else ""
            status = f"；整改状态：{STATUSES.get(f['status'], '待整改')}" if f["status"] else ""
            who = f"；责任单位：{f['responsible']}" if f["responsible"] else ""
            note = f"审核意见：{f['note']}" if f["note"] else ""
            paragraph = document.add_paragraph(style="List Number")
            paragraph.add_run(f"{f['rule_name']}{where}：").bold = True
            paragraph.add_run(f"{f['message']}{status}{who}。{note}")
    if not by_unit:
        document.add_paragraph("无。")

    repeated = [(row, f) for row in rows for r in row["reports"] for f in r["findings"] if f["rule"] == "X3"]
    copied = sorted(
        ((row, r["copied"]) for row in rows for r in row["reports"] if r.get("copied")),
        key=lambda pair: -pair[1]["share"],
    )
    document.add_heading(f"{next(heading)}、内容雷同情况", level=1)
    for row, f in repeated:
        document.add_paragraph(f"{row['name']}：{f['message']}", style="List Bullet")
    if not repeated:
        document.add_paragraph("未发现第五部分与上一年度报告大量雷同的情况。")
    for row, c in copied:
        document.add_paragraph(
            f"{row['name']}：报告正文有 {c['sentences']} 句与其他机关的报告相同或相近，约占正文的 {c['share']:.0%}"
            "（各机关通用的格式性文字不计）。",
            style="List Bullet",
        )
    if table.get("copies_status") == "ready" and not copied:
        document.add_paragraph("未发现与其他机关报告文字相同或相近的情况（各机关通用的格式性文字不计）。")
    elif table.get("copies_status") in ("computing", "failed"):
        document.add_paragraph("（与其他机关报告的文字比对尚未完成，稍后重新导出即可包含。）")

    document.add_heading(f"{next(heading)}、主要数据", level=1)
    grid = document.add_table(rows=1, cols=len(FIGURES) + 1)
    grid.style = "Table Grid"
    grid.rows[0].cells[0].text = "单位"
    for i, key in enumerate(FIGURES, start=1):
        grid.rows[0].cells[i].text = figure_label(key)
    for row in filed:
        for report in row["reports"]:
            cells = grid.add_row().cells
            cells[0].text = row["name"]
            for i, key in enumerate(FIGURES, start=1):
                cells[i].text = _figure(report, key)
    document.add_paragraph(
        "注：“（空白）”为报告印为空白的单元格，“—”为未能读出的数字，均不是 0；“（更正）”为审核中更正的数字"
        "（原读数与依据见问题清单的“更正记录”）。"
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
