"""How :class:`~mwtyped.AsyncSession` sends a plain api.php call without httpx's async
stack: over :class:`~mwtyped._aio_pool.ConnectionPool`, sharing the session's
``httpx.AsyncClient`` for everything a user may look at or change (cookies, headers,
timeout), so both ways of sending see one session.

It is used only where it sends exactly what httpx would: a client mwtyped built, with no
options it does not honour (proxies from the environment, a custom transport, mounts,
HTTP/2, client auth ...), for calls without files or per-request auth. Event hooks run as
httpx runs them (on an ``httpx.Request``/``Response`` built only when there are hooks).
Everything else goes through httpx, as does any session handed an ``httpx.AsyncClient``
with ``session=``.

Example::

    sender = NativeSender.for_client(core.url, options)   # None: use httpx
    answer = await sender.send(client, call, extra_headers={}, timeout=timeout, bearer=None)
"""

from __future__ import annotations

import logging
import math
import time
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from mwtyped._aio_pool import ConnectionPool
from mwtyped._http1 import Answer, AnswerDecodingError, AnswerReader, request_head

if TYPE_CHECKING:
    import ssl

    from mwtyped._core import Call
    from mwtyped._tokens import BearerAuth

__all__ = ["Answer", "NativeSender"]

_log = logging.getLogger("mwtyped.http")

# Client options this sender honours itself; any other makes the session send with httpx.
_HONOURED_OPTIONS = frozenset(
    {
        "headers",
        "cookies",
        "timeout",
        "limits",
        "verify",
        "cert",
        "trust_env",
        "follow_redirects",  # mwtyped never follows redirects, whatever the client says
        "max_redirects",
        "default_encoding",
        "http1",
        "event_hooks",
    }
)
# Set by mwtyped on every request, or meaningless here: never copied from the client.
_OWN_HEADERS = frozenset(
    {b"host", b"content-length", b"transfer-encoding", b"cookie", b"authorization"}
)
_INFLATABLE = frozenset({"gzip", "x-gzip", "deflate", "identity"})


