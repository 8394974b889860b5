"""Other ways to answer the same queries, timed in the same run: scans, SQLite FTS5 and tantivy.

- Scan: every normalised section text held in memory, each tested with `in` (Python).
- CScan: every normalised section text in one string, separated by NUL; a phrase is
  found with str.find (C speed) and each hit mapped to its section by bisection.
- FTS5: the stdlib sqlite3 with FTS5's trigram tokenizer, one row per section; phrases
  of three characters or more are MATCHed as phrases, shorter ones use LIKE (which the
  trigram index cannot serve). Filters are applied to the returned sections.
- Tantivy (PyPI, optional): one document per section with its bigrams as tokens at
  their character positions, so a phrase query over the covering bigrams at their
  offsets matches exactly what a substring scan matches (one character: a field of
  single characters); filters and figure conditions are fields of the document, so a
  search returns its count and top 10 by BM25 as tantivy's users get them.
Every contender also answers with the exact set of (report id, section), checked
against the Python scan.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from bisect import bisect_right
from pathlib import Path

from index.analysis import normalize
from search.filters import Filters
from search.matching import covering_grams
from search.query import Query

Section = tuple[str, str, str, dict]  # report id, section name, normalised text, report facts
SPACE = "\u2423"  # stands for a space inside a bigram token (tokens are separated by spaces)


def allowed(sections: list[Section], filters: Filters) -> list[bool]:
    """Whether each section passes the filters, tested one by one (the scans' way)."""
    return [section_ok(name, meta, filters) for _, name, _, meta in sections]


def section_ok(name: str, meta: dict, filters: Filters) -> bool:
    if filters.sections and name not in filters.sections:
        return False
    year = meta["year"]
    if filters.year_from is not None and (year is None or year < filters.year_from):
        return False
    if filters.year_to is not None and (year is None or year > filters.year_to):
        return False
    if filters.template and meta["template"] != filters.template:
        return False
    if filters.agency and normalize(filters.agency) not in normalize(meta["agency"] or ""):
        return False
    for cond in filters.where:
        value = meta["figures"].get(cond.key)
        if value is None or not _compare(value, cond.op, cond.value):
            return False
    return True


def _compare(a: float, op: str, b: float) -> bool:
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b, "=": a == b, "!=": a != b}[op]


def scan(sections: list[Section], query: Query, filters: Filters) -> set[tuple[str, str]]:
    """The ground truth: a substring test of every normalised section text."""
    return {
        (rid, name)
        for rid, name, text, meta in sections
        if section_ok(name, meta, filters)
        and all(any(p in text for p in clause) for clause in query.clauses)
        and not any(p in text for p in query.excluded)
    }


class CScan:
    def __init__(self, sections: list[Section]) -> None:
        self.sections = sections
        self.starts: list[int] = []
        parts, pos = [], 0
        for _, _, text, _ in sections:
            self.starts.append(pos)
            parts.append(text)
            pos += len(text) + 1
        self.buffer = "\x00".join(parts)

    def phrase(self, phrase: str) -> set[int]:
        found, buf, starts = set(), self.buffer, self.starts
        i = buf.find(phrase)
        while i >= 0:
            s = bisect_right(starts, i) - 1
            found.add(s)
            # the next section: a phrase holds no NUL, so one hit per section is enough
            nxt = starts[s + 1] if s + 1 < len(starts) else len(buf)
            i = buf.find(phrase, nxt)
        return found

    def search(self, query: Query, allowed: list[bool]) -> set[tuple[str, str]]:
        return _combine(self.phrase, query, allowed, self.sections)


class Fts5:
    def __init__(self, sections: list[Section], path: Path) -> None:
        self.sections = sections
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE VIRTUAL TABLE s USING fts5(text, tokenize='trigram')")
        self.db.executemany(
            "INSERT INTO s(rowid, text) VALUES (?, ?)", ((i, t) for i, (_, _, t, _) in enumerate(sections))
        )
        self.db.commit()
        self.build_seconds = time.perf_counter() - started
        self.size = path.stat().st_size

    def phrase(self, phrase: str) -> set[int]:
        if len(phrase) >= 3:
            rows = self.db.execute("SELECT rowid FROM s WHERE s MATCH ?", ('"' + phrase.replace('"', '""') + '"',))
        else:
            escaped = phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            rows = self.db.execute("SELECT rowid FROM s WHERE text LIKE ? ESCAPE '\\'", (f"%{escaped}%",))
        return {r[0] for r in rows}

    def search(self, query: Query, allowed: list[bool]) -> set[tuple[str, str]]:
        return _combine(self.phrase, query, allowed, self.sections)


def _combine(find, query: Query, allowed: list[bool], sections: list[Section]) -> set[tuple[str, str]]:
    docs: set[int] | None = None
    for clause in query.clauses:
        found: set[int] = set()
        for phrase in clause:
            found |= find(phrase)
        docs = found if docs is None else docs & found
    docs = docs or set()
    for phrase in query.excluded:
        docs -= find(phrase)
    return {(sections[d][0], sections[d][1]) for d in docs if allowed[d]}


def bigram_tokens(text: str) -> str:
    """A normalised text's bigrams as space-separated tokens, the i-th at position i."""
    text = text.replace(" ", SPACE)
    return " ".join([text[i : i + 2] for i in range(len(text) - 1)])


def char_tokens(text: str) -> str:
    return " ".join(text.replace(" ", SPACE))


def _figure_field(key: str) -> str:
    return "f_" + key.replace(".", "_")


