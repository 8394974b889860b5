"""The parsing pipeline: text → metadata → template → sections → figures → audit → Report."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .audit.arithmetic import doubtful_cells
from .audit.rerun import audit_report
from .errors import ParseError
from .formats.cache import TextCache
from .formats.dates import file_created, plausible
from .formats.files import read_report_file, text_from_bytes
from .formats.pdf import PAGE_BREAK
from .formats.plain import clean_text
from .report import Finding, Report
from .sections import split_sections
from .tables import TableResult, read_active, read_applications, read_review
from .tables.layout import MARKERS_2019, MARKERS_2021
from .tables.statistics import read_statistics
from .text.agency import agency_key, as_in_body, find_agency
from .text.chrome import strip_chrome
from .text.meta import find_published, find_title, find_year
from .text.normalize import fold, has_cjk

_TABLE_MARKS = re.compile(r"第二十条|勾稽关系|本年新收")
_LEGACY_MARKS = re.compile(r"[一二三四五六七]、\s*概\s*述|统计表")


def detect_template(text: str, year: int | None) -> str:
    """Given a report's text and year, return "2021", "2019", "legacy" or "unknown".

    The tables' own header words decide; without tables, reports on years
    before 2019 (the 条例's revision) are legacy.
    """
    squeezed = "".join(fold(text).split())  # every whitespace character dropped (str.split's are \s)
    if _TABLE_MARKS.search(squeezed):
        new = sum(m in squeezed for m in MARKERS_2021)
        old = sum(m in squeezed for m in MARKERS_2019)
        if new != old:
            return "2021" if new > old else "2019"
        if year is not None and year >= 2019:
            return "2021" if year >= 2021 else "2019"
    if (year is not None and year < 2019) or (year is None and _LEGACY_MARKS.search(fold(text))):
        return "legacy"
    return "unknown"


def report_id(data: bytes, digest: str | None = None) -> str:
    """Given a report's bytes (and their SHA-256, when known), return its id: stable across runs,
    machines and renames."""
    return (digest or hashlib.sha256(data).hexdigest())[:16]


def parse_text(text: str, source: str = "<text>", id: str | None = None) -> Report:
    """Given a report's text, return the parsed Report; ParseError when it is not a report at all."""
    if not isinstance(text, str):
        raise ParseError(source, f"expected text, got {type(text).__name__}")
    cleaned = clean_text(text)
    published = find_published(cleaned)  # the page's own publication line, before the chrome is stripped
    body = strip_chrome(cleaned)
    if not body.strip():
        raise ParseError(source, "empty text")
    if not has_cjk(body):
        raise ParseError(source, "no Chinese text")
    titled = find_title(body)
    title, agency, year = titled if titled else (None, None, find_year(body))
    agency_from = "title" if agency else None
    if agency is None and (found := find_agency(body)):
        agency, agency_from = found
    misread = None  # the title's name, when the text prints it otherwise (an OCR misreading)
    if agency_from == "title" and (other := as_in_body(agency, body[body.find(agency) + len(agency) :])):
        misread, agency, agency_from = agency, other, "body"
    template = detect_template(body, year)
    spans, split = split_sections(body, year, legacy=template == "legacy")
    report = Report(
        id=id or report_id(body.encode("utf-8", "surrogatepass")),
        source=source,
        body=body,
        published=published,
        published_from="page" if published else None,
        title=title,
        agency=agency,
        agency_key=agency_key(agency),
        agency_from=agency_from,
        year=year,
        template=template,
        spans=spans,
        split=split,
    )
    if template in ("2019", "2021"):
        tables = TableResult()
        for name, result in (
            ("active", read_active(report.section("active"), template)),
            ("applications", read_applications(report.section("applications"))),
            ("review", read_review(report.section("review"))),
        ):
            tables.merge(result)
            origins = ((k, report.body_offset(name, at)) for k, at in result.origins.items())
            report.origins.update((k, at) for k, at in origins if at is not None)
        report.origins = dict(sorted(report.origins.items()))
        report.figures = tables.figures
        report.inferred = sorted(tables.inferred)
        report.blank = sorted(tables.blank)
        report.notes = dict(sorted(tables.notes.items()))
        report.findings = tables.findings
        report.findings = audit_report(report)
        _keep_certain(report)
    elif template == "legacy" and report.section("statistics"):
        stats = read_statistics(report.section("statistics"))  # under keys of its own: legacy.…
        origins = ((k, report.body_offset("statistics", at)) for k, at in stats.origins.items())
        report.origins = dict(sorted((k, at) for k, at in origins if at is not None))
        report.figures, report.blank, report.inferred = stats.figures, sorted(stats.blank), sorted(stats.inferred)
        report.findings = stats.findings
    if misread:
        message = f"标题中的机关名称“{misread}”与正文中的“{agency}”相差一字，只有后者是已知地名"
        message += "（多为扫描件识别错字）：按正文读取"
        report.findings.insert(0, Finding("named", "warning", message, "agency"))
    return report


def _keep_certain(report: Report) -> None:
    """A table whose reading is doubted (U1: many sums failing, its layout uncertain) keeps only its certain
    cells: the inferred ones and those of rows whose own sum fails are left unread, and that is said once."""
    doubted = {f.location: f for f in report.findings if f.rule == "U1"}
    drop = doubtful_cells(report.figures, report.inferred, doubted) if doubted else set()
    drop &= set(report.figures) | set(report.blank)
    if not drop:
        return
    report.figures = {k: v for k, v in report.figures.items() if k not in drop}
    report.blank = [k for k in report.blank if k not in drop]
    report.inferred = [k for k in report.inferred if k not in drop]
    report.origins = {k: v for k, v in report.origins.items() if k not in drop}
    report.notes = {k: v for k, v in report.notes.items() if k not in drop}
    for table, finding in doubted.items():
        name = "表三" if table == "applications" else "表四"
        mine = [k for k in drop if (k.startswith("applications.") == (table == "applications"))]
        # the table is said once: what its reading found on the way goes into this one finding
        tried = [f for f in report.findings if f.location == table and f.rule in ("layout", "incomplete")]
        report.findings = [f for f in report.findings if f not in tried]
        message = (
            f"{name}未能可靠读取：按读出的数字有 {finding.found} 处勾稽关系不成立，而这张表的版式不确定"
            f"（{'；'.join(f.message for f in tried) or '标签与数字分开、按行序或拆分推断读取'}）："
            f"其中推断读取的、和本行合计不符的 {len(mine)} 个单元格未采用（按未读出处理），"
            "只保留版式确定的单元格；请对照原文核对"
        )
        report.findings.append(Finding("layout", "warning", message, table))
    report.findings = audit_report(report)


def parse_file(path: Path | str, cache: TextCache | None = None) -> Report:
    """Given a report file, return the parsed Report; ParseError names the file and the reason."""
    path = Path(path)
    data = read_report_file(path)
    return parse_bytes(data, str(path), path.suffix, cache)


def parse_bytes(data: bytes, source: str, suffix: str, cache: TextCache | None = None) -> Report:
    """Given a report file's bytes, return the parsed Report (its id is the hash of the bytes).

    For a PDF, each figure's page is read from where the text's pages start (`pages`)."""
    text = text_from_bytes(data, source, suffix, cache)
    if PAGE_BREAK not in text:
        report = parse_text(text, source=source, id=report_id(data))
    else:
        report = parse_text(text.replace(PAGE_BREAK, ""), source=source, id=report_id(data))
        report.pages = figure_pages(report, text)
    if report.published is None and (made := plausible(file_created(data, suffix), report.year)):
        report.published, report.published_from = made.isoformat(), "file"  # published on or after it
    return report


def _line_key(line: str) -> str:
    return "".join(fold(line).split())


def figure_pages(report: Report, paged: str) -> dict[str, int]:
    """Given a parsed report and its text with page marks, return the page (from 1) each figure's row was
    printed on: the k-th printing of a line in the body is its k-th printing in the text (the body is the
    text with page chrome dropped, the rest in order)."""
    printed: dict[str, list[int]] = {}  # a line's key → the pages it is printed on, in order
    page = 1
    for line in paged.split("\n"):
        page += line.count(PAGE_BREAK)
        printed.setdefault(_line_key(line), []).append(page)
    body = report.body
    starts = {key: body.rfind("\n", 0, at) + 1 for key, at in report.origins.items()}
    wanted, line_page, seen, pos = set(starts.values()), {}, {}, 0
    for line in body.split("\n"):
        k = _line_key(line)
        n = seen[k] = seen.get(k, -1) + 1
        if pos in wanted and n < len(printed.get(k, ())):
            line_page[pos] = printed[k][n]
        pos += len(line) + 1
    return {key: line_page[start] for key, start in starts.items() if start in line_page}
