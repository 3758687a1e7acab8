"""A scriptable HTTP/1.1 server on 127.0.0.1 for testing AsyncSession's own connections.

Each test gives it a ``respond(request) -> Reply`` function; the server records every request
(with the number of the connection it came on) and counts connections, so tests can see
keep-alive, reconnects and aborted sockets, not only answers.

Example::

    async with WireServer(lambda request: Reply.json({"batchcomplete": True})) as server:
        ...  # AsyncSession(server.url, api_path="/api.php", ...)
        server.requests[0].target, server.connections_opened
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Reply", "SeenRequest", "WireServer"]


@dataclass
class SeenRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    connection: int

    @property
    def params(self) -> dict[str, str]:
        query = dict(parse_qsl(urlsplit(self.target).query))
        if self.body:
            query.update(parse_qsl(self.body.decode()))
        return query


@dataclass
class Reply:
    """What to do with one request: write ``data`` (after ``delay`` seconds), then close
    if ``close``; ``hang`` never answers; ``data=b""`` with ``close`` drops it unanswered."""

    data: bytes = b""
    close: bool = False
    delay: float = 0.0
    hang: bool = False

    @classmethod
    def json(
        cls, document: Any, *, headers: dict[str, str] | None = None, close: bool = False
    ) -> Reply:
        body = json.dumps(document).encode()
        return cls.raw(body, headers=headers, close=close)

    @classmethod
    def raw(
        cls,
        body: bytes,
        *,
        status: str = "200 OK",
        headers: dict[str, str] | None = None,
        close: bool = False,
    ) -> Reply:
        lines = [f"HTTP/1.1 {status}", "Content-Type: application/json; charset=utf-8"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if not any(name.lower() == "transfer-encoding" for name in headers or {}):
            lines.append(f"Content-Length: {len(body)}")
        if close:
            lines.append("Connection: close")
        return cls(("\r\n".join(lines) + "\r\n\r\n").encode() + body, close=close)


@dataclass
class WireServer:
    respond: Callable[[SeenRequest], Reply]
    ssl_context: ssl.SSLContext | None = None
    requests: list[SeenRequest] = field(default_factory=list)
    connections_opened: int = 0
    connections_open: int = 0
    most_open: int = 0
    _server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"{'https' if self.ssl_context else 'http'}://127.0.0.1:{port}"

    async def __aenter__(self) -> WireServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.ssl_context)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections_opened += 1
        number = self.connections_opened
        self.connections_open += 1
        self.most_open = max(self.most_open, self.connections_open)
        try:
            while True:
                request = await self._read_request(reader, number)
                if request is None:
                    return
                self.requests.append(request)
                reply = self.respond(request)
                if reply.hang:
                    await reader.read()  # until the client gives up and closes
                    return
                if reply.delay:
                    await asyncio.sleep(reply.delay)
                writer.write(reply.data)
                await writer.drain()
                if reply.close:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            return
        finally:
            self.connections_open -= 1
            writer.close()

    @staticmethod
    async def _read_request(reader: asyncio.StreamReader, number: int) -> SeenRequest | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        return SeenRequest(method, target, headers, body, number)


class ThreadedWireServer:
    """A :class:`WireServer` on its own event loop in a thread, for blocking clients.

    Example::

        with ThreadedWireServer(respond) as server:
            mwtyped.Session(server.url, ...)
    """

    def __init__(
        self, respond: Callable[[SeenRequest], Reply], ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.server = WireServer(respond, ssl_context)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> WireServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.__aenter__(), self._loop).result(10)
        return self.server

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()

    async def _shutdown(self) -> None:
        await self.server.__aexit__(None, None, None)
        current = asyncio.current_task()
        handlers = [task for task in asyncio.all_tasks() if task is not current]
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await asyncio.sleep(0.01)  # let the closed transports run their callbacks
