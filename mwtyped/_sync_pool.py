"""Keep-alive HTTP/1.1 connections to one wiki on blocking sockets, shared by threads: what
:class:`~mwtyped.Session` sends with by default (httpx's sync stack costs ~5x as much per
small request: docs/performance.md).

Failures are raised as the httpx exceptions httpx would raise for them, so the session's
mapping to mwtyped errors stays one piece of code: ``ConnectError``/``ConnectTimeout``
(nothing sent), ``PoolTimeout``, ``WriteError``/``WriteTimeout`` (the request did not go
out whole), ``ReadTimeout`` (no byte for ``read`` seconds), ``ReadError`` and
``RemoteProtocolError`` (closed early or malformed).

Example::

    pool = SyncConnectionPool(PoolSettings.of("127.0.0.1", 8080, False, httpx.Limits()))
    answer = pool.send(b"GET /api.php?... HTTP/1.1\\r\\nHost: ...\\r\\n\\r\\n", timeout)
    pool.close()
"""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import threading
import time

import httpx

from mwtyped._http1 import AnswerReader, WireProtocolError
from mwtyped._native import PoolSettings

__all__ = ["SyncConnectionPool"]

_READ_SIZE = 64 * 1024


class _Connection:
    __slots__ = ("idle_since", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.idle_since = 0.0

    def looks_closed(self) -> bool:
        """An idle connection with something to read has been closed by the server (or is
        out of step): either way it cannot carry another request."""
        try:
            readable, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


class SyncConnectionPool:
    """Connections to one origin, reused most-recent first by any thread, at most
    ``limits.max_connections`` open, idle ones kept ``limits.keepalive_expiry`` seconds."""

    def __init__(self, settings: PoolSettings) -> None:
        self._host = settings.host
        self._port = settings.port
        self._tls = settings.tls
        self._ssl: ssl.SSLContext | None = None
        self._max = settings.max_connections
        self._max_idle = settings.max_idle
        self._expiry = settings.keepalive_expiry
        self._idle: list[_Connection] = []
        self._open = 0
        self._changed = threading.Condition(threading.Lock())

    def use_ssl(self, context: ssl.SSLContext) -> None:
        self._ssl = context

    def send(self, data: bytes, timeout: httpx.Timeout) -> AnswerReader:
        """Write one request (head and body) and read its answer."""
        connection = self._acquire(timeout)
        reusable = False
        try:
            reader = self._exchange(connection.sock, data, timeout)
            reusable = reader.keep_alive and not reader.trailing_bytes
            return reader
        finally:
            self._release(connection, reusable)

    def _exchange(self, sock: socket.socket, data: bytes, timeout: httpx.Timeout) -> AnswerReader:
        try:
            sock.settimeout(timeout.write)
            sock.sendall(data)
        except TimeoutError:
            raise httpx.WriteTimeout(
                f"the request was not written within {timeout.write:g} s"
            ) from None
        except OSError as err:
            raise httpx.WriteError(f"{type(err).__name__}: {err}") from err
        sock.settimeout(timeout.read)
        reader = AnswerReader()
        try:
            while True:
                chunk = sock.recv(_READ_SIZE)
                if not chunk:
                    reader.feed_eof()
                    reader.keep_alive = False
                    return reader
                if reader.feed(chunk):
                    return reader
        except TimeoutError:
            raise httpx.ReadTimeout(f"no answer byte for {timeout.read:g} s") from None
        except WireProtocolError as err:
            raise httpx.RemoteProtocolError(str(err)) from None
        except OSError as err:
            raise httpx.ReadError(f"{type(err).__name__}: {err}") from err

    def _acquire(self, timeout: httpx.Timeout) -> _Connection:
        deadline = None if timeout.pool is None else time.monotonic() + timeout.pool
        with self._changed:
            while True:
                now = time.monotonic()
                while self._idle:
                    connection = self._idle.pop()
                    if now - connection.idle_since < self._expiry and not connection.looks_closed():
                        return connection
                    connection.close()
                    self._open -= 1
                if self._open < self._max:
                    self._open += 1
                    break
                left = None if deadline is None else deadline - now
                if left is not None and left <= 0:
                    raise httpx.PoolTimeout(
                        f"no free connection within {timeout.pool:g} s ({self._max} in use)"
                    )
                self._changed.wait(left)
        try:
            return _Connection(self._connect(timeout.connect))
        except BaseException:
            with self._changed:
                self._open -= 1
                self._changed.notify()
            raise

    def _connect(self, limit: float | None) -> socket.socket:
        try:
            sock = socket.create_connection((self._host, self._port), timeout=limit)
        except TimeoutError:
            raise httpx.ConnectTimeout(
                f"no connection to {self._host}:{self._port} within {limit:g} s"
            ) from None
        except OSError as err:
            raise httpx.ConnectError(f"{type(err).__name__}: {err}") from err
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if not self._tls:
            return sock
        assert self._ssl is not None, "use_ssl() before the first https request"
        try:
            return self._ssl.wrap_socket(sock, server_hostname=self._host)
        except TimeoutError:
            sock.close()
            raise httpx.ConnectTimeout(f"TLS handshake not done within {limit:g} s") from None
        except (OSError, ssl.SSLError) as err:
            sock.close()
            raise httpx.ConnectError(f"{type(err).__name__}: {err}") from err

    def _release(self, connection: _Connection, reusable: bool) -> None:
        with self._changed:
            if reusable and len(self._idle) < self._max_idle:
                connection.idle_since = time.monotonic()
                self._idle.append(connection)
            else:
                connection.close()
                self._open -= 1
            self._changed.notify()

    def close(self) -> None:
        """Close every idle connection (those in use close when their request ends)."""
        with self._changed:
            idle, self._idle = self._idle, []
            self._open -= len(idle)
        for connection in idle:
            connection.close()
