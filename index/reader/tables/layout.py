"""The national format's tables declared as data: row labels, columns and figure keys.

Labels are regular expressions matched against the report text with all
whitespace removed (so 结 果 维 持 and labels broken over lines still match),
after full-width and traditional characters are folded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    key: str
    label: str  # regex for the start of the row's label, as printed when printed right
    words: str = ""  # the format's full wording, for labels printed with typos (see labels.py)


# how a row read by its nearest label says so (its row is not in doubt: the audit trusts its numbers)
TOLERANT_NOTE = "按最接近的"
APPLICANT_COLUMNS = ("natural_person", "business", "research", "social_org", "legal_service", "other_org")
APPLICATION_COLUMNS = (*APPLICANT_COLUMNS, "total")
# table 三's header words; extraction can print them (or pieces of them) between a row's numbers
APPLICANT_HEADERS = (
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
)

_OUTCOMES = (
    Row("granted", r"予以公开", "予以公开"),
    Row("partly_granted", r"部分公开", "部分公开区分处理的只计这一情形不计其他情形"),
    Row("denied.state_secret", r"属于国家秘密", "属于国家秘密"),
    Row("denied.prohibited", r"其他法律(?:行政)?法规禁止公开", "其他法律行政法规禁止公开"),
    Row("denied.security", r"危及", "危及三安全一稳定"),
    Row("denied.third_party", r"保护第三方", "保护第三方合法权益"),
    Row("denied.internal", r"属于三类内部", "属于三类内部事务信息"),
    Row("denied.process", r"属于四类过程", "属于四类过程性信息"),
    Row("denied.enforcement_file", r"属于行政执法案卷", "属于行政执法案卷"),
    Row("denied.inquiry", r"属于行政查询", "属于行政查询事项"),
    Row("unable.not_held", r"本机关不掌握", "本机关不掌握相关政府信息"),
    Row("unable.needs_creation", r"没有现成信息", "没有现成信息需要另行制作"),
    Row("unable.unclear", r"补正后申请", "补正后申请内容仍不明确"),
    Row("not_processed.complaint", r"信访举报", "信访举报投诉类申请"),
    Row("not_processed.repeated", r"重复申请", "重复申请"),
    Row("not_processed.publication", r"要求提供公开出版物", "要求提供公开出版物"),
    Row("not_processed.excessive", r"无正当理由大量", "无正当理由大量反复申请"),
    Row("not_processed.confirmation", r"要求行政机关确认", "要求行政机关确认或重新出具已获取信息"),
)
_OTHER_2019 = (Row("other", r"其他处理", "其他处理"),)
_OTHER_2021 = (
    Row(
        "other.no_correction",
        r"申请人无正当理由逾期",
        "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请",
    ),
    Row(
        "other.unpaid_fee",
        r"申请人逾期未按收费",
        "申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请",
    ),
    Row("other.other", r"其他(?!处理|法律)", "其他"),
)
_HEAD = (
    Row("new", r"本年新收", "本年新收政府信息公开申请数量"),
    Row("carried_over", r"上年结转", "上年结转政府信息公开申请数量"),
)
_TAIL = (Row("total", r"总计", "总计"), Row("carried_forward", r"结转下年度", "结转下年度继续办理"))

APPLICATION_ROWS = {
    "2019": (*_HEAD, *_OUTCOMES, *_OTHER_2019, *_TAIL),
    "2021": (*_HEAD, *_OUTCOMES, *_OTHER_2021, *_TAIL),
}

# The rows whose sum is 三(七)总计 (rule I2): every outcome row, i.e. all but head and tail.
OUTCOME_KEYS = {
    template: tuple(r.key for r in rows if r.key not in ("new", "carried_over", "total", "carried_forward"))
    for template, rows in APPLICATION_ROWS.items()
}

REVIEW_GROUPS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


@dataclass(frozen=True)
class Art20Row:
    """One row of table 二: its label, and the figure keys of its cells in column order."""

    label: str
    keys: tuple[str, ...]
    amount: bool = False  # a money column, normalised to 万元

    @property
    def name(self) -> str:
        return re.sub(r"\(\?:[^)]*\)\?", "", self.label)


ART20_ROWS = {
    "2021": (
        Art20Row(r"规章", ("art20.regulations.issued", "art20.regulations.repealed", "art20.regulations.in_force")),
        Art20Row(
            r"(?:行政)?规范性文件",
            ("art20.normative.issued", "art20.normative.repealed", "art20.normative.in_force"),
        ),
        Art20Row(r"行政许可", ("art20.licensing.decisions",)),
        Art20Row(r"行政处罚", ("art20.penalty.decisions",)),
        Art20Row(r"行政强制", ("art20.enforcement.decisions",)),
        Art20Row(r"行政事业性收费", ("art20.fees.amount",), amount=True),
    ),
    "2019": (
        Art20Row(r"规章", ("art20.regulations.made", "art20.regulations.published", "art20.regulations.total")),
        Art20Row(
            r"(?:行政)?规范性文件",
            ("art20.normative.made", "art20.normative.published", "art20.normative.total"),
        ),
        Art20Row(
            r"行政许可",
            ("art20.licensing.previous", "art20.licensing.change", "art20.licensing.decisions"),
        ),
        Art20Row(
            r"其他对外管理服务事项",
            ("art20.other_services.previous", "art20.other_services.change", "art20.other_services.decisions"),
        ),
        Art20Row(r"行政处罚", ("art20.penalty.previous", "art20.penalty.change", "art20.penalty.decisions")),
        Art20Row(
            r"行政强制",
            ("art20.enforcement.previous", "art20.enforcement.change", "art20.enforcement.decisions"),
        ),
        Art20Row(r"行政事业性收费", ("art20.fees.previous", "art20.fees.change")),
        Art20Row(r"政府集中采购", ("art20.procurement.count", "art20.procurement.amount"), amount=True),
    ),
}

# Header words that tell the two formats apart (see docs/report-format.md §2.5).
MARKERS_2021 = (
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年处理决定数量",
    "本年收费金额",
    "逾期不补正",
    "缴纳费用",
)
MARKERS_2019 = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "采购项目数量",
    "其他对外管理服务事项",
)


def application_keys(template: str) -> list[str]:
    """Given a template, return every figure key of table 三 in row-major order."""
    return [f"applications.{r.key}.{c}" for r in APPLICATION_ROWS[template] for c in APPLICATION_COLUMNS]


def review_keys() -> list[str]:
    """Return the 15 figure keys of table 四 in the order the format prints them."""
    return [f"{g}.{c}" for g in REVIEW_GROUPS for c in REVIEW_COLUMNS]


# Chinese names for messages and the web's tables.
COLUMN_NAMES = {
    "natural_person": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "social_org": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
}
GROUP_NAMES = {"review": "行政复议", "litigation_direct": "未经复议直接起诉", "litigation_after_review": "复议后起诉"}
ROW_NAMES = {
    "new": "一、本年新收",
    "carried_over": "二、上年结转",
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开",
    "denied.state_secret": "（三）1.属于国家秘密",
    "denied.prohibited": "（三）2.其他法律行政法规禁止公开",
    "denied.security": "（三）3.危及“三安全一稳定”",
    "denied.third_party": "（三）4.保护第三方合法权益",
    "denied.internal": "（三）5.属于三类内部事务信息",
    "denied.process": "（三）6.属于四类过程性信息",
    "denied.enforcement_file": "（三）7.属于行政执法案卷",
    "denied.inquiry": "（三）8.属于行政查询事项",
    "unable.not_held": "（四）1.本机关不掌握相关政府信息",
    "unable.needs_creation": "（四）2.没有现成信息需要另行制作",
    "unable.unclear": "（四）3.补正后申请内容仍不明确",
    "not_processed.complaint": "（五）1.信访举报投诉类申请",
    "not_processed.repeated": "（五）2.重复申请",
    "not_processed.publication": "（五）3.要求提供公开出版物",
    "not_processed.excessive": "（五）4.无正当理由大量反复申请",
    "not_processed.confirmation": "（五）5.要求行政机关确认或重新出具已获取信息",
    "other": "（六）其他处理",
    "other.no_correction": "（六）1.申请人逾期不补正",
    "other.unpaid_fee": "（六）2.申请人逾期未缴费",
    "other.other": "（六）3.其他",
    "total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}


ART20_ITEM_NAMES = {
    "regulations": "规章",
    "normative": "行政规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "enforcement": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
ART20_MEASURE_NAMES = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "处理决定数量",
    "amount": "金额（万元）",
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total": "对外公开总数量",
    "previous": "上一年项目数量",
    "change": "本年增/减",
    "count": "采购项目数量",
}
_ROW_NUMBERING = re.compile(r"^(?:[一二三四五六七]、|（[一二三四五六七]）(?:\d+\.)?)")


# rows whose own words say too little without their group: （六）3.其他 is not the applicants' 其他
_ROW_LABELS = {"total": "办理结果总计", "other.other": "其他处理之其他情形"}


def _row_label(row: str) -> str:
    return _ROW_LABELS.get(row) or _ROW_NUMBERING.sub("", ROW_NAMES[row])


def figure_label(key: str) -> str:
    """Given a figure key, return its Chinese label, as a person reads it (the key itself when unknown).

    >>> figure_label("applications.granted.business"), figure_label("review.corrected")
    ('予以公开·商业企业', '行政复议·结果纠正')
    >>> figure_label("art20.normative.in_force")
    '行政规范性文件·现行有效件数'
    """
    tables = {"applications": "表三", "review": "表四", "art20": "表二", "legacy": "统计表（2019 年以前）"}
    if key in tables:
        return tables[key]
    if key.startswith("legacy."):
        from .statistics import LEGACY_NAMES, MEASURE_NAMES  # the old statistics table's own rows

        _, item, measure = key.split(".", 2) if key.count(".") == 2 else ("", "", "")
        if item in LEGACY_NAMES and measure in MEASURE_NAMES:
            return f"统计表·{LEGACY_NAMES[item].removeprefix('其中：')}·{MEASURE_NAMES[measure]}"
        return key
    if key.startswith("applications."):
        rest = key.removeprefix("applications.")
        if rest in ROW_NAMES:  # a whole row
            return _row_label(rest)
        row, _, col = rest.rpartition(".")
        if row == "*" and col in COLUMN_NAMES:
            return f"表三·{COLUMN_NAMES[col]}列"
        if row in ROW_NAMES and col in COLUMN_NAMES:
            return f"{_row_label(row)}·{COLUMN_NAMES[col]}"
    elif key.startswith("art20."):
        _, item, measure = key.split(".", 2) if key.count(".") == 2 else ("", "", "")
        if item in ART20_ITEM_NAMES and measure in ART20_MEASURE_NAMES:
            return f"{ART20_ITEM_NAMES[item]}·{ART20_MEASURE_NAMES[measure]}"
    else:
        group, _, col = key.partition(".")
        if group in GROUP_NAMES and not col:
            return GROUP_NAMES[group]
        if group in GROUP_NAMES and col in COLUMN_NAMES:
            return f"{GROUP_NAMES[group]}·{COLUMN_NAMES[col]}"
    return key


def figure_table(key: str) -> str:
    """Which of the format's tables a figure (or a row, or the table itself) belongs to: "二", "三" or "四"
    (or "统计表", the statistics table of a report before 2019)."""
    if key.startswith("legacy"):
        return "统计表"
    return "二" if key.startswith("art20") else "三" if key.startswith("applications") else "四"
