"""One view, two formats: the same dict as JSON under /api, or through a template."""

from __future__ import annotations

import re

from flask import Response, current_app, render_template, request

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


_HOST = re.compile(r"^[A-Za-z0-9.\-]+(?::[0-9]{1,5})?$")


def absolute_url(path: str) -> str:
    """A link that opens from a spreadsheet: the configured BASE_URL (xxgk serve --base-url), else the
    request's own host when it is a plain host name, else the path as it is."""
    base = current_app.config.get("BASE_URL")
    if not base:
        host = request.host
        if not _HOST.match(host):
            return path
        base = f"{request.scheme}://{host}"
    return base.rstrip("/") + path
