"""What reading a table gives: figures, and which of them were blank, inferred or annotated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..report import Finding
from .cells import UNREAD, is_blank, parse_number, split_note


@dataclass
class TableResult:
    figures: dict[str, float] = field(default_factory=dict)  # the numbers printed (never a blank cell)
    inferred: set[str] = field(default_factory=set)
    blank: set[str] = field(default_factory=set)  # cells printed blank: no number, and not missing either
    notes: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    origins: dict[str, int] = field(default_factory=dict)  # where each cell's row was printed (offset in the text)

    def merge(self, other: TableResult) -> None:
        self.figures.update(other.figures)
        self.inferred |= other.inferred
        self.blank |= other.blank
        self.notes.update(other.notes)
        self.findings.extend(other.findings)
        self.origins.update(other.origins)

    def warn(self, rule: str, message: str, location: str = "") -> None:
        self.findings.append(Finding(rule, "warning", message, location))

    def store(
        self, keys: Sequence[str], cells: list[str | None], inferred: bool, amount: bool = False, at: int | None = None
    ) -> None:
        """Store cells under their keys: a blank cell is remembered as blank (it has no number); None was not
        printed. `at` is where the cells' row was printed, an offset in the text the table was read from.

        A cell that was not printed stays missing: a number is never made up for it.
        """
        figures, blank, notes, stored, unreadable = self.figures, self.blank, self.notes, [], []
        for key, cell in zip(keys, cells, strict=True):
            if cell is None:
                continue
            if is_blank(cell):
                blank.add(key)
                figures.pop(key, None)
            else:
                value = parse_number(cell, amount)
                if value is None:
                    unreadable.append((key, cell.strip().removeprefix(UNREAD)))
                    continue
                figures[key] = value
                blank.discard(key)
                note = split_note(cell)[1] if "(" in cell or "（" in cell else None  # a note is in brackets
                if note:
                    notes[key] = note
            stored.append(key)
        if unreadable:
            printed = "、".join(f"“{text}”" for _, text in unreadable if text)
            what = f"印有数字以外的内容（{printed}）" if printed else "无法辨认"
            self.warn("unreadable", f"{len(unreadable)} 个单元格{what}，未读出", unreadable[0][0])
        if inferred:
            self.inferred.update(stored)
        if at is not None:
            self.origins.update(dict.fromkeys(stored, at))

    def read(self, key: str) -> bool:
        """Whether a cell was read: a number, or a cell printed blank."""
        return key in self.figures or key in self.blank

    def has(self, keys: Sequence[str]) -> bool:
        return all(self.read(k) for k in keys)

    def shifted(self, offset: int) -> TableResult:
        """This result with its origins moved by `offset` (a table read from a slice of a longer text)."""
        self.origins = {k: v + offset for k, v in self.origins.items()}
        return self
