"""Every check of a report's figures and text, run again on figures a person corrected."""

from __future__ import annotations

from ..report import Finding, Report
from ..tables.layout import TOLERANT_NOTE
from .arithmetic import audit
from .office import office_checks
from .rules import family_of
from .text import check_text


def audit_report(report: Report) -> list[Finding]:
    """Given a report, return its findings: how its tables were read (kept as found), then the arithmetic,
    the text against the tables and the office's checks on its figures as they now stand."""
    reading = [f for f in report.findings if family_of(f.rule) == "reading" and f.rule != "U1"]
    # a row read by its nearest label (a typo) is no doubt about the table; anything else read uncertainly is
    uncertain = {_table(f.location) for f in reading if TOLERANT_NOTE not in f.message} - {None}
    arithmetic = audit(report.figures, report.blank, uncertain)
    return reading + arithmetic + check_text(report) + office_checks(report)


def _table(location: str | None) -> str | None:
    """Which table a reading finding is about: applications (表三), review (表四) or None."""
    if not location:
        return None
    if location.startswith("applications"):
        return "applications"
    if location.startswith(("review", "litigation")):
        return "review"
    return None
