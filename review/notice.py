"""The desk's table as a DOCX review report (审核情况通报) an office can send out after light editing:
coverage, the common problems, each unit's confirmed findings with their place in the report, parts
五 repeated from last year, and a table of each unit's key figures."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, date, datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from index.reader.report import number_text
from index.reader.tables.layout import figure_label

from .desk import pinyin
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


# The national format of official documents (GB/T 9704-2012): A4, margins of 37/35/28/26 mm, the title
# in 小标宋 二号, the body in 仿宋 三号 on 28-point lines with a two-character indent, first-level headings
# in 黑体 and second-level ones in 楷体, page numbers 四号 as — 1 — at the foot.
_FONTS = {"Title": ("方正小标宋简体", 22), "Normal": ("仿宋_GB2312", 16), "Heading 1": ("黑体", 16),
          "Heading 2": ("楷体_GB2312", 16)}  # fmt: skip


def _format(document) -> None:
    """Page, fonts and spacing of an official document: Word's styles made plain (black, no theme colours)."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
        Mm(37),
        Mm(35),
        Mm(28),
        Mm(26),
    )
    for name, (font, size) in _FONTS.items():
        style = document.styles[name]
        style.font.name, style.font.size, style.font.bold = font, Pt(size), False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        spacing = style.paragraph_format
        spacing.line_spacing_rule, spacing.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28 if size < 20 else 36)
        spacing.space_before = spacing.space_after = Pt(0)
        spacing.first_line_indent = Pt(0) if name == "Title" else Pt(32)  # two characters
        spacing.keep_with_next = name != "Normal"  # a heading stays with what follows it
    _page_numbers(section)


def _page_numbers(section) -> None:
    """— N — centred at the foot of every page (a PAGE field, so Word counts the pages)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    for part in ("— ", None, " —"):
        run = paragraph.add_run(part or "")
        run.font.size, run.font.name = Pt(14), "宋体"
        if part is None:
            for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
                if kind:
                    element = OxmlElement("w:fldChar")
                    element.set(qn("w:fldCharType"), kind)
                else:
                    element = OxmlElement("w:instrText")
                    element.set(qn("xml:space"), "preserve")
                    element.text = text
                run._r.append(element)


def _signature(document, office: str, day: date) -> None:
    """落款 and date at the end, right-aligned four characters in (the date in Arabic numerals)."""
    document.add_paragraph()
    for text in (office, f"{day.year}年{day.month}月{day.day}日"):
        if text:
            line = document.add_paragraph(text)
            line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            line.paragraph_format.first_line_indent = Pt(0)
            line.paragraph_format.right_indent = Pt(64)


def _figure(report: dict, key: str) -> str:
    mark = "（更正）" if key in report["corrections"] else ""
    if key in report["figures"]:
        return number_text(report["figures"][key]) + mark
    return ("（空白）" if key in report["blank"] else "—") + mark


def desk_notice(table: dict, office: str = "", to: str = "", day: date | None = None) -> bytes:
    """Given the desk's table (review/desk.py desk_table), return the DOCX file's bytes: an official document
    from `office` to `to` (主送, 各有关单位 when not given), dated `day` (today)."""
    region, year = table["region"] or "", table["year"]
    document = Document()
    _format(document)
    document.core_properties.author = document.core_properties.last_modified_by = office or ""
    document.core_properties.created = document.core_properties.modified = datetime.now(UTC)
    title = document.add_heading(f"关于{region}{year}年度政府信息公开工作年度报告审核情况的通报", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pending = sum(row.get("open", 0) for row in table["rows"])
    if pending:  # exported before the review was done: marked, so that it is not sent out as it stands
        draft = document.add_paragraph(f"（草稿：尚有 {pending} 条审核发现待审核，审核完成后请重新导出）")
        draft.alignment = WD_ALIGN_PARAGRAPH.CENTER
        draft.runs[0].font.color.rgb = RGBColor(0xC0, 0, 0)
    document.add_paragraph()
    addressee = document.add_paragraph(f"{to.strip() or '各有关单位'}：")
    addressee.paragraph_format.first_line_indent = Pt(0)
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
    if unfiled:  # a fact about the library, not a verdict: the office checks the name before saying 未发布
        document.add_paragraph("库中未找到年度报告的单位：" + "、".join(r["name"] for r in unfiled) + "。")
    late = [(row, r) for row in filed for r in row["reports"] if any(f["rule"] == "R2" for f in r["findings"])]
    if late:
        document.add_paragraph("发布晚于期限的单位：" + "、".join(row["name"] for row, _ in late) + "。")

    document.add_heading(f"{next(heading)}、发现的主要问题", level=1)
    common = Counter(f["rule_name"] for _, _, f in confirmed)
    if common:
        for name, n in common.most_common():
            units = sorted({row["name"] for row, _, f in confirmed if f["rule_name"] == name}, key=pinyin)
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
    _signature(document, office, day or date.today())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
