"""A report's tables laid out the ways agencies, converters and crawlers publish them.

The format's three tables are built as grids with their merged cells (the header
spans of 三 and 四, the row-spanning group labels, table 二's three-column value
cells) and rendered as a web page, a Word file, a PDF (ruled cells, merged
headers, page numbers, a page break inside table 三), tab-separated or markdown
text, or as PDF text extraction and crawlers leave them: space-separated lines,
one cell per line, labels far from their numbers, digits glued together. Blank
cells can be printed as the marks reports use for them, labels with typos, table
四 as three small tables or under a scrambled header.

Tests and `python -m bench.accuracy` render real and synthetic reports this way
and check that every figure reads back.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass, field, replace
from functools import cache

from index.reader.report import Report
from index.reader.tables.layout import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    ART20_ITEM_NAMES,
    ART20_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    application_keys,
    review_keys,
)
from index.reader.tables.statistics import LEGACY_ROWS
from index.reader.text.normalize import _t2s_table

from .synth import T3_LABELS


@dataclass
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    number: bool = False  # a figure's cell (may be printed blank)
    key: str = ""  # the figure's key, where the format's order does not give it (the statistics table)


Grid = list[list[Cell | None]]  # None: a position covered by a merged cell


@dataclass
class Table:
    name: str  # "二", "三", "四"
    rows: Grid
    header: int = 0  # how many rows are header rows


@dataclass
class Document:
    """A report as blocks: paragraphs (str) and tables, plus the figures it must read back as."""

    blocks: list[str | Table]
    figures: dict
    template: str
    blank: set[str] = field(default_factory=set)  # keys printed blank (read as blank, not as a number)
    agency: str = ""  # the agency as the title names it ("" when the report names none)
    year: int = 0
    erred: str = ""  # the cell given an arithmetic error of the agency's own (with_error), if any


BLANK = "（空白）"  # what a cell printed blank reads back as, in truth() and readout()


def truth(doc: Document) -> dict:
    """What a document must read back as: each cell's number, or BLANK where it is printed blank."""
    return {k: v for k, v in doc.figures.items() if k not in doc.blank} | dict.fromkeys(doc.blank, BLANK)


def readout(report: Report) -> dict:
    """What a report was read as, in truth()'s terms."""
    return dict(report.figures) | dict.fromkeys(report.blank, BLANK)


# -- the format's tables --------------------------------------------------------------

T2_CAPTIONS = {"regulations": "第二十条第（一）项", "licensing": "第二十条第（五）项", "penalty": "第二十条第（六）项"}
T2_COLUMNS = {
    "2021": {
        "regulations": ["本年制发件数", "本年废止件数", "现行有效件数"],
        "licensing": ["本年处理决定数量"],
        "penalty": ["本年处理决定数量"],
        "fees": ["本年收费金额（单位：万元）"],
    },
    "2019": {
        "regulations": ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
        "licensing": ["上一年项目数量", "本年增/减", "处理决定数量"],
        "penalty": ["上一年项目数量", "本年增/减", "处理决定数量"],
        "fees": ["上一年项目数量", "本年增/减"],
        "procurement": ["采购项目数量", "采购总金额"],
    },
}
T2_GROUP_CAPTION = {"fees": "第二十条第（八）项", "procurement": "第二十条第（九）项"}


def _value(v) -> str:
    return str(int(v)) if float(v) == int(v) else repr(float(v))


def table2(figures: dict, template: str) -> Table:
    rows: Grid = []
    width = 4
    for row in ART20_ROWS[template]:
        item = row.keys[0].split(".")[1]
        caption = T2_CAPTIONS.get(item) or T2_GROUP_CAPTION.get(item)
        if caption:
            rows.append([Cell(caption, colspan=width), None, None, None])
            cols = T2_COLUMNS[template][item]
            rows.append([Cell("信息内容"), *_spread([Cell(c) for c in cols], width - 1)])
        name = ART20_ITEM_NAMES[item] if not (template == "2019" and item == "normative") else "规范性文件"
        values = [Cell(_value(figures[k]), number=True) for k in row.keys]
        rows.append([Cell(name), *_spread(values, width - 1)])
    return Table("二", rows)