class NativeSender:
    """Sends to one ``api.php`` address over its own connection pool."""

    def __init__(self, url: httpx.URL, options: Mapping[str, Any]) -> None:
        self._scheme = url.scheme
        port = url.port or (443 if url.scheme == "https" else 80)
        self._host_header = url.netloc.decode("ascii")
        self._origin = f"{url.scheme}://{self._host_header}"
        self._options = options
        self._ssl: ssl.SSLContext | None = None
        self._pool = ConnectionPool(
            url.scheme,
            url.host,
            port,
            ssl_context=None,
            limits=options.get("limits", httpx.Limits()),
        )
        self._header_source: list[tuple[bytes, bytes]] | None = None
        self._header_block: list[tuple[bytes, bytes]] = []
        self._cookie_key: tuple[Any, ...] | None = None
        self._cookie_header: bytes | None = None
        self._cookie_expiry = math.inf

    @classmethod
    def for_client(cls, api_url: str, options: Mapping[str, Any]) -> NativeSender | None:
        """A sender for a client built with ``options``, or ``None`` where only httpx would
        send what the user asked for."""
        if not _HONOURED_OPTIONS.issuperset(options) or options.get("http1", True) is not True:
            return None
        url = httpx.URL(api_url)
        if not url.host.isascii() or url.scheme not in ("http", "https"):
            return None
        if options.get("trust_env", True) and _environment_proxies(url.scheme):
            return None
        return cls(url, options)

    def usable(self, client: httpx.AsyncClient) -> bool:
        """Whether the client still sends as it was built (auth set later needs httpx's
        auth flows)."""
        return client.auth is None

    async def send(
        self,
        client: httpx.AsyncClient,
        call: Call,
        *,
        extra_headers: Mapping[str, str],
        timeout: httpx.Timeout,
        bearer: BearerAuth | None,
    ) -> Answer:
        """Send ``call``; raise httpx's exceptions as httpx would."""
        if not call.url.startswith(self._origin):
            raise ValueError(f"{call.url!r} is not on {self._origin}")
        if self._scheme == "https" and self._ssl is None:
            self._pool.use_ssl(self._make_ssl_context())
        headers = self._request_headers(client, call, extra_headers, bearer)
        hooks = client.event_hooks
        if hooks["request"] or hooks["response"]:
            reader = await self._send_hooked(client, call, headers, timeout)
        else:
            target = call.url[len(self._origin) :]
            head = request_head(call.method, target, self._host_header, headers)
            reader = await self._pool.send(head + call.content if call.content else head, timeout)
        try:
            content = reader.content()
        except AnswerDecodingError as err:
            raise httpx.DecodingError(str(err)) from None
        if "set-cookie" in reader.headers:
            self._store_cookies(client, call, reader.status_code, reader.raw_headers)
        if _log.isEnabledFor(logging.INFO):
            _log.info('HTTP Request: %s %s "%d"', call.method, call.url, reader.status_code)
        return Answer(reader.status_code, reader.headers, content)

    async def _send_hooked(
        self,
        client: httpx.AsyncClient,
        call: Call,
        headers: list[tuple[bytes, bytes]],
        timeout: httpx.Timeout,
    ) -> AnswerReader:
        """Send with the client's event hooks run as httpx runs them: request hooks see
        (and may change) an ``httpx.Request``, response hooks an ``httpx.Response``."""
        request = httpx.Request(call.method, call.url, headers=headers, content=call.content)
        for hook in client.event_hooks["request"]:
            await hook(request)
        url = request.url
        if f"{url.scheme}://{url.netloc.decode('ascii')}" != self._origin:
            raise ValueError(f"an event hook moved the request off {self._origin}: {url}")
        sent = [(name, value) for name, value in request.headers.raw if name.lower() != b"host"]
        head = request_head(request.method, url.raw_path.decode("ascii"), self._host_header, sent)
        reader = await self._pool.send(head + request.content, timeout)
        response = httpx.Response(
            reader.status_code,
            headers=reader.raw_headers,
            content=reader.raw_body(),
            request=request,
        )
        for hook in client.event_hooks["response"]:
            await hook(response)
        return reader

    def _request_headers(
        self,
        client: httpx.AsyncClient,
        call: Call,
        extra_headers: Mapping[str, str],
        bearer: BearerAuth | None,
    ) -> list[tuple[bytes, bytes]]:
        source = client.headers.raw
        if source != self._header_source:
            self._header_source = source
            self._header_block = _client_header_block(source)
        headers = list(self._header_block)
        for name, value in {**extra_headers, **call.headers}.items():
            key = name.lower().encode("ascii")
            headers = [pair for pair in headers if pair[0].lower() != key]
            headers.append((name.encode("ascii"), value.encode("utf-8")))
        if call.content is not None:
            headers.append((b"Content-Length", str(len(call.content)).encode("ascii")))
        cookie = self._cookies(client, call.url)
        if cookie is not None:
            headers.append((b"Cookie", cookie))
        if bearer is not None:
            headers.append((b"Authorization", bearer.header_value.encode("ascii")))
        return headers

    def _cookies(self, client: httpx.AsyncClient, url: str) -> bytes | None:
        """The ``Cookie`` header, recomputed only when the jar changed or a cookie expired."""
        jar = client.cookies.jar
        key = tuple((c.domain, c.path, c.name, c.value, c.expires, c.secure) for c in jar)
        if not key:
            return None
        if key != self._cookie_key or time.time() >= self._cookie_expiry:
            probe = httpx.Request("GET", url)
            client.cookies.set_cookie_header(probe)
            found = probe.headers.get("cookie")
            self._cookie_header = found.encode("latin-1") if found else None
            self._cookie_key = key
            expiries = [c.expires for c in jar if c.expires is not None]
            self._cookie_expiry = min(expiries, default=math.inf)
        return self._cookie_header

    def _store_cookies(
        self, client: httpx.AsyncClient, call: Call, status: int, raw: list[tuple[str, str]]
    ) -> None:
        response = httpx.Response(status, headers=raw, request=httpx.Request(call.method, call.url))
        client.cookies.extract_cookies(response)

    def _make_ssl_context(self) -> ssl.SSLContext:
        options = self._options
        verify = options.get("verify", True)
        if "cert" in options:
            made = httpx.create_ssl_context(
                verify, options["cert"], trust_env=options.get("trust_env", True)
            )
        else:
            made = httpx.create_ssl_context(verify, trust_env=options.get("trust_env", True))
        if made is not verify:
            made.set_alpn_protocols(["http/1.1"])
        self._ssl = made
        return made

    async def aclose(self) -> None:
        await self._pool.aclose()


def _client_header_block(source: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The client's headers as sent by this sender: its own ones left out, and an
    ``Accept-Encoding`` it can inflate."""
    block: list[tuple[bytes, bytes]] = []
    for name, value in source:
        key = name.lower()
        if key in _OWN_HEADERS:
            continue
        if key == b"accept-encoding":
            codings = {
                part.split(b";")[0].strip().decode("latin-1").lower() for part in value.split(b",")
            }
            if not codings <= _INFLATABLE:
                value = b"gzip, deflate"
        block.append((name, value))
    return block


def _environment_proxies(scheme: str) -> bool:
    """Whether the environment names a proxy httpx would send this scheme through."""
    found = urllib.request.getproxies_environment()
    return bool(found.get(scheme) or found.get("all"))
