"""Reading a whole column of an index at once.

Whoosh's column readers hand out one value per Python call (a seek, a read, an
unpack, a translation): about a microsecond a document, seconds for the lists
of a 100,000-report generation (search/doctable.py). The pinned codec stores a
numeric column as one run of fixed-size big-endian values (documents past its
end have the default) and a bytes column as the values back to back with their
lengths, so each segment's column is read with one `get` and unpacked at C
speed; any other kind of column reader is iterated as Whoosh does. Columns
are read segment by segment also because Whoosh's multi-segment column reader
leaves out segments without the column, which would shift every later document.
"""

from __future__ import annotations

import struct
from itertools import accumulate
from operator import itemgetter

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import EmptyColumnReader, NumericColumn, VarBytesColumn
from whoosh.util.numeric import byte_to_length


def column_values(reader, name: str) -> list:
    """Given a Whoosh reader and a sortable field, return every document's value (as the
    reader's column_reader would give them, one by one)."""
    translate = reader.schema[name].from_column_value
    out: list = []
    for leaf, _ in reader.leaf_readers():
        raw = _raw_values(leaf.column_reader(name, translate=False), leaf.doc_count_all())
        # few distinct values (sections, years, agencies): translate each once
        translated = {value: translate(value) for value in set(raw)}
        out.extend(map(translated.__getitem__, raw))
    return out


def field_lengths(reader, name: str) -> list[int]:
    """Given a Whoosh reader and a field, return every document's length in it (0 where none)."""
    out: list[int] = []
    for leaf, _ in reader.leaf_readers():
        count = leaf.doc_count_all()
        perdoc = getattr(leaf, "_perdoc", None)
        if perdoc is None or not hasattr(perdoc, "_cached_reader"):  # not the pinned codec
            out.extend(leaf.doc_field_length(d, name) or 0 for d in range(count))
            continue
        lengths = perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)
        if lengths is None:
            out.extend([0] * count)
        else:  # a byte per document, Whoosh's lossy encoding of the length
            out.extend(map(byte_to_length, _raw_values(lengths, count)))
    return out


def _raw_values(creader, count: int) -> list:
    """One segment's stored column values, untranslated."""
    if isinstance(creader, NumericColumn.Reader):
        stored = creader._count
        data = creader._dbfile.get(creader._basepos, stored * creader._fixedlen)
        values = list(map(itemgetter(0), struct.iter_unpack("!" + creader._typecode, data)))
        return values + [creader._default] * (count - stored)
    if isinstance(creader, VarBytesColumn.Reader):
        lengths = creader._lengths
        data = creader._dbfile.get(creader._basepos, sum(lengths))
        ends = accumulate(lengths)
        return [data[end - length : end] for end, length in zip(ends, lengths, strict=True)]
    if isinstance(creader, EmptyColumnReader):
        return [creader._default] * count
    return list(creader)