def _spread(cells: list[Cell], width: int) -> list[Cell | None]:
    """Given n cells for `width` columns, return them with the last spanning what is left."""
    out: list[Cell | None] = []
    for i, cell in enumerate(cells):
        span = width - len(cells) + 1 if i == len(cells) - 1 else 1
        out.append(replace(cell, colspan=span))
        out.extend([None] * (span - 1))
    return out


def table3(figures: dict, template: str) -> Table:
    rows: Grid = [
        [Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), None, None]
        + [Cell("申请人情况", 7)]
        + [None] * 6,
        [None, None, None, Cell("自然人", 1, 2), Cell("法人或其他组织", 5), None, None, None, None, Cell("总计", 1, 2)],
        [None, None, None, None]
        + [Cell(c) for c in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")]
        + [None],
    ]
    spec = APPLICATION_ROWS[template]
    groups = {"denied": 8, "unable": 3, "not_processed": 5, "other": 3 if template == "2021" else 1}
    outcome_rows = len(spec) - 4
    for i, row in enumerate(spec):
        keys = [f"applications.{row.key}.{c}" for c in (*APPLICANT_COLUMNS, "total")]
        values = [Cell(_value(figures[k]), number=True) for k in keys]
        l1, l2, l3 = T3_LABELS[row.key]
        if template == "2019" and row.key == "other":
            l2, l3 = "（六）其他处理", ""
        if row.key in ("new", "carried_over", "carried_forward"):
            rows.append([Cell(l1, 3), None, None, *values])
            continue
        first = Cell("三、本年度办理结果", rowspan=outcome_rows) if row.key == "granted" else None
        group = row.key.split(".")[0]
        if not l3:  # a row whose label spans both label columns
            rows.append([first, Cell(l2, 2), None, *values])
            continue
        starts = "." in row.key and spec[i - 1].key.split(".")[0] != group
        second = Cell(l2, rowspan=groups[group]) if starts else None
        rows.append([first, second, Cell(l3), *values])
    return Table("三", rows, header=3)


def table4(figures: dict) -> Table:
    names = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows: Grid = [
        [Cell("行政复议", 5), None, None, None, None, Cell("行政诉讼", 10)] + [None] * 9,
        [Cell(n, 1, 2) for n in names]
        + [Cell("未经复议直接起诉", 5), None, None, None, None, Cell("复议后起诉", 5), None, None, None, None],
        [None] * 5 + [Cell(n) for n in names] * 2,
        [Cell(_value(figures[f"{g}.{c}"]), number=True) for g in REVIEW_GROUPS for c in REVIEW_COLUMNS],
    ]
    return Table("四", rows, header=3)


HEADINGS = {
    "overview": "一、总体情况",
    "active": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}


def document(report: Report) -> Document:
    """Given a parsed report whose tables were all read, return it as a document to render anew."""

    def narrative(name: str) -> list[str]:
        text = report.section(name)
        lines = [line.strip() for line in text.split("\n") if line.strip() and "\t" not in line and "|" not in line]
        return lines[1:] if lines and re.match(r"^[一二三四五六七]、", lines[0]) else lines

    blocks: list[str | Table] = [report.title or f"{report.agency or ''}{report.year}年政府信息公开工作年度报告"]
    blocks += [HEADINGS["overview"], *narrative("overview")]
    figures = dict.fromkeys(report.blank, 0) | report.figures
    blocks += [HEADINGS["active"], table2(figures, report.template)]
    blocks += [HEADINGS["applications"], table3(figures, report.template)]
    blocks += [HEADINGS["review"], table4(figures)]
    blocks += [HEADINGS["problems"], *narrative("problems"), *narrative("improvements")]
    blocks += [HEADINGS["other"], *(narrative("other") or ["无。"])]
    # a new document: the cells the report printed blank are printed 0 in it (with_blanks makes blanks anew)
    return Document(blocks, figures, report.template, agency=report.agency or "", year=report.year or 0)


