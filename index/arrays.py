"""A file of named numpy arrays, read in place through a memory map.

Layout: 8 bytes of magic, a little-endian uint64 header length, a JSON header
({"meta": …, "arrays": {name: [dtype, length, offset]}}), then each array's raw
bytes at an offset that is a multiple of 8 (so every view is aligned). Reading
maps the file once and hands out views of it: opening costs the header, and a
search touches only the pages of the arrays it reads. The map lives as long as
any view of it (numpy keeps it referenced), so a file replaced or removed by a
later commit stays readable for the searchers still using it.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import numpy as np

MAGIC = b"XXGKARR1"
_ALIGN = 8


class ArrayFileError(ValueError):
    """An array file is truncated or not one at all."""


def write_arrays(path: Path | str, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write `arrays` (one-dimensional, little-endian) and JSON-able `meta` to `path`, fsynced."""
    entries, offset = {}, 0
    for name, array in arrays.items():
        array = np.ascontiguousarray(array)
        if array.ndim != 1:
            raise ValueError(f"array {name!r} is not one-dimensional")
        entries[name] = [array.dtype.newbyteorder("<").str, int(array.size), offset]
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    header = json.dumps({"meta": meta, "arrays": entries}, ensure_ascii=False).encode("utf-8")
    start = -(-(len(MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
    with open(path, "wb") as f:
        f.write(MAGIC + struct.pack("<Q", len(header)) + header)
        f.write(b"\0" * (start - f.tell()))
        for name, array in arrays.items():
            data = np.ascontiguousarray(array, dtype=np.dtype(entries[name][0]))
            f.write(data.tobytes())
            f.write(b"\0" * (-data.nbytes % _ALIGN))
        f.flush()
        os.fsync(f.fileno())


def read_arrays(path: Path | str) -> tuple[dict, dict[str, np.ndarray], dict[str, int]]:
    """Given an array file, return its meta, its arrays (read-only views of the file's map) and where
    each array starts in the file."""
    size = os.path.getsize(path)
    if size < len(MAGIC) + 8:
        raise ArrayFileError(f"{path}: too short to be an array file")
    buffer = np.memmap(path, dtype=np.uint8, mode="r")
    if bytes(buffer[: len(MAGIC)]) != MAGIC:
        raise ArrayFileError(f"{path}: not an array file")
    (length,) = struct.unpack("<Q", bytes(buffer[len(MAGIC) : len(MAGIC) + 8]))
    end = len(MAGIC) + 8 + length
    if end > size:
        raise ArrayFileError(f"{path}: header cut off")
    try:
        header = json.loads(bytes(buffer[len(MAGIC) + 8 : end]).decode("utf-8"))
    except ValueError as exc:
        raise ArrayFileError(f"{path}: unreadable header ({exc})") from None
    start = -(-end // _ALIGN) * _ALIGN
    arrays, starts = {}, {}
    for name, (dtype, count, offset) in header["arrays"].items():
        dtype = np.dtype(dtype)
        first = start + offset
        if first + count * dtype.itemsize > size:
            raise ArrayFileError(f"{path}: array {name!r} cut off")
        arrays[name] = np.frombuffer(buffer, dtype=dtype, count=count, offset=first)
        starts[name] = first
    return header["meta"], arrays, starts
