"""Filters beside the query: sections, years, agency, template and conditions on figures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.reader.report import SECTION_NAMES, SECTIONS, TEMPLATE_NAMES, TEMPLATES
from index.reader.tables.layout import ART20_ROWS, application_keys, figure_label, review_keys
from index.reader.tables.statistics import legacy_keys
from index.reader.text.place import GOVERNMENT, KINDS, LEVELS, OTHER_KIND, ZONE

from .errors import QueryError

KIND_NAMES = (GOVERNMENT, ZONE, *(k for k, _ in KINDS), OTHER_KIND)
# Section groups a user can name: "narrative" is what part 五 says.
SECTION_GROUPS = {"narrative": ("problems", "improvements"), "all": SECTIONS}
# What a search looks in when no section is named, on the command line and the web alike:
# part 五, the problems and improvements the reports are read for. `all` searches every section.
DEFAULT_SECTIONS = ("narrative",)
FIGURE_KEYS = frozenset(
    application_keys("2019")
    + application_keys("2021")
    + review_keys()
    + [k for rows in ART20_ROWS.values() for row in rows for k in row.keys]
    + legacy_keys()  # the statistics table of reports before 2019: keys of their own, never mixed
)
# a figure named by its Chinese label as well as its key: 本年新收·总计 is applications.new.total
LABELED_KEYS = {figure_label(k): k for k in sorted(FIGURE_KEYS)}
# ASCII digits only: other Unicode digits (², ①, ٢) are not years or counts
_CONDITION = re.compile(r"^\s*([^<>=!≥≤≠]+?)\s*(>=|<=|!=|==|=|>|<|≥|≤|≠)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$")
_OPERATORS = {"≥": ">=", "≤": "<=", "≠": "!=", "==": "="}
_YEARS = re.compile(r"^\s*([0-9]{4})?\s*(-)?\s*([0-9]{4})?\s*$")


@dataclass(frozen=True)
class Condition:
    key: str
    op: str
    value: float


@dataclass(frozen=True)
class Filters:
    sections: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    agency: str | None = None
    template: str | None = None
    where: tuple[Condition, ...] = field(default_factory=tuple)
    region: str | None = None  # a place the agency's name starts with (substring of its region)
    level: str | None = None  # 省级, 市级, 县级, 乡级, 园区 (index/reader/text/place.py)
    kind: str | None = None  # 人民政府, 开发区、园区, or a kind of department


def parse_sections(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Given section names or groups (narrative, all), return the section names they mean.

    >>> parse_sections(["narrative", "other"])
    ('problems', 'improvements', 'other')
    """
    out: list[str] = []
    for name in names:
        for part in filter(None, name.split(",")):
            part = part.strip()
            if part in SECTION_GROUPS:
                out.extend(SECTION_GROUPS[part])
            elif part in SECTIONS:
                out.append(part)
            else:
                names = "、".join(f"{k}（{v}）" for k, v in SECTION_NAMES.items())
                raise QueryError(f"未知的章节“{part}”：可选 {names}、narrative（第五部分）或 all（全部）")
    return tuple(dict.fromkeys(out))


MAX_CONDITIONS = 20


def _conditions(where) -> tuple[Condition, ...]:
    """Parse the conditions on figures; the same condition twice counts once, and there is a cap."""
    unique = list(dict.fromkeys(w.strip() for w in where if w.strip()))
    if len(unique) > MAX_CONDITIONS:
        raise QueryError(f"数字条件过多（{len(unique)} 个，上限 {MAX_CONDITIONS} 个）")
    return tuple(parse_condition(w) for w in unique)


def parse_years(text: str) -> tuple[int | None, int | None]:
    """Given "2021", "2019-2021", "2019-" or "-2021", return (first, last) year, None for open.

    >>> parse_years("2019-2021"), parse_years("2020"), parse_years("-2018")
    ((2019, 2021), (2020, 2020), (None, 2018))
    """
    m = _YEARS.match(text)
    if not m or not (m.group(1) or m.group(3)):
        raise QueryError(f"年份应写作 2021 或 2019-2022，而不是“{text}”")
    first, dash, last = m.group(1), m.group(2), m.group(3)
    if not dash:
        if last:
            raise QueryError(f"年份应写作 2021 或 2019-2022，而不是“{text}”")
        return int(first), int(first)
    lo, hi = (int(first) if first else None), (int(last) if last else None)
    if lo is not None and hi is not None and lo > hi:
        raise QueryError(f"年份范围“{text}”起止颠倒")
    return lo, hi


def figure_key(name: str) -> str:
    """Given a figure's key or its Chinese label (本年新收·总计), return its key; QueryError when unknown."""
    name = name.strip()
    key = name if name in FIGURE_KEYS else LABELED_KEYS.get(name.replace(".", "·").replace(" ", ""))
    if key is None:
        raise QueryError(f"没有“{name}”这个数字项目：请从数字项目列表中选择（如 本年新收·总计）")
    return key


def parse_condition(text: str) -> Condition:
    """Given "本年新收·总计>=10" (or its key, applications.new.total>=10), return the Condition.

    >>> parse_condition("review.total > 0")
    Condition(key='review.total', op='>', value=0.0)
    >>> parse_condition("行政复议·总计 ≥ 2")
    Condition(key='review.total', op='>=', value=2.0)
    """
    m = _CONDITION.match(text)
    if not m:
        raise QueryError(f"数字条件应写作“项目 比较符 数值”，如“本年新收·总计>=10”，而不是“{text}”")
    name, op, value = m.groups()
    return Condition(figure_key(name), _OPERATORS.get(op, op), float(value))


def parse_template(text: str) -> str:
    if text not in TEMPLATES:
        choices = "、".join(f"{t}（{TEMPLATE_NAMES[t]}）" for t in TEMPLATES)
        raise QueryError(f"未知的格式“{text}”：可选 {choices}")
    return text


def make_filters(
    sections: list[str] | tuple[str, ...] = (),
    year: str | None = None,
    agency: str | None = None,
    template: str | None = None,
    where: list[str] | tuple[str, ...] = (),
    region: str | None = None,
    level: str | None = None,
    kind: str | None = None,
) -> Filters:
    """Given filters as the user wrote them (CLI options, URL parameters), return them checked."""
    lo, hi = parse_years(year) if year else (None, None)
    if level and level not in LEVELS:
        raise QueryError(f"未知的层级“{level}”：可选 {'、'.join(LEVELS)}")
    if kind and kind not in KIND_NAMES:
        raise QueryError(f"未知的机关类别“{kind}”：可选 {'、'.join(KIND_NAMES)}")
    named = parse_sections(sections)
    return Filters(
        sections=() if set(named) == set(SECTIONS) else named,  # every section: no filter at all
        year_from=lo,
        year_to=hi,
        agency=agency.strip() or None if agency else None,
        template=parse_template(template) if template else None,
        where=_conditions(where),
        region=region.strip() or None if region else None,
        level=level or None,
        kind=kind or None,
    )
