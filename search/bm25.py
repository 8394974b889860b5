"""BM25 as Lucene computes it (k1 = 1.2, b = 0.75), so every backend ranks alike.

Lucene stores a document's field length in one byte (SmallFloat.intToByte4:
exact below 24, then four significant bits), and scores a term as
idf · tf / (tf + k1 · (1 − b + b · length / avgdl)) in single precision, with
idf = ln(1 + (N − df + 0.5) / (df + 0.5)), N the documents having the field and
avgdl their average length. The same arithmetic here gives the scores a Lucene
index (OpenSearch) gives the same tokens.
"""

from __future__ import annotations

import math

import numpy as np

K1, B = 1.2, 0.75
_FREE = 24  # lengths below this are stored exactly


def _long_to_int4(i: int) -> int:
    bits = i.bit_length()
    if bits < 4:
        return i
    shift = bits - 4
    return ((i >> shift) & 0x07) | ((shift + 1) << 3)


def _int4_to_long(i: int) -> int:
    bits, shift = i & 0x07, (i >> 3) - 1
    return bits if shift == -1 else (bits | 0x08) << shift


def int_to_byte4(i: int) -> int:
    """Lucene's SmallFloat.intToByte4: a non-negative length in one byte.

    >>> [int_to_byte4(n) for n in (0, 23, 24, 40, 2**31 - 1)]
    [0, 23, 24, 40, 255]
    """
    return i if i < _FREE else _FREE + _long_to_int4(i - _FREE)


def byte4_to_int(b: int) -> int:
    """Lucene's SmallFloat.byte4ToInt (the length a byte stands for)."""
    return b if b < _FREE else _FREE + _int4_to_long(b - _FREE)


LENGTH_TABLE = np.array([byte4_to_int(b) for b in range(256)], np.float32)
_BOUNDS = np.array([byte4_to_int(b) for b in range(256)], np.int64)


def stored_lengths(lengths: np.ndarray) -> np.ndarray:
    """Given exact field lengths, return the one-byte codes Lucene stores for them."""
    return (np.searchsorted(_BOUNDS, lengths, side="right") - 1).astype(np.uint8)


def idf(doc_count: int, df: int) -> np.float32:
    return np.float32(math.log(1 + (doc_count - df + 0.5) / (df + 0.5)))


def norm_inverses(avgdl: float) -> np.ndarray:
    """For each length code, 1 / (k1 · (1 − b + b · length / avgdl)), in single precision."""
    k1, b = np.float32(K1), np.float32(B)
    return (np.float32(1) / (k1 * ((np.float32(1) - b) + b * LENGTH_TABLE / np.float32(avgdl)))).astype(np.float32)


def term_scores(weight: np.float32, tf: np.ndarray, norm_inverse: np.ndarray) -> np.ndarray:
    """Lucene's BM25Scorer.score for each (frequency, the document's norm inverse)."""
    tf = tf.astype(np.float32)
    return weight - weight / (np.float32(1) + tf * norm_inverse)
