"""The blocking :class:`Session`: mwapi's surface on httpx, with typed errors and retries.

Example::

    import mwtyped

    with mwtyped.Session("https://en.wikipedia.org",
                         user_agent="MyBot/1.0 (https://example.org; me@example.org)") as s:
        doc = s.get(action="query", meta="siteinfo")
        for batch in s.get(action="query", list="allpages", aplimit=500, continuation=True):
            print(len(batch["query"]["allpages"]))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, Literal, overload

import httpx

from mwtyped._continuation import ContinuationState
from mwtyped._core import Call, FileSpec, SessionCore
from mwtyped._envelope import JSONObject
from mwtyped._retry import RetryPolicy
from mwtyped._retrying import SYSTEM_CLOCKS, Clocks, RetryController

__all__ = ["Auth", "Session"]

Auth = (
    httpx.Auth | tuple[str | bytes, str | bytes] | Callable[[httpx.Request], httpx.Request] | None
)


class Session:
    """A blocking session with one MediaWiki's ``api.php``.

    ``host`` is ``http(s)://name[:port]``; ``api_path`` defaults to ``/w/api.php``.
    ``formatversion`` defaults to 2 and ``errorformat`` to ``"plaintext"`` (so errors and
    warnings carry codes); both shapes are understood whatever is set. ``timeout`` defaults
    to 60 s (10 s to connect); ``math.inf`` waits forever. ``session`` is an existing
    ``httpx.Client`` to send with (it is then yours to close); otherwise ``session_params``
    go to the ``httpx.Client`` built here. ``retry`` is a :class:`RetryPolicy` or a number
    of resends (0 disables).
    """

    def __init__(
        self,
        host: str,
        user_agent: str | None = None,
        formatversion: int | None = None,
        api_path: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        session: httpx.Client | None = None,
        *,
        errorformat: str | None = "plaintext",
        retry: RetryPolicy | int | None = None,
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
        )
        self._clocks: Clocks = SYSTEM_CLOCKS
        if session is not None:
            if not isinstance(session, httpx.Client):
                raise TypeError(
                    f"session must be an httpx.Client, got {type(session).__name__}"
                    + (" (use AsyncSession)" if isinstance(session, httpx.AsyncClient) else "")
                )
            if session_params:
                raise TypeError(
                    "session_params configure a client mwtyped builds; they cannot be "
                    f"combined with session= (got {sorted(session_params)})"
                )
            self._client = session
            self._owns_client = False
            self._headers: dict[str, str] = {"User-Agent": self._core.user_agent}
        else:
            headers = {"User-Agent": self._core.user_agent, **session_params.pop("headers", {})}
            session_params.setdefault("timeout", self._core.timeout)
            self._client = httpx.Client(headers=headers, **session_params)
            self._owns_client = True
            self._headers = {}
        self._timeout: httpx.Timeout | Any = (
            self._core.timeout if self._core.timeout_given else httpx.USE_CLIENT_DEFAULT
        )

    # -- properties ------------------------------------------------------------------------
    @property
    def host(self) -> str:
        return self._core.host

    @property
    def api_url(self) -> str:
        """The full address of ``api.php``."""
        return self._core.url

    @property
    def client(self) -> httpx.Client:
        """The underlying ``httpx.Client`` (cookies, connection pool)."""
        return self._client

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._core.retry

    def __repr__(self) -> str:
        return self._core.describe(type(self).__name__)

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Close the HTTP client, unless it was handed in with ``session=``."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- sending ---------------------------------------------------------------------------
    def _send_once(self, call: Call, auth: Auth) -> JSONObject:
        try:
            response = self._client.request(
                call.method,
                call.url,
                content=call.content,
                data=call.data,
                files=call.files,
                headers={**self._headers, **call.headers},
                auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                timeout=self._timeout,
            )
        except httpx.HTTPError as err:
            raise self._core.transport_error(err, call) from err
        return self._core.decode(response, call)

    def _send(self, call: Call, auth: Auth) -> JSONObject:
        policy = self._core.retry
        if policy.max_retries == 0:
            return self._send_once(call, auth)
        controller = RetryController(
            policy, read_only=call.read_only, label=call.label, clocks=self._clocks
        )
        result: JSONObject = controller.sync_retrying()(self._send_once, call, auth)
        return result

    # -- the mwapi surface -----------------------------------------------------------------
    @overload
    def request(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        query_continue: Mapping[str, Any] | None = None,
        files: Mapping[str, FileSpec] | None = None,
        auth: Auth = None,
        continuation: Literal[False] = False,
    ) -> JSONObject: ...

    @overload
    def request(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        query_continue: Mapping[str, Any] | None = None,
        files: Mapping[str, FileSpec] | None = None,
        auth: Auth = None,
        *,
        continuation: Literal[True],
    ) -> Iterator[JSONObject]: ...

    @overload
    def request(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        query_continue: Mapping[str, Any] | None = None,
        files: Mapping[str, FileSpec] | None = None,
        auth: Auth = None,
        continuation: bool = False,
    ) -> JSONObject | Iterator[JSONObject]: ...

    def request(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        query_continue: Mapping[str, Any] | None = None,
        files: Mapping[str, FileSpec] | None = None,
        auth: Auth = None,
        continuation: bool = False,
    ) -> JSONObject | Iterator[JSONObject]:
        """Send one request (``continuation=True``: a generator of every answer).

        ``params`` go in the query string for GET and in the body for POST; ``files`` maps
        field names to ``(filename, bytes)`` and makes the POST multipart;
        ``query_continue`` is a ``continue`` object of an earlier answer to start from.
        """
        if continuation:
            return self.continuation(method, params, query_continue, auth, files)
        merged = {**(params or {}), **(query_continue or {})}
        return self._send(self._core.prepare(method, merged, files), auth)

    def continuation(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        query_continue: Mapping[str, Any] | None = None,
        auth: Auth = None,
        files: Mapping[str, FileSpec] | None = None,
    ) -> Iterator[JSONObject]:
        """Send a request and follow its continuation; yields each answer as it arrives.

        Memory stays constant: nothing is kept between answers but the continue position.
        """
        state = ContinuationState(params or {}, query_continue)
        assert state.params is not None
        first = self._core.prepare(method, state.params, files)  # fail now, not on next()
        return self._follow(state, first, method, auth, files)

    def _follow(
        self,
        state: ContinuationState,
        first: Call,
        method: str,
        auth: Auth,
        files: Mapping[str, FileSpec] | None,
    ) -> Iterator[JSONObject]:
        call: Call | None = first
        while call is not None:
            document = self._send(call, auth)
            yield document
            following = state.advance(document)
            call = self._core.prepare(method, following, files) if following else None

    @overload
    def get(
        self,
        query_continue: Mapping[str, Any] | None = None,
        auth: Auth = None,
        continuation: Literal[False] = False,
        **params: Any,
    ) -> JSONObject: ...

    @overload
    def get(
        self,
        query_continue: Mapping[str, Any] | None = None,
        auth: Auth = None,
        *,
        continuation: Literal[True],
        **params: Any,
    ) -> Iterator[JSONObject]: ...

    def get(
        self,
        query_continue: Mapping[str, Any] | None = None,
        auth: Auth = None,
        continuation: bool = False,
        **params: Any,
    ) -> JSONObject | Iterator[JSONObject]:
        """``request("GET", params)``; keyword arguments are the API parameters.

        Example: ``session.get(action="query", meta="userinfo")["query"]["userinfo"]``.
        """
        return self.request("GET", params, query_continue, None, auth, continuation)

    @overload
    def post(
        self,
        query_continue: Mapping[str, Any] | None = None,
        upload_file: bytes | None = None,
        auth: Auth = None,
        continuation: Literal[False] = False,
        **params: Any,
    ) -> JSONObject: ...

    @overload
    def post(
        self,
        query_continue: Mapping[str, Any] | None = None,
        upload_file: bytes | None = None,
        auth: Auth = None,
        *,
        continuation: Literal[True],
        **params: Any,
    ) -> Iterator[JSONObject]: ...

    def post(
        self,
        query_continue: Mapping[str, Any] | None = None,
        upload_file: bytes | None = None,
        auth: Auth = None,
        continuation: bool = False,
        **params: Any,
    ) -> JSONObject | Iterator[JSONObject]:
        """``request("POST", params)``; ``upload_file`` is sent as the multipart ``file``.

        Example: ``session.post(action="purge", titles="Main Page")``.
        """
        files = self._core.upload_files(upload_file, params)
        return self.request("POST", params, query_continue, files, auth, continuation)
