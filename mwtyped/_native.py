"""What both sessions' own HTTP/1.1 senders share, without I/O: when they may be used,
the request's bytes (the client's headers, cookies from its jar, the OAuth bearer), event
hooks' ``httpx.Request``/``Response``, and turning a read answer into an :class:`Answer`
(inflated, cookies stored in the client's jar, logged on ``mwtyped.http``).

A session sends over its own connections (``_aio_sender``/``_sync_sender``) only where that
sends exactly what httpx would: a client mwtyped built, with no options it does not honour
(a proxy, also from the environment, a custom transport or mounts, HTTP/2, client auth),
for calls without files or per-request auth. Everything else goes through httpx, as does
any session handed a client with ``session=``. httpx's own stack costs 3-6x as much per
request (docs/performance.md).

Example::

    plan = NativePlan.for_client(core.url, options)   # None: send with httpx
    head = plan.head(client, call, extra_headers={}, bearer=None)
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from mwtyped._http1 import Answer, AnswerDecodingError, AnswerReader, request_head

if TYPE_CHECKING:
    import ssl

    from mwtyped._core import Call
    from mwtyped._tokens import BearerAuth

__all__ = ["NativePlan", "NativeSenderBase", "PoolSettings"]

_log = logging.getLogger("mwtyped.http")

# Client options the own senders honour; any other makes the session send with httpx.
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

Client = httpx.Client | httpx.AsyncClient
S = TypeVar("S", bound="NativeSenderBase")


@dataclass(frozen=True)
class PoolSettings:
    """Where a connection pool connects, and its ``httpx.Limits`` (``None`` there means
    "no limit", here a huge number or infinity)."""

    host: str
    port: int
    tls: bool
    max_connections: int
    max_idle: int
    keepalive_expiry: float

    @classmethod
    def of(cls, host: str, port: int, tls: bool, limits: httpx.Limits) -> PoolSettings:
        most = limits.max_connections if limits.max_connections is not None else 1 << 30
        idle = limits.max_keepalive_connections
        expiry = limits.keepalive_expiry
        return cls(
            host,
            port,
            tls,
            most,
            idle if idle is not None else most,
            expiry if expiry is not None else math.inf,
        )


class NativePlan:
    """How requests to one ``api.php`` address are written and their answers finished."""

    def __init__(self, url: httpx.URL, options: Mapping[str, Any]) -> None:
        self.scheme = url.scheme
        self.host = url.host
        self.port = url.port or (443 if url.scheme == "https" else 80)
        self.host_header = url.netloc.decode("ascii")
        self.origin = f"{url.scheme}://{self.host_header}"
        self.options = options
        self.pool_settings = PoolSettings.of(
            self.host, self.port, self.scheme == "https", options.get("limits", httpx.Limits())
        )
        self._ssl: ssl.SSLContext | None = None
        # (client headers, block sent) and (jar state, Cookie header, earliest expiry): each
        # replaced in one assignment, so threads sharing the session never see halves.
        self._headers_cache: tuple[list[tuple[bytes, bytes]], list[tuple[bytes, bytes]]] = (
            [],
            [],
        )
        self._cookie_cache: tuple[tuple[Any, ...], bytes | None, float] = ((), None, math.inf)

    @classmethod
    def for_client(cls, api_url: str, options: Mapping[str, Any]) -> NativePlan | None:
        """A plan for a client built with ``options``, or ``None`` where only httpx would
        send what the user asked for."""
        if not _HONOURED_OPTIONS.issuperset(options) or options.get("http1", True) is not True:
            return None
        url = httpx.URL(api_url)
        if not url.host.isascii() or url.scheme not in ("http", "https"):
            return None
        if options.get("trust_env", True) and _environment_proxies(url.scheme):
            return None
        return cls(url, options)

    @staticmethod
    def usable(client: Client) -> bool:
        """Whether the client still sends as it was built (auth set later needs httpx's
        auth flows)."""
        return client.auth is None

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context for ``https`` (built on first use: it loads CA files)."""
        if self.scheme != "https":
            return None
        if self._ssl is None:
            verify = self.options.get("verify", True)
            trust_env = self.options.get("trust_env", True)
            if "cert" in self.options:
                made = httpx.create_ssl_context(verify, self.options["cert"], trust_env=trust_env)
            else:
                made = httpx.create_ssl_context(verify, trust_env=trust_env)
            if made is not verify:
                made.set_alpn_protocols(["http/1.1"])
            self._ssl = made
        return self._ssl

    def target(self, call: Call) -> str:
        if not call.url.startswith(self.origin):
            raise ValueError(f"{call.url!r} is not on {self.origin}")
        return call.url[len(self.origin) :]

    def head(
        self,
        client: Client,
        call: Call,
        *,
        extra_headers: Mapping[str, str],
        bearer: BearerAuth | None,
    ) -> list[tuple[bytes, bytes]]:
        """Every header but ``Host``, as httpx would send them for ``call``."""
        source = client.headers.raw
        cached_source, block = self._headers_cache
        if source != cached_source:
            block = _client_header_block(source)
            self._headers_cache = (source, block)
        headers = list(block)
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

    def request_bytes(self, call: Call, headers: list[tuple[bytes, bytes]]) -> bytes:
        head = request_head(call.method, self.target(call), self.host_header, headers)
        return head + call.content if call.content else head

    # -- event hooks: httpx objects, built only when the client has hooks ------------------
    def hooked_request(self, call: Call, headers: list[tuple[bytes, bytes]]) -> httpx.Request:
        return httpx.Request(call.method, call.url, headers=headers, content=call.content)

    def hooked_request_bytes(self, request: httpx.Request) -> bytes:
        """The bytes of a request as the request hooks left it."""
        url = request.url
        if f"{url.scheme}://{url.netloc.decode('ascii')}" != self.origin:
            raise ValueError(f"an event hook moved the request off {self.origin}: {url}")
        sent = [(name, value) for name, value in request.headers.raw if name.lower() != b"host"]
        head = request_head(request.method, url.raw_path.decode("ascii"), self.host_header, sent)
        return head + request.content

    @staticmethod
    def hooked_response(reader: AnswerReader, request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            reader.status_code,
            headers=reader.raw_headers,
            content=reader.raw_body(),
            request=request,
        )

    # -- answers ----------------------------------------------------------------------------
    def finish(self, client: Client, call: Call, reader: AnswerReader) -> Answer:
        """The answer for :meth:`SessionCore.decode <mwtyped._core.SessionCore.decode>`;
        its cookies go into the client's jar."""
        try:
            content = reader.content()
        except AnswerDecodingError as err:
            raise httpx.DecodingError(str(err)) from None
        if "set-cookie" in reader.headers:
            response = httpx.Response(
                reader.status_code,
                headers=reader.raw_headers,
                request=httpx.Request(call.method, call.url),
            )
            client.cookies.extract_cookies(response)
        if _log.isEnabledFor(logging.INFO):
            _log.info('HTTP Request: %s %s "%d"', call.method, call.url, reader.status_code)
        return Answer(reader.status_code, reader.headers, content)

    def _cookies(self, client: Client, url: str) -> bytes | None:
        """The ``Cookie`` header, recomputed only when the jar changed or a cookie expired."""
        jar = client.cookies.jar
        key = tuple((c.domain, c.path, c.name, c.value, c.expires, c.secure) for c in jar)
        if not key:
            return None
        cached_key, header, expiry = self._cookie_cache
        if key != cached_key or time.time() >= expiry:
            probe = httpx.Request("GET", url)
            client.cookies.set_cookie_header(probe)
            found = probe.headers.get("cookie")
            header = found.encode("latin-1") if found else None
            expiries = [c.expires for c in jar if c.expires is not None]
            self._cookie_cache = (key, header, min(expiries, default=math.inf))
        return header


def _client_header_block(source: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The client's headers as the own senders send them: their own ones left out, and an
    ``Accept-Encoding`` they can inflate."""
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
    import urllib.request  # only when a session is built: heavy, and import mwtyped is not

    found = urllib.request.getproxies_environment()
    return bool(found.get(scheme) or found.get("all"))


class NativeSenderBase:
    """What the two senders share: their plan, and when they may be used."""

    def __init__(self, plan: NativePlan) -> None:
        self._plan = plan

    @classmethod
    def for_client(cls: type[S], api_url: str, options: Mapping[str, Any]) -> S | None:
        """A sender for a client built with ``options``; ``None``: send with httpx."""
        plan = NativePlan.for_client(api_url, options)
        return cls(plan) if plan is not None else None

    def usable(self, client: Client) -> bool:
        return self._plan.usable(client)
