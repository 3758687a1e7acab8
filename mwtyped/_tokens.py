"""Tokens: a thread-safe cache, the flow that fetches them, and OAuth 2 bearer auth.

Example::

    cache = TokenCache()
    token = cache.get("csrf")            # None until fetched
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterable

import httpx

from mwtyped._flows import Flow, Step, member

__all__ = ["BearerAuth", "TokenCache", "fetch_tokens_flow"]

TOKEN_TYPES = frozenset(
    {"createaccount", "csrf", "login", "patrol", "rollback", "userrights", "watch"}
)


class TokenCache:
    """Tokens by type. Shared by every thread of a session, so guarded by a lock."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()
        # Held by the thread fetching a token, so the others wait for it instead of each
        # asking: concurrent token requests of one wiki session can invalidate each other.
        self.fetch_lock = threading.Lock()

    def get(self, token_type: str) -> str | None:
        with self._lock:
            return self._tokens.get(token_type)

    def put(self, token_type: str, value: str) -> None:
        with self._lock:
            self._tokens[token_type] = value

    def drop(self, token_type: str, stale: str | None = None) -> None:
        """Forget a token (only if it is still ``stale``, when given: another thread may
        have refreshed it already)."""
        with self._lock:
            if stale is None or self._tokens.get(token_type) == stale:
                self._tokens.pop(token_type, None)

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()

    def __repr__(self) -> str:
        with self._lock:
            return f"TokenCache(types={sorted(self._tokens)})"


def fetch_tokens_flow(types: Iterable[str]) -> Flow[dict[str, str]]:
    """Fetch tokens of the given types in one request: ``{"csrf": "..."}``."""
    wanted = sorted(set(types))
    unknown = [t for t in wanted if t not in TOKEN_TYPES]
    if unknown:
        raise ValueError(f"unknown token type(s) {unknown}; known: {sorted(TOKEN_TYPES)}")
    document = yield Step("GET", {"action": "query", "meta": "tokens", "type": wanted})
    found: dict[str, str] = {}
    for token_type in wanted:
        value = member(document, "query", "tokens", f"{token_type}token")
        found[token_type] = str(value)
    return found


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer <token>`` (OAuth 2 owner-only), sent only to ``host``.

    The token never goes to another host, so a redirect or a second wiki cannot see it.
    """

    def __init__(self, token: str, host: str) -> None:
        if not isinstance(token, str) or not token.strip():
            raise ValueError("the OAuth 2 access token must be a non-empty string")
        self._token = token
        self._host = httpx.URL(host).host

    @property
    def header_value(self) -> str:
        """The ``Authorization`` value (for senders that address this host only)."""
        return f"Bearer {self._token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if request.url.host == self._host:
            request.headers["Authorization"] = self.header_value
        yield request

    def __repr__(self) -> str:
        return f"BearerAuth(host={self._host!r}, token='***')"
