"""The desk's audit log: every write, with who, when and what (kept in the database, never edited)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select

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
    "upload": "上传报告",
}


DETAIL_NAMES = {
    "role": "角色", "decision": "审核意见", "status": "整改状态", "note": "说明", "value": "更正为", "origin": "来源",
    "added": "新增", "updated": "更新", "removed": "移除", "unchanged": "未变", "address": "地址", "active": "状态",
    "report": "报告", "file": "文件", "responsible": "责任单位",
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
        }
        for r in rows
    ]
