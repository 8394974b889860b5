"""A whole report: sections, its tables with audit findings on the cells, links to compare."""

from __future__ import annotations

import hashlib
import io
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_file, url_for

from index.corpus import inside_corpus
from index.reader.audit.rules import describe
from index.reader.report import SECTIONS, TEMPLATE_NAMES
from index.reader.tables.layout import figure_label
from search.compare import meta
from search.filters import FIGURE_KEYS
from search.identity import Identity
from search.mentions import load_topics, report_topics
from search.provenance import pdf_box, printed, render_page
from search.query import parse_query
from search.reports import UnknownReport, get_report, identity_of, report_metas, source_of
from search.snippets import find_matches

from .. import params
from ..respond import respond
from ..state import cached, get_desk, get_index
from ..tables import report_tables

bp = Blueprint("reports", __name__)
_ID = re.compile(r"^[0-9a-f]{16}$")


def all_metas() -> list[dict]:
    return cached("metas", lambda: report_metas(get_index()))


def identity() -> Identity:
    """The index's agency identity (its aliases file re-read when it changes)."""
    return identity_of(get_index())


def source_files() -> dict[str, str]:
    """{report id: its file relative to the corpus} (for the CSV exports), once per index generation."""
    return cached("sources", lambda: {m["id"]: m.get("source") or "" for m in all_metas()})


@bp.get("/api/reports/<report_id>")
@bp.get("/reports/<report_id>")
def report(report_id: str):
    if not _ID.match(report_id):
        abort(404)
    try:
        rep = get_desk().report(report_id)  # with the desk's corrections laid over it, marked 更正
    except UnknownReport:
        abort(404)
    key = identity().key(rep.agency)
    same = [m for m in all_metas() if m["id"] != rep.id and key and identity().key(m["agency"]) == key]
    previous = next((m for m in same if rep.year and m["year"] == rep.year - 1), None)
    following = next((m for m in same if rep.year and m["year"] == rep.year + 1), None)
    # a search hit links here with its query: the matches are marked in the text (and the page opens at
    # the hit's section, the URL's #anchor)
    query = params.text("q")
    phrases = parse_query(query).phrases if query else []
    marks = {name: find_matches(rep.section(name), phrases) for name in SECTIONS} if phrases else {}
    data = {
        **meta(rep),
        "query": query or None,
        "marks": {name: [list(span) for span in spans] for name, spans in marks.items() if spans},
        "split": rep.split,
        "sections": {name: rep.section(name) for name in SECTIONS},
        "figures": rep.figures,
        "inferred": rep.inferred,
        "blank": rep.blank,
        "corrected": rep.corrected,
        "template_name": TEMPLATE_NAMES[rep.template],
        "download": url_for("reports.source_file", report_id=rep.id) if _downloadable(rep.id) else None,
        "findings": [describe(f) for f in rep.findings],
        "topics": report_topics(rep, load_topics(current_app.config["TOPICS_FILE"])),
        "agency_key": key,
        "previous_year": previous,
        "next_year": following,
        "same_agency": same,
    }
    texts = {name: split_table_text(text) for name, text in data["sections"].items()}
    return respond("reports/report.html", data, tables=report_tables(rep), texts=texts)


_TABLE_LINE = re.compile(r"\t|\|.*\||(?:\d+\s+){3}|^\s*第二十条第[（(][一二三四五六七八九十]+[)）]项\s*$")


def split_table_text(text: str) -> tuple[str, str]:
    """A section's text as (its narrative, its tables' lines as printed): the page shows the tables read
    into cells, and folds their printed lines away beneath them."""
    narrative, table = [], []
    for line in text.split("\n"):
        (table if _TABLE_LINE.search(line) else narrative).append(line)
    return "\n".join(narrative).strip("\n"), "\n".join(table)


def _downloadable(report_id: str) -> bool:
    found = source_of(get_index(), report_id)
    return found is not None and inside_corpus(found[0], current_app.config["INDEX_DIR"])


_TYPES = {".pdf": "application/pdf", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
MAX_SERVED = 200 * 1024 * 1024


def _source_file(report_id: str) -> tuple[Path, str]:
    """A report's file, from a corpus the index was built from, with its current bytes' hash as indexed;
    404 when there is none (or it lies outside every corpus), 410 when it changed since it was indexed."""
    if not _ID.match(report_id):
        abort(404)
    found = source_of(get_index(), report_id)
    if found is None:
        abort(404)
    path, digest = Path(found[0]), found[1]
    if not inside_corpus(path, current_app.config["INDEX_DIR"]):
        abort(404)
    return path, digest


def _read_source(report_id: str) -> tuple[Path, bytes]:
    path, digest = _source_file(report_id)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_SERVED + 1)
    except OSError:
        abort(404)
    if len(data) > MAX_SERVED or hashlib.sha256(data).hexdigest() != digest:
        abort(410)  # changed since it was indexed: these are not the bytes the figures were read from
    return path, data


@bp.get("/reports/<report_id>/file")
def source_file(report_id: str):
    """The report's original file, as indexed, for download (never shown inline: a page is untrusted)."""
    path, data = _read_source(report_id)
    rep = get_report(get_index(), report_id)
    return send_file(
        io.BytesIO(data),
        mimetype=_TYPES.get(path.suffix.lower(), "application/octet-stream"),
        as_attachment=True,
        download_name=Path(rep.source).name,
        max_age=0,
    )


@bp.get("/api/reports/<report_id>/where/<key>")
@bp.get("/reports/<report_id>/where/<key>")
def where(report_id: str, key: str):
    """Where one figure was printed: its row as printed, the cell in it, and for a PDF its page drawn."""
    if not _ID.match(report_id) or key not in FIGURE_KEYS:
        abort(404)
    try:
        rep = get_desk().report(report_id)
    except UnknownReport:
        abort(404)
    found = printed(rep, key)
    state = rep.state(key)
    data = {
        "id": rep.id,
        "agency": rep.agency,
        "year": rep.year,
        "source": rep.source,
        "key": key,
        "label": figure_label(key),
        "value": rep.figures.get(key),
        "state": state,
        "inferred": key in rep.inferred,
        "corrected": rep.corrected.get(key),
        "printed": found.to_json() if found else None,
        "image": url_for("reports.where_image", report_id=rep.id, key=key) if found and found.page else None,
    }
    return respond("reports/where.html", data, cell=found)


@bp.get("/reports/<report_id>/where/<key>/page.png")
def where_image(report_id: str, key: str):
    """The PDF page a figure was printed on, its cell's box drawn."""
    if not _ID.match(report_id) or key not in FIGURE_KEYS:
        abort(404)
    rep = get_report(get_index(), report_id)
    found = printed(rep, key)
    if found is None or found.page is None:
        abort(404)

    _, digest = _source_file(report_id)
    png = _rendered(report_id, digest, found)
    if png is None:
        abort(404)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"})


@lru_cache(maxsize=32)  # a reviewer checks a few figures of one report: their pages are kept, a few MB at most
def _rendered(report_id: str, digest: str, found) -> bytes | None:
    _, data = _read_source(report_id)
    box = pdf_box(data, found)
    return None if box is None else render_page(data, box)