def legacy_document(report: Report, rng: random.Random | None = None) -> Document:
    """Given a report before 2019 whose statistics table was read, return it as a document to render anew:
    its title and overview, then the 政府信息公开情况统计表 with the rows it read (with `rng`, new numbers:
    a year's figure and a cumulative one no smaller)."""
    figures = dict.fromkeys(k for k in report.blank if k.startswith("legacy.")) | {
        k: v for k, v in report.figures.items() if k.startswith("legacy.")
    }
    rows: Grid = [[Cell("指标名称"), Cell("计量单位"), Cell(f"{report.year}年度"), Cell("历年累计")]]
    out = {}
    for key, name, _, money in LEGACY_ROWS:
        keys = [f"legacy.{key}.{m}" for m in ("year", "cumulative")]
        if not all(k in figures for k in keys):
            continue
        values = [figures[k] or 0 for k in keys]
        if rng is not None:
            year = round(rng.uniform(0, 500), 2) if money else _small(rng)
            values = [year, round(year + (rng.uniform(0, 900) if money else _small(rng)), 2 if money else None)]
        out |= dict(zip(keys, values, strict=True))
        unit = "万元" if money else "件" if key in ("complaints", "review", "litigation") else "条"
        numbers = [Cell(_value(v), number=True, key=k) for k, v in zip(keys, values, strict=True)]
        rows.append([Cell(name), Cell(unit), *numbers])
    overview = [line.strip() for line in report.section("overview").split("\n") if line.strip()][:3]
    title = report.title or f"{report.agency or ''}{report.year}年政府信息公开工作年度报告"
    blocks = [title, *overview, "六、政府信息公开情况统计表", Table("统计", rows, header=1)]
    return Document(blocks, out, "legacy", agency=report.agency or "", year=report.year or 0)


def _small(rng: random.Random) -> int:
    return 0 if rng.random() < 0.3 else int(rng.expovariate(1 / 400))


def legacy_readable(report: Report) -> bool:
    """Whether a report before 2019 had both cells of at least five rows of its statistics table read."""
    keys = {k.rsplit(".", 1)[0] for k in [*report.figures, *report.blank] if k.startswith("legacy.")}
    return report.template == "legacy" and len(keys) >= 5


def readable(report: Report) -> bool:
    """Whether every cell of the report's format was read (so it can be rendered anew)."""
    if report.template not in ("2019", "2021"):
        return False
    keys = application_keys(report.template) + review_keys()
    keys += [k for row in ART20_ROWS[report.template] for k in row.keys]
    return all(report.state(k) != "unread" for k in keys)


# -- variations of what is printed ----------------------------------------------------------

BLANK_MARKS = ["", "-", "/", "—", "_", "（空）"]
TYPOS = {
    "2.其他法律行政法规禁止公开": "2.其他法律行政止公开",
    "1.本机关不掌握相关政府信息": "1.本机关不掌握相关政府讯息",
    "3.补正后申请内容仍不明确": "3.补正后申请內容仍不明确",
    "4.无正当理由大量反复申请": "4.无正当理由大量反覆申请",
}


def with_blanks(doc: Document, rng: random.Random, share: float = 0.5, marks: list[str] | None = None) -> Document:
    """Given a document, return it with some zero cells printed blank (as "" or a mark such as - / —)."""
    keys = _number_keys(doc)
    blank = set(doc.blank)
    marks = marks or BLANK_MARKS

    def change(table: Table, cell: Cell, key: str) -> Cell:
        if cell.text == "0" and rng.random() < share and not key.startswith("art20.fees"):
            blank.add(key)
            return replace(cell, text=rng.choice(marks))
        return cell

    return replace(_map_numbers(doc, keys, change), blank=blank)


def with_typos(doc: Document) -> Document:
    """Given a document, return it with row labels of table 三 printed with typos."""

    def fix(table: Table) -> Table:
        rows = [[replace(c, text=TYPOS.get(c.text, c.text)) if c else None for c in row] for row in table.rows]
        return replace(table, rows=rows)

    return replace(doc, blocks=[fix(b) if isinstance(b, Table) and b.name == "三" else b for b in doc.blocks])


