"""The fake ``api.php``: a single-threaded ``selectors`` loop in its own process.

HTTP/1.1 with keep-alive (and pipelining), GET and urlencoded POST; every answer is a
pre-built byte string from :class:`~benchmarks.answers.Answers`, so a request costs a
parse of the request head and query string, a dict look-up and a ``send``. It listens on
127.0.0.1 only, prints ``LISTENING <port>`` once its answers are built, and stops when its
standard input closes (so it never outlives the benchmark) or on SIGTERM.

``python -m benchmarks.fakeserver [--port 0] [--small N] [--large N] [--big-pages N]``

:func:`probe_capacity` drives it with a raw socket client (no HTTP library) to show it is
never the bottleneck.

Example::

    with FakeServer(small=1000, large=2000) as server:
        httpx.get(server.api_url, params={"action": "query", "meta": "siteinfo"})
"""

from __future__ import annotations

import argparse
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO
from urllib.parse import parse_qsl, urlsplit

from benchmarks.answers import DEFAULT_API_PATH, Answers, http_response

__all__ = ["FakeServer", "probe_capacity", "serve"]

REPO_ROOT = Path(__file__).resolve().parent.parent
_NOT_FOUND = http_response(
    b"Not Found\n", status=404, reason="Not Found", content_type="text/plain"
)
_BAD_REQUEST = http_response(
    b"Bad Request\n", status=400, reason="Bad Request", content_type="text/plain"
)
_MAX_HEAD = 64 * 1024


class _Connection:
    __slots__ = ("inbuf", "outbuf", "sock", "want_close")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.inbuf = b""
        self.outbuf: list[memoryview] = []
        self.want_close = False


class _Router:
    """Request head -> response. A GET's answer depends on its request line only, so it
    is looked up by that line's bytes before anything is parsed."""

    def __init__(self, answers: Answers) -> None:
        self.answers = answers
        self.by_line: dict[bytes, bytes] = {}

    def parse_one(self, buffer: bytes) -> tuple[bytes, int, bool] | None:
        """The response to the first complete request in ``buffer``, the bytes it used,
        and whether to close after it; ``None`` while the request is incomplete."""
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(buffer) > _MAX_HEAD:
                return _BAD_REQUEST, len(buffer), True
            return None
        line_end = buffer.find(b"\r\n")
        line = buffer[:line_end]
        headers = buffer[line_end:end].lower()
        length = 0
        at = headers.find(b"\r\ncontent-length:")
        if at >= 0:
            stop = headers.find(b"\r\n", at + 2)
            length = int(headers[at + 17 : stop if stop >= 0 else len(headers)].strip() or 0)
        close = not line.endswith(b" HTTP/1.1") or b"\r\nconnection: close" in headers
        used = end + 4 + length
        if len(buffer) < used:
            return None
        if length == 0:
            cached = self.by_line.get(line)
            if cached is not None:
                return cached, used, close
        response = self._respond(line, headers, buffer[end + 4 : used])
        if length == 0 and len(self.by_line) < 100_000:
            self.by_line[line] = response
        return response, used, close

    def _respond(self, line: bytes, headers: bytes, body: bytes) -> bytes:
        try:
            method, target, _ = line.decode("latin-1").split(" ", 2)
        except ValueError:
            return _BAD_REQUEST
        url = urlsplit(target)
        if not url.path.endswith("/api.php"):
            return _NOT_FOUND
        if method not in ("GET", "POST"):
            return _BAD_REQUEST
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        if body and b"content-type: application/x-www-form-urlencoded" in headers:
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return self.answers.respond(params)


def serve(listener: socket.socket, answers: Answers, control: IO[bytes] | None = None) -> None:
    """Serve until ``control`` (a pipe) reaches end of file, or forever without one."""
    selector = selectors.DefaultSelector()
    listener.setblocking(False)
    selector.register(listener, selectors.EVENT_READ, None)
    if control is not None:
        selector.register(control, selectors.EVENT_READ, "control")
    connections: dict[int, _Connection] = {}
    router = _Router(answers)

    def close(conn: _Connection) -> None:
        selector.unregister(conn.sock)
        connections.pop(conn.sock.fileno(), None)
        conn.sock.close()

    def flush(conn: _Connection) -> None:
        while conn.outbuf:
            chunk = conn.outbuf[0]
            try:
                sent = conn.sock.send(chunk)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                close(conn)
                return
            if sent < len(chunk):
                conn.outbuf[0] = chunk[sent:]
                break
            conn.outbuf.pop(0)
        if conn.outbuf:
            selector.modify(conn.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, conn)
        elif conn.want_close:
            close(conn)
        else:
            selector.modify(conn.sock, selectors.EVENT_READ, conn)

    running = True
    while running:
        for key, events in selector.select():
            if key.data is None:
                try:
                    sock, _ = listener.accept()
                except BlockingIOError:
                    continue
                sock.setblocking(False)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                conn = _Connection(sock)
                connections[sock.fileno()] = conn
                selector.register(sock, selectors.EVENT_READ, conn)
                continue
            if key.data == "control":
                if control is not None and not os.read(control.fileno(), 4096):
                    running = False
                continue
            conn = key.data
            if events & selectors.EVENT_READ:
                try:
                    data = conn.sock.recv(262144)
                except (BlockingIOError, InterruptedError):
                    data = None
                except OSError:
                    data = b""
                if data == b"":
                    close(conn)
                    continue
                if data:
                    conn.inbuf += data
                    while conn.inbuf and not conn.want_close:
                        parsed = router.parse_one(conn.inbuf)
                        if parsed is None:
                            break
                        response, used, want_close = parsed
                        conn.inbuf = conn.inbuf[used:]
                        conn.outbuf.append(memoryview(response))
                        conn.want_close = want_close
            if conn.outbuf or conn.want_close:
                flush(conn)
    for conn in list(connections.values()):
        close(conn)
    selector.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fakeserver")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--small", type=int, default=10_000, help="titles under Small/")
    parser.add_argument("--large", type=int, default=100_000, help="titles under Large/")
    parser.add_argument("--big-pages", type=int, default=500, help="pages of the big answer")
    args = parser.parse_args(argv)
    answers = Answers(small=args.small, large=args.large, big_pages=args.big_pages)
    answers.prebuild()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(128)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"LISTENING {listener.getsockname()[1]}", flush=True)
    try:
        serve(listener, answers, sys.stdin.buffer)
    finally:
        listener.close()
    return 0


