"""A Whoosh segment writer that keeps a segment's postings in memory, grouped by term.

Whoosh's SegmentWriter sends every posting through an external sort: a tuple
per posting, pickled to temporary run files, unpickled and merged at commit
(over 0.5 MB of temporary files per report here). Documents are added in
document-number order, so grouping postings by term as they arrive leaves each
term's postings already sorted: the commit only sorts the terms and writes
whole blocks. Memory is bounded by the builder, which gives each writer a
bounded number of reports.

The block writing fills the codec's postings blocks directly; it relies on the
pinned whoosh-reloaded 2.7.5 W3 codec, and tests/test_writer.py checks that an
index written this way has exactly the postings the stock writer writes.
"""

from __future__ import annotations

from pathlib import Path

from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import NUMERIC, UnknownFieldError
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from .durable import write_checksums, write_toc
from .textcolumn import section_text, write_text_column

# Segments below this many documents are merged into the next commit's segment;
# larger ones are never rewritten (merging is pure Python and slow at scale).
SMALL_SEGMENT = 4000
NUMERIC_CACHE = 1 << 16  # distinct (field, value) pairs kept


class MemoryPool:
    """Postings of one segment: {field name: {term bytes: [doc, weight, value, doc, weight, value, …]}}.

    One flat list per term: adding a posting is one in-place concatenation
    instead of three appends (the writer's innermost loop).
    """

    def __init__(self) -> None:
        self.fields: dict[str, dict[bytes, list]] = {}

    @property
    def fieldnames(self) -> set[str]:
        return set(self.fields)

    def add(self, item: tuple) -> None:
        """Add one (field name, term bytes, doc number, weight, value bytes) posting, in doc order."""
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self.fields.setdefault(fieldname, {})
        postings = terms.get(tbytes)
        if postings is None:
            terms[tbytes] = [docnum, weight, vbytes]
        else:
            postings += (docnum, weight, vbytes)

    def sorted_terms(self):
        """Yield (field name, term bytes, (doc numbers, weights, values)) in the order a segment stores them."""
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for tbytes in sorted(terms):
                flat = terms[tbytes]
                yield fieldname, tbytes, (flat[0::3], flat[1::3], flat[2::3])

    def iter_postings(self):
        for fieldname, tbytes, (ids, weights, values) in self.sorted_terms():
            for i, docnum in enumerate(ids):
                yield fieldname, tbytes, docnum, weights[i], values[i]

    def save(self) -> None:
        pass

    def cleanup(self) -> None:
        self.fields.clear()


def merge_small(writer, segments):
    """Merge policy: fold small segments, and ones mostly deleted, into the new segment; keep the rest."""
    merged, kept = [], []
    for seg in segments:
        docs = seg.doc_count_all()
        small = docs < SMALL_SEGMENT or seg.deleted_count() * 2 > docs
        (merged if small else kept).append(seg)
    if not merged:
        return segments
    for seg in merged:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return kept


