"""The statistics table a report before 2019 appends (政府信息公开情况统计表: 指标名称 / 计量单位 / 本年 /
历年累计), read into keys of its own: `legacy.<indicator>.year` and `legacy.<indicator>.cumulative`.

The old table's 统计口径 lapsed with the 2019 format, so its figures are never put under the 2019 or 2021
keys (its 受理依申请公开信息总数 is not table 三's 本年新收). Rows are found by their labels, which vary a
little from year to year and agency to agency; the numbers after a label (and its unit) are its two
cells. Digits a crawler glued together are split only where one split alone keeps the cumulative figure
no smaller than the year's; `/` and `-` are cells printed blank.
"""

from __future__ import annotations

import re

from ..text.normalize import fold
from .cells import BLANK_MARKS
from .lines import table_lines
from .result import TableResult

# (indicator, its Chinese name, the label as printed, money): in the order the old table prints them
LEGACY_ROWS = (
    ("active", "主动公开政府信息数", r"主动公开(?:政府)?(?:信息|文件)(?:总)?数", False),
    ("active_website", "其中：政府网站公开数", r"(?:政府)?网站公开(?:数)?", False),
    ("active_gazette", "其中：政府公报公开数", r"政府公报公开(?:数)?", False),
    ("active_other", "其中：其他方式公开数", r"其他方式公开(?:数)?", False),
    ("requests", "受理依申请公开信息总数", r"受理(?:依申请公开信息|政府信息公开申请|申请)(?:总)?数", False),
    ("requests_in_person", "其中：当面申请数", r"当面申请数", False),
    ("requests_fax", "其中：传真申请数", r"(?<!信函、)传真申请数", False),
    ("requests_email", "其中：电子邮件申请数", r"电子邮件申请数", False),
    ("requests_online", "其中：网上申请数", r"网上申请数", False),
    ("requests_mail", "其中：信函（传真）申请数", r"信函(?:[、（(]?传真[)）]?)?申请数", False),
    ("replies", "对申请的答复总数", r"对申请的答复(?:总)?数", False),
    ("replies_granted", "其中：同意公开答复数", r"(?<!部分)同意公开答复数", False),
    ("replies_partly", "其中：同意部分公开答复数", r"同意部分公开答复数", False),
    ("replies_denied", "其中：不予公开答复数", r"(?:不予|否决)公开答复数", False),
    ("replies_other", "其中：其他类型答复数", r"其他类型答复数", False),
    ("fees", "政府信息公开收费减免金额", r"收费(?:及)?减免(?:金额|数)", True),
    ("complaints", "行政申诉、举报数", r"(?:接受行政诉讼|行政申诉)、举报数", False),
    ("review", "行政复议数", r"(?<![、])行政复议数", False),
    ("litigation", "行政诉讼数", r"(?<![接受])行政诉讼数", False),
)
LEGACY_NAMES = {key: name for key, name, _, _ in LEGACY_ROWS}
_MONEY = {key for key, _, _, money in LEGACY_ROWS if money}  # the rows whose figures are amounts
MEASURE_NAMES = {"year": "本年", "cumulative": "历年累计"}
_UNIT = r"\s*(?:条|件|个|次|人次|项|份|万元|元)?\s*"
_LABELS = re.compile("|".join(f"(?P<{key}>{label})" for key, _, label, _ in LEGACY_ROWS))
_VALUE = re.compile(r"-?\d+(?:\.\d+)?|[/／\\\-—－_＿]+|[（(]空[)）]")
_SPACED = re.compile(r"(?:\d|[/／\\\-—－_＿)）])[ \t\u3000\n]+(?:-?\d|[/／\\\-—－_＿（(])")
_START = re.compile(r"指\s*标\s*名\s*称|统\s*计\s*表")
_CUMULATIVE = re.compile(r"历年累计|累\s*计")


def legacy_keys() -> list[str]:
    return [f"legacy.{key}.{measure}" for key, *_ in LEGACY_ROWS for measure in MEASURE_NAMES]


