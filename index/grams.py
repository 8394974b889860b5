"""The bigram postings of a segment, built at C speed from its texts, and the keys queries look up.

Every character of a document's normalised text starts one gram: the bigram of it
and the next character, or for the last character the character alone (so a
one-character query is the union of the grams it starts). A gram's key packs its
two code points (the second is SEP for a last character); a segment holds, per
key in ascending order, the documents that contain it and every position where
it starts, in the sequence of the segment's texts each followed by SEP.

Building sorts one packed integer per character (gram, position) instead of a
Python operation per posting: characters are first numbered densely, so that a
gram and a position fit in 64 bits.
"""

from __future__ import annotations

import numpy as np

SEP = 0x110000  # above every code point: the separator after each text
SHIFT = 21  # bits of a code point (and of SEP)


def gram_key(gram: str) -> int:
    """Given a bigram (or one last character), return its key.

    >>> gram_key("公开") == (ord("公") << 21) | ord("开"), gram_key("开") == (ord("开") << 21) | SEP
    (True, True)
    """
    return (ord(gram[0]) << SHIFT) | (ord(gram[1]) if len(gram) > 1 else SEP)


def char_range(char: str) -> tuple[int, int]:
    """The keys [low, high) of every gram that starts with a character."""
    return ord(char) << SHIFT, (ord(char) + 1) << SHIFT


def key_gram(key: int) -> str:
    """Given a key, return its gram (the inverse of gram_key)."""
    second = key & ((1 << SHIFT) - 1)
    return chr(key >> SHIFT) + ("" if second == SEP else chr(second))


def sequence(texts: list[str], char_start: np.ndarray) -> np.ndarray:
    """The code points of the texts, each text followed by SEP."""
    cps = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), np.uint32)
    ends = char_start[1:] - np.arange(1, len(texts) + 1)  # where each text ends in `cps`
    return np.insert(cps, ends, np.uint32(SEP))


def build_grams(texts: list[str], char_start: np.ndarray, pos_type=np.uint32) -> dict[str, np.ndarray]:
    """Given a segment's normalised texts and where each starts in the sequence, return its gram arrays:
    gram_key (sorted), gram_pos_ptr / gram_pos (positions of each gram, ascending) and
    gram_doc_ptr / gram_doc (its documents, ascending)."""
    seq = sequence(texts, char_start)
    positions = np.flatnonzero(seq[:-1] != SEP)
    chars = np.flatnonzero(np.bincount(seq, minlength=SEP + 1))  # distinct code points, ascending
    n_chars = len(chars)
    if n_chars * n_chars < 2**32 and len(seq) < 2**32:
        dense = np.zeros(SEP + 1, np.uint64)
        dense[chars] = np.arange(n_chars, dtype=np.uint64)
        ids = dense[seq[positions]] * np.uint64(n_chars) + dense[seq[positions + 1]]
        packed = (ids << np.uint64(32)) | positions.astype(np.uint64)
        packed.sort()
        ids = packed >> np.uint64(32)
        pos = (packed & np.uint64(0xFFFFFFFF)).astype(pos_type)
        del packed
        starts = _group_starts(ids)
        group_ids = ids[starts]
        chars = chars.astype(np.uint64)
        keys = (chars[group_ids // np.uint64(n_chars)] << np.uint64(SHIFT)) | chars[group_ids % np.uint64(n_chars)]
    else:  # a pathological segment (tens of thousands of distinct characters): a stable sort of full keys
        full = (seq[positions].astype(np.uint64) << np.uint64(SHIFT)) | seq[positions + 1]
        order = np.argsort(full, kind="stable")
        ids, pos = full[order], positions[order].astype(pos_type)
        starts = _group_starts(ids)
        keys = ids[starts]
    lengths = np.diff(char_start)
    doc_of = np.repeat(np.arange(len(texts), dtype=np.uint32), lengths)
    docs = doc_of[pos]
    new_doc = np.ones(len(pos), bool)
    if len(pos) > 1:
        new_doc[1:] = (ids[1:] != ids[:-1]) | (docs[1:] != docs[:-1])
    firsts = np.flatnonzero(new_doc)
    return {
        "gram_key": keys.astype(np.uint64),
        "gram_pos_ptr": np.append(starts, len(pos)).astype(np.uint64),
        "gram_pos": pos,
        "gram_doc_ptr": np.append(np.searchsorted(firsts, starts), len(firsts)).astype(np.uint64),
        "gram_doc": docs[firsts],
    }


def _group_starts(sorted_ids: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in a sorted array."""
    if not len(sorted_ids):
        return np.zeros(0, np.int64)
    return np.flatnonzero(np.concatenate(([True], sorted_ids[1:] != sorted_ids[:-1])))
