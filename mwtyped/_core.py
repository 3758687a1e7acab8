"""The I/O-free heart shared by :class:`~mwtyped.Session` and :class:`~mwtyped.AsyncSession`.

It checks the session's settings, turns ``(method, params, files)`` into a :class:`Call`
(a finished URL or body), maps httpx's exceptions to mwtyped's (the own senders of
:mod:`mwtyped._native` raise httpx's too), and decodes answers. The two sessions only send,
blocking or awaited.

Example::

    core = SessionCore("https://en.wikipedia.org", user_agent="bot/1 (me@example.org)")
    call = core.prepare("GET", {"action": "query", "meta": "siteinfo"})
    call.url   # 'https://en.wikipedia.org/w/api.php?action=query&meta=siteinfo&format=json...'
"""

from __future__ import annotations

import ipaddress
import logging
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from mwtyped._api_warnings import (
    InsecureLoginWarning,
    UserAgentWarning,
    emit_api_warnings,
    warn_at_caller,
)
from mwtyped._encoding import FileSpec, encode_params, form_encode
from mwtyped._envelope import JSONObject, decode_body
from mwtyped._modules import NO_ASSERT_ACTIONS, TOKEN_NEEDS, TokenNeed
from mwtyped._retry import RetryPolicy
from mwtyped._tokens import BearerAuth, TokenCache
from mwtyped._version import __version__
from mwtyped.errors import (
    ConnectError,
    HTTPStatusError,
    MWTypedError,
    ParamEncodeError,
    RequestTimeout,
    ResponseDecodeError,
    TransportError,
    WriteOutcomeUnknownError,
)

if TYPE_CHECKING:
    from mwtyped._http1 import Answer

__all__ = [
    "DEFAULT_API_PATH",
    "DEFAULT_ERRORFORMAT",
    "DEFAULT_FORMATVERSION",
    "DEFAULT_TIMEOUT",
    "Call",
    "FileSpec",
    "SessionCore",
]

DEFAULT_API_PATH = "/w/api.php"
DEFAULT_FORMATVERSION = 2
DEFAULT_ERRORFORMAT = "plaintext"
# Finite, unlike mwapi's "wait forever": a hung server must not hang a bot for good. Reads
# get a minute because parse and big queries are slow on busy wikis.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)

# Web servers and proxies refuse longer request lines (Apache and nginx default to 8 KiB).
MAX_GET_URL = 8000

ERRORFORMATS = frozenset({"bc", "plaintext", "wikitext", "html", "raw", "none"})
_HOST_RE = re.compile(r"^https?://(\[[0-9A-Fa-f:.]+\]|[^/\s?#@:\[\]]+)(:\d{1,5})?$")

# Actions that never change the wiki: safe to resend after a lost answer even when POSTed.
READ_ONLY_ACTIONS = frozenset(
    {
        "query",
        "parse",
        "compare",
        "expandtemplates",
        "paraminfo",
        "help",
        "opensearch",
        "feedcontributions",
        "feedrecentchanges",
        "feedwatchlist",
        "languagesearch",
        "tokens",
    }
)


@dataclass(frozen=True)
class Call:
    """One request, encoded and ready to send (or resend) as it is."""

    method: str
    url: str
    content: bytes | None
    data: dict[str, str] | None
    files: Mapping[str, FileSpec] | None
    headers: Mapping[str, str]
    read_only: bool
    label: str
    model: Any = None  # the response model of a typed call: validated straight from bytes


def _default_user_agent() -> str:
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"mwtyped/{__version__} (no contact given) httpx/{httpx.__version__} Python/{python}"


def validate_host(host: object) -> str:
    """``host`` as ``http(s)://name[:port]``, or a :class:`ValueError` saying what is wrong."""
    if not isinstance(host, str) or not _HOST_RE.match(host):
        raise ValueError(
            f"host must look like 'https://example.org' or 'http://127.0.0.1:8080' "
            f"(scheme and host, optional port, no path, no trailing '/'), got {host!r}"
        )
    return host


def validate_api_path(api_path: object) -> str:
    if api_path is None:
        return DEFAULT_API_PATH
    if not isinstance(api_path, str) or not api_path.startswith("/") or "?" in api_path:
        raise ValueError(f"api_path must start with '/' (e.g. '/w/api.php'), got {api_path!r}")
    return api_path


def make_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    """The httpx timeout for a ``timeout`` argument; ``math.inf`` waits forever."""
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or timeout != timeout  # NaN
        or timeout <= 0
    ):
        raise ValueError(f"timeout must be a number of seconds > 0, got {timeout!r}")
    return httpx.Timeout(None if math.isinf(timeout) else float(timeout))