def with_note(doc: Document, key: str = "art20.normative.issued", note: str = "其中修订{n}件") -> Document:
    """Given a document, return it with a note in brackets after one cell of table 二."""

    def change(table: Table, cell: Cell, k: str) -> Cell:
        if k == key and cell.text.isdigit():
            return replace(cell, text=f"{cell.text}（{note.format(n=max(0, int(cell.text) - 1))}）")
        return cell

    return _map_numbers(doc, _number_keys(doc), change)


def with_error(doc: Document, rng: random.Random) -> Document:
    """Given a document, return it with an agency's own arithmetic error: one applicant cell of table 三
    printed one more than its row's total allows (the truth is what is printed, the error included)."""
    keys = _number_keys(doc)
    cells = sorted(k for k in keys.values() if k.startswith("applications.") and not k.endswith(".total"))
    key = rng.choice(cells)
    value = int(doc.figures[key]) + 1

    def change(table: Table, cell: Cell, k: str) -> Cell:
        return replace(cell, text=str(value)) if k == key else cell

    return replace(_map_numbers(doc, keys, change), figures=doc.figures | {key: value}, erred=key)


def with_signs(doc: Document) -> Document:
    """Given a document, return it with 2019 table 二's 本年增/减 printed with its sign when it grew (`+5`)."""

    def change(table: Table, cell: Cell, key: str) -> Cell:
        if key.endswith(".change") and cell.text.isdigit() and cell.text != "0":
            return replace(cell, text=f"+{cell.text}")
        return cell

    return _map_numbers(doc, _number_keys(doc), change)


def with_units(doc: Document) -> Document:
    """Given a document, return it with table 二's cells printed with their measure words and units
    (`3件`, `12个`, `0.5万元`), as some reports print them."""

    def change(table: Table, cell: Cell, key: str) -> Cell:
        if table.name != "二" or not cell.text or key.endswith(".change"):
            return cell
        unit = (
            "万元" if key.endswith(".amount") else "件" if key.split(".")[1] in ("regulations", "normative") else "个"
        )
        return replace(cell, text=cell.text + unit)

    return _map_numbers(doc, _number_keys(doc), change)


def untitled_traditional(doc: Document) -> Document:
    """Given a document, return it without its title, the agency named only in the opening sentence that
    publishes the report, every block in traditional script (to_traditional)."""
    opening = f"根据《中华人民共和国政府信息公开条例》规定，现公布{doc.agency}{doc.year}年政府信息公开工作年度报告。"
    blocks = [opening, *doc.blocks[1:]] if doc.agency else doc.blocks[1:]

    def convert(b: str | Table) -> str | Table:
        if isinstance(b, str):
            return to_traditional(b)
        rows = [[replace(c, text=to_traditional(c.text)) if c else None for c in row] for row in b.rows]
        return replace(b, rows=rows)

    return replace(doc, blocks=[convert(b) for b in blocks])


def to_traditional(text: str) -> str:
    """The text in traditional script: each simplified character as one of its traditional forms."""
    return text.translate(_s2t())


@cache
def _s2t() -> dict[int, int]:
    back: dict[int, int] = {}
    for trad, simple in sorted(_t2s_table().items()):
        back.setdefault(simple, trad)
    return back


def without_captions(doc: Document) -> Document:
    """Given a document, return it with table 二's 第二十条第（X）项 caption rows left out."""

    def drop(table: Table) -> Table:
        rows = [r for r in table.rows if not (r[0] and r[0].text.startswith("第二十条"))]
        return replace(table, rows=rows)

    return replace(doc, blocks=[drop(b) if isinstance(b, Table) and b.name == "二" else b for b in doc.blocks])


def without_totals(doc: Document) -> Document:
    """Given a 2019-format document, return it with table 三 printed without its 总计 column (whose numbers a
    reader infers as sums: a document with an error of its own has no way to read back its totals)."""

    def drop(table: Table) -> Table:
        rows = []
        for i, row in enumerate(table.rows):
            if i == 0:
                rows.append([*row[:3], replace(row[3], colspan=6), *row[4:9]])
            else:
                rows.append(row[:9])
        return replace(table, rows=rows)

    return replace(doc, blocks=[drop(b) if isinstance(b, Table) and b.name == "三" else b for b in doc.blocks])