def tantivy_schema(figure_keys=()):
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("grams", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("chars", tokenizer_name="whitespace", index_option="basic")
    builder.add_unsigned_field("sid", indexed=False, fast=True)
    builder.add_text_field("section", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("template", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("agency", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("year", indexed=True, fast=True)
    for key in figure_keys:
        builder.add_float_field(_figure_field(key), indexed=True, fast=True)
    return builder.build()


class Tantivy:
    """tantivy over the same sections, built in the same run (2 indexing threads, as xxgk's 2 workers)."""

    def __init__(self, sections: list[Section], path: Path, figure_keys=()) -> None:
        import tantivy

        self.t, self.sections, self.figure_keys = tantivy, sections, tuple(figure_keys)
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        started = time.perf_counter()
        self.schema = tantivy_schema(self.figure_keys)
        self.index = tantivy.Index(self.schema, path=str(path))
        writer = self.index.writer(heap_size=1 << 30, num_threads=2)
        for sid, (_, name, text, meta) in enumerate(sections):
            doc = tantivy.Document()
            doc.add_text("grams", bigram_tokens(text))
            doc.add_text("chars", char_tokens(text))
            doc.add_unsigned("sid", sid)
            doc.add_text("section", name)
            doc.add_text("template", meta["template"] or "")
            if meta["agency"]:
                doc.add_text("agency", meta["agency"])
            doc.add_integer("year", meta["year"] or 0)
            for key in self.figure_keys:
                if key in meta["figures"]:
                    doc.add_float(_figure_field(key), float(meta["figures"][key]))
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.build_seconds = time.perf_counter() - started
        self.size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        self.agencies = sorted({meta["agency"] for _, _, _, meta in sections if meta["agency"]})

    def _phrase(self, phrase: str):
        q, phrase = self.t.Query, phrase.replace(" ", SPACE)
        if len(phrase) == 1:
            return q.term_query(self.schema, "chars", phrase)
        if len(phrase) == 2:
            return q.term_query(self.schema, "grams", phrase)
        return q.phrase_query(self.schema, "grams", [(offset, gram) for offset, gram in covering_grams(phrase)])

    def _query(self, query: Query, filters: Filters):
        t = self.t
        q, must = t.Query, t.Occur.Must
        parts = []
        for clause in query.clauses:
            if len(clause) == 1:
                parts.append((must, self._phrase(clause[0])))
            else:
                parts.append((must, q.boolean_query([(t.Occur.Should, self._phrase(p)) for p in clause])))
        parts += [(t.Occur.MustNot, self._phrase(p)) for p in query.excluded]
        if filters.sections:
            parts.append((must, q.term_set_query(self.schema, "section", list(filters.sections))))
        if filters.template:
            parts.append((must, q.term_query(self.schema, "template", filters.template)))
        if filters.year_from is not None or filters.year_to is not None:
            low = filters.year_from if filters.year_from is not None else 1  # no year (0) is in no range
            parts.append((must, q.range_query(self.schema, "year", t.FieldType.Integer, low, filters.year_to)))
        if filters.agency:
            needle = normalize(filters.agency)
            names = [a for a in self.agencies if needle in normalize(a)] or ["\0"]
            parts.append((must, q.term_set_query(self.schema, "agency", names)))
        for cond in filters.where:
            parts.extend(self._condition(cond))
        return q.boolean_query(parts)

    def _condition(self, cond):
        t = self.t
        field, v, q = _figure_field(cond.key), cond.value, t.Query

        def between(lo, hi, lo_in=True, hi_in=True):
            return q.range_query(self.schema, field, t.FieldType.Float, lo, hi, lo_in, hi_in)

        if cond.op == "!=":
            return [(t.Occur.Must, q.exists_query(field)), (t.Occur.MustNot, between(v, v))]
        bounds = {">=": (v, None, True, True), ">": (v, None, False, True), "<=": (None, v, True, True),
                  "<": (None, v, True, False), "=": (v, v, True, True)}[cond.op]  # fmt: skip
        return [(t.Occur.Must, between(*bounds))]

    def top(self, query: Query, filters: Filters) -> tuple[int, list]:
        """What a tantivy user gets: the exact count and the top 10 by BM25."""
        result = self.searcher.search(self._query(query, filters), 10, count=True)
        return result.count, result.hits

    def search(self, query: Query, filters: Filters) -> set[tuple[str, str]]:
        """The exact set (every hit's section, by its fast field)."""
        parsed = self._query(query, filters)
        count = self.searcher.search(parsed, 1, count=True).count
        if not count:
            return set()
        hits = self.searcher.search(parsed, count).hits
        sids = self.searcher.fast_field_values("sid", [address for _, address in hits])
        return {(self.sections[s][0], self.sections[s][1]) for s in sids}


def fts5_from_files(files: list[Path], path: Path) -> None:
    """Build an FTS5 (trigram) index from the report files themselves, as a user of SQLite would: each
    file read and decoded, its normalised text inserted whole (no sections, no figures)."""
    from index.reader.formats.files import load_text

    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE r USING fts5(text, tokenize='trigram')")
    db.executemany("INSERT INTO r(text) VALUES (?)", ((normalize(load_text(f)),) for f in files))
    db.commit()
    db.close()


def tantivy_from_files(files: list[Path], path: Path) -> None:
    """Build a tantivy index of CJK bigrams from the report files (each read, decoded, normalised and
    inserted whole, as FTS5's), with 2 indexing threads."""
    import tantivy

    from index.reader.formats.files import load_text

    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    schema = tantivy_schema()
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=1 << 30, num_threads=2)
    for sid, f in enumerate(files):
        text = normalize(load_text(f))
        doc = tantivy.Document()
        doc.add_text("grams", bigram_tokens(text))
        doc.add_text("chars", char_tokens(text))
        doc.add_unsigned("sid", sid)
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
