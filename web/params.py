"""Request parameters, read and bounded in one place."""

from __future__ import annotations

import re

from flask import current_app, request

from search.errors import QueryError
from search.filters import DEFAULT_SECTIONS, Filters, make_filters

NAMES = {"page": "页码", "limit": "每页条数"}  # a parameter as a message names it


def text(name: str, default: str = "") -> str:
    value = request.args.get(name, default).strip()
    limit = current_app.config["MAX_QUERY_CHARS"]
    if len(value) > limit:
        raise QueryError(f"{name} 过长（{len(value)} 字符，上限 {limit}）")
    return value


def number(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw):  # ASCII digits: int() takes other scripts' digits too
        raise QueryError(f"{NAMES.get(name, name)}应为 {low} 到 {high} 之间的整数，而不是“{raw[:20]}”")
    value = int(raw)
    if not low <= value <= high:
        raise QueryError(f"{NAMES.get(name, name)}应在 {low} 到 {high} 之间")
    return value


def filters(default_sections: tuple[str, ...] = DEFAULT_SECTIONS) -> Filters:
    """The filters of a search request; sections default to the narrative (part 五), as on the command line."""
    sections = [s for s in request.args.getlist("section") if s] or list(default_sections)
    return make_filters(
        sections=[] if "all" in sections else sections,
        year=text("year") or None,
        agency=text("agency") or None,
        template=text("template") or None,
        where=conditions(),
        region=text("region") or None,
        level=text("level") or None,
        kind=text("kind") or None,
    )


def text_value(value: str) -> str:
    limit = current_app.config["MAX_QUERY_CHARS"]
    if len(value) > limit:
        raise QueryError(f"条件过长（上限 {limit} 字符）")
    return value.strip()


OPERATORS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<", "!=": "≠"}


def conditions() -> list[str]:
    """The figure conditions of a request: each `where` (a figure, an operator, a value), and the one the
    search form's picker makes from its three fields (cf: a figure key, co: an operator, cv: a value)."""
    out = [w for w in (text_value(w) for w in request.args.getlist("where")) if w]
    figure, value = text("cf"), text("cv")
    if figure and value:
        op = text("co") or ">="
        if op not in OPERATORS:
            raise QueryError(f"未知的比较符“{op}”：可选 {'、'.join(OPERATORS.values())}")
        if not re.fullmatch(r"-?[0-9]{1,12}(?:\.[0-9]{1,6})?", value):
            raise QueryError(f"数字条件的数值应为数字（如 10 或 2.5），而不是“{value[:20]}”")
        out.append(f"{figure}{op}{value}")
    return out
