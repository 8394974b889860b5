"""Where a report was published: its address on the web, from the corpus folder's manifest or a sidecar file.

A corpus folder may hold `MANIFEST.tsv`: tab-separated, a header row, one row per
report file. The column `file` names the file (relative to the folder); the address
is the column `source_url` or `url` when there is one, else the last http(s)
address in the column `source` (`github:… page.txt (orig https://…)` gives the
original page). Beside a report, `<file>.url` may hold the address on its first
line instead. An address that is not http(s) is not used.
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from pathlib import Path

MANIFEST = "MANIFEST.tsv"
_URL = re.compile(r"https?://[^\s()<>\"'，。；]+")


def source_url(path: Path) -> str | None:
    """Given a report file, return the address it was published at, or None."""
    sidecar = path.with_name(path.name + ".url")
    try:
        first = sidecar.read_text(encoding="utf-8-sig").strip().split("\n", 1)[0].strip()
    except (OSError, UnicodeDecodeError):
        first = ""
    if _URL.fullmatch(first):
        return first
    manifest = path.parent / MANIFEST
    try:
        st = manifest.stat()
    except OSError:
        return None
    return _manifest(str(manifest), st.st_mtime_ns, st.st_size).get(path.name)


@lru_cache(maxsize=64)
def _manifest(path: str, mtime: int, size: int) -> dict[str, str]:
    """A manifest's addresses by file name (re-read when the file changes: mtime and size are its key)."""
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
        if name and url:
            out[Path(name).name] = url
    return out
