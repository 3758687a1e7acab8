"""The asyncio twin of :class:`~mwtyped.Session`: the same surface, awaited.

``get``/``post``/``request`` return a coroutine; with ``continuation=True`` they return an
:class:`AsyncContinuation`, which is iterated with ``async for`` (awaiting it first, as
mwapi's async session wants, works too).

Example::

    async with mwtyped.AsyncSession(host, user_agent="MyBot/1.0 (me@example.org)") as s:
        doc = await s.get(action="query", meta="siteinfo")
        async for batch in s.get(action="query", list="allpages", continuation=True):
            ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Coroutine, Generator, Mapping
from types import TracebackType
from typing import Any, Literal, overload

import httpx

from mwtyped._continuation import ContinuationState
from mwtyped._core import Call, FileSpec, SessionCore
from mwtyped._envelope import JSONObject
from mwtyped._retry import RetryPolicy
from mwtyped._retrying import SYSTEM_CLOCKS, Clocks, RetryController
from mwtyped.session import Auth

__all__ = ["AsyncContinuation", "AsyncSession"]


class AsyncContinuation(AsyncIterator[JSONObject]):
    """The answers of a continued query, fetched one at a time as you iterate.

    Use ``async for doc in stream``; ``await stream`` returns the stream itself (mwapi's
    spelling). ``await stream.aclose()`` stops early and releases the connection.
    """

    def __init__(self, documents: AsyncIterator[JSONObject]) -> None:
        self._documents = documents

    def __aiter__(self) -> AsyncContinuation:
        return self

    async def __anext__(self) -> JSONObject:
        return await self._documents.__anext__()

    def __await__(self) -> Generator[Any, None, AsyncContinuation]:
        return self._itself().__await__()

    async def _itself(self) -> AsyncContinuation:
        return self

    async def aclose(self) -> None:
        closer = getattr(self._documents, "aclose", None)
        if closer is not None:
            await closer()


class AsyncSession:
    """An asyncio session with one MediaWiki's ``api.php``; see :class:`~mwtyped.Session`.

    ``session`` takes an existing ``httpx.AsyncClient``.
    """

    def __init__(
        self,
        host: str,
        user_agent: str | None = None,
        formatversion: int | None = None,
        api_path: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        session: httpx.AsyncClient | None = None,
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
            if not isinstance(session, httpx.AsyncClient):
                raise TypeError(
                    f"session must be an httpx.AsyncClient, got {type(session).__name__}"
                    + (" (use Session)" if isinstance(session, httpx.Client) else "")
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
            self._client = httpx.AsyncClient(headers=headers, **session_params)
            self._owns_client = True
            self._headers = {}
        self._timeout: httpx.Timeout | Any = (
            self._core.timeout if self._core.timeout_given else httpx.USE_CLIENT_DEFAULT
        )

    @property
    def host(self) -> str:
        return self._core.host

    @property
    def api_url(self) -> str:
        """The full address of ``api.php``."""
        return self._core.url

    @property
    def client(self) -> httpx.AsyncClient:
        """The underlying ``httpx.AsyncClient``."""
        return self._client

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._core.retry

    def __repr__(self) -> str:
        return self._core.describe(type(self).__name__)

    async def aclose(self) -> None:
        """Close the HTTP client, unless it was handed in with ``session=``."""
        if self._owns_client:
            await self._client.aclose()

    async def close(self) -> None:
        """The same as :meth:`aclose`."""
        await self.aclose()

    async def __aenter__(self) -> AsyncSession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send_once(self, call: Call, auth: Auth) -> JSONObject:
        try:
            response = await self._client.request(
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

    async def _send(self, call: Call, auth: Auth) -> JSONObject:
        policy = self._core.retry
        if policy.max_retries == 0:
            return await self._send_once(call, auth)
        controller = RetryController(
            policy, read_only=call.read_only, label=call.label, clocks=self._clocks
        )
        result: JSONObject = await controller.async_retrying()(self._send_once, call, auth)
        return result

    async def _request_one(
        self,
        method: str,
        params: Mapping[str, Any],
        files: Mapping[str, FileSpec] | None,
        auth: Auth,
    ) -> JSONObject:
        return await self._send(self._core.prepare(method, params, files), auth)

    @overload
    def request(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        query_continue: Mapping[str, Any] | None = None,
        files: Mapping[str, FileSpec] | None = None,
        auth: Auth = None,
        continuation: Literal[False] = False,
    ) -> Coroutine[Any, Any, JSONObject]: ...

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
    ) -> AsyncContinuation: ...

    def request(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        query_continue: Mapping[str, Any] | None = None,
        files: Mapping[str, FileSpec] | None = None,
        auth: Auth = None,
        continuation: bool = False,
    ) -> Coroutine[Any, Any, JSONObject] | AsyncContinuation:
        """Send one request: ``await`` it; with ``continuation=True`` iterate the answers."""
        if continuation:
            return self.continuation(method, params, query_continue, auth, files)
        merged = {**(params or {}), **(query_continue or {})}
        return self._request_one(method, merged, files, auth)

    def continuation(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        query_continue: Mapping[str, Any] | None = None,
        auth: Auth = None,
        files: Mapping[str, FileSpec] | None = None,
    ) -> AsyncContinuation:
        """Follow a query's continuation; ``async for`` yields each answer as it arrives."""
        state = ContinuationState(params or {}, query_continue)
        assert state.params is not None
        first = self._core.prepare(method, state.params, files)  # fail now, not mid-loop
        return AsyncContinuation(self._follow(state, first, method, auth, files))

    async def _follow(
        self,
        state: ContinuationState,
        first: Call,
        method: str,
        auth: Auth,
        files: Mapping[str, FileSpec] | None,
    ) -> AsyncIterator[JSONObject]:
        call: Call | None = first
        while call is not None:
            document = await self._send(call, auth)
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
    ) -> Coroutine[Any, Any, JSONObject]: ...

    @overload
    def get(
        self,
        query_continue: Mapping[str, Any] | None = None,
        auth: Auth = None,
        *,
        continuation: Literal[True],
        **params: Any,
    ) -> AsyncContinuation: ...

    def get(
        self,
        query_continue: Mapping[str, Any] | None = None,
        auth: Auth = None,
        continuation: bool = False,
        **params: Any,
    ) -> Coroutine[Any, Any, JSONObject] | AsyncContinuation:
        """``request("GET", params)``: ``await session.get(action="query", ...)``."""
        if continuation:
            return self.continuation("GET", params, query_continue, auth)
        return self.request("GET", params, query_continue, None, auth)

    @overload
    def post(
        self,
        query_continue: Mapping[str, Any] | None = None,
        upload_file: bytes | None = None,
        auth: Auth = None,
        continuation: Literal[False] = False,
        **params: Any,
    ) -> Coroutine[Any, Any, JSONObject]: ...

    @overload
    def post(
        self,
        query_continue: Mapping[str, Any] | None = None,
        upload_file: bytes | None = None,
        auth: Auth = None,
        *,
        continuation: Literal[True],
        **params: Any,
    ) -> AsyncContinuation: ...

    def post(
        self,
        query_continue: Mapping[str, Any] | None = None,
        upload_file: bytes | None = None,
        auth: Auth = None,
        continuation: bool = False,
        **params: Any,
    ) -> Coroutine[Any, Any, JSONObject] | AsyncContinuation:
        """``request("POST", params)``; ``upload_file`` is sent as the multipart ``file``."""
        files = self._core.upload_files(upload_file, params)
        if continuation:
            return self.continuation("POST", params, query_continue, auth, files)
        return self.request("POST", params, query_continue, files, auth)
