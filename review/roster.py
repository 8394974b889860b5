"""The roster: the units an office supervises, imported from a CSV file the office keeps.

The file has a header row and one unit a row (UTF-8, with or without BOM, or GB18030 as Excel saves it):

    单位名称,上级单位,地区,层级,类型,汇总下级
    郑州市金水区人民政府,郑州市人民政府,河南省郑州市金水区,县级,人民政府,是
    郑州市金水区教育局,郑州市金水区人民政府,河南省郑州市金水区,部门,教育,否

Only 单位名称 is required (English headers name, parent, region, level, kind, sums also work). An empty
地区, 层级 or 类型 is read from the name (index/reader/text/place.py). 层级 is one of 省级, 市级, 县级,
乡级 (a government) or 部门, 园区; 汇总下级 says the unit's report sums its units' (逐级汇总: its figures are
checked against theirs). Units are matched to reports by the agency identity, aliases included: a
roster name printed otherwise in the reports still finds them. Importing again replaces the roster:
units added, updated and removed are counted; a file with a bad row changes nothing and names the row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, delete, insert, select, update

from index.reader.text.place import place_of
from search.identity import AliasError, Identity, merge

from .db import writing
from .errors import Invalid
from .log import now, record
from .schema import units

HEADERS = {
    "name": ("单位名称", "名称", "单位", "name"),
    "parent": ("上级单位", "上级", "parent"),
    "region": ("地区", "行政区划", "region"),
    "level": ("层级", "级别", "level"),
    "kind": ("类型", "类别", "kind"),
    "sums": ("汇总下级", "逐级汇总", "汇总", "sums"),
}
LEVELS = {
    "省级": "省级", "市级": "市级", "地市级": "市级", "县级": "县级", "区县级": "县级",
    "乡级": "乡级", "乡镇": "乡级", "乡镇级": "乡级", "街道": "乡级", "部门": "部门", "园区": "园区",
}  # fmt: skip
YES = {"是", "y", "yes", "true", "1", "√", "汇总"}
NO = {"", "否", "n", "no", "false", "0"}
MAX_BYTES = 5 * 1024 * 1024
MAX_UNITS = 20_000


@dataclass(frozen=True)
class Unit:
    key: str
    name: str
    parent: str | None
    parent_name: str | None
    region: str
    level: str
    kind: str
    sums: bool
    position: int = 0

    @property
    def is_government(self) -> bool:
        return self.kind == "人民政府" and self.level in ("省级", "市级", "县级", "乡级")


def decode(data: bytes, name: str) -> str:
    """The roster file's text: UTF-8 (BOM or not), else GB18030; Invalid naming the file otherwise."""
    if len(data) > MAX_BYTES:
        raise Invalid(f"{name}：名单文件超过 {MAX_BYTES // 1024 // 1024} MB")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid(f"{name}：无法识别文件编码（请存为 UTF-8 或 GB18030 的 CSV）")