def review_split(doc: Document) -> Document:
    """Given a document, return it with table 四 printed as three small tables, one per group."""
    names = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    titles = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
    blocks: list[str | Table] = []
    for b in doc.blocks:
        if isinstance(b, Table) and b.name == "四":
            values = b.rows[-1]
            for g, title in enumerate(titles):
                blocks.append(title)
                blocks.append(Table("四", [[Cell(n) for n in names], values[g * 5 : g * 5 + 5]], header=1))
        else:
            blocks.append(b)
    return replace(doc, blocks=blocks)


def _number_keys(doc: Document) -> dict[tuple[int, int, int], str]:
    """Given a document, return {(block, row, column): figure key} for its number cells, in format order."""
    spec_keys = {
        "二": [k for row in ART20_ROWS.get(doc.template, ()) for k in row.keys],
        "三": application_keys(doc.template) if doc.template != "legacy" else [],
        "四": review_keys(),
    }
    out = {}
    used = dict.fromkeys(spec_keys, 0)
    for b, block in enumerate(doc.blocks):
        if not isinstance(block, Table):
            continue
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                if cell is not None and cell.number and cell.key:
                    out[(b, r, c)] = cell.key
                elif cell is not None and cell.number:
                    out[(b, r, c)] = spec_keys[block.name][used[block.name]]
                    used[block.name] += 1
    return out


def _map_numbers(doc: Document, keys, change) -> Document:
    blocks = []
    for b, block in enumerate(doc.blocks):
        if not isinstance(block, Table):
            blocks.append(block)
            continue
        rows = [
            [change(block, c, keys[(b, r, i)]) if c is not None and c.number else c for i, c in enumerate(row)]
            for r, row in enumerate(block.rows)
        ]
        blocks.append(replace(block, rows=rows))
    return replace(doc, blocks=blocks)


# -- renderings -------------------------------------------------------------------------


