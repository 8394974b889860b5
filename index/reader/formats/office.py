"""Old Word (.doc) and WPS (.wps) files: converted to .docx by LibreOffice when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ParseError
from .docx import docx_to_text

_TIMEOUT = 180  # seconds for one conversion


def soffice() -> str | None:
    """The LibreOffice command on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def office_to_text(data: bytes, source: str, suffix: str) -> str:
    """Given a .doc or .wps file's bytes, return its text by converting it to .docx; ParseError says why not."""
    exe = soffice()
    if exe is None:
        raise ParseError(
            source,
            f"{suffix} files are read by converting them with LibreOffice, which is not installed "
            "(apt-get install libreoffice-writer); or save the file as .docx",
        )
    with tempfile.TemporaryDirectory(prefix="xxgk-office-") as tmp:
        original = Path(tmp) / f"report{suffix}"
        original.write_bytes(data)
        # a profile of its own: conversions in parallel worker processes must not share one
        profile = Path(tmp) / "profile"
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "docx"]
        try:
            result = subprocess.run(
                [*cmd, "--outdir", tmp, str(original)],
                capture_output=True,
                text=True,
                timeout=_TIMEOUT,
                env={**os.environ, "HOME": tmp},
            )
        except subprocess.TimeoutExpired:
            raise ParseError(source, f"LibreOffice did not convert the file within {_TIMEOUT} s") from None
        converted = Path(tmp) / "report.docx"
        if result.returncode != 0 or not converted.exists():
            detail = (result.stderr or result.stdout).strip()[:200]
            raise ParseError(source, f"LibreOffice could not convert the file (encrypted or damaged?) {detail}".strip())
        return docx_to_text(converted.read_bytes(), source)
