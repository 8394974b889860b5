"""How much one file may cost: what is extracted from it, and the memory and time its extraction may take.

A small hostile file can ask for gigabytes or hours: a Word file whose parts unzip
to gigabytes, a PDF whose streams inflate without end, thousands of pages, a scan
of thousands of blank pages for OCR. Every limit is checked while extracting, not
after, and extraction from PDF and Word files runs in a child process of its own
under an address-space and CPU-time limit, with a wall-clock watchdog: a file over
a limit is refused, named, with the limit and the flag that raises it, and the
batch goes on. The defaults are far above real reports (the largest seen: 40 pages,
60,000 characters) and far below what would hurt a machine.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Limits:
    pages: int = 300  # pages of a PDF (--max-pages)
    part_bytes: int = 64 * 1024 * 1024  # bytes a Word file's parts may unzip to, together (--max-unzipped)
    chars: int = 1_000_000  # characters of text, however the file stored it (--max-chars)
    ocr_pages: int = 40  # pages of a scanned PDF read by OCR (--max-ocr-pages)
    memory_mb: int = 1536  # address space of a file's extraction (--file-memory, MB)
    seconds: int = 120  # CPU seconds of a file's extraction; the watchdog allows twice this in wall time


# the flag that raises each limit, as a refusal names it
FLAGS = {
    "pages": "--max-pages",
    "part_bytes": "--max-unzipped",
    "chars": "--max-chars",
    "ocr_pages": "--max-ocr-pages",
    "memory_mb": "--file-memory",
    "seconds": "--file-seconds",
}

_current = Limits()


def limits() -> Limits:
    """The limits in force in this process (and in the processes it forks)."""
    return _current


def set_limits(**changes: int | None) -> Limits:
    """Set some limits (None leaves one as it is); return the limits now in force."""
    global _current
    known = {f.name for f in fields(Limits)}
    unknown = set(changes) - known
    if unknown:
        raise ValueError(f"unknown limits {sorted(unknown)}")
    _current = replace(_current, **{k: v for k, v in changes.items() if v is not None})
    return _current


def too_many_chars(count: int | None = None) -> str:
    """Why a file over the character limit is refused."""
    found = f"{count:,} characters of text" if count is not None else "its text"
    return (
        f"{found}, over the {limits().chars:,} characters one report can hold (is it several reports? "
        f"raise the limit with {FLAGS['chars']})"
    )
