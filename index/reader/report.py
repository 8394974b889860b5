"""The parsed report and its audit findings, as plain dataclasses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SECTIONS = ("overview", "active", "applications", "review", "problems", "improvements", "other")
SECTION_NAMES = {
    "overview": "总体情况",
    "active": "主动公开",
    "applications": "依申请公开",
    "review": "复议诉讼",
    "problems": "存在问题",
    "improvements": "改进情况",
    "other": "其他事项",
}
TEMPLATES = ("2021", "2019", "legacy", "unknown")
SEVERITIES = ("error", "warning")


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

    def to_json(self) -> dict:
        """Return the report as the JSON object `xxgk parse --json` prints."""
        return {
            "id": self.id,
            "source": self.source,
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
        }
