"""jieba's dictionary compiled into a file that is read in place: a query's words without loading jieba.

A search segments only its own phrases, a few characters, but loading jieba's
dictionary (with the domain words) takes a second or more: most of what a
command-line search would cost. The compiled dictionary holds every entry of
jieba's prefix dictionary, sorted by UTF-8 bytes, with the score the cut uses
(log frequency minus log total; no score for an entry that is only a prefix of
words), so a phrase is cut by binary searches in a memory map, with exactly the
words jieba gives (analysis.cut_run). It is written once per machine and
dictionary (a cache keyed by jieba's version and dictionary and the domain
words) by the first build or search that needs it.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from .arrays import read_arrays, write_arrays

ABSENT = object()  # what `get` returns for a string that is no entry at all


def cache_dir() -> Path:
    """Where compiled dictionaries are kept: $XXGK_CACHE, else the user's cache folder."""
    if os.environ.get("XXGK_CACHE"):
        return Path(os.environ["XXGK_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache" if Path.home().is_dir() else None)
    return Path(base or tempfile.gettempdir()) / "xxgk"


@cache
def dictionary_key() -> str:
    """What the compiled dictionary depends on: jieba's version and dictionary file, and the domain words."""
    import jieba

    main = Path(jieba.__file__).with_name("dict.txt")
    stat = main.stat()
    words = resources.files("index").joinpath("data/userdict.txt").read_bytes()
    text = f"{jieba.__version__}:{stat.st_size}:{int(stat.st_mtime)}:".encode() + words
    return hashlib.sha256(text).hexdigest()[:16]


def write_dictionary(path: Path, freq: dict[str, int], total: int) -> None:
    """Compile jieba's prefix dictionary (`freq`, its `total`) into `path`, atomically."""
    logtotal = math.log(total)
    entries = sorted((word.encode("utf-8"), n) for word, n in freq.items())
    offsets = np.zeros(len(entries) + 1, np.uint64)
    np.cumsum([len(w) for w, _ in entries], out=offsets[1:])
    scores = np.array([math.log(n) - logtotal if n else math.nan for _, n in entries], np.float64)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    write_arrays(
        tmp,
        {"text": np.frombuffer(b"".join(w for w, _ in entries), np.uint8), "off": offsets, "score": scores},
        {"missing": math.log(1) - logtotal, "entries": len(entries)},
    )
    os.replace(tmp, path)


class CompiledDictionary:
    """A compiled dictionary, read in place: `get` answers as jieba's prefix dictionary would."""

    def __init__(self, path: Path) -> None:
        meta, arrays, _ = read_arrays(path)
        self.missing = meta["missing"]
        self.count = meta["entries"]
        self._text = bytes(arrays["text"])  # a few MB, read once: slicing bytes is faster than slicing the map
        self._off = arrays["off"].tolist()
        self._score = arrays["score"]
        self.get = lru_cache(maxsize=1 << 16)(self._get)

    def _get(self, word: str, default=ABSENT):
        target = word.encode("utf-8")
        text, off = self._text, self._off
        lo, hi = 0, self.count
        while lo < hi:
            mid = (lo + hi) // 2
            if text[off[mid] : off[mid + 1]] < target:
                lo = mid + 1
            else:
                hi = mid
        if lo < self.count and text[off[lo] : off[lo + 1]] == target:
            score = float(self._score[lo])
            return None if math.isnan(score) else score
        return default
