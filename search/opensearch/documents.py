"""What an OpenSearch index holds for a report: the mapping, and the documents of one report.

The same documents as the embedded index (index/store.py report_documents): one per
report (its record, figures as numeric fields) and one per section. Text is analysed
here, in Python, exactly as for the embedded index, and sent pre-tokenised to a
whitespace analyser:

- `grams`: every character of the normalised text starts one token, the bigram of it
  and the next character (the last character alone), written as hexadecimal code
  points (`516c_5f00`), so that no token holds a space. A phrase is its bigrams at
  consecutive positions (a phrase query): it matches exactly where the text contains
  it. A single character is the prefix of every token it starts (`516c_`).
- `words`: jieba's words (index/analysis.py segment), scored by BM25 as Lucene computes it.

A report and its sections share the routing key (the report id) and a join field, so the
reports among the matching sections are counted exactly (has_child). Reports go to one index per year
(`<prefix>-<year>`, `<prefix>-unknown` without a year), read through the alias `<prefix>`.
"""

from __future__ import annotations

import itertools

from index.analysis import normalize, segment
from index.reader.report import SECTIONS
from index.store import report_documents

from ..filters import FIGURE_KEYS

FIGURE_PREFIX = "figures."
MAPPING_VERSION = 2


def gram_tokens(text: str) -> list[str]:
    """Given normalised text, return its bigram tokens, one per character.

    >>> gram_tokens("公开")
    ['516c_5f00', '5f00_']
    """
    codes = [format(ord(c), "x") for c in text]
    return [a + "_" + b for a, b in itertools.pairwise(codes)] + ([codes[-1] + "_"] if codes else [])


def phrase_tokens(phrase: str) -> str:
    """The tokens a phrase of two or more characters is, at consecutive positions (space-separated)."""
    return " ".join(gram_tokens(phrase)[:-1])


def gram_token(gram: str) -> str:
    """The token of one bigram (or, for one character, the prefix of every token it starts)."""
    return "_".join(format(ord(c), "x") for c in gram) if len(gram) == 2 else format(ord(gram), "x") + "_"


def figure_name(key: str) -> str:
    """A figure's name inside `figures`: dots would make OpenSearch nest objects (and a.b clash with a.b.c)."""
    return key.replace(".", "__")


def figure_field(key: str) -> str:
    """A figure's field, as queries and sorts name it."""
    return FIGURE_PREFIX + figure_name(key)


def index_name(prefix: str, year: int | None) -> str:
    return f"{prefix}-{year}" if year else f"{prefix}-unknown"


def vocabulary_name(prefix: str) -> str:
    """The index of every bigram the reports hold (one document each): what a suggestion is drawn from."""
    return f"{prefix}-vocabulary"


def index_pattern(prefix: str) -> str:
    """Every index of a prefix, and none of another prefix that starts with it (xxgk vs xxgk-test)."""
    return f"{prefix}-1*,{prefix}-2*,{prefix}-unknown,{vocabulary_name(prefix)}"


def token_gram(token: str) -> str:
    """The bigram (or last character) a gram token stands for: the inverse of gram_token.

    >>> token_gram("516c_5f00"), token_gram("5f00_")
    ('公开', '开')
    """
    return "".join(chr(int(h, 16)) for h in token.split("_") if h)


def vocabulary_settings(replicas: int) -> dict:
    return {
        "settings": {"number_of_shards": 1, "number_of_replicas": replicas, "max_result_window": 100_000},
        "mappings": {"dynamic": "strict", "properties": {"first": {"type": "keyword"}, "second": {"type": "keyword"}}},
    }


def settings(shards: int, replicas: int) -> dict:
    return {
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "max_terms_count": 1 << 20,  # an agency or place filter is the list of agencies it allows
            "max_result_window": 100_000,
            # a removed report's documents leave the statistics BM25 reads when segments merge
            "merge.policy.expunge_deletes_allowed": 0,
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"xxgk_mapping": MAPPING_VERSION},
            "properties": {
                "kind": {"type": "keyword"},
                "relation": {"type": "join", "relations": {"report": "section"}},
                "report_id": {"type": "keyword"},
                "source": {"type": "keyword"},
                "hash": {"type": "keyword"},
                "agency": {"type": "keyword"},
                "year": {"type": "short"},
                "template": {"type": "keyword"},
                "title": {"type": "keyword", "index": False, "doc_values": False},
                "section": {"type": "keyword"},
                "section_order": {"type": "byte"},
                "text": {"type": "text", "index": False},
                "words": {"type": "text", "analyzer": "whitespace", "index_options": "freqs"},
                "grams": {"type": "text", "analyzer": "whitespace", "index_options": "positions"},
                "record": {"type": "object", "enabled": False},
                # every figure the format has, mapped up front: a condition on a figure no document of
                # a shard holds must not make that shard's query match nothing before its statistics are read
                # (the collection statistics BM25 reads would then change with the filters)
                "figures": {
                    "dynamic": True,  # a key the format does not list yet is still kept, as a number
                    "properties": {figure_name(key): {"type": "double"} for key in sorted(FIGURE_KEYS)},
                },
            },
            "dynamic_templates": [{"figures": {"path_match": "figures.*", "mapping": {"type": "double"}}}],
        },
    }


def documents(report, source: str, digest: str, name: str | None = None) -> list[tuple[str, dict]]:
    """Given a parsed report, return its (document id, source) pairs for OpenSearch.

    Every section carries its report's figures too (numeric doc values, small): a condition
    on figures filters sections directly, and sections sort by their report's figure."""
    out = []
    figures = {figure_name(k): float(v) for k, v in report.figures.items()}
    for doc in report_documents(report, source, digest, name):
        common = {k: doc[k] for k in ("kind", "report_id", "source", "agency", "template") if k in doc}
        if doc.get("year"):
            common["year"] = doc["year"]
        if figures:
            common["figures"] = figures
        if doc["kind"] == "report":
            out.append((
                report.id,
                common | {"relation": {"name": "report"}, "hash": doc["hash"], "title": doc.get("title"),
                          "record": doc["record"]},
            ))  # fmt: skip
        else:
            text = normalize(doc["text"])
            out.append((
                f"{report.id}/{doc['section']}",
                common | {
                    "relation": {"name": "section", "parent": report.id},
                    "section": doc["section"],
                    "section_order": SECTIONS.index(doc["section"]),
                    "text": doc["text"],
                    "words": " ".join(segment(text)),
                    "grams": " ".join(gram_tokens(text)),
                },
            ))  # fmt: skip
    return out
