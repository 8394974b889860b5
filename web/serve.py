"""Serving the app: waitress in one process, or in several sharing one listening socket.

Searching is CPU work in Python, so one process uses one core whatever its
threads. With `processes` > 1 the socket is bound here and the server forks
that many workers; each opens the index itself (read-only, so they share the
operating system's page cache) and serves with its own threads; the kernel
spreads connections between them. A worker that dies is started again. Errors
that waitress answers itself (a malformed request, headers too large) carry the
same security headers as the app's pages.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import sys
import time

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from . import SECURITY_HEADERS

# waitress's own answers, as a person reads them (its English, and its name, stay out of them)
ERROR_TEXTS = {
    400: "请求有误。",
    413: "上传的文件过大，超过了本服务接受的上限。",
    431: "请求头过大。",
}


class SecureErrorTask(ErrorTask):
    """waitress's own error answers (400, 413, 431 …): in Chinese, with the app's security headers."""

    def execute(self) -> None:
        error = self.request.error
        body = ERROR_TEXTS.get(error.code, "服务器无法处理这个请求。").encode("utf-8")
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", "text/plain; charset=utf-8"), *SECURITY_HEADERS.items()])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class CannotListen(OSError):
    """The address cannot be listened on (the port is taken, or not ours to take); the message says so."""


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; CannotListen, in one Chinese line with what to do, when it cannot be."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            hint = f"请用 --port 换一个端口，如 --port {port + 1}"
            raise CannotListen(f"端口 {port} 已被占用（可能已有服务在运行）：{hint}") from None
        if exc.errno == errno.EACCES:
            raise CannotListen(f"没有权限使用端口 {port}：请用 --port 换一个 1024 以上的端口") from None
        raise CannotListen(f"无法在 {host}:{port} 上提供服务（{exc.strerror}）：请检查 --host 与 --port") from None
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def serve(app: Flask, sock: socket.socket, threads: int = 4, processes: int = 1) -> None:
    """Serve `app` on a listening socket (see `listen`) until interrupted."""
    from waitress import create_server

    HTTPChannel.error_task_class = SecureErrorTask
    # waitress reads a whole body before the app sees it: one larger than the app takes is refused (413) unread
    limit = {"max_request_body_size": app.config["MAX_CONTENT_LENGTH"]} if app.config.get("MAX_CONTENT_LENGTH") else {}
    if processes <= 1:
        create_server(app, sockets=[sock], threads=threads, **limit).run()
        return
    children: dict[int, int] = {}  # pid → worker number

    def start(number: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker: serve until the parent says stop
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                create_server(app, sockets=[sock], threads=threads, **limit).run()
            finally:
                os._exit(0)
        children[pid] = number

    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for number in range(processes):
        start(number)
    try:
        while not stopping:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pid = 0
            if pid and pid in children and not stopping:
                number = children.pop(pid)
                print(f"xxgk serve: worker {number} ended ({status}); starting it again", file=sys.stderr, flush=True)
                start(number)
            time.sleep(0.2)
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        sock.close()
