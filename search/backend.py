"""Where reports are searched: the embedded Whoosh index (the default) or an OpenSearch cluster.

Both answer the same calls with the same results (tests/test_backends.py): search,
export, match_keys and facet_counts in search/engine.py take either. The embedded
index is a folder; a cluster is named by the URLs of one or more of its nodes, and
its indexes by a prefix (`<prefix>-<year>`, read through the alias `<prefix>`).
Configuration, strongest first: command-line options, then XXGK_BACKEND,
XXGK_OPENSEARCH_URL and XXGK_OPENSEARCH_PREFIX.
"""

from __future__ import annotations

import os

from .engine import SearchIndex

BACKENDS = ("whoosh", "opensearch")
DEFAULT_PREFIX = "xxgk"


def backend_name(name: str | None = None) -> str:
    name = name or os.environ.get("XXGK_BACKEND") or "whoosh"
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}: {' or '.join(BACKENDS)}")
    return name


def open_backend(name: str | None, index_dir: str, url: str | None = None, prefix: str | None = None):
    """The backend to search: the embedded index in `index_dir`, or a cluster at `url`."""
    if backend_name(name) == "whoosh":
        return SearchIndex.open(index_dir)
    backend = remote_backend(url, prefix)
    backend.folder = index_dir  # where its aliases file is (search/identity.py)
    return backend


def remote_backend(url: str | None = None, prefix: str | None = None):
    from .opensearch.backend import OpenSearchBackend

    url = url or os.environ.get("XXGK_OPENSEARCH_URL")
    if not url:
        raise ValueError("the OpenSearch backend needs --url (or XXGK_OPENSEARCH_URL), e.g. http://127.0.0.1:9200")
    return OpenSearchBackend(url, prefix or os.environ.get("XXGK_OPENSEARCH_PREFIX") or DEFAULT_PREFIX)
