"""What :class:`~mwtyped.Session` and :class:`~mwtyped.AsyncSession` share besides sending:
the constructor (settings checked by :class:`~mwtyped._core.SessionCore`, the httpx client
built or taken), properties, and ``repr``.

Example::

    session = mwtyped.Session("http://127.0.0.1:8080", user_agent="t/1 (me@example.org)",
                              api_path="/api.php", retry=0)
    session.api_url   # 'http://127.0.0.1:8080/api.php'
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import httpx

from mwtyped._core import Call, SessionCore
from mwtyped._log_redaction import install_log_redaction
from mwtyped._native import NativeSenderBase
from mwtyped._retry import RetryPolicy
from mwtyped._retrying import SYSTEM_CLOCKS, Clocks

__all__ = ["SessionBase"]

ClientT = TypeVar("ClientT", httpx.Client, httpx.AsyncClient)


class SessionBase(Generic[ClientT]):
    """A session with one MediaWiki's ``api.php``.

    ``host`` is ``http(s)://name[:port]``; ``api_path`` defaults to ``/w/api.php``.
    ``formatversion`` defaults to 2 and ``errorformat`` to ``"plaintext"`` (so errors and
    warnings carry codes); both shapes are understood whatever is set. ``timeout`` defaults
    to 60 s (10 s to connect); ``math.inf`` waits forever. ``session`` is an existing httpx
    client to send with (then yours to close); otherwise ``session_params`` go to the client
    built here. ``retry`` is a :class:`~mwtyped.RetryPolicy` or a number of resends (0
    disables). ``access_token`` is an OAuth 2 owner-only token, sent as a Bearer header to
    this host only. ``assert_on_write`` (``"user"``, ``"bot"`` or ``None``) is added as
    ``assert`` to the writes of a logged-in session.
    """

    _client_class: type[ClientT]
    _other_session: str

    def __init__(
        self,
        host: str,
        user_agent: str | None = None,
        formatversion: int | None = None,
        api_path: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        session: ClientT | None = None,
        *,
        errorformat: str | None = "plaintext",
        retry: RetryPolicy | int | None = None,
        access_token: str | None = None,
        assert_on_write: str | None = "user",
        **session_params: Any,
    ) -> None:
        self._core = SessionCore(
            host,
            user_agent,
            formatversion,
            api_path,
            timeout,
            errorformat=errorformat,
            retry=retry,
            access_token=access_token,
            assert_on_write=assert_on_write,
        )
        install_log_redaction()
        self._clocks: Clocks = SYSTEM_CLOCKS
        self._headers: dict[str, str] = {}
        if session is not None:
            if not isinstance(session, self._client_class):
                hint = (
                    f" (use {self._other_session})"
                    if isinstance(session, httpx.Client | httpx.AsyncClient)
                    else ""
                )
                raise TypeError(
                    f"session must be an {self._client_class.__module__}."
                    f"{self._client_class.__name__}, got {type(session).__name__}{hint}"
                )
            if session_params:
                raise TypeError(
                    "session_params configure a client mwtyped builds; they cannot be "
                    f"combined with session= (got {sorted(session_params)})"
                )
            self._client: ClientT = session
            self._owns_client = False
            # Not set on the user's client: it may serve other sites too.
            self._headers = {"User-Agent": self._core.user_agent}
            self._client_built(None)
        else:
            options = dict(session_params)
            headers = {"User-Agent": self._core.user_agent, **session_params.pop("headers", {})}
            session_params.setdefault("timeout", self._core.timeout)
            session_params.setdefault("follow_redirects", False)
            self._client = self._client_class(headers=headers, **session_params)
            self._owns_client = True
            self._client_built(options)
        self._timeout: httpx.Timeout | Any = (
            self._core.timeout if self._core.timeout_given else httpx.USE_CLIENT_DEFAULT
        )

    _native: NativeSenderBase | None = None

    def _sends_natively(self, call: Call, auth: Any) -> bool:
        """Whether ``call`` goes over mwtyped's own connections (mwtyped/_native.py)."""
        native = self._native
        return (
            native is not None
            and auth is None
            and call.files is None
            and native.usable(self._client)
        )

    def _native_options(self) -> dict[str, Any]:
        return {
            "extra_headers": self._headers,
            "timeout": self._timeout_now(),
            "bearer": self._core.bearer,
        }

    def _timeout_now(self) -> httpx.Timeout:
        """The timeout of the next request: the session's, else the client's."""
        if isinstance(self._timeout, httpx.Timeout):
            return self._timeout
        return self._client.timeout

    def _client_built(self, options: dict[str, Any] | None) -> None:
        """Called once the client exists, with the options it was built with (``None``:
        the user's own client)."""

    @property
    def host(self) -> str:
        return self._core.host

    @property
    def api_url(self) -> str:
        """The full address of ``api.php``."""
        return self._core.url

    @property
    def client(self) -> ClientT:
        """The underlying httpx client (cookies, connection pool)."""
        return self._client

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._core.retry

    @property
    def username(self) -> str | None:
        """The user logged in with :meth:`login`, or ``None``."""
        return self._core.username

    def _auth(self, auth: Any) -> Any:
        """The auth for one request: the caller's, else the OAuth bearer, else the client's."""
        if auth is not None:
            return auth
        return self._core.bearer if self._core.bearer is not None else httpx.USE_CLIENT_DEFAULT

    def _forget_wiki_cookies(self) -> None:
        """Drop this wiki's cookies: a login must start a fresh session (MediaWiki refuses
        to log in over a bot-password session), and a logout must leave nothing behind."""
        host = httpx.URL(self._core.host).host
        jar = self._client.cookies.jar
        for cookie in list(jar):
            if cookie.domain.lstrip(".") in (host, f"{host}.local"):
                jar.clear(cookie.domain, cookie.path, cookie.name)

    def __repr__(self) -> str:
        return self._core.describe(type(self).__name__)