def read_statistics(text: str) -> TableResult:
    """Given the statistics section of a report before 2019, return its figures under `legacy.…` keys."""
    res = TableResult()
    folded = fold(text)
    start = _START.search(folded)
    if start is None:
        return res
    two = bool(_CUMULATIVE.search(folded[start.start() : start.start() + 200]))
    measures = ["year", "cumulative"] if two else ["year"]
    seen = _read_fields(folded, start.end(), measures, res)
    found = [(m.start(), m.end(), m.lastgroup) for m in _LABELS.finditer(folded, start.end())]
    ends = [f[0] for f in found[1:]] + [len(folded)] if found else []  # each row's numbers run to the next label
    rows = []
    for (_, end, key), nxt in zip(found, ends, strict=True):
        if key not in seen:
            seen.add(key)
            rows.append((key, end, _row_values(folded[end:nxt])))
    # digits run together only on a page whose every row lost its spaces: where any row keeps a space between
    # two values, a row with fewer values than cells had a cell printed empty (which one cannot be told)
    glued = not any(spaced for *_, (_, _, spaced) in rows)
    if len(rows) >= 3 and not any(tokens for *_, (_, tokens, _) in rows[:-1]):
        _read_apart(folded[rows[-1][1] :], [key for key, *_ in rows], measures, res, rows[0][1])
        return res
    for key, end, (unit, tokens, _) in rows:
        if not tokens:
            continue  # a label and no number after it
        name = LEGACY_NAMES[key]
        amount = key in _MONEY
        keys = [f"legacy.{key}.{m}" for m in measures]
        cells = _cells(tokens, len(measures), glued)
        if cells is None:
            if glued or any(t.count(".") > 1 for t in tokens):
                res.warn("glued", f"统计表“{name}”行的数字 “{' '.join(tokens)}” 粘连且无法唯一拆分", keys[0])
            else:
                printed = " ".join(t for t in tokens if t)
                message = f"统计表“{name}”行印出 {len(tokens)} 个数（{printed}），应为 {len(keys)} 个："
                message += "无法确定哪一格为空，未读出"
                res.warn("incomplete", message, keys[0])
            continue
        _store(res, keys, *cells, unit=unit, amount=amount, at=end)
    return res


_PAGE_NUMBER = re.compile(r"(?m)^\s*[-—–－]\s*\d+\s*[-—–－]\s*$")
_APART = re.compile(r"(万元|人次|[条件个次项份元])|(-?\d+(?:\.\d+)?)(?!\d|\s*年)|([/／\\\-—－_＿]+)")


def _read_apart(text: str, keys: list[str], measures: list[str], res: TableResult, at: int) -> None:
    """Read a table printed as its labels first and its numbers after them (as pdfminer prints a ruled table):
    a column at a time (the units together, then each column's numbers) or a row at a time (a unit, then its
    row's numbers). The numbers are placed by the labels' order (inferred) only when they are as many as the
    cells and one way of printing fits (the cumulative figure never below the year's); else none is read."""
    found = [(m.lastindex, m.group(m.lastindex)) for m in _APART.finditer(_PAGE_NUMBER.sub(" ", text))]
    units = [t for kind, t in found if kind == 1]
    values = [t for kind, t in found if kind != 1]
    k, n = len(keys), len(measures)
    shape = "".join("u" if kind == 1 else "v" for kind, _ in found)
    readings = []
    if len(values) == k * n and (not units or "u" * len(units) in shape):  # a column at a time
        readings.append([[values[c * k + r] for c in range(n)] for r in range(k)])
    if len(values) == k * n and n > 1 and shape in ("v" * n * k, ("u" + "v" * n) * k):  # a row at a time
        readings.append([values[r * n : (r + 1) * n] for r in range(k)])
    fitting = [rows for rows in readings if n == 1 or all(_not_below(*row) for row in rows)]
    fitting = [rows for i, rows in enumerate(fitting) if rows not in fitting[:i]]  # both ways alike: one
    names = "、".join(LEGACY_NAMES[key] for key in keys[:3])
    if len(fitting) != 1:
        res.warn(
            "layout",
            f"统计表各行的标签（{names}等 {k} 行）与数字分开印出（{len(values)} 个数字），"
            "无法确定各数字属于哪一行，未读出",
            f"legacy.{keys[0]}.{measures[0]}",
        )
        return
    row_units = units if len(units) == k else [""] * k
    for key, cells, unit in zip(keys, fitting[0], row_units, strict=True):
        amount = key in _MONEY
        _store(res, [f"legacy.{key}.{m}" for m in measures], cells, True, unit=unit, amount=amount, at=at)
    res.warn(
        "layout",
        f"统计表各行的标签与数字分开印出（先印 {k} 行标签，再印数字）：按标签的顺序读取（推断），请对照原文核对",
        f"legacy.{keys[0]}.{measures[0]}",
    )


