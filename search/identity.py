"""One identity per agency: the key its printed names share, with what a user has merged.

Rules give most names their key (index.reader.text.agency.agency_key: brackets and
the form of a government dropped, places written in full from the gazetteer, so
that 洪泽区人民政府 and 淮安市洪泽区人民政府 are one agency). What rules cannot
settle — a renamed body, an abbreviation (上海市科委), a county renamed a district —
a user settles in the aliases file beside the index, `aliases.csv`:

    name,agency
    上海市科委,上海市科学技术委员会
    洪泽县人民政府,淮安市洪泽区人民政府

Each row says that reports printed under `name` (or any name with its key) belong
to the agency `agency` (a printed name or a key). Rows are read in order; a chain
(A → B, B → C) is followed to its end, and a loop is ignored. `xxgk agencies merge
A B` appends a row; `xxgk agencies` lists each agency with its names and reports.
Every page, the API and the command line read agencies through here: browse, the
agency page, a report's previous and next year, the cross-year checks, compare's
lists and the agency facet.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from index.durable import write_atomic
from index.reader.text.agency import agency_key

ALIASES_FILE = "aliases.csv"
HEADER = ("name", "agency")


class AliasError(ValueError):
    """The aliases file cannot be read or a merge cannot be made."""


@dataclass(frozen=True)
class Identity:
    """Agency keys with the user's merges applied."""

    aliases: dict[str, str] = field(default_factory=dict)  # key → the key it was merged into
    stamp: tuple = ()  # the aliases file as it was read (size, mtime): what a cache is valid for

    def key(self, name: str | None) -> str | None:
        """Given a printed agency name, return its agency's key (None without a name)."""
        key = agency_key(name)
        seen: set[str] = set()
        while key in self.aliases and key not in seen:
            seen.add(key)
            key = self.aliases[key]
        return key


def read_aliases(path: Path) -> Identity:
    """Given an aliases file (it may be missing), return the identity it gives; AliasError names a bad row."""
    try:
        st = path.stat()
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Identity()
    except (OSError, UnicodeDecodeError) as exc:
        raise AliasError(f"{path}: 无法读取机关别名文件（{exc}）") from None
    aliases: dict[str, str] = {}
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#") or (n == 1 and tuple(cells[:2]) in (HEADER, ("名称", "机关"))):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise AliasError(f"{path} 第 {n} 行：应为“名称,机关”两列")
        source, target = agency_key(cells[0]), agency_key(cells[1])
        if source and target and source != target:
            aliases[source] = target
    return Identity(aliases, (st.st_size, st.st_mtime_ns))


_cache: dict[str, Identity] = {}


def identity_in(folder: Path | str | None) -> Identity:
    """The identity of the index in `folder` (its aliases file re-read when it changed)."""
    if folder is None:
        return Identity()
    path = Path(folder) / ALIASES_FILE
    try:
        st = path.stat()
        stamp: tuple = (st.st_size, st.st_mtime_ns)
    except OSError:
        stamp = ()
    known = _cache.get(str(path))
    if known is None or known.stamp != stamp:
        known = read_aliases(path)
        _cache[str(path)] = known
    return known


def merge(folder: Path | str, name: str, into: str) -> Identity | None:
    """Record that the agency printed `name` is the agency `into`; return the new identity (None when they
    are one agency already). AliasError when either has no key or the merge would make a loop."""
    path = Path(folder) / ALIASES_FILE
    current = identity_in(folder)
    source, target = agency_key(name), current.key(into)
    if not source or not target:
        raise AliasError("机关名称不能为空")
    if current.key(name) == target:
        return None
    if Identity({**current.aliases, source: target}).key(into) != target:
        raise AliasError(f"“{into}”已并入“{name}”：不能再反向合并")
    rows = path.read_text(encoding="utf-8-sig") if path.exists() else ",".join(HEADER) + "\n"
    if not rows.endswith("\n"):
        rows += "\n"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([name, into])
    os.makedirs(folder, exist_ok=True)
    write_atomic(path, (rows + out.getvalue()).encode("utf-8"))
    return identity_in(folder)
