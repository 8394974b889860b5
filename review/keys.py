"""What a decision is attached to: a report's slot (its agency and year, whatever file it came from) and a
finding's key (its rule, place and numbers), so that decisions survive re-indexing and replaced files."""

from __future__ import annotations

import hashlib
import json

from index.reader.report import Finding, Report
from search.identity import Identity


def slot_of(report: Report, identity: Identity, alone: bool = True) -> str:
    """agency-key@year when both are known and the report is the only one of its agency that year (`alone`);
    else the report's file (two reports of one agency and year keep their decisions apart)."""
    key = identity.key(report.agency)
    if key and report.year and alone:
        return f"{key}@{report.year}"
    return f"file:{report.source}"


def finding_key(finding: Finding) -> str:
    """The same finding on a re-read report has the same key; a finding whose numbers or words changed has
    another (its earlier verdict is then shown as needing a new look, never applied to it)."""
    data = [finding.rule, finding.location, finding.expected, finding.found, finding.message]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]
