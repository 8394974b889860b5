"""What reading a table gives: figures, and which of them were blank, inferred or annotated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..report import Finding
from .cells import is_blank, parse_number, split_note


@dataclass
class TableResult:
    figures: dict[str, float] = field(default_factory=dict)
    inferred: set[str] = field(default_factory=set)
    blank: set[str] = field(default_factory=set)
    notes: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def merge(self, other: TableResult) -> None:
        self.figures.update(other.figures)
        self.inferred |= other.inferred
        self.blank |= other.blank
        self.notes.update(other.notes)
        self.findings.extend(other.findings)

    def warn(self, rule: str, message: str, location: str = "") -> None:
        self.findings.append(Finding(rule, "warning", message, location))

    def store(self, keys: Sequence[str], cells: list[str | None], inferred: bool, amount: bool = False) -> None:
        """Store cells under their keys: a blank cell is 0 and remembered as blank; None was not printed.

        A cell that was not printed stays missing: a number is never made up for it.
        """
        figures, blank, notes, stored = self.figures, self.blank, self.notes, []
        for key, cell in zip(keys, cells, strict=True):
            if cell is None:
                continue
            if is_blank(cell):
                figures[key] = 0
                blank.add(key)
            else:
                value = parse_number(cell, amount)
                if value is None:
                    continue
                figures[key] = value
                note = split_note(cell)[1] if "(" in cell or "（" in cell else None  # a note is in brackets
                if note:
                    notes[key] = note
            stored.append(key)
        if inferred:
            self.inferred.update(stored)

    def has(self, keys: Sequence[str]) -> bool:
        return all(k in self.figures for k in keys)