def to_html(doc: Document) -> str:
    from html import escape

    out = ["<html><head><meta charset='utf-8'><title>报告</title></head><body>"]
    for b in doc.blocks:
        if isinstance(b, str):
            out.append(f"<p>{escape(b)}</p>")
            continue
        out.append("<table border='1'>")
        for row in b.rows:
            cells = []
            for c in row:
                if c is None:
                    continue
                span = f" colspan='{c.colspan}'" if c.colspan > 1 else ""
                span += f" rowspan='{c.rowspan}'" if c.rowspan > 1 else ""
                cells.append(f"<td{span}>{escape(c.text) if c.text else '&nbsp;'}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def to_tabs(doc: Document, grid: bool = True) -> str:
    """Tab-separated rows as Word exports them (every grid position a field) or compact (merged cells once)."""
    return _text(doc, lambda row: "\t".join(_cells(row, grid)))


def to_markdown(doc: Document) -> str:
    def line(row):
        return "| " + " | ".join(_cells(row, True)) + " |"

    out = []
    for b in doc.blocks:
        if isinstance(b, str):
            out.append(b)
            continue
        for i, row in enumerate(b.rows):
            out.append(line(row))
            if i == 0:
                out.append("|" + "---|" * len(row))
    return "\n".join(out)


def to_spaced(doc: Document) -> str:
    """Cells separated by single spaces, as PDF text extraction gives table rows (empty cells vanish)."""
    return _text(doc, lambda row: " ".join(t for t in _cells(row, False) if t))


def to_cell_lines(doc: Document) -> str:
    """One cell per line, as plain pdftotext leaves a table (empty cells vanish)."""
    return _text(doc, lambda row: "\n".join(t for t in _cells(row, False) if t))


def to_pipe_lines(doc: Document) -> str:
    """One cell per line with a pipe after every cell, the label on a line of its own (`规章 |`, `0 |` …), as
    some converters print a table; a cell printed blank is a line with its pipe alone."""
    return _text(doc, lambda row: "\n".join(f"{t} |".strip() for t in _cells(row, False)))


def wrapped_labels(text: str, at: float = 0.5) -> str:
    """Given a rendered text, return it with every row label of 10 characters or more wrapped at `at` of its
    length, the numbers after its second half (`（二）部分公开（区分处理的，只计这一情` / `形，… 447 7 0 …`)."""
    out = []
    for line in text.split("\n"):
        m = re.match(r"^(\S.*?)((?: -?[\d.]+)+)$", line)
        if m and len(m.group(1)) >= 10 and re.search(r"[\u4e00-\u9fff]", m.group(1)):
            label, cut = m.group(1), int(len(m.group(1)) * at)
            out += [label[:cut], label[cut:] + m.group(2)]
        else:
            out.append(line)
    return "\n".join(out)


def to_labels_first(doc: Document, column_major: bool = False, pages: int = 1) -> str:
    """Table 三 with every row label first and the numbers after them, row by row or column by column; with
    `pages`, the table split over that many pages, each page its labels and then its numbers (as pdfminer
    prints a ruled table a page at a time), a page number between."""
    out = []
    for b in doc.blocks:
        if isinstance(b, str):
            out.append(b)
        elif b.name != "三":
            out.extend("\t".join(_cells(row, False)) for row in b.rows)
        else:
            out.extend(" ".join(_cells(row, False)) for row in b.rows[: b.header])
            body = b.rows[b.header :]
            size = -(-len(body) // pages)
            for page, at in enumerate(range(0, len(body), size)):
                part = body[at : at + size]
                if page:
                    out.append(f"- {page + 2} -")
                out.extend(" ".join(c.text for c in row if c is not None and not c.number) for row in part)
                numbers = [[c.text for c in row if c is not None and c.number] for row in part]
                if column_major:
                    out.extend(numbers[r][c] for c in range(len(numbers[0])) for r in range(len(numbers)))
                else:
                    out.extend(t for row in numbers for t in row)
    return "\n".join(out)


def to_glued(doc: Document) -> str:
    """A crawled page flattened to one line: cell borders gone, digits run together."""
    return "".join(_text(doc, lambda row: "".join(_cells(row, False))).split("\n"))


def scrambled_review(text: str) -> str:
    """Given a rendered text, return it with table 四's header rows printed as vertical text over several lines."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.replace(" ", "").replace("\t", "").startswith("结果维持结果纠正其他结果尚未审结总计"):
            j = i + 1
            lines[i] = "结 结 其 尚\n果 果 他 未\n维 纠 结 审 总\n持 正 果 结 计"
            if j < len(lines) and "结果维持" in lines[j]:
                lines[j] = "结果 结果 其他 尚未 总 " * 2 + "\n" + "维持 纠正 结果 审结 计 " * 2
            break
    return "\n".join(lines)


FLIP_HEADERS = {
    "vertical": [
        "行 行 政", "政 诉 讼", "复 未经复议直接起诉 复议后起诉", "议",
        "结 结 其 尚 总 结 结 其 尚 总 结 结 其 尚 总", "果 果 他 未 计 果 果 他 未 计 果 果 他 未 计",
        "维 纠 结 审   维 纠 结 审   维 纠 结 审", "持 正 果 结   持 正 果 结   持 正 果 结",
    ],
    "halves": [
        "结果 结果 其他 尚未 总 结果 结果 其他 尚未 总 结果 结果 其他 尚未 总",
        "维持 纠正 结果 审结 计 维持 纠正 结果 审结 计 维持 纠正 结果 审结 计",
    ],
}  # fmt: skip


def flip_book(text: str, header: str = "vertical") -> str:
    """Given a document rendered by to_spaced, return it as flip-book page text: table 三's last row at the
    top of a page (under the page's number and running title) just before the 四 heading, and table 四's
    header exploded into vertical characters or two-character halves (FLIP_HEADERS) over its one row."""
    lines = text.split("\n")
    head = next(k for k, line in enumerate(lines) if line.startswith("四、政府信息公开行政复议"))
    row = next(k for k in range(head + 1, len(lines)) if len(lines[k].split()) == 15)
    last = next(k for k, line in enumerate(lines) if line.startswith("四、结转下年度"))
    page = ["- 5 -", "政府信息公开工作年度报告"]
    return "\n".join([*lines[:last], *page, *lines[last : head + 1], *FLIP_HEADERS[header], *lines[row:]])


def _cells(row: list[Cell | None], grid: bool) -> list[str]:
    return [c.text if c is not None else "" for c in row if grid or c is not None]


def _text(doc: Document, render_row) -> str:
    out = []
    for b in doc.blocks:
        if isinstance(b, str):
            out.append(b)
        else:
            out.extend(render_row(row) for row in b.rows)
    return "\n".join(out)


def to_docx(doc: Document) -> bytes:
    import docx

    d = docx.Document()
    for b in doc.blocks:
        if isinstance(b, str):
            d.add_paragraph(b)
            continue
        width = len(b.rows[0])
        t = d.add_table(rows=len(b.rows), cols=width)
        t.style = "Table Grid"
        for r, row in enumerate(b.rows):
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                target = t.cell(r, c)
                if cell.colspan > 1 or cell.rowspan > 1:
                    target = target.merge(t.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
                target.text = cell.text
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def to_pdf(doc: Document, page_numbers: bool = True) -> bytes:
    """The document as a PDF: ruled tables with merged cells, page numbers (— N —), tables split over pages."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, wordWrap="CJK", firstLineIndent=24)
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    frame_width = A4[0] - 50 * mm
    flow = []
    for b in doc.blocks:
        if isinstance(b, str):
            flow.append(Paragraph(_xml(b), body))
            continue
        width = len(b.rows[0])
        label_cols = {"二": [0.34], "三": [0.09, 0.13, 0.18], "四": [], "统计": [0.4, 0.12]}[b.name]
        rest = (1 - sum(label_cols)) / (width - len(label_cols))
        widths = [frame_width * w for w in label_cols] + [frame_width * rest] * (width - len(label_cols))
        data = [[Paragraph(_xml(c.text), cell) if c is not None else "" for c in row] for row in b.rows]
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        for r, row in enumerate(b.rows):
            for c, item in enumerate(row):
                if item is not None and (item.colspan > 1 or item.rowspan > 1):
                    style.append(("SPAN", (c, r), (c + item.colspan - 1, r + item.rowspan - 1)))
        table = PdfTable(data, colWidths=widths, splitByRow=1)
        table.setStyle(TableStyle(style))
        flow += [table, Spacer(1, 4 * mm)]

    def number(canvas, pdf_doc) -> None:
        if page_numbers:
            canvas.setFont("STSong-Light", 10)
            canvas.drawCentredString(A4[0] / 2, 12 * mm, f"— {pdf_doc.page} —")

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm).build(
        flow, onFirstPage=number, onLaterPages=number
    )
    return out.getvalue()


def pdf_text(pdf: bytes, tool: str = "pdfplumber") -> str:
    """Given a PDF, return its text as a converter extracts it: pdfplumber's extract_text, pdfminer's
    extract_text ("pdfminer": a page's table labels first, then its numbers), pdfium's ("pdfium"), or
    poppler's pdftotext ("pdftotext", one cell a line) and "pdftotext -layout" (columns kept by spaces)."""
    if tool == "pdfplumber":
        import pdfplumber

        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            return "\n".join(page.extract_text() or "" for page in doc.pages)
    if tool == "pdfminer":
        from pdfminer.high_level import extract_text

        return extract_text(io.BytesIO(pdf))
    if tool == "pdfium":
        import pypdfium2

        doc = pypdfium2.PdfDocument(pdf)
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    import subprocess

    args = ["pdftotext", *(["-layout"] if tool.endswith("-layout") else []), "-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")


def scanned(pdf: bytes, dpi: int = 200) -> bytes:
    """Given a PDF, return it as a scanner makes it: every page a picture at `dpi`, no text layer."""
    import pypdfium2

    pages = [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in pypdfium2.PdfDocument(pdf)]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