class FastSegmentWriter(SegmentWriter):
    """SegmentWriter with postings grouped in memory and a merge policy that never rewrites large segments."""

    def __init__(self, ix, **kwargs) -> None:

        # Large blocks, light compression: a search reads whole posting lists
        # (search/postings.py), so skipping within a list buys nothing, and every
        # block costs a pickle and a zlib call to write and to read.
        kwargs.setdefault("codec", W3Codec(blocklimit=1024, compression=1))
        super().__init__(ix, **kwargs)
        self.pool = MemoryPool()
        self.mergetype = merge_small
        # {(field, value): its terms}: a report has hundreds of figures, mostly small
        # integers that every report repeats, and Whoosh encodes each one anew
        self._numeric_terms: dict[tuple[int, object], list] = {}
        self._field_of: dict[str, object] = {}
        self._texts: list[bytes] = []  # each document's normalised section text, in doc order (textcolumn.py)

    def add_document(self, **fields) -> None:
        """Add a document (same as SegmentWriter.add_document, without boosts, vectors or spelling)."""
        self._check_state()
        schema, pdw, docnum, pool = self.schema, self.perdocwriter, self.docnum, self.pool.fields
        field_of = self._field_of
        pdw.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None or name.startswith("_"):
                    continue
                field = field_of.get(name)
                if field is None:  # Schema looks names up through its globs (the figures) each time
                    if name not in schema:
                        raise UnknownFieldError(f"No field named {name!r} in {schema}")
                    field = field_of[name] = schema[name]
                length = 0
                if field.indexed:
                    terms = pool.get(name)
                    if terms is None:
                        terms = pool[name] = {}
                    # MemoryPool.add inlined: a call per posting is most of this loop's cost
                    for tbytes, freq, weight, vbytes in self._terms(field, value):
                        length += freq
                        postings = terms.get(tbytes)
                        if postings is None:
                            terms[tbytes] = [docnum, weight, vbytes]
                        else:
                            postings += (docnum, weight, vbytes)
                    if not field.scorable:
                        length = 0
                pdw.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    pdw.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._texts.append(section_text(fields))
        self._added = True
        self.docnum += 1

    def add_reader(self, reader) -> None:
        """Merge a segment's documents into this one (Whoosh's), their section texts with them."""
        self._texts.extend(section_text(stored) for _, stored in reader.iter_docs())
        super().add_reader(reader)

    def _terms(self, field, value):
        if not isinstance(field, NUMERIC) or not isinstance(value, int | float):
            return field.index(value)
        key = (id(field), value)
        terms = self._numeric_terms.get(key)
        if terms is None:
            if len(self._numeric_terms) >= NUMERIC_CACHE:
                self._numeric_terms.clear()
            terms = self._numeric_terms[key] = list(field.index(value))
        return terms

    def commit_with(self, segments: list) -> None:
        """Commit this writer's changes together with segments other writers (processes) finished."""
        self._check_state()
        final = self._merge_segments(None, None, None)
        if self._added:
            final.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(final + list(segments))
        self._finish()

    def _commit_toc(self, segments) -> None:
        """Whoosh's commit, durable: segment files, checksums and TOC fsynced before the rename."""
        from whoosh.index import TOC, clean_files

        folder = Path(self.storage.folder)
        write_checksums(folder, segments)
        write_toc(TOC(self.schema, segments, self.generation), self.storage, self.indexname)
        clean_files(self.storage, self.indexname, self.generation, segments)

    def _flush_segment(self) -> None:
        write_text_column(self.storage, self.get_segment(), self._texts, self.docnum)
        self._texts = []
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        try:
            lengths = _field_lengths(pdr, self.schema, self.pool.fieldnames, self.docnum)
        finally:
            pdr.close()
        fw = self.fieldwriter
        current = None
        for fieldname, tbytes, (ids, weights, values) in self.pool.sorted_terms():
            if fieldname != current:
                if current is not None:
                    fw.finish_field()
                fw.start_field(fieldname, self.schema[fieldname])
                current = fieldname
            fw.start_term(tbytes)
            _add_postings(fw._postwriter, ids, weights, values, lengths.get(fieldname))
            fw.finish_term()
        if current is not None:
            fw.finish_field()
        fw.close()


def _field_lengths(pdr, schema, fieldnames, doccount: int) -> dict[str, list[int]]:
    """Each scorable field's length per document, read once (Whoosh looks it up per posting)."""
    out = {}
    for name in fieldnames:
        if schema[name].scorable:
            out[name] = [pdr.doc_field_length(d, name) for d in range(doccount)]
    return out


def _add_postings(pw, ids: list, weights: list, values: list, lengths: list[int] | None) -> None:
    """Fill a W3 postings writer with one term's postings, a whole block at a time.

    Equivalent to pw.add_posting(id, weight, value, length) per posting.
    """
    limit = pw._blocklimit
    for start in range(0, len(ids), limit):
        if len(pw._ids) >= limit:
            pw._write_block()
        chunk = ids[start : start + limit]
        pw._ids.extend(chunk)
        chunk_weights = weights[start : start + limit]
        pw._weights.extend(chunk_weights)
        pw._maxweight = max(pw._maxweight, max(chunk_weights))
        pw._values.extend(v for v in values[start : start + limit] if v)
        if lengths is not None:
            present = [n for n in map(lengths.__getitem__, chunk) if n]
            if present:
                low, high = min(present), max(present)
                if pw._minlength is None or low < pw._minlength:
                    pw._minlength = low
                pw._maxlength = max(pw._maxlength, high)