class FakeServer:
    """Start the fake server in a subprocess; stop it on exit (or on :meth:`stop`)."""

    def __init__(self, *, small: int = 10_000, large: int = 100_000, big_pages: int = 500):
        self.args = ["--small", str(small), "--large", str(large), "--big-pages", str(big_pages)]
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_path(self) -> str:
        return DEFAULT_API_PATH

    @property
    def api_url(self) -> str:
        return self.host + DEFAULT_API_PATH

    def start(self) -> FakeServer:
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.fakeserver", *self.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=REPO_ROOT,
            env=env,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode()  # "" if it died
        if not line.startswith("LISTENING "):
            self.stop()
            raise RuntimeError(f"the fake server did not start (said {line!r})")
        self.port = int(line.split()[1])
        return self

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()  # the server stops at end of file
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


# -- the server's own capacity, with a raw socket client ------------------------------------
def _request_bytes(port: int, query: str) -> bytes:
    return (
        f"GET {DEFAULT_API_PATH}?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "User-Agent: mwtyped-bench-probe/1.0\r\nAccept: */*\r\n\r\n"
    ).encode()


class _RawClient:
    """Keep-alive HTTP/1.1 over one socket; reads responses by Content-Length."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()

    def read_response(self) -> int:
        buffer = self.buffer
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end >= 0:
                break
            buffer += self._recv()
        head = bytes(buffer[:end]).lower()
        start = head.index(b"content-length:") + 15
        stop = head.find(b"\r\n", start)
        length = int(head[start : stop if stop >= 0 else len(head)])
        total = end + 4 + length
        while len(buffer) < total:
            buffer += self._recv()
        del buffer[:total]
        return length

    def _recv(self) -> bytes:
        data = self.sock.recv(1 << 20)
        if not data:
            raise ConnectionError("the fake server closed the connection")
        return data

    def close(self) -> None:
        self.sock.close()


def probe_capacity(port: int, *, seconds: float = 1.0) -> dict[str, float]:
    """Requests per second the server answers, measured with raw sockets.

    * ``sequential``: one connection, one request at a time (latency bound);
    * ``pipelined``: one connection, 64 requests written at once, then read;
    * ``big_sequential``: the ~1.2 MB answer, one at a time (also as MB/s);
    * ``allpages_sequential``: a 500-title batch, one at a time.
    """
    siteinfo = "action=query&meta=siteinfo&format=json&formatversion=2&errorformat=plaintext"
    allpages = "action=query&list=allpages&apprefix=Small/&aplimit=500&format=json&formatversion=2"
    big = "action=query&prop=revisions&format=json&formatversion=2"
    out: dict[str, float] = {}
    client = _RawClient(port)
    try:
        for name, query in (
            ("sequential", siteinfo),
            ("allpages_sequential", allpages),
            ("big_sequential", big),
        ):
            request = _request_bytes(port, query)
            client.sock.sendall(request)
            body = client.read_response()  # warm
            count = 0
            started = time.perf_counter()
            while (elapsed := time.perf_counter() - started) < seconds:
                client.sock.sendall(request)
                client.read_response()
                count += 1
            out[f"{name}_per_s"] = count / elapsed
            if name == "big_sequential":
                out["big_mb_per_s"] = count * body / elapsed / 1e6
                out["big_body_bytes"] = float(body)
        request = _request_bytes(port, siteinfo)
        batch = request * 64
        count = 0
        started = time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            client.sock.sendall(batch)
            for _ in range(64):
                client.read_response()
            count += 64
        out["pipelined_per_s"] = count / elapsed
    finally:
        client.close()
    out["max_per_s"] = max(out["sequential_per_s"], out["pipelined_per_s"])
    return out


if __name__ == "__main__":
    raise SystemExit(main())
