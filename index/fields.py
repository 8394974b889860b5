"""The two text fields of a section document, with indexing that skips Whoosh's token pipeline.

Whoosh turns a field value into postings through Token objects, one per word,
and Positions encodes each term's positions with pickle. At ~3,000 postings per
report that pipeline was most of the indexing time, so these fields compute
their postings directly from the normalised text: the same terms, frequencies
and positions their analyzers yield (the analyzers stay, for queries and tests).

Positions are stored as a packed array of unsigned 32-bit integers, which the
exact-phrase check reads back with one C call instead of unpickling deltas.
"""

from __future__ import annotations

import struct
from array import array
from collections import Counter

from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.system import pack_uint

from .analysis import BigramAnalyzer, WordAnalyzer, normalize, segment

_pack_one = struct.Struct("=I").pack  # the bytes of array("I", [p]): native order, 4 bytes
assert array("I").itemsize == 4


class PositionArray(Positions):
    """Positions as a packed uint32 array: frequency, weight and positions, no pickling."""

    def encode(self, poslist) -> bytes:
        return array("I", poslist).tobytes()

    def decode_positions(self, valuestring: bytes) -> array:
        return array("I", valuestring)

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * self.field_boost


def gram_positions(text: str) -> dict[str, list[int]]:
    """Given normalised text, return each bigram (and the final character alone) with its start positions.

    >>> gram_positions("公开公开")
    {'公开': [0, 2], '开公': [1], '开': [3]}
    """
    out: dict[str, list[int]] = {}
    for i in range(len(text)):
        gram = text[i : i + 2]
        found = out.get(gram)
        if found is None:
            out[gram] = [i]
        else:
            found.append(i)
    return out


class GramsField(TEXT):
    """Every bigram of the normalised text at its character position: exact phrase matching."""

    def __init__(self) -> None:
        super().__init__(analyzer=BigramAnalyzer(), stored=False, phrase=True)
        self.format = PositionArray(field_boost=1.0)

    def index(self, value: str, **kwargs) -> list[tuple[bytes, int, int, bytes]]:
        # (term, frequency, weight, positions); a one-position array packed directly, the common case
        return [
            (gram.encode("utf-8"), len(p), len(p), _pack_one(p[0]) if len(p) == 1 else array("I", p).tobytes())
            for gram, p in gram_positions(normalize(value)).items()
        ]


class WordsField(TEXT):
    """The jieba words of the normalised text, with frequencies: BM25F ranking."""

    def __init__(self, stored: bool = True) -> None:
        super().__init__(analyzer=WordAnalyzer(), stored=stored, phrase=False)

    def index(self, value: str, **kwargs) -> list[tuple[bytes, int, int, bytes]]:
        return [(w.encode("utf-8"), n, n, pack_uint(n)) for w, n in Counter(segment(normalize(value))).items()]