def _unencodable(pairs: list[tuple[str, str]]) -> ParamEncodeError:
    """The error naming the first parameter that is not valid Unicode (a lone surrogate)."""
    for name, value in pairs:
        for text, what in ((name, "name"), (value, "value")):
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as err:
                return ParamEncodeError(name, f"the {what} is not valid Unicode ({err.reason})")
    return ParamEncodeError("?", "a parameter is not valid Unicode")


class SessionCore:
    """Settings and pure request/answer handling shared by both sessions."""

    def __init__(
        self,
        host: str,
        user_agent: str | None = None,
        formatversion: int | None = None,
        api_path: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        *,
        errorformat: str | None = DEFAULT_ERRORFORMAT,
        retry: RetryPolicy | int | None = None,
        access_token: str | None = None,
        assert_on_write: str | None = "user",
    ) -> None:
        self.host = validate_host(host)
        self.api_path = validate_api_path(api_path)
        self.url = self.host + self.api_path
        if user_agent is None:
            user_agent = _default_user_agent()
            warn_at_caller(
                UserAgentWarning(
                    "no user_agent given: wiki operators require one that names your tool "
                    "and a contact, e.g. 'MyBot/1.0 (https://example.org/mybot; me@example.org)'"
                )
            )
        elif not isinstance(user_agent, str) or not user_agent.strip():
            raise ValueError(f"user_agent must be a non-empty string, got {user_agent!r}")
        self.user_agent = user_agent
        if formatversion is None:
            formatversion = DEFAULT_FORMATVERSION
        if formatversion not in (1, 2) or isinstance(formatversion, bool):
            raise ValueError(f"formatversion must be 1 or 2, got {formatversion!r}")
        self.formatversion = formatversion
        if errorformat is not None and errorformat not in ERRORFORMATS:
            raise ValueError(f"errorformat must be one of {sorted(ERRORFORMATS)} or None")
        self.errorformat = errorformat
        self.timeout_given = timeout is not None
        self.timeout = make_timeout(timeout)
        self.retry = RetryPolicy.coerce(retry)
        defaults: dict[str, Any] = {"format": "json", "formatversion": formatversion}
        if errorformat is not None:
            defaults["errorformat"] = errorformat
        self.defaults = defaults
        if assert_on_write not in (None, "user", "bot"):
            raise ValueError(
                f"assert_on_write must be 'user', 'bot' or None, not {assert_on_write!r}"
            )
        self.assert_on_write = assert_on_write
        self.bearer = BearerAuth(access_token, self.host) if access_token is not None else None
        self.tokens = TokenCache()
        self.username: str | None = None

    @property
    def authenticated(self) -> bool:
        """Logged in, or sending an OAuth 2 token: writes then carry ``assert``."""
        return self.username is not None or self.bearer is not None

    def warn_if_login_is_readable(self) -> None:
        """Warn loudly before credentials go over plain http:// to a non-loopback host."""
        url = httpx.URL(self.host)
        if url.scheme != "http":
            return
        host = url.host
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            message = (
                f"logging in to {self.host} over plain http://: the password and the session "
                "cookie can be read by anyone on the network; use https://"
            )
            logging.getLogger("mwtyped").warning(message)
            warn_at_caller(InsecureLoginWarning(message))

    def logged_in(self, username: str) -> None:
        self.username = username
        self.tokens.clear()

    def logged_out(self) -> None:
        self.username = None
        self.tokens.clear()

    def token_need(
        self, method: str, params: Mapping[str, Any], declared: TokenNeed | None = None
    ) -> TokenNeed | None:
        """The token a POST needs and does not carry yet, if any. ``declared`` comes from a
        typed params class (so extension modules get their tokens too)."""
        if not isinstance(method, str) or method.upper() != "POST":
            return None
        action = params.get("action")
        need = declared or (TOKEN_NEEDS.get(action) if isinstance(action, str) else None)
        if need is None or params.get(need.param) is not None:
            return None
        return need

    def guard_write(
        self, method: str, params: Mapping[str, Any], declared: TokenNeed | None = None
    ) -> Mapping[str, Any]:
        """Add ``assert=user`` to a write of an authenticated session, so a lost login
        raises :class:`~mwtyped.AssertFailedError` instead of editing logged out."""
        if self.assert_on_write is None or not self.authenticated:
            return params
        action = params.get("action")
        if (
            not isinstance(action, str)
            or (action not in TOKEN_NEEDS and declared is None)
            or action in NO_ASSERT_ACTIONS
            or str(method).upper() != "POST"
            or "assert" in params
            or "assertuser" in params
        ):
            return params
        return {**params, "assert": self.assert_on_write}

    def prepare(
        self,
        method: str,
        params: Mapping[str, Any] | None,
        files: Mapping[str, FileSpec] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        model: Any = None,
    ) -> Call:
        """Encode one request. Raises before anything is sent if a value cannot be encoded."""
        verb = method.upper() if isinstance(method, str) else method
        if verb not in ("GET", "POST"):
            raise ValueError(f"method must be 'GET' or 'POST', got {method!r}")
        merged = {**self.defaults, **(params or {})}
        if merged.get("format") != "json":
            raise ValueError("mwtyped reads JSON answers only: leave 'format' unset")
        pairs = encode_params(merged)
        try:
            query = form_encode(pairs)
        except UnicodeEncodeError:
            raise _unencodable(pairs) from None
        action = merged.get("action")
        label = f"{verb} {action if isinstance(action, str) else '(no action)'}"
        read_only = verb == "GET" or action in READ_ONLY_ACTIONS
        sent_headers = dict(headers or {})
        if verb == "GET":
            if files:
                raise ValueError("files can only be sent with POST")
            url = f"{self.url}?{query}"
            if len(url) > MAX_GET_URL:
                raise ParamEncodeError(
                    "(the whole query)",
                    f"the GET URL would be {len(url):,} bytes; servers refuse more than about "
                    f"{MAX_GET_URL:,}: send the request with post() instead",
                )
            return Call(verb, url, None, None, None, sent_headers, read_only, label, model)
        if files:
            # multipart: httpx writes the fields in order (token last), then the files.
            return Call(
                verb, self.url, None, dict(pairs), files, sent_headers, read_only, label, model
            )
        sent_headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = query.encode("ascii")
        return Call(verb, self.url, body, None, None, sent_headers, read_only, label, model)

    def decode(self, response: httpx.Response | Answer, call: Call) -> JSONObject:
        """The answer's document; warnings emitted; errors raised as typed exceptions."""
        try:
            content = response.content
        except httpx.DecodingError as err:
            raise ResponseDecodeError(
                f"{call.label}: the answer could not be decompressed ({err})",
                status_code=response.status_code,
                content_type=response.headers.get("content-type"),
                body_prefix=b"",
                headers=response.headers,
            ) from err
        if call.model is not None:
            from mwtyped._typed_results import decode_typed_body

            document, found = decode_typed_body(
                call.model, response.status_code, response.headers, content, call.method, self.url
            )
        else:
            document, found = decode_body(
                response.status_code,
                response.headers,
                content,
                method=call.method,
                url=self.url,
                array_answer=call.label.endswith(" opensearch"),
            )
        if found:
            emit_api_warnings(found, call.label)
        result: JSONObject = document
        return result

    def transport_error(self, err: httpx.HTTPError, call: Call) -> Exception:
        """The mwtyped exception for an httpx failure (raise it ``from err``)."""
        message = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        if isinstance(err, httpx.ConnectError | httpx.ConnectTimeout):
            return ConnectError(message, method=call.method, url=self.url, request_sent=False)
        if isinstance(err, httpx.PoolTimeout):
            return RequestTimeout(message, method=call.method, url=self.url, request_sent=False)
        if isinstance(err, httpx.WriteTimeout):
            # Part of the body is missing: the server cannot have acted on it.
            return RequestTimeout(message, method=call.method, url=self.url, request_sent=False)
        if isinstance(err, httpx.TimeoutException):
            return RequestTimeout(message, method=call.method, url=self.url, request_sent=True)
        if isinstance(err, httpx.WriteError):
            return TransportError(message, method=call.method, url=self.url, request_sent=False)
        if isinstance(err, httpx.DecodingError):
            return ResponseDecodeError(
                f"{call.label}: the answer could not be decoded ({err})",
                status_code=0,
                content_type=None,
                body_prefix=b"",
            )
        return TransportError(message, method=call.method, url=self.url, request_sent=True)

    def outcome_unknown(self, error: MWTypedError, call: Call) -> WriteOutcomeUnknownError | None:
        """For a write whose final failure may hide a success, the error that says so."""
        if call.read_only:
            return None
        if isinstance(error, TransportError):
            maybe = error.request_sent
        elif isinstance(error, HTTPStatusError):
            # 429 and 503 are refusals; 500, 502, 504 may come after the wiki acted.
            maybe = error.status_code >= 500 and error.status_code != 503
        else:
            maybe = isinstance(error, ResponseDecodeError)
        return WriteOutcomeUnknownError(call.label, error) if maybe else None

    def upload_files(
        self, upload_file: bytes | None, params: Mapping[str, Any]
    ) -> dict[str, FileSpec] | None:
        """The multipart files for ``post(upload_file=...)``: the ``file`` field."""
        if upload_file is None:
            return None
        if not isinstance(upload_file, bytes | bytearray):
            raise TypeError(f"upload_file must be bytes, got {type(upload_file).__name__}")
        filename = params.get("filename")
        return {"file": (filename if isinstance(filename, str) else "file", bytes(upload_file))}

    def describe(self, cls_name: str) -> str:
        who = f", user={self.username!r}" if self.username else ""
        oauth = ", oauth2=True" if self.bearer is not None else ""
        return f"{cls_name}(host={self.host!r}, api_path={self.api_path!r}{who}{oauth})"
