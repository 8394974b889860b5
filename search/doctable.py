"""Per-document facts of one index generation, as plain lists indexed by document number.

Filters, facets, tie-breaks and the per-report grouping look these up for every
matching section; reading Whoosh's column readers one document at a time costs
about a microsecond each, so each column is read whole, once per generation
(the first time a query needs it), and kept while the searcher is current.
"""

from __future__ import annotations

from functools import cached_property

from .postings import read_postings


class DocTable:
    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.count = self.reader.doc_count_all()

    def _column(self, name: str) -> list:
        if not self.reader.has_column(name):
            return [None] * self.count
        return list(self.reader.column_reader(name))

    @cached_property
    def section(self) -> list[str]:
        return self._column("section")

    @cached_property
    def year(self) -> list[int]:
        return self._column("year")

    @cached_property
    def agency(self) -> list[str]:
        return self._column("agency")

    @cached_property
    def template(self) -> list[str]:
        return self._column("template")

    @cached_property
    def report_ids(self) -> list[str]:
        return self._column("report_id")

    @cached_property
    def report_docs(self) -> dict[str, int]:
        """{report id: document number of its report document}, live reports only."""
        ids = self.report_ids
        return {ids[d]: d for d in read_postings(self.reader, "kind", "report").ids}

    @cached_property
    def report_of(self) -> list[int]:
        """For each document, the document number of its report's record document (-1 if none)."""
        docs = self.report_docs
        return [docs.get(rid, -1) for rid in self.report_ids]

    @cached_property
    def text_length(self) -> list[int]:
        """Each document's length in words (BM25's document length)."""
        length = self.reader.doc_field_length
        return [length(d, "text") for d in range(self.count)]

    @cached_property
    def average_text_length(self) -> float:
        return self.searcher.avg_field_length("text") or 1.0

    def figure(self, field: str) -> list[float | None]:
        """A figure's value per report document number (None where the report does not have it).

        Figures have no column (one per figure would be written for every document):
        each distinct value is a term, so its postings say which reports have it.
        """
        cache = self.__dict__.setdefault("_figures", {})
        if field not in cache:
            values: list[float | None] = [None] * self.count
            if field in self.reader.schema:
                fieldobj = self.reader.schema[field]
                for tbytes in self.reader.lexicon(field):
                    value = fieldobj.from_bytes(tbytes)
                    for d in read_postings(self.reader, field, tbytes).ids:
                        values[d] = value
            cache[field] = values
        return cache[field]
