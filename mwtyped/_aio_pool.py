"""Keep-alive HTTP/1.1 connections to one wiki on asyncio protocols: what
:class:`~mwtyped.AsyncSession` sends with by default (``httpx.AsyncClient``'s own stack
costs ~4x as much per request: docs/performance.md).

Failures are raised as the httpx exceptions httpx would raise for them, so the session's
mapping to mwtyped errors (and its "may the request have been sent?" judgement) stays one
piece of code: ``ConnectError``/``ConnectTimeout`` (nothing sent), ``PoolTimeout``,
``ReadTimeout`` (no byte for ``read`` seconds), ``RemoteProtocolError`` (closed early or
malformed), ``DecodingError`` (a body that does not inflate).

Example::

    pool = ConnectionPool(PoolSettings.of("127.0.0.1", 8080, False, httpx.Limits()))
    answer = await pool.send(b"GET /api.php?... HTTP/1.1\\r\\nHost: ...\\r\\n\\r\\n", timeout)
    answer.status_code, answer.content()
    await pool.aclose()
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import deque

import httpx

from mwtyped._http1 import AnswerReader, WireProtocolError
from mwtyped._native import PoolSettings

__all__ = ["ConnectionPool"]


class _Connection(asyncio.Protocol):
    """One socket; at most one request in flight."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.reader: AnswerReader | None = None
        self.waiter: asyncio.Future[AnswerReader] | None = None
        self.closed = False
        self.last_activity = 0.0
        self.idle_since = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        reader = self.reader
        if reader is None:
            self.close()  # bytes nobody asked for: the connection is out of step
            return
        self.last_activity = self.loop.time()
        try:
            done = reader.feed(data)
        except WireProtocolError as err:
            self.fail(httpx.RemoteProtocolError(str(err)))
            return
        if done:
            self._finish(reader)

    def eof_received(self) -> bool:
        self.closed = True
        reader = self.reader
        if reader is not None:
            try:
                if reader.feed_eof():
                    self._finish(reader)
            except WireProtocolError as err:
                self.fail(httpx.RemoteProtocolError(str(err)))
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.reader is not None and self.waiter is not None and not self.waiter.done():
            reason = f": {exc}" if exc else ""
            self.fail(httpx.RemoteProtocolError(f"Connection lost before the answer{reason}"))

    def _finish(self, reader: AnswerReader) -> None:
        self.reader = None
        if reader.trailing_bytes or not reader.keep_alive:
            self.close()
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(reader)

    def fail(self, error: Exception) -> None:
        self.reader = None
        self.close()
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()


