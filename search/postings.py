"""Reading a term's whole posting list at once, block by block.

Whoosh's matchers move one posting at a time through Python method calls
(id(), next(), value() …), which is what a query on a common phrase spends its
time on. A search here needs every matching document anyway (the counts are
exact), so it reads each posting list whole: per block, one decompression, one
unpickling and one C-level prefix sum for the document numbers. Deleted
documents are left out.
"""

from __future__ import annotations

from itertools import accumulate

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher


class Postings:
    """One term's postings across all segments: parallel lists of document numbers, weights and values."""

    __slots__ = ("ids", "values", "weights")

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.weights: list[float] = []
        self.values: list[bytes] = []

    def __len__(self) -> int:
        return len(self.ids)


def read_postings(reader, fieldname: str, text: str | bytes, values: bool = False, weights: bool = False) -> Postings:
    """Given a Whoosh reader and a term (text, or its bytes), return its postings (values, weights if asked)."""
    out = Postings()
    tbytes = text.encode("utf-8") if isinstance(text, str) else text
    for leaf, offset in reader.leaf_readers():
        if (fieldname, tbytes) not in leaf:
            continue
        matcher = leaf.postings(fieldname, tbytes)
        deleted: frozenset = frozenset()
        if isinstance(matcher, FilterMatcher):  # Whoosh's wrapper leaving out deleted documents
            deleted, matcher = matcher._ids, matcher.child
        if isinstance(matcher, W3LeafMatcher):
            blocks = _w3_blocks(matcher, values, weights)
        else:
            blocks = _generic_blocks(matcher, values, weights)
        for ids, ws, vs in blocks:
            if deleted:
                keep = [i for i, d in enumerate(ids) if d not in deleted]
                ids = [ids[i] for i in keep]
                ws = [ws[i] for i in keep] if weights else ws
                vs = [vs[i] for i in keep] if values else vs
            out.ids.extend(ids if not offset else [d + offset for d in ids])
            if weights:
                out.weights.extend(ws)
            if values:
                out.values.extend(vs)
    return out


def _w3_blocks(m: W3LeafMatcher, values: bool, weights: bool):
    """Yield (doc numbers, weights, values) per block of a W3 posting list (the pinned codec's layout)."""
    while True:
        m._read_data()
        ids = list(accumulate(m._data[0]))  # stored as deltas
        ws = vs = None
        if weights:
            m._read_weights()
            ws = m._weights
        if values:
            m._read_values()
            vs = m._values
        yield ids, ws, vs
        if m._lastblock:
            return
        m._goto(m._nextoffset)


def _generic_blocks(m, values: bool, weights: bool):
    ids, ws, vs = [], [], []
    while m.is_active():
        ids.append(m.id())
        if weights:
            ws.append(m.weight())
        if values:
            vs.append(m.value())
        m.next()
    yield ids, ws, vs
