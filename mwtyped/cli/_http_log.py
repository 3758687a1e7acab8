"""httpx event hooks: count every request for the progress line, and with ``--debug`` log it
(method, URL, body parameters, status, time) with every secret masked as ``***``.

Masked: parameters named ``token`` or ``*token`` (``lgtoken``, ``logintoken``, ...), any
parameter whose name contains ``password`` (``lgpassword``) and ``retype``, in the URL's
query as in a form body; the ``Authorization``, ``Cookie`` and ``Set-Cookie`` headers are
only ever shown as ``***``.

Example::

    >>> mask_params("action=login&lgname=Me%40Bot&lgpassword=secret&lgtoken=abc%2B%5C")
    'action=login&lgname=Me%40Bot&lgpassword=***&lgtoken=***'
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import httpx

from mwtyped.cli._console import Console

__all__ = ["HttpLog", "is_secret_param", "mask_params", "mask_url"]

MASK = "***"
_SECRET_HEADERS = ("authorization", "cookie", "proxy-authorization")
_LONG_VALUE = 80  # body values longer than this are cut in debug lines (page texts)
_STARTED = "mwtyped_cli_started"


def is_secret_param(name: str) -> bool:
    """Whether a parameter carries a secret: ``token``/``*token``, ``*password*``, ``retype``.

    Example: ``is_secret_param("lgpassword") and not is_secret_param("title")``.
    """
    lowered = name.lower()
    return lowered.endswith("token") or "password" in lowered or lowered == "retype"


def _shorten(value: str) -> str:
    if len(value) <= _LONG_VALUE:
        return value
    return f"{value[:_LONG_VALUE]}...({len(value)} characters)"


def mask_params(encoded: str, *, shorten: bool = False) -> str:
    """An urlencoded parameter string with the values of secret parameters masked."""
    pairs = parse_qsl(encoded, keep_blank_values=True)
    shown = []
    for name, value in pairs:
        if is_secret_param(name):
            shown.append(f"{quote(name, safe='')}={MASK}")
        else:
            text = _shorten(value) if shorten else value
            shown.append(f"{quote(name, safe='')}={quote(text, safe='|*')}")
    return "&".join(shown)


def mask_url(url: str) -> str:
    """A URL with the query values of secret parameters masked (and no user:password@)."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    query = mask_params(parts.query) if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _secret_headers(headers: httpx.Headers, names: tuple[str, ...]) -> str:
    present = [name for name in names if name in headers]
    return "".join(f" [{name}: {MASK}]" for name in present)


class HttpLog:
    """The event hooks of the session's httpx client for one command run.

    ``clock`` is injectable for tests.
    """

    def __init__(self, console: Console, clock: Callable[[], float] = time.monotonic) -> None:
        self.console = console
        self._clock = clock

    def hooks(self) -> dict[str, list[Callable[..., object]]]:
        """``event_hooks`` for ``httpx.Client``."""
        return {"request": [self.on_request], "response": [self.on_response]}

    def on_request(self, request: httpx.Request) -> None:
        request.extensions[_STARTED] = self._clock()
        self.console.count_request()
        if not self.console.debug:
            return
        line = f"> {request.method} {mask_url(str(request.url))}"
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            try:
                body = request.content.decode("utf-8", "replace")
            except httpx.RequestNotRead:
                body = "(streamed body)"
            else:
                body = mask_params(body, shorten=True)
            line += f" body: {body}"
        elif content_type.startswith("multipart/form-data"):
            line += " body: multipart form (not shown)"
        line += _secret_headers(request.headers, _SECRET_HEADERS)
        self.console.debug_line(line)

    def on_response(self, response: httpx.Response) -> None:
        if not self.console.debug:
            return
        request = response.request
        started = request.extensions.get(_STARTED)
        elapsed = f" in {self._clock() - started:.3f} s" if isinstance(started, int | float) else ""
        api_error = response.headers.get("mediawiki-api-error")
        line = (
            f"< {response.status_code} {response.reason_phrase} for {request.method} "
            f"{mask_url(str(request.url))}{elapsed}"
        )
        if api_error:
            line += f" (API error: {api_error})"
        if "set-cookie" in response.headers:
            line += f" [set-cookie: {MASK}]"
        self.console.debug_line(line)
