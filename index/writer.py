"""A Whoosh segment writer that keeps a segment's postings in memory and writes its search part.

Whoosh indexes only a few ID fields here (index/store.py); their postings are
grouped by term in memory as documents arrive (in document order, so each
term's list is already sorted) instead of Whoosh's external sort of pickled
tuples. Everything a search reads goes to the segment's part (index/part.py),
built from the documents added (or merged in) when the segment is finished,
after Whoosh has assembled its compound file: the part stays a file of its own
beside it, named like the segment's files, so commits checksum it and clean it
up with the segment.

The block writing fills the codec's postings blocks directly; it relies on the
pinned whoosh-reloaded 2.7.5 W3 codec, and tests/test_writer.py checks that an
index written this way has exactly the postings the stock writer writes.
"""

from __future__ import annotations

from pathlib import Path

from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, UnknownFieldError
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from .durable import write_checksums, write_toc
from .part import PartBuilder, SegmentPart, kept_in_part, part_path, with_texts

# Segments below this many documents are merged into the next commit's segment;
# larger ones are never rewritten (merging is pure Python and slow at scale).
SMALL_SEGMENT = 4000
PART_ONLY = frozenset({"text"})  # fields the part keeps and Whoosh never sees


class MemoryPool:
    """Postings of one segment: {field name: {term bytes: [doc, weight, value, doc, weight, value, …]}}.

    One flat list per term: adding a posting is one in-place concatenation
    instead of three appends.
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
    """SegmentWriter with postings grouped in memory, a search part per segment, and a merge policy that
    never rewrites large segments."""

    def __init__(self, ix, **kwargs) -> None:
        kwargs.setdefault("codec", W3Codec(blocklimit=1024, compression=1))
        super().__init__(ix, **kwargs)
        self.pool = MemoryPool()
        self.mergetype = merge_small
        self._field_of: dict[str, object] = {}
        self.part = PartBuilder()

    def add_document(self, **fields) -> None:
        """Add a document (same as SegmentWriter.add_document, without boosts, vectors or spelling)."""
        self._check_state()
        schema, pdw, docnum, pool = self.schema, self.perdocwriter, self.docnum, self.pool.fields
        field_of = self._field_of
        pdw.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None or name.startswith("_") or name in PART_ONLY:
                    continue
                if name == "record":  # the body and figures are kept in the part, uncompressed
                    value = kept_in_part(value)
                field = field_of.get(name)
                if field is None:
                    if name not in schema:
                        raise UnknownFieldError(f"No field named {name!r} in {schema}")
                    field = field_of[name] = schema[name]
                if field.indexed:
                    terms = pool.get(name)
                    if terms is None:
                        terms = pool[name] = {}
                    # an ID is its value, whole: the one posting Whoosh's ID analysis would give, without it
                    postings_of = ((value.encode("utf-8"), 1, 1.0, b""),) if type(field) is ID else field.index(value)
                    for tbytes, _, weight, vbytes in postings_of:
                        postings = terms.get(tbytes)
                        if postings is None:
                            terms[tbytes] = [docnum, weight, vbytes]
                        else:
                            postings += (docnum, weight, vbytes)
                pdw.add_field(name, field, value if field.stored else None, 0)
            self.part.add(fields)
        except Exception:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader) -> None:
        """Merge a segment's live documents into this one (Whoosh's), their part with them."""
        old = SegmentPart(part_path(self.storage.folder, reader.segment()))
        for docnum, stored in reader.iter_docs():
            self.part.add(with_texts(stored, old, docnum))
        super().add_reader(reader)

    def _finalize_segment(self):
        segment = super()._finalize_segment()
        if len(self.part) != self.docnum:
            raise RuntimeError(f"the search part holds {len(self.part)} documents for {self.docnum}")
        self.part.write(part_path(self.storage.folder, segment))
        self.part = PartBuilder()
        return segment

    def commit_with(self, segments: list, checksums: dict[str, dict] | None = None) -> None:
        """Commit this writer's changes together with segments other writers (processes) finished (and the
        checksums of their files, when they recorded them)."""
        self._check_state()
        final = self._merge_segments(None, None, None)
        if self._added:
            final.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(final + list(segments), checksums)
        self._finish()

    def _commit_toc(self, segments, checksums: dict[str, dict] | None = None) -> None:
        """Whoosh's commit, durable: segment files, checksums and TOC fsynced before the rename."""
        from whoosh.index import TOC, clean_files

        folder = Path(self.storage.folder)
        write_checksums(folder, segments, checksums)
        write_toc(TOC(self.schema, segments, self.generation), self.storage, self.indexname)
        clean_files(self.storage, self.indexname, self.generation, segments)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fw = self.fieldwriter
        current = None
        for fieldname, tbytes, (ids, weights, values) in self.pool.sorted_terms():
            if fieldname != current:
                if current is not None:
                    fw.finish_field()
                fw.start_field(fieldname, self.schema[fieldname])
                current = fieldname
            fw.start_term(tbytes)
            _add_postings(fw._postwriter, ids, weights, values)
            fw.finish_term()
        if current is not None:
            fw.finish_field()
        fw.close()


def _add_postings(pw, ids: list, weights: list, values: list) -> None:
    """Fill a W3 postings writer with one term's postings (of a field without lengths), a block at a time.

    Equivalent to pw.add_posting(id, weight, value) per posting.
    """
    limit = pw._blocklimit
    for start in range(0, len(ids), limit):
        if len(pw._ids) >= limit:
            pw._write_block()
        chunk_weights = weights[start : start + limit]
        pw._ids.extend(ids[start : start + limit])
        pw._weights.extend(chunk_weights)
        pw._maxweight = max(pw._maxweight, max(chunk_weights))
        pw._values.extend(v for v in values[start : start + limit] if v)
