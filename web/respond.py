"""One view, two formats: the same dict as JSON under /api, or through a template."""

from __future__ import annotations

from flask import Response, render_template, request

from search.csvfile import csv_text


def wants_json() -> bool:
    return request.path.startswith("/api/")


def respond(template: str, data: dict, **context):
    """Given a template and the data a view computed, return JSON for /api/… or the rendered page."""
    if wants_json():
        return data
    return render_template(template, data=data, **context)


def csv_response(header: list[str], rows, filename: str) -> Response:
    """Rows as a CSV download (UTF-8 with a BOM; cells that would start a formula neutralised)."""
    return Response(
        csv_text(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
