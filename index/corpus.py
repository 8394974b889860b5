"""What a corpus holds: its report files, what could not be listed, and which folders were read whole.

A build may remove a report only when its file is positively gone from a folder
that was listed completely, so listing records every problem instead of
skipping it: a missing or unreadable folder, a symlink loop, a folder named like
a report, a FIFO or a device file. File names are kept as the system gives them
(bytes that are not UTF-8 included); `display` gives the name shown and stored.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .durable import write_atomic
from .reader.formats.files import SUFFIXES


def display(path: Path | str) -> str:
    """Given a path, return it as text that can be printed and stored: bytes that are not
    UTF-8 in a file name are shown as \\xNN escapes (the file itself is still read by its path)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclass
class Listing:
    files: list[Path] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, why it was not listed or read)
    complete: list[Path] = field(default_factory=list)  # folders whose every subfolder was listed, resolved
    present: set[str] = field(default_factory=set)  # every report-like name seen, readable or not
    names: dict[str, str] = field(default_factory=dict)  # file → its name relative to the corpus folder (shown)
    roots: list[Path] = field(default_factory=list)  # the folders and files named, resolved

    def gone(self, source: str) -> bool:
        """Whether a stored source is positively gone: in a folder listed completely, and not seen there."""
        inside = any(source.startswith(display(folder) + os.sep) for folder in self.complete)
        return inside and source not in self.present


def list_corpus(paths: Iterable[Path | str], follow_links: bool = False, exclude: Iterable[Path | str] = ()) -> Listing:
    """Given corpus folders and files, return the report files in them and every problem met.

    A symbolic link that leads out of the corpus folder is reported and not followed (unless
    `follow_links`): a link to another checkout, or to /, must not pull its files in. Folders in
    `exclude` (the index's own, which holds its extraction cache) are never read."""
    out = Listing()
    skip = {_resolved(p) for p in exclude}
    for path in map(Path, paths):
        try:
            st = path.stat()
        except OSError as exc:
            out.problems.append((display(path), _why(exc, "cannot be read")))
            continue
        if stat.S_ISDIR(st.st_mode):
            root = path.resolve()
            out.roots.append(root)
            first = len(out.files)
            if _walk(root, out, set(), _Walk(root, follow_links, skip - {root})):
                out.complete.append(root)
            for file in out.files[first:]:
                out.names.setdefault(display(file), display(file.relative_to(root)))
        elif stat.S_ISREG(st.st_mode):
            out.roots.append(path.resolve())
            out.files.append(path.resolve())
            out.present.add(display(path.resolve()))
            out.names.setdefault(display(path.resolve()), display(path.name))
        else:
            out.problems.append((display(path), "not a regular file (a FIFO, socket or device)"))
    out.files = list(dict.fromkeys(out.files))
    return out


@dataclass(frozen=True)
class _Walk:
    root: Path  # the corpus folder, resolved
    follow_links: bool
    skip: set[Path]  # resolved folders never read


def _resolved(path: Path | str) -> Path:
    try:
        return Path(path).resolve()
    except OSError:
        return Path(os.path.abspath(path))


def _walk(folder: Path, out: Listing, seen: set[tuple[int, int]], how: _Walk) -> bool:
    """List a folder into `out`; return whether it and every folder below were listed."""
    try:
        st = folder.stat()
        if (st.st_dev, st.st_ino) in seen:
            out.problems.append((display(folder), "a symbolic link loop (a folder that contains itself); not followed"))
            return True  # everything in it is listed where the loop starts
        seen = seen | {(st.st_dev, st.st_ino)}
        entries = sorted(os.scandir(folder), key=lambda e: os.fsencode(e.name))
    except OSError as exc:
        out.problems.append((display(folder), _why(exc, "cannot list folder")))
        return False
    complete = True
    for entry in entries:
        path = Path(entry.path)
        report_like = path.suffix.lower() in SUFFIXES
        if report_like:
            out.present.add(display(path))
        try:
            st = path.stat()  # follows symbolic links
        except OSError as exc:
            if report_like or entry.is_symlink():
                out.problems.append((display(path), _why(exc, "cannot be read")))
            continue
        if entry.is_symlink() and not how.follow_links:
            target = _resolved(path)
            if not target.is_relative_to(how.root):
                why = f"a symbolic link out of the corpus folder (to {display(target)}): not followed"
                out.problems.append((display(path), why + " (--follow-links follows it)"))
                continue
        if stat.S_ISDIR(st.st_mode) and _resolved(path) in how.skip:
            continue  # the index's own folder: its extraction cache is not a report
        if stat.S_ISDIR(st.st_mode):
            if report_like:
                out.problems.append(
                    (display(path), "a folder named like a report file, not a report; its contents are read")
                )
            complete = _walk(path, out, seen, how) and complete
        elif not report_like:
            continue
        elif stat.S_ISREG(st.st_mode):
            out.files.append(path)
        else:
            out.problems.append((display(path), "not a regular file (a FIFO, socket or device)"))
    return complete


def _why(exc: OSError, default: str) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    if exc.errno == errno.ENOENT:
        return "no such file or directory"
    return f"{default}: {exc.strerror}" if exc.strerror else default


CORPORA = "corpora.json"  # in the index folder: every corpus folder (or file) its reports were read from


def record_corpora(index_dir: Path | str, roots: Iterable[Path]) -> None:
    """Add corpus folders and files to those the index records (where a report's file may be served from)."""
    known = corpora(index_dir)
    added = [display(r) for r in roots if display(r) not in known]
    if added:
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        write_atomic(Path(index_dir) / CORPORA, json.dumps(known + added, ensure_ascii=False, indent=1).encode())


def corpora(index_dir: Path | str) -> list[str]:
    """The corpus folders and files the index in `index_dir` was built from ([] when none is recorded)."""
    try:
        found = json.loads((Path(index_dir) / CORPORA).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(x) for x in found] if isinstance(found, list) else []


def inside_corpus(path: Path | str, index_dir: Path | str) -> bool:
    """Whether a file lies in a corpus the index was built from, its links resolved (so never outside it)."""
    try:
        real = Path(path).resolve(strict=True)
    except OSError:
        return False
    for root in map(Path, corpora(index_dir)):
        try:
            root = root.resolve(strict=True)
        except OSError:
            continue
        if real == root or (root.is_dir() and real.is_relative_to(root)):
            return True
    return False
