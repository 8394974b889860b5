"""Other ways to answer the same queries, timed in the same run: a C-speed scan and SQLite FTS5.

- CScan: every normalised section text in one string, separated by NUL; a phrase is
  found with str.find (C speed) and each hit mapped to its section by bisection.
- FTS5: the stdlib sqlite3 with FTS5's trigram tokenizer, one row per section; phrases
  of three characters or more are MATCHed as phrases, shorter ones use LIKE (which the
  trigram index cannot serve). Filters are applied to the returned sections as the
  scan applies them.
Both answer with the set of (report id, section) keys, checked against the scan.
"""

from __future__ import annotations

import sqlite3
import time
from bisect import bisect_right
from pathlib import Path

from search.query import Query

Section = tuple[str, str, str, dict]  # report id, section name, normalised text, report record


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


def fts5_from_files(files: list[Path], path: Path) -> float:
    """Seconds to build an FTS5 (trigram) index from the report files themselves, as a user of SQLite
    would: each file read and decoded, its normalised text inserted whole (no sections, no figures)."""
    from index.analysis import normalize
    from index.reader.formats.files import load_text

    path.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE r USING fts5(text, tokenize='trigram')")
    db.executemany("INSERT INTO r(text) VALUES (?)", ((normalize(load_text(f)),) for f in files))
    db.commit()
    db.close()
    return time.perf_counter() - started
