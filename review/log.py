"""The desk's audit log: every write, with who, when and what (kept in the database, never edited)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Connection, Engine, insert, select

from index.reader.tables.layout import figure_label

from .schema import writes

ACTION_NAMES = {
    "login": "登录",
    "user.add": "添加账号",
    "user.password": "修改密码",
    "user.role": "修改角色",
    "user.active": "启用或停用账号",
    "roster.import": "导入名单",
    "verdict": "审核意见",
    "correction": "更正数字",
    "correction.withdraw": "撤销更正",
    "agency.merge": "并入名单单位",
    "upload": "上传报告",
}


DETAIL_NAMES = {
    "role": "角色", "decision": "审核意见", "status": "整改状态", "note": "说明", "value": "更正为", "origin": "来源",
    "added": "新增", "updated": "更新", "removed": "移除", "unchanged": "未变", "address": "地址", "active": "状态",
    "report": "报告", "file": "文件", "responsible": "责任单位", "finding": "审核发现",
    "into": "并入",
    "removed_names": "移除的单位",
}  # fmt: skip


def detail_text(detail: dict) -> str:
    """A write's details as a person reads them: Chinese names and values, never a field key."""
    from .accounts import ROLES
    from .corrections import ORIGINS
    from .verdicts import DECISIONS, STATUSES

    values = {"role": ROLES, "decision": DECISIONS, "status": STATUSES, "origin": ORIGINS}
    parts = []
    for key, value in detail.items():
        if value in (None, ""):
            continue
        if key == "active":
            value = "启用" if value else "停用"
        elif key == "value" and value == "":
            value = "（空白）"
        value = values.get(key, {}).get(value, value)
        parts.append(f"{DETAIL_NAMES.get(key, key)}：{value}")
    return "；".join(parts)


def now() -> datetime:
    return datetime.now(UTC)


BEIJING = timezone(timedelta(hours=8), "北京时间")  # China keeps one time, all year


def local_time(value: datetime | str | None, seconds: bool = False) -> str:
    """Given a time as stored (UTC; a naive one, as SQLite gives it back, is UTC too) or its ISO text, return
    it as an office reads it: Beijing time, `2026-12-05 17:42`. "" for none."""
    if not value:
        return ""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    at = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(BEIJING)
    return at.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def target_text(target: str) -> str:
    """What a write was made to, as a person reads it: `江苏省淮安市洪泽区 2024 年度报告 · 本年新收·总计`, never
    a slot or a key (a finding's key, a hash, is named in the write's details instead)."""
    slot, _, key = target.partition("#")
    if slot.startswith("file:"):
        slot = f"文件 {slot[5:].rsplit('/', 1)[-1]}"
    elif "@" in slot:
        agency, _, year = slot.rpartition("@")
        slot = f"{agency} {year} 年度报告"
    if not key:
        return slot
    label = figure_label(key)
    return f"{slot} · {label}" if label != key else slot


def record(conn: Connection, user: str, action: str, target: str = "", **detail) -> None:
    """Log one write in the transaction that makes it (both are kept, or neither)."""
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    conn.execute(insert(writes).values(user=user, action=action, target=target, detail=text, at=now()))


def recent(engine: Engine, limit: int = 200) -> list[dict]:
    """The latest writes, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(writes).order_by(writes.c.id.desc()).limit(limit)).mappings().all()
    return [
        dict(r)
        | {
            "action_name": ACTION_NAMES.get(r["action"], r["action"]),
            "detail": json.loads(r["detail"] or "{}"),
            "detail_text": detail_text(json.loads(r["detail"] or "{}")),
            "target_text": target_text(r["target"] or ""),
        }
        for r in rows
    ]
