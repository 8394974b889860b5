"""A small JSON client for OpenSearch's REST API: every node of a cluster, retries, back-pressure.

Only the standard library: a request goes to the first node that answers, and on a
connection failure or an overloaded answer (429, 502–504) it is retried on the next
node, with exponential back-off, until its time runs out. A bulk request is split into
bounded bodies, and the items the cluster refused for load (429) are sent again.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable

RETRY_STATUS = frozenset({429, 502, 503, 504})
BULK_BYTES = 4 << 20  # one bulk body at most (OpenSearch's default limit is 100 MB; small ones keep memory flat)


class ClusterError(Exception):
    """The cluster refused a request, or no node answered in time."""

    def __init__(self, message: str, status: int | None = None, body: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body or {}


class Client:
    """Requests to a cluster, given the URLs of one or more of its nodes."""

    def __init__(self, urls: str | Iterable[str], timeout: float = 60.0, retry_for: float = 120.0) -> None:
        if isinstance(urls, str):
            urls = urls.split(",")
        self.urls = [u.strip().rstrip("/") for u in urls if u.strip()]
        if not self.urls:
            raise ValueError("no OpenSearch URL given")
        for u in self.urls:
            if urllib.parse.urlsplit(u).scheme not in ("http", "https"):
                raise ValueError(f"not an http(s) URL: {u}")
        self.timeout, self.retry_for = timeout, retry_for
        self._preferred = 0  # the node that answered last is asked first

    def request(self, method: str, path: str, body=None, params: dict | None = None, ok: tuple = ()) -> dict:
        """Send one request; return the decoded answer. `ok` lists statuses that are answers, not errors."""
        data, content_type = None, "application/json"
        if isinstance(body, bytes):
            data, content_type = body, "application/x-ndjson"
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
        query = ("?" + urllib.parse.urlencode(params)) if params else ""
        deadline = time.monotonic() + self.retry_for
        delay, last = 0.1, None
        while True:
            for k in range(len(self.urls)):
                node = (self._preferred + k) % len(self.urls)
                req = urllib.request.Request(
                    self.urls[node] + path + query, data=data, method=method, headers={"Content-Type": content_type}
                )
                try:
                    with urllib.request.urlopen(req, timeout=self.timeout) as response:
                        self._preferred = node
                        raw = response.read()
                        return json.loads(raw) if raw else {}
                except urllib.error.HTTPError as exc:
                    raw = exc.read()
                    try:
                        answer = json.loads(raw) if raw else {}
                    except ValueError:
                        answer = {"error": raw[:500].decode(errors="replace")}
                    if exc.code in ok:
                        return answer | {"status": exc.code}
                    if exc.code not in RETRY_STATUS:
                        raise ClusterError(f"{method} {path}: {exc.code} {_reason(answer)}", exc.code, answer) from None
                    last = f"{exc.code} {_reason(answer)}"
                except (OSError, ValueError) as exc:  # refused, reset, timed out, a half-written answer
                    last = f"{self.urls[node]}: {exc}"
            if time.monotonic() + delay > deadline:
                raise ClusterError(f"{method} {path}: no node answered ({last})")
            time.sleep(delay)
            delay = min(delay * 2, 5.0)

    def bulk(self, actions: list[tuple[dict, dict | None]], refresh: bool = False) -> list[dict]:
        """Send (action, source) pairs in bounded bodies; resend the items refused for load.
        Return the items that failed otherwise (each with its _id and error)."""
        failed: list[dict] = []
        for chunk in _chunks(actions):
            pending = chunk  # (encoded lines, (action, source)) pairs
            delay, deadline = 0.2, time.monotonic() + self.retry_for
            while pending:
                answer = self.request("POST", "/_bulk", b"".join(line for line, _ in pending), {"refresh": "false"})
                retry = []
                for pair, item in zip(pending, answer.get("items", []), strict=True):
                    result = next(iter(item.values()))
                    if result.get("status", 200) == 429:
                        retry.append(pair)
                    elif result.get("status", 200) >= 300 and not ("delete" in item and result.get("status") == 404):
                        failed.append({"_id": result.get("_id"), "error": _reason(result)})
                if retry and time.monotonic() + delay > deadline:
                    failed += [
                        {"_id": next(iter(a.values())).get("_id"), "error": "refused for load"} for _, (a, _) in retry
                    ]
                    break
                if retry:
                    time.sleep(delay)
                    delay = min(delay * 2, 5.0)
                pending = retry
        if refresh:
            self.request("POST", "/_refresh")
        return failed


def _ndjson(action: dict, source: dict | None) -> bytes:
    line = json.dumps(action, ensure_ascii=False) + "\n"
    if source is not None:
        line += json.dumps(source, ensure_ascii=False) + "\n"
    return line.encode()


def _chunks(actions: list[tuple[dict, dict | None]]) -> Iterable[list[tuple[bytes, tuple]]]:
    """The actions encoded, in chunks of at most BULK_BYTES (one action larger than that goes alone)."""
    chunk: list = []
    size = 0
    for pair in actions:
        line = _ndjson(*pair)
        if chunk and size + len(line) > BULK_BYTES:
            yield chunk
            chunk, size = [], 0
        chunk.append((line, pair))
        size += len(line)
    if chunk:
        yield chunk


def _reason(answer: dict) -> str:
    error = answer.get("error")
    if isinstance(error, dict):
        cause = (error.get("root_cause") or [error])[0]
        return f"{cause.get('type', '')}: {cause.get('reason', '')}".strip(": ")
    return str(error or answer.get("result") or "")[:300]
