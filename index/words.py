"""The word postings of a segment: jieba's words, each with its documents and frequencies.

The words field ranks (BM25): a segment's vocabulary is stored sorted by UTF-8
bytes (so a look-up is a binary search), and each word's postings are its
documents in ascending order with the word's frequency in each. Building sorts
one packed integer (word rank, document) per token.
"""

from __future__ import annotations

import numpy as np


def build_words(vocabulary: dict[str, int], tokens: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
    """Given the vocabulary ({word: id}), every token's word id in document order, and each document's
    number of tokens, return word_text / word_text_off (the sorted vocabulary), word_ptr, word_doc and
    word_tf."""
    encoded = [w.encode("utf-8") for w in vocabulary]
    order = sorted(range(len(encoded)), key=encoded.__getitem__)
    rank = np.empty(len(encoded), np.uint64)
    rank[order] = np.arange(len(encoded), dtype=np.uint64)
    docs = np.repeat(np.arange(len(lengths), dtype=np.uint64), lengths)
    packed = (rank[tokens] << np.uint64(32)) | docs if len(tokens) else np.zeros(0, np.uint64)
    packed.sort()
    firsts = np.flatnonzero(np.concatenate(([True], packed[1:] != packed[:-1]))) if len(packed) else packed
    unique = packed[firsts]
    words = unique >> np.uint64(32)
    sorted_words = [encoded[i] for i in order]
    offsets = np.zeros(len(sorted_words) + 1, np.uint64)
    np.cumsum([len(w) for w in sorted_words], out=offsets[1:])
    return {
        "word_text": np.frombuffer(b"".join(sorted_words), np.uint8),
        "word_text_off": offsets,
        "word_ptr": np.searchsorted(words, np.arange(len(encoded) + 1, dtype=np.uint64)).astype(np.uint64),
        "word_doc": (unique & np.uint64(0xFFFFFFFF)).astype(np.uint32),
        "word_tf": np.diff(np.append(firsts, len(packed))).astype(np.uint32),
    }
