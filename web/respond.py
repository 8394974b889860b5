"""One view, two formats: the same dict as JSON under /api, or through a template."""

from __future__ import annotations

from flask import render_template, request


def wants_json() -> bool:
    return request.path.startswith("/api/")


def respond(template: str, data: dict, **context):
    """Given a template and the data a view computed, return JSON for /api/… or the rendered page."""
    if wants_json():
        return data
    return render_template(template, data=data, **context)
