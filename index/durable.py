"""Commits that survive a power loss, and a record to verify them by.

Whoosh commits by writing a new table of contents (TOC) to a temporary file and
renaming it into place; it never calls fsync, so after a power loss the rename
can be on disk while the segment or TOC bytes are not. Here every segment file
and the TOC are fsynced before the rename, and the folder after it. Beside the
TOC, each segment has its checksums file (`<segment>.sums`: each of its files'
size and SHA-256), written (and fsynced) before the TOC that names the segment,
so every live segment can be verified whatever happened — a crash between the
two leaves a checksums file of a segment no TOC names, which the next commit
cleans up — and `xxgk index --check` tells a damaged segment from a sound one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import time
from pathlib import Path

CHECKSUMS = "checksums.json"  # what earlier versions kept for all segments: removed by a rebuild
SUMS = ".sums"  # a segment's checksums file: <segment id>.sums


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems cannot sync a folder; the files are synced
        fsync_file(path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def segment_files(folder: Path, segments) -> list[Path]:
    """Given an index folder and TOC segments, return the files that hold those segments (not their checksums)."""
    ids = {s.segment_id() for s in segments}
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.name.split(".", 1)[0] in ids and not p.name.endswith(SUMS)
    )


def sums_path(folder: Path, segment_id: str) -> Path:
    return folder / f"{segment_id}{SUMS}"


def read_sums(folder: Path, segment_id: str) -> dict[str, dict] | None:
    """A segment's recorded checksums ({file name: size and SHA-256}), or None when none can be read."""
    try:
        found = json.loads(sums_path(folder, segment_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(found, dict) and all(isinstance(v, dict) and {"size", "sha256"} <= set(v) for v in found.values())
    return found if ok else None


def read_checksums(folder: Path) -> dict[str, dict]:
    """Every recorded checksum of the folder's segments, by file name."""
    out: dict[str, dict] = {}
    for path in folder.glob(f"*{SUMS}"):
        out |= read_sums(folder, path.name[: -len(SUMS)]) or {}
    return out


def file_checksum(path: Path) -> dict:
    """What checksums.json records of a file: its size and SHA-256."""
    return {"size": path.stat().st_size, "sha256": file_sha256(path)}


def segment_checksums(folder: Path, segments) -> dict[str, dict]:
    """Fsync every file of `segments` and return {file name: {size, sha256}} (a build's worker process
    records its own segment, in parallel with the others, so the commit need not read it again)."""
    out = {}
    for path in segment_files(folder, segments):
        fsync_file(path)
        out[path.name] = file_checksum(path)
    return out


def write_checksums(folder: Path, segments, computed: dict[str, dict] | None = None) -> None:
    """Give every segment its checksums file (size and SHA-256 of each of its files), synced, before a TOC
    names it: a segment that has one keeps it (its files never change); `computed` holds sums already
    taken (by the worker that wrote the segment)."""
    for segment in segments:
        if read_sums(folder, segment.segment_id()) is not None:
            continue
        out = {}
        for path in segment_files(folder, [segment]):
            fsync_file(path)
            entry = (computed or {}).get(path.name)
            if entry is None or entry.get("size") != path.stat().st_size:
                entry = file_checksum(path)
            out[path.name] = entry
        write_atomic(sums_path(folder, segment.segment_id()), json.dumps(out, indent=0, sort_keys=True).encode())


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, synced, renamed over it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def write_toc(toc, storage, indexname: str) -> None:
    """Whoosh's TOC.write, with the file fsynced before the rename and the folder after it."""
    from whoosh.index import _CURRENT_TOC_VERSION, _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE, ensure_schema
    from whoosh.index import __version__ as whoosh_version

    schema = ensure_schema(toc.schema)
    schema.clean()
    tocfilename = toc._filename(indexname, toc.generation)
    tempfilename = f"{tocfilename}.{time.time()}"
    stream = storage.create_file(tempfilename)
    stream.write_varint(_INT_SIZE)
    stream.write_varint(_LONG_SIZE)
    stream.write_varint(_FLOAT_SIZE)
    stream.write_int(-12345)
    stream.write_int(_CURRENT_TOC_VERSION)
    for num in whoosh_version[:3]:
        stream.write_varint(num)
    stream.write_string(pickle.dumps(schema, 2))
    stream.write_int(toc.generation)
    stream.write_int(0)  # unused, as in Whoosh
    stream.write_pickle(toc.segments)
    stream.flush()
    os.fsync(stream.fileno())
    stream.close()
    storage.rename_file(tempfilename, tocfilename, safe=True)
    fsync_dir(Path(storage.folder))
