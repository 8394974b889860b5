"""The parsed report and its audit findings, as plain dataclasses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

# The format's parts, then the statistics table a report before 2019 appends (附表: 指标名称 计量单位 …):
# a part of its own, so that its rows never run into 改进情况 or 其他事项.
SECTIONS = ("overview", "active", "applications", "review", "problems", "improvements", "other", "statistics")
SECTION_NAMES = {
    "overview": "总体情况",
    "active": "主动公开",
    "applications": "依申请公开",
    "review": "复议诉讼",
    "problems": "存在问题",
    "improvements": "改进情况",
    "other": "其他事项",
    "statistics": "统计表",
}
TEMPLATES = ("2021", "2019", "legacy", "unknown")
TEMPLATE_NAMES = {"2021": "2021 年格式", "2019": "2019 年格式", "legacy": "2019 年以前的旧格式", "unknown": "未知格式"}
SEVERITIES = ("error", "warning")
# A figure is in one of three states, kept apart everywhere: a number printed, a cell printed blank
# (no number: never 0), or not read at all (missing).
PRINTED, BLANK, UNREAD = "printed", "blank", "unread"
ABSENT = "absent"  # in a comparison: the other report's format has this cell, this one's has not
STATE_NAMES = {PRINTED: "印出", BLANK: "（空白）", UNREAD: "（未读出）", ABSENT: "（格式无此项）"}
STATE_HINTS = {
    BLANK: "报告在此单元格未填数字（印为空白或“-”“/”等），不是 0",
    UNREAD: "未能从报告中读出此数字（未印出，或版式无法可靠读取），不是 0",
    ABSENT: "这份报告所用的格式没有这一项，不是 0",
}


def state_text(state: str, inferred: bool = False, corrected: bool = False) -> str:
    """A cell's state as an export's state column says it: 印出, 推断 (read by a fallback or computed), 空白,
    未读出, 格式无此项; 更正 when a reviewer corrected it (the number or blank is the correction's)."""
    if corrected:
        return "更正"
    if state == PRINTED:
        return "推断" if inferred else "印出"
    return STATE_NAMES[state].strip("（）")


def number_text(value: float | int) -> str:
    """A figure as the report printed it: 12 not 12.0, 2766.7879 not 2766.79, never in exponent form.

    >>> number_text(206.0), number_text(2766.7879), number_text(24252.311082), number_text(-5)
    ('206', '2766.7879', '24252.311082', '-5')
    """
    if value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return format(Decimal(repr(float(value))), "f")  # the shortest text that reads back as this float


def number_delta(a: float | int, b: float | int) -> float | int:
    """b − a computed on the printed decimals (2766.7879 − 2000.1 is 766.6879, not 766.6878999…).

    >>> number_delta(2000.1, 2766.7879), number_delta(265, 513)
    (766.6879, 248)
    """
    d = Decimal(number_text(b)) - Decimal(number_text(a))
    return int(d) if d == d.to_integral_value() else float(d)


@dataclass(frozen=True)
class Finding:
    """One audit result: which rule, how bad, where, and what was expected versus found."""

    rule: str
    severity: str
    message: str
    location: str = ""
    expected: float | None = None
    found: float | None = None
    span: tuple[int, int] | None = None  # where in the body the finding's text is (rules T1–T6)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"Finding.severity must be one of {SEVERITIES}, not {self.severity!r}")


@dataclass
class Report:
    """A report parsed into metadata, sections (as spans of `body`), figures and findings."""

    id: str
    source: str
    body: str
    source_url: str | None = None  # where it was published on the web, when the corpus says (index/manifest.py)
    published: str | None = None  # the date it was made public (YYYY-MM-DD), where the page or corpus says
    # "page" (its 发布时间 line), "manifest" (the corpus folder's MANIFEST.tsv), or "file" (the day a PDF or
    # Word file says it was made: published on that day or after, never before)
    published_from: str | None = None
    title: str | None = None
    agency: str | None = None  # as printed
    agency_key: str | None = None  # one key for the ways one agency's name is printed
    agency_from: str | None = None  # where the agency was read: title, metadata, signature or body
    year: int | None = None
    template: str = "unknown"
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    split: bool = False
    figures: dict[str, float] = field(default_factory=dict)
    inferred: list[str] = field(default_factory=list)
    blank: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # a cell's bracketed note: 22（其中修订16件）
    findings: list[Finding] = field(default_factory=list)
    origins: dict[str, int] = field(default_factory=dict)  # where each cell's row was printed: an offset in body
    pages: dict[str, int] = field(default_factory=dict)  # a PDF's figures: the page (from 1) each was printed on
    # figures a reviewer corrected (review/corrections.py; never read from the file): key → what the
    # reader had ("original": its number, "" blank, None not read), "origin" (reader | unit), "note", "user"
    corrected: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.template not in TEMPLATES:
            raise ValueError(f"Report.template must be one of {TEMPLATES}, not {self.template!r}")
        unknown = set(self.spans) - set(SECTIONS)
        if unknown:
            raise ValueError(f"Report.spans has unknown sections {sorted(unknown)}")

    def section(self, name: str) -> str:
        """Given a section name, return its text ('' when the report has none)."""
        return "\n".join(self.body[a:b] for a, b in self.spans.get(name, ()))

    @property
    def sections(self) -> dict[str, str]:
        return {name: self.section(name) for name in SECTIONS}

    def body_offset(self, name: str, pos: int) -> int | None:
        """Given an offset in the text of section `name`, return the same place in `body`."""
        for a, b in self.spans.get(name, ()):
            if pos <= b - a:
                return a + pos
            pos -= b - a + 1  # the "\n" that joins a section's spans
        return None

    def state(self, key: str) -> str:
        """Whether a figure was printed, printed blank, or not read."""
        if key in self.figures:
            return PRINTED
        return BLANK if key in self.blank else UNREAD

    def to_json(self) -> dict:
        """Return the report as the JSON object `xxgk parse --json` prints."""
        return {
            "id": self.id,
            "source": self.source,
            "source_url": self.source_url,
            "published": self.published,
            "published_from": self.published_from,
            "title": self.title,
            "agency": self.agency,
            "agency_key": self.agency_key,
            "agency_from": self.agency_from,
            "year": self.year,
            "template": self.template,
            "sections": self.sections,
            "split": self.split,
            "figures": self.figures,
            "inferred": self.inferred,
            "blank": self.blank,
            "notes": self.notes,
            "findings": [asdict(f) for f in self.findings],
            "origins": self.origins,
            "pages": self.pages,
            "corrected": self.corrected,
        }
