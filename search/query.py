"""The query language: exact phrases, AND by spaces, OR, and -exclusion.

A bare Chinese string is one exact phrase (after normalisation), as a user typing
更新不及时 expects; "…" quotes a phrase explicitly (so it may contain spaces);
space-separated terms must all occur; `a OR b` lets either; `-term` excludes.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.analysis import normalize

from .errors import QueryError

MAX_QUERY_CHARS = 200
MAX_TERMS = 20


@dataclass(frozen=True)
class Query:
    """A parsed query: every clause must match (a clause is phrases joined by OR); no excluded phrase may."""

    clauses: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...] = ()

    @property
    def phrases(self) -> list[str]:
        """The phrases a hit is highlighted for: every positive phrase, once."""
        return list(dict.fromkeys(p for clause in self.clauses for p in clause))


def _tokens(text: str) -> list[tuple[str, str]]:
    """Given query text, return (kind, value) tokens: ("term", …), ("not", …) or ("or", "OR")."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negate = ch == "-" and i + 1 < n and not text[i + 1].isspace()
        if negate:
            i += 1
        if text[i] in '"“”':
            closing = text.find('"', i + 1) if text[i] == '"' else text.find("”", i + 1)
            if closing < 0:
                raise QueryError(f"unbalanced quote at character {i + 1}")
            value, i = text[i + 1 : closing], closing + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '"“':
                j += 1
            value, i = text[i:j], j
        if value == "OR" and not negate:
            out.append(("or", value))
        else:
            out.append(("not" if negate else "term", value))
    return out


def parse_query(text: str) -> Query:
    """Given what the user typed, return the parsed Query; QueryError says what is wrong.

    >>> parse_query('更新不及时 人员 OR 编制 -"新 媒体"')
    Query(clauses=(('更新不及时',), ('人员', '编制')), excluded=('新媒体',))
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query is {len(text)} characters; the limit is {MAX_QUERY_CHARS}")
    clauses: list[list[str]] = []
    excluded: list[str] = []
    pending_or = False
    for kind, value in _tokens(text):
        if kind == "or":
            if not clauses or pending_or:
                raise QueryError("OR must stand between two terms")
            pending_or = True
            continue
        phrase = normalize(value)
        if not phrase:
            raise QueryError(f"empty term {value!r}")
        if kind == "not":
            if pending_or:
                raise QueryError("an excluded term (-term) cannot be part of OR")
            excluded.append(phrase)
        elif pending_or:
            clauses[-1].append(phrase)
            pending_or = False
        else:
            clauses.append([phrase])
    if pending_or:
        raise QueryError("OR must stand between two terms")
    if not clauses:
        raise QueryError("the query has nothing to find" + (" (only excluded terms)" if excluded else ""))
    # a term repeated is one term: AND of the same phrase twice is the phrase
    unique = tuple(dict.fromkeys(tuple(dict.fromkeys(c)) for c in clauses))
    excluded_unique = tuple(dict.fromkeys(excluded))
    if sum(map(len, unique)) + len(excluded_unique) > MAX_TERMS:
        raise QueryError(f"too many terms; the limit is {MAX_TERMS}")
    return Query(unique, excluded_unique)