def _not_below(year: str, cumulative: str) -> bool:
    """Whether a row's cumulative figure is no smaller than its year's (a blank cell fits either way)."""
    try:
        return float(cumulative) >= float(year)
    except ValueError:
        return True


def _read_fields(folded: str, start: int, measures: list[str], res: TableResult) -> set[str]:
    """Read the rows whose cells keep their fields (tab- or pipe-separated lines: a Word table, a web page,
    markdown), an empty field a cell printed blank; return the indicators read."""
    seen: set[str] = set()
    for line in table_lines(folded[start:]):
        m = _LABELS.search(line.label) if line.fields else None
        if m is None or m.lastgroup in seen or len(line.cells) != len(measures):
            continue
        seen.add(m.lastgroup)
        amount = m.lastgroup in _MONEY
        unit = re.fullmatch(_UNIT, line.label[m.end() :])
        keys = [f"legacy.{m.lastgroup}.{measure}" for measure in measures]
        _store(
            res, keys, list(line.cells), False, unit=unit.group() if unit else "", amount=amount, at=start + line.start
        )
    return seen


def _row_values(run: str) -> tuple[str, list[str], bool]:
    """A row's text after its label: its unit, its value tokens ("" for a field printed empty between pipes),
    and whether white space parts two of its values."""
    run = re.sub(r"\d\s*[、.．]\s*$", "", run.split("其中")[0].rstrip())  # the next row's number: 2、政府公报…
    if "|" in run:  # one cell a line, a pipe after each (`条 |`, `0 |`, `|`): every field is a cell
        fields = [f.strip() for f in run.split("|")]
        # the label's own field first; after the last pipe, no cell (the next row's label may begin there)
        middle = fields[1:-1] if fields[0] == "" else []
        unit = middle.pop(0) if middle and middle[0] and re.fullmatch(_UNIT, middle[0]) else ""
        tokens = [f for f in middle if f == "" or _VALUE.fullmatch(f)]
        return unit, tokens if len(tokens) == len(middle) else [], True
    unit = re.match(_UNIT, run)
    values = run[unit.end() :].strip()
    if re.search(r"\d\.\d+\.\d", values):  # two decimal points in one run: numbers glued, no place to part them
        return unit.group(), [re.sub(r"\s+", "", values)], False
    return unit.group(), _VALUE.findall(values), bool(_SPACED.search(values))


def _store(res: TableResult, keys: list[str], cells: list[str], inferred: bool, unit: str, amount: bool, at: int):
    cells = ["" if c.strip("/／\\-—－_＿") == "" or c in BLANK_MARKS else c for c in cells]  # a mark: blank
    if amount and unit.strip() == "元":  # money in 元 is kept in 万元, as the tables' money is
        cells = [f"{c}元" if c else c for c in cells]
    res.store(keys, cells, inferred=inferred, amount=amount, at=at)


def _cells(tokens: list[str], n: int, glued: bool) -> tuple[list[str], bool] | None:
    """The row's n cells from its value tokens: as printed, or (on a glued page) split from glued digits when
    only one split keeps the cumulative figure no smaller than the year's (then inferred); None when it
    cannot be told."""
    if len(tokens) == n:
        return tokens, False
    if glued and len(tokens) == 1 and n == 2 and tokens[0].isdigit():
        digits = tokens[0]
        splits = [
            (digits[:i], digits[i:])
            for i in range(1, len(digits))
            if (digits[i] != "0" or i == len(digits) - 1)
            and (digits[0] != "0" or i == 1)
            and int(digits[:i]) <= int(digits[i:])
        ]
        if len(splits) == 1:
            return list(splits[0]), True
    if len(tokens) == 1 and n == 1:
        return tokens, False
    if tokens and all(t in BLANK_MARKS or set(t) <= set("/／\\-—－") for t in tokens) and len(tokens) == n:
        return tokens, False
    return None