def read_roster(text: str, identity: Identity, name: str = "名单") -> list[Unit]:
    """Given the roster file's text, return its units; Invalid naming every bad row (up to ten)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise Invalid(f"{name}：文件为空")
    header = [h.strip().lower() for h in rows[0]]
    columns = {}
    for field, names in HEADERS.items():
        found = [i for i, h in enumerate(header) if h in names]
        if found:
            columns[field] = found[0]
    if "name" not in columns:
        raise Invalid(f"{name}：第 1 行应是表头，并有“单位名称”一列（现有：{'、'.join(rows[0][:8])}）")
    if len(rows) - 1 > MAX_UNITS:
        raise Invalid(f"{name}：单位超过 {MAX_UNITS} 个")
    errors, out, seen = [], [], {}

    def cell(row: list[str], field: str) -> str:
        i = columns.get(field)
        return row[i].strip() if i is not None and i < len(row) else ""

    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        unit_name = cell(row, "name")
        key = identity.key(unit_name)
        if not key:
            errors.append(f"第 {line} 行：缺少单位名称")
            continue
        if key in seen:
            errors.append(f"第 {line} 行：“{unit_name}”与第 {seen[key]} 行是同一单位")
            continue
        seen[key] = line
        place = place_of(unit_name)
        level_text = cell(row, "level")
        if level_text and level_text not in LEVELS:
            errors.append(f"第 {line} 行：层级“{level_text}”应为 省级、市级、县级、乡级、部门 或 园区")
            continue
        kind = cell(row, "kind") or place.kind or ""
        level = LEVELS.get(level_text) or _level(kind, place.level)
        sums_text = cell(row, "sums").lower()
        if sums_text not in YES | NO:
            errors.append(f"第 {line} 行：汇总下级“{cell(row, 'sums')}”应为 是 或 否")
            continue
        parent_name = cell(row, "parent") or None
        out.append(
            Unit(
                key=key,
                name=unit_name,
                parent=identity.key(parent_name) if parent_name else None,
                parent_name=parent_name,
                region=cell(row, "region") or place.area or "",
                level=level or "",
                kind=kind,
                sums=sums_text in YES,
                position=len(out),
            )
        )
    if errors:
        more = f"（另有 {len(errors) - 10} 行）" if len(errors) > 10 else ""
        raise Invalid(f"{name}：名单未导入，请改正后重试：" + "；".join(errors[:10]) + more)
    if not out:
        raise Invalid(f"{name}：没有单位")
    return out


def _level(kind: str, place_level: str | None) -> str:
    """A unit's level when the roster leaves it empty: a government's is its place's; a body's is 部门."""
    if kind == "人民政府":
        return place_level or ""
    return "园区" if place_level == "园区" else "部门"


def import_roster(engine: Engine, roster: list[Unit], user: str, source: str = "") -> dict[str, int]:
    """Make the roster in the database this one: {"added": n, "updated": n, "removed": n, "unchanged": n}."""
    counts = {"added": 0, "updated": 0, "removed": 0, "unchanged": 0}
    stamp = now()
    with writing(engine) as conn:
        old = {r["key"]: dict(r) for r in conn.execute(select(units)).mappings()}
        for unit in roster:
            values = {k: getattr(unit, k) for k in Unit.__dataclass_fields__}
            if unit.key not in old:
                conn.execute(insert(units).values(**values, updated=stamp))
                counts["added"] += 1
            elif any(old[unit.key][k] != v for k, v in values.items()):
                conn.execute(update(units).where(units.c.key == unit.key).values(**values, updated=stamp))
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        gone = set(old) - {u.key for u in roster}
        if gone:
            conn.execute(delete(units).where(units.c.key.in_(gone)))
        counts["removed"] = len(gone)
        names = "、".join(sorted(old[k]["name"] for k in gone))  # the log says which, not only how many
        record(conn, user, "roster.import", source, **counts, **({"removed_names": names} if names else {}))
    return counts


def removed_by(engine: Engine, roster: list[Unit]) -> list[str]:
    """The names of the units importing `roster` would remove (those of the roster in force it lacks)."""
    keys = {u.key for u in roster}
    return [u.name for u in load_roster(engine) if u.key not in keys]


def load_roster(engine: Engine) -> list[Unit]:
    """The roster as imported, in the file's order."""
    with engine.connect() as conn:
        rows = conn.execute(select(units).order_by(units.c.position, units.c.id)).mappings().all()
    return [Unit(**{k: r[k] for k in Unit.__dataclass_fields__}) for r in rows]


def merge_into(engine: Engine, folder: Path | str, name: str, into: str, units: list, user: str) -> None:
    """Record that reports printed under `name` are the roster unit `into` (the index's aliases, as
    `xxgk agencies merge` does) and log it; Invalid when `into` is no unit of the roster or the names
    cannot be merged."""
    name, into = name.strip(), into.strip()
    if not name or into not in {u.name for u in units}:
        raise Invalid(f"“{into}”不是名单中的单位：请从名单中选择" if into else "请选择名单中的单位")
    try:
        merge(folder, name, into)
    except AliasError as exc:
        raise Invalid(str(exc)) from None
    with writing(engine) as conn:
        record(conn, user, "agency.merge", name, into=into)
