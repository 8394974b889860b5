"""Where a report was published: its address on the web, from the corpus folder's manifest or a sidecar file.

A corpus folder may hold `MANIFEST.tsv`: tab-separated, a header row, one row per
report file. The column `file` names the file (relative to the folder); the address
is the column `source_url` or `url` when there is one, else the last http(s)
address in the column `source` (`github:… page.txt (orig https://…)` gives the
original page). Beside a report, `<file>.url` may hold the address on its first
line instead. An address that is not http(s) is not used. The column `published`
(or 发布日期) gives the date the report was made public, YYYY-MM-DD (a crawl log's
or the listing page's 发布时间); a date that does not parse is not used.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

MANIFEST = "MANIFEST.tsv"
_URL = re.compile(r"https?://[^\s()<>\"'，。；]+")


def annotate(report, path: Path) -> None:
    """Give a parsed report what its corpus says of it: its address, and its publication date (the corpus
    keeper's date wins over the page's own 发布时间 line)."""
    report.source_url = source_url(path)
    if day := published(path):
        report.published, report.published_from = day, "manifest"


def published(path: Path) -> str | None:
    """Given a report file, return the date its folder's manifest says it was made public, or None."""
    return _row(path).get("published")


def source_url(path: Path) -> str | None:
    """Given a report file, return the address it was published at, or None."""
    sidecar = path.with_name(path.name + ".url")
    try:
        first = sidecar.read_text(encoding="utf-8-sig").strip().split("\n", 1)[0].strip()
    except (OSError, UnicodeDecodeError):
        first = ""
    if _URL.fullmatch(first):
        return first
    return _row(path).get("url")


def _row(path: Path) -> dict[str, str]:
    manifest = path.parent / MANIFEST
    try:
        st = manifest.stat()
    except OSError:
        return {}
    return _manifest(str(manifest), st.st_mtime_ns, st.st_size).get(path.name, {})


@lru_cache(maxsize=64)
def _manifest(path: str, mtime: int, size: int) -> dict[str, dict[str, str]]:
    """A manifest's rows by file name: the address and publication date of each (re-read when the file
    changes: mtime and size are its key)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    out = {}
    for row in csv.DictReader(io.StringIO(text), delimiter="\t"):
        name = (row.get("file") or "").strip()
        url = (row.get("source_url") or row.get("url") or "").strip()
        if not _URL.fullmatch(url):
            found = _URL.findall(row.get("source") or "")
            url = found[-1] if found else ""
        entry = {"url": url} if url else {}
        day = _date((row.get("published") or row.get("发布日期") or "").strip())
        if day:
            entry["published"] = day
        if name and entry:
            out[Path(name).name] = entry
    return out


def _date(text: str) -> str | None:
    try:
        return date.fromisoformat(text[:10]).isoformat() if text else None
    except ValueError:
        return None
