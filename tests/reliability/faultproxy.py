"""A fault-injecting HTTP/1.1 proxy between a client and the real test wiki, on 127.0.0.1.

It runs an asyncio server in a background thread. Every request gets a number in arrival
order; a SEEDED random schedule decides whether that request is faulted
(``random.Random(f"{seed}/{number}").random() < rate``) and how: the first faults go through
every kind once in a seeded random order (so a run of 15+ faults covers them all), later ones
are drawn with the weights of ``mix``. A run is thus reproducible request by request (which
*call* gets a number depends on the client's own scheduling). Faults, by what the wiki saw:

=========================  ==========  ====================================================
kind                       wiki acted  what the client gets
=========================  ==========  ====================================================
``reset_before``           no          TCP reset after the request was read, never forwarded
``reset_after``            may have    forwarded, answer read, then TCP reset
``stall``                  may have    forwarded, answer withheld past the client's timeout
``cut_body``               may have    forwarded, full Content-Length but half the body, reset
``truncate_json``          may have    forwarded, a consistent but truncated JSON body
``html_500``               may have    forwarded, then an HTML error page with status 500
``html_200``               no          an HTML page with status 200 (a captive portal)
``status_502``             may have    forwarded, then 502 Bad Gateway (HTML)
``status_429[_ra_*]``      no          429, without / with ``Retry-After`` (seconds, date)
``status_503[_ra_*]``      no          503, without / with ``Retry-After`` (seconds, date)
``maxlag``                 no          ``maxlag=-2`` added to the query string: the wiki itself
                                       refuses with a real ``maxlag`` error + Retry-After
=========================  ==========  ====================================================

``readonly`` is not injected: MediaWiki's read-only switch is global and would disturb other
tests running against the same wiki; ``maxlag`` exercises the same "refused before acting,
retry after Retry-After" path with a real answer of the wiki.

Every request is recorded (:class:`ProxyRecord`: number, method, action, the parameters
that identify it, the ``X-Rel-Call`` header a test may set to name the logical call, the
fault, the wiki's status and ``MediaWiki-API-Error``). Connections are one request each
(``Connection: close``), so a fault never leaks into the next request.

Example::

    with FaultProxy(seed=1, rate=0.3) as proxy:
        session = mwtyped.Session(proxy.url, api_path="/api.php", ...)
        ...
        proxy.fault_counts()   # {"reset_after": 12, "maxlag": 9, ...}

The proxy stops when the ``with`` block (or :meth:`stop`) ends, and by itself after
``max_lifetime`` seconds whatever happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import random
import re
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "ALL_FAULTS",
    "CALL_HEADER",
    "DEFAULT_MIX",
    "FAULTS",
    "FaultProxy",
    "FaultSpec",
    "ProxyRecord",
    "multipart_fields",
]

CALL_HEADER = "X-Rel-Call"


@dataclass(frozen=True)
class FaultSpec:
    """One kind of fault: whether the request reaches the wiki, and whether the wiki may
    then have acted on it (a refusal such as maxlag reaches it but never acts)."""

    name: str
    forwards: bool
    may_act: bool
    status: int | None = None
    retry_after: str | None = None  # None, "seconds" or "date"


FAULTS: dict[str, FaultSpec] = {
    spec.name: spec
    for spec in (
        FaultSpec("reset_before", forwards=False, may_act=False),
        FaultSpec("reset_after", forwards=True, may_act=True),
        FaultSpec("stall", forwards=True, may_act=True),
        FaultSpec("cut_body", forwards=True, may_act=True),
        FaultSpec("truncate_json", forwards=True, may_act=True),
        FaultSpec("html_500", forwards=True, may_act=True, status=500),
        FaultSpec("html_200", forwards=False, may_act=False, status=200),
        FaultSpec("status_502", forwards=True, may_act=True, status=502),
        FaultSpec("status_429", forwards=False, may_act=False, status=429),
        FaultSpec("status_429_ra_seconds", False, False, status=429, retry_after="seconds"),
        FaultSpec("status_429_ra_date", False, False, status=429, retry_after="date"),
        FaultSpec("status_503", forwards=False, may_act=False, status=503),
        FaultSpec("status_503_ra_seconds", False, False, status=503, retry_after="seconds"),
        FaultSpec("status_503_ra_date", False, False, status=503, retry_after="date"),
        FaultSpec("maxlag", forwards=True, may_act=False),
    )
}
ALL_FAULTS = tuple(FAULTS)

# Relative weights. A stall costs the client its whole timeout in real time, so it is rarer.
DEFAULT_MIX: dict[str, float] = {name: 1.0 for name in ALL_FAULTS} | {"stall": 0.35}

_REASONS = {
    200: "OK",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_HOP_HEADERS = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "te"}
)
_PART_NAME = re.compile(rb'name="([^"]*)"(; filename="[^"]*")?')
# Parameters kept on a record: enough to tell calls apart, never a secret.
_KEPT_PARAMS = (
    "action",
    "title",
    "createonly",
    "list",
    "meta",
    "apprefix",
    "apcontinue",
    "filename",
    "filekey",
    "offset",
    "stash",
    "filesize",
    "requestid",
)


@dataclass
class ProxyRecord:
    """One request the proxy received."""

    number: int
    method: str
    path: str
    params: dict[str, str]
    call: str | None
    fault: str | None
    file_parts: dict[str, int] = field(default_factory=dict)
    upstream_status: int | None = None
    upstream_error: str | None = None  # MediaWiki-API-Error of the wiki's own answer
    proxy_error: str | None = None  # the proxy could not reach the wiki (answered 502)

    @property
    def action(self) -> str | None:
        return self.params.get("action")

    @property
    def forwarded(self) -> bool:
        return self.upstream_status is not None

    @property
    def may_have_acted(self) -> bool:
        """The wiki received this request and may have changed something."""
        spec = FAULTS.get(self.fault) if self.fault else None
        if spec is None:
            return self.forwarded
        return spec.may_act and self.forwarded


@dataclass
class _Request:
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


@dataclass
class _Response:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


class _BadRequest(Exception):
    pass


def _parse_head(head: bytes) -> tuple[str, list[tuple[str, str]]]:
    lines = head.decode("latin-1").split("\r\n")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise _BadRequest(f"bad header line {line[:80]!r}")
        headers.append((name.strip(), value.strip()))
    return lines[0], headers


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    for _ in range(1_000_000):  # bounded: at most a million chunks
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";")[0].strip(), 16)
        if size == 0:
            # trailers, then the final CRLF
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)
    raise _BadRequest("too many chunks")


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None  # the client closed an unused connection
    request_line, headers = _parse_head(head[:-4])
    parts = request_line.split(" ")
    if len(parts) != 3:
        raise _BadRequest(f"bad request line {request_line[:80]!r}")
    request = _Request(parts[0], parts[1], parts[2], headers, b"")
    length = request.header("content-length")
    if request.header("transfer-encoding") == "chunked":
        request.body = await _read_chunked(reader)
    elif length is not None:
        request.body = await reader.readexactly(int(length))
    return request


def multipart_fields(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, int]]:
    boundary = content_type.partition("boundary=")[2].strip('"').encode()
    fields: dict[str, str] = {}
    files: dict[str, int] = {}
    if not boundary:
        return fields, files
    for part in body.split(b"--" + boundary):
        head, separator, value = part.partition(b"\r\n\r\n")
        found = _PART_NAME.search(head)
        if not separator or found is None:
            continue
        value = value.removesuffix(b"\r\n")
        name = found.group(1).decode("utf-8", "replace")
        if found.group(2):
            files[name] = len(value)
        else:
            fields[name] = value.decode("utf-8", "replace")
    return fields, files


def _request_params(request: _Request) -> tuple[dict[str, str], dict[str, int]]:
    params = dict(parse_qsl(urlsplit(request.target).query, keep_blank_values=True))
    content_type = request.header("content-type") or ""
    files: dict[str, int] = {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl(request.body.decode("latin-1"), keep_blank_values=True))
    elif content_type.startswith("multipart/form-data"):
        fields, files = multipart_fields(request.body, content_type)
        params.update(fields)
    return params, files


def _parse_response(raw: bytes) -> _Response:
    head, separator, body = raw.partition(b"\r\n\r\n")
    if not separator:
        raise _BadRequest("the wiki's answer has no header end")
    status_line, headers = _parse_head(head)
    parts = status_line.split(" ", 2)
    status = int(parts[1])
    reason = parts[2] if len(parts) > 2 else ""
    response = _Response(status, reason, headers, body)
    if (response.header("transfer-encoding") or "").lower() == "chunked":
        decoded = bytearray()
        rest = body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                break
            decoded += rest[:size]
            rest = rest[size + 2 :]
        response.body = bytes(decoded)
    return response


def _html_page(title: str) -> bytes:
    return (
        "<!DOCTYPE html>\n<html><head><title>" + title + "</title></head>"
        "<body><h1>" + title + "</h1><p>Injected by the reliability test proxy.</p>"
        "</body></html>\n"
    ).encode()


class FaultProxy:
    """The proxy; see the module docstring.

    ``rate``: probability that a request is faulted (while :attr:`enabled`).
    ``mix``: relative weights of the fault kinds (only the kinds named are used).
    ``stall_seconds``: the longest a stalled answer is withheld (the client normally gives
    up first; the proxy then notices the closed connection).
    ``exempt``: requests (by their parameters) never faulted, e.g. ``action=login``.
    ``script``: instead of the random schedule, a function of (request number, parameters)
    naming the fault for that request (or ``None``), for targeted tests.
    """

    def __init__(
        self,
        *,
        upstream: tuple[str, int] = ("127.0.0.1", 8391),
        seed: int = 0,
        rate: float = 0.3,
        mix: Mapping[str, float] | None = None,
        stall_seconds: float = 8.0,
        retry_after_seconds: int = 2,
        upstream_timeout: float = 120.0,
        max_lifetime: float = 900.0,
        exempt: Callable[[Mapping[str, str]], bool] | None = None,
        script: Callable[[int, Mapping[str, str]], str | None] | None = None,
    ) -> None:
        if upstream[0] != "127.0.0.1":
            raise ValueError("the fault proxy only talks to 127.0.0.1")
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1], got {rate}")
        chosen = dict(mix if mix is not None else DEFAULT_MIX)
        unknown = set(chosen) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}")
        self.upstream = upstream
        self.seed = seed
        self.rate = rate
        self._kinds = [k for k, w in chosen.items() if w > 0]
        self._weights = [chosen[k] for k in self._kinds]
        self._cover = list(self._kinds)
        random.Random(f"{seed}/cover").shuffle(self._cover)
        self._faults_chosen = 0
        self.stall_seconds = stall_seconds
        self.retry_after_seconds = retry_after_seconds
        self.upstream_timeout = upstream_timeout
        self.max_lifetime = max_lifetime
        self.exempt = exempt
        self.script = script
        self.enabled = False
        self.records: list[ProxyRecord] = []
        self._lock = threading.Lock()
        self._counter = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = threading.Event()
        self._start_error: BaseException | None = None
        self.port = 0
        self.stopped_by_lifetime = False

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._run, name="faultproxy", daemon=True)
        self._thread.start()
        if not self._started.wait(30):
            raise RuntimeError("the fault proxy did not start within 30 s")
        if self._start_error is not None:
            raise RuntimeError("the fault proxy could not start") from self._start_error
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            self._server = loop.run_until_complete(
                asyncio.start_server(self._handle, "127.0.0.1", 0, limit=1 << 22)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            loop.call_later(self.max_lifetime, self._lifetime_over)
        except BaseException as err:  # reported to start()
            self._start_error = err
            self._started.set()
            loop.close()
            return
        self._started.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._shutdown())
            loop.close()

    def _lifetime_over(self) -> None:
        self.stopped_by_lifetime = True
        assert self._loop is not None
        self._loop.stop()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=10)
        if self._server is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 10)

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            with contextlib.suppress(RuntimeError):  # the loop may be closing already
                loop.call_soon_threadsafe(loop.stop)
            thread.join(30)
        self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- figures -----------------------------------------------------------------------
    def snapshot(self) -> list[ProxyRecord]:
        with self._lock:
            return list(self.records)

    def faults(self) -> list[ProxyRecord]:
        return [r for r in self.snapshot() if r.fault is not None]

    def fault_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(r.fault for r in self.faults() if r.fault).items()))

    def by_call(self) -> dict[str, list[ProxyRecord]]:
        grouped: dict[str, list[ProxyRecord]] = {}
        for record in self.snapshot():
            if record.call is not None:
                grouped.setdefault(record.call, []).append(record)
        return grouped

    # -- the schedule ------------------------------------------------------------------
    def _choose(self, number: int) -> str | None:
        """The fault for request ``number`` (called in number order, under the lock)."""
        rng = random.Random(f"{self.seed}/{number}")
        if not self._kinds or rng.random() >= self.rate:
            return None
        index = self._faults_chosen
        self._faults_chosen += 1
        if index < len(self._cover):
            return self._cover[index]
        return rng.choices(self._kinds, weights=self._weights)[0]

    # -- serving -----------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            try:
                request = await asyncio.wait_for(_read_request(reader), 60)
            except (
                _BadRequest,
                asyncio.TimeoutError,
                asyncio.LimitOverrunError,
                ValueError,
                ConnectionError,
            ) as err:
                await self._plain(writer, 400, "text/plain", f"bad request: {err}".encode())
                return
            if request is None:
                return
            await self._serve(request, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away: nothing to answer
        finally:
            self._tasks.discard(task)
            if not writer.is_closing():
                writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 5)

    def _register(self, request: _Request) -> ProxyRecord:
        params, files = _request_params(request)
        with self._lock:
            self._counter += 1
            number = self._counter
            exempt = self.exempt is not None and self.exempt(params)
            fault = None
            if self.enabled and not exempt:
                fault = self.script(number, params) if self.script else self._choose(number)
            if fault is not None and fault not in FAULTS:
                raise ValueError(f"unknown fault {fault!r}")
            record = ProxyRecord(
                number,
                request.method,
                urlsplit(request.target).path,
                {k: params[k] for k in _KEPT_PARAMS if k in params},
                request.header(CALL_HEADER),
                fault,
                files,
            )
            self.records.append(record)
        return record

    async def _serve(
        self, request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        record = self._register(request)
        spec = FAULTS.get(record.fault) if record.fault else None
        if spec is not None and not spec.forwards:
            await self._refuse(spec, writer)
            return
        try:
            response = await self._forward(request, add_maxlag=record.fault == "maxlag")
        except (OSError, asyncio.TimeoutError, _BadRequest, ValueError) as err:
            record.proxy_error = f"{type(err).__name__}: {err}"
            await self._plain(writer, 502, "text/plain", b"the proxy could not reach the wiki")
            return
        record.upstream_status = response.status
        record.upstream_error = response.header("mediawiki-api-error")
        if spec is None or spec.name == "maxlag":
            await self._send(writer, response)
        elif spec.name == "reset_after":
            self._reset(writer)
        elif spec.name == "stall":
            # Hold the answer until the client gives up and closes, or stall_seconds pass.
            with contextlib.suppress(asyncio.TimeoutError, ConnectionError):
                await asyncio.wait_for(reader.read(), self.stall_seconds)
            self._reset(writer)
        elif spec.name == "cut_body":
            head = self._head(response, len(response.body))
            writer.write(head + response.body[: len(response.body) // 2])
            with contextlib.suppress(ConnectionError):
                await writer.drain()
            self._reset(writer)
        elif spec.name == "truncate_json":
            cut = response.body[: max(1, len(response.body) // 2)]
            await self._send(
                writer, _Response(response.status, response.reason, response.headers, cut)
            )
        elif spec.status is not None:
            await self._plain(
                writer, spec.status, "text/html; charset=utf-8", _html_page(spec.name)
            )
        else:  # pragma: no cover - every forwarding kind is handled above
            raise AssertionError(spec.name)

    async def _refuse(self, spec: FaultSpec, writer: asyncio.StreamWriter) -> None:
        if spec.name == "reset_before":
            self._reset(writer)
            return
        assert spec.status is not None
        extra: list[tuple[str, str]] = []
        if spec.retry_after == "seconds":
            extra.append(("Retry-After", str(self.retry_after_seconds)))
        elif spec.retry_after == "date":
            when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(
                seconds=self.retry_after_seconds + 1
            )
            extra.append(("Retry-After", email.utils.format_datetime(when, usegmt=True)))
        await self._plain(
            writer, spec.status, "text/html; charset=utf-8", _html_page(spec.name), extra
        )

    async def _forward(self, request: _Request, *, add_maxlag: bool) -> _Response:
        target = request.target
        if add_maxlag:
            target += ("&" if "?" in target else "?") + "maxlag=-2"
        host, port = self.upstream
        lines = [f"{request.method} {target} HTTP/1.0", f"Host: {host}:{port}"]
        for name, value in request.headers:
            lowered = name.lower()
            if lowered in _HOP_HEADERS or lowered == "host" or lowered == CALL_HEADER.lower():
                continue
            lines.append(f"{name}: {value}")
        lines.append(f"Content-Length: {len(request.body)}")
        lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        up_reader, up_writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, limit=1 << 22), 30
        )
        try:
            up_writer.write(head + request.body)
            await up_writer.drain()
            raw = await asyncio.wait_for(up_reader.read(), self.upstream_timeout)
        finally:
            up_writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(up_writer.wait_closed(), 5)
        return _parse_response(raw)

    @staticmethod
    def _head(response: _Response, length: int) -> bytes:
        lines = [
            f"HTTP/1.1 {response.status} {response.reason or _REASONS.get(response.status, '')}"
        ]
        for name, value in response.headers:
            if name.lower() in _HOP_HEADERS or name.lower() == "host":
                continue
            lines.append(f"{name}: {value}")
        lines.append(f"Content-Length: {length}")
        lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def _send(self, writer: asyncio.StreamWriter, response: _Response) -> None:
        writer.write(self._head(response, len(response.body)) + response.body)
        with contextlib.suppress(ConnectionError):
            await writer.drain()

    async def _plain(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        content_type: str,
        body: bytes,
        extra: list[tuple[str, str]] | None = None,
    ) -> None:
        headers = [("Content-Type", content_type), *(extra or [])]
        await self._send(writer, _Response(status, _REASONS.get(status, ""), headers, body))

    @staticmethod
    def _reset(writer: asyncio.StreamWriter) -> None:
        """Close with a TCP RST (SO_LINGER 0), not an orderly FIN."""
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
