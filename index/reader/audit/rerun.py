"""Every check of a report's figures and text, run again on figures a person corrected."""

from __future__ import annotations

from ..report import Finding, Report
from .arithmetic import audit
from .office import office_checks
from .rules import family_of
from .text import check_text


def audit_report(report: Report) -> list[Finding]:
    """Given a report, return its findings: how its tables were read (kept as found), then the arithmetic,
    the text against the tables and the office's checks on its figures as they now stand."""
    reading = [f for f in report.findings if family_of(f.rule) == "reading"]
    return reading + audit(report.figures, report.blank) + check_text(report) + office_checks(report)
