"""Extraction in a child process under the file limits (index/reader/limits.py): a bomb costs the child, not us.

The child is forked from this process when it runs one thread (a build's workers), or
else from a small server process (multiprocessing's forkserver: safe from a threaded
parent such as the web server, and cheap after the first); it sets its address-space and CPU
limits, dies with its parent, extracts, and sends back the text or the reason it has
none. The parent waits at most twice the CPU limit in wall time, then kills it. A
child killed by a limit is a ParseError naming the limit and the flag that raises it.
"""

from __future__ import annotations

import errno
import logging
import multiprocessing
import os
import pickle
import resource
import select
import signal
import sys
import threading
import time
from collections.abc import Callable

from ..errors import ParseError
from ..limits import FLAGS, Limits, limits, set_limits

_context = None


def _forkserver():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        # imported once in the server, not in every child (and not under a child's memory limit)
        _context.set_forkserver_preload(
            ["index.reader.formats.pdf", "index.reader.formats.docx", "pdfplumber", "charset_normalizer", "docx"]
        )
    return _context


def guarded(extract: Callable[[bytes, str], str], data: bytes, source: str) -> str:
    """Run `extract(data, source)` in a child process under the file limits; return its text or raise."""
    bounds = limits()
    if threading.active_count() == 1:  # a plain fork is safe (and works in a pool's daemonic workers)
        kind, value, code = _forked(extract, data, source, bounds)
    else:
        kind, value, code = _from_server(extract, data, source, bounds)
    if kind == "ok":
        return value
    if kind == "error":
        raise ParseError(source, value)
    # no answer in time, or killed by the CPU limit: time; any other death is an allocation that failed
    timed_out = kind == "slow" or code in (-signal.SIGXCPU, -signal.SIGKILL)
    if kind == "memory" or not timed_out:
        raise ParseError(source, _over("memory_mb", bounds, "MB of memory to extract its text"))
    raise ParseError(source, _over("seconds", bounds, "seconds to extract its text"))


def _from_server(extract, data: bytes, source: str, bounds: Limits) -> tuple[str, object, int | None]:
    ctx = _forkserver()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(extract, data, source, bounds, send), daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(2 * bounds.seconds + 5):
            try:
                kind, value = receive.recv()
            except (EOFError, OSError):
                kind, value = "died", None
        else:
            kind, value = "slow", None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
    return kind, value, child.exitcode


def _forked(extract, data: bytes, source: str, bounds: Limits) -> tuple[str, object, int | None]:
    """The child forked here, its answer read from a pipe until the watchdog's deadline."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        code = 0
        try:
            with os.fdopen(write_end, "wb") as out:
                _child(extract, data, source, bounds, _Sender(out))
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_end)
    deadline = time.monotonic() + 2 * bounds.seconds + 5
    chunks: list[bytes] = []
    with os.fdopen(read_end, "rb", buffering=0) as answer:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([answer], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return "slow", None, -signal.SIGKILL
            chunk = answer.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    try:
        kind, value = pickle.loads(b"".join(chunks))
    except (pickle.UnpicklingError, EOFError, ValueError):
        return "died", None, code
    return kind, value, code


class _Sender:
    """What a forked child sends its answer with (multiprocessing's Connection.send, over a plain pipe)."""

    def __init__(self, out) -> None:
        self.out = out

    def send(self, value) -> None:
        self.out.write(pickle.dumps(value))


def _over(name: str, bounds: Limits, what: str) -> str:
    return f"took more than the {getattr(bounds, name):,} {what} (a limit per file; raise it with {FLAGS[name]})"


def _child(extract, data: bytes, source: str, bounds: Limits, send) -> None:
    """In the child: the limits, then the extraction; what it gives is sent back."""
    die_with_parent()
    # the address space a fork inherits (a build worker's segment, maps) is not the file's: the limit is on top
    memory = _address_space() + bounds.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (bounds.seconds, bounds.seconds + 1))
    set_limits(**{k: getattr(bounds, k) for k in FLAGS})
    _name_the_file_in_warnings(source)
    try:
        result = ("ok", extract(data, source))
    except ParseError as exc:
        result = ("error", exc.reason)
    except MemoryError:
        result = ("memory", None)
    except (ImportError, OSError) as exc:
        # under the memory limit a module that could not be loaded is an allocation that failed
        failed = "map" in str(exc) or "allocate" in str(exc) or getattr(exc, "errno", None) == errno.ENOMEM
        result = ("memory", None) if failed else ("error", f"could not be read ({type(exc).__name__})")
    except Exception as exc:  # a reader's own failure on a damaged file: said, never a traceback
        result = ("error", f"could not be read ({type(exc).__name__}: {exc})")
    try:
        send.send(result)
    except (MemoryError, OSError):
        send.send(("memory", None))


def _name_the_file_in_warnings(source: str) -> None:
    """pdfminer's warnings (a damaged cross-reference table, a missing font) in the project's words: the file named,
    the reader said, one line each; its debug chatter dropped."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"xxgk: {source}: %(message)s (the PDF reader's warning)"))
    for name in ("pdfminer", "pdfplumber"):
        log = logging.getLogger(name)
        log.handlers[:] = [handler]
        log.setLevel(logging.WARNING)
        log.propagate = False


def _address_space() -> int:
    """This process's virtual memory size in bytes (0 where /proc does not say)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux; elsewhere the watchdog stands)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