class ConnectionPool:
    """Connections to one origin, reused most-recent first, at most
    ``limits.max_connections`` open, idle ones kept ``limits.keepalive_expiry`` seconds.
    Bound to the event loop that first uses it: under another loop it starts afresh."""

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
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None

    def use_ssl(self, context: ssl.SSLContext) -> None:
        """Connect with ``context`` from now on (built on first use: it loads CA files)."""
        self._ssl = context

    async def send(self, data: bytes, timeout: httpx.Timeout) -> AnswerReader:
        """Write one request (head and body) and read its answer."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._adopt(loop)
        connection = self._take_idle(loop)
        if connection is None:
            connection = await self._connect(loop, timeout)
        reader = AnswerReader()
        waiter: asyncio.Future[AnswerReader] = loop.create_future()
        connection.reader = reader
        connection.waiter = waiter
        assert connection.transport is not None
        connection.last_activity = loop.time()
        connection.transport.write(data)
        timer = None
        if timeout.read is not None:
            timer = loop.call_at(
                connection.last_activity + timeout.read,
                self._check_read_timeout,
                connection,
                timeout.read,
            )
        try:
            answer = await waiter
        except BaseException:
            # Cancelled or failed mid-answer: the connection's state is unknown.
            connection.reader = None
            connection.abort()
            self._release(connection)
            raise
        finally:
            if timer is not None:
                timer.cancel()
        connection.waiter = None
        self._release(connection)
        return answer

    def _check_read_timeout(self, connection: _Connection, limit: float) -> None:
        if connection.waiter is None or connection.waiter.done():
            return
        waited = connection.loop.time() - connection.last_activity
        if waited < limit:
            connection.loop.call_later(limit - waited, self._check_read_timeout, connection, limit)
            return
        connection.fail(httpx.ReadTimeout(f"no answer byte for {limit:g} s"))

    def _adopt(self, loop: asyncio.AbstractEventLoop) -> None:
        """Forget connections made under another (likely closed) event loop."""
        for connection in self._idle:
            try:
                connection.abort()
            except RuntimeError:
                _close_orphaned_socket(connection.transport)
        self._idle.clear()
        self._open = 0
        self._waiting.clear()
        self._loop = loop

    def _take_idle(self, loop: asyncio.AbstractEventLoop) -> _Connection | None:
        now = loop.time()
        while self._idle:
            connection = self._idle.pop()
            if not connection.closed and now - connection.idle_since < self._expiry:
                return connection
            connection.close()
            self._open -= 1
        return None

    async def _connect(
        self, loop: asyncio.AbstractEventLoop, timeout: httpx.Timeout
    ) -> _Connection:
        while self._open >= self._max:
            await self._wait_for_slot(loop, timeout.pool)
            reused = self._take_idle(loop)
            if reused is not None:
                return reused
        self._open += 1
        try:
            opening = loop.create_connection(
                lambda: _Connection(loop),
                self._host,
                self._port,
                ssl=self._ssl if self._tls else None,
                server_hostname=self._host if self._tls else None,
            )
            if timeout.connect is None:
                _, connection = await opening
            else:
                _, connection = await asyncio.wait_for(opening, timeout.connect)
        except asyncio.TimeoutError:
            self._slot_freed()
            raise httpx.ConnectTimeout(
                f"no connection to {self._host}:{self._port} within {timeout.connect:g} s"
            ) from None
        except (OSError, ssl.SSLError) as err:
            self._slot_freed()
            raise httpx.ConnectError(f"{type(err).__name__}: {err}") from err
        except BaseException:
            self._slot_freed()
            raise
        return connection

    async def _wait_for_slot(self, loop: asyncio.AbstractEventLoop, limit: float | None) -> None:
        slot: asyncio.Future[None] = loop.create_future()
        self._waiting.append(slot)
        try:
            if limit is None:
                await slot
            else:
                await asyncio.wait_for(slot, limit)
        except asyncio.TimeoutError:
            raise httpx.PoolTimeout(
                f"no free connection within {limit:g} s ({self._max} in use)"
            ) from None
        except BaseException:
            if slot.done() and not slot.cancelled():
                self._wake_one()  # woken, then cancelled: pass the free slot on
            raise
        finally:
            if slot in self._waiting:
                self._waiting.remove(slot)

    def _release(self, connection: _Connection) -> None:
        if connection.closed or len(self._idle) >= self._max_idle:
            connection.close()
            self._slot_freed()
            return
        connection.idle_since = connection.loop.time()
        self._idle.append(connection)
        self._wake_one()

    def _slot_freed(self) -> None:
        self._open -= 1
        self._wake_one()

    def _wake_one(self) -> None:
        while self._waiting:
            slot = self._waiting.popleft()
            if not slot.done():
                slot.set_result(None)
                return

    async def aclose(self) -> None:
        """Close every idle connection (those in use close when their request ends)."""
        idle, self._idle = self._idle, []
        for connection in idle:
            with contextlib.suppress(RuntimeError):
                connection.close()
            self._open -= 1
        if idle:
            await asyncio.sleep(0)  # let the transports run their close callbacks


def _close_orphaned_socket(transport: asyncio.BaseTransport | None) -> None:
    """Close the socket of a transport whose event loop is closed (``asyncio.run`` ended
    while it sat idle): asyncio can no longer close it, and it would leak until collected."""
    inner = getattr(getattr(transport, "_ssl_protocol", None), "_transport", transport)
    raw = getattr(inner, "_sock", None)
    if raw is not None:
        raw.close()
        inner._sock = None  # type: ignore[union-attr]  # so its __del__ has nothing to warn about
