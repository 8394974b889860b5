"""Text extracted from PDF and Word files, kept by the hash of the file's bytes.

Extraction is the slow step of reading such files; a build keeps what it
extracted beside its index, so re-indexing never extracts a file twice. An entry
is written to a temporary name and renamed into place, so parallel workers and
killed builds never leave half an entry.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

# Raised when the extraction changes, so that old entries are not used.
EXTRACTOR_VERSION = "2"  # 2: PDF text marks where each page starts (formats/pdf.py PAGE_BREAK)


class TextCache:
    """A directory of extracted texts, one file per content hash."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def _path(self, data: bytes) -> Path:
        digest = hashlib.sha256(data).hexdigest()
        return self.folder / digest[:2] / f"{digest}.v{EXTRACTOR_VERSION}.txt"

    def get(self, data: bytes) -> str | None:
        try:
            return self._path(data).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, data: bytes, text: str) -> None:
        path = self._path(data)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs time
