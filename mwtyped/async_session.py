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
from typing import Any, Literal, TypeVar, overload

import httpx

from mwtyped._base import SessionBase
from mwtyped._continuation import ContinuationState
from mwtyped._core import Call, FileSpec
from mwtyped._envelope import JSONObject
from mwtyped._flows import Flow
from mwtyped._login import LoginOutcome, continue_login_flow, login_flow, logout_flow
from mwtyped._retrying import RetryController
from mwtyped._tokens import fetch_tokens_flow
from mwtyped._upload import DEFAULT_CHUNK_SIZE, UploadResult, UploadSource, upload_flow
from mwtyped.errors import BadTokenError, MWTypedError
from mwtyped.session import Auth

__all__ = ["AsyncContinuation", "AsyncSession"]

T = TypeVar("T")


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


class AsyncSession(SessionBase[httpx.AsyncClient]):
    """An asyncio session with one MediaWiki's ``api.php``: :class:`~mwtyped.Session`'s
    surface, awaited. ``session`` takes an existing ``httpx.AsyncClient``; see
    :class:`~mwtyped._base.SessionBase` for every argument.
    """

    _client_class = httpx.AsyncClient
    _other_session = "Session"

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
                auth=self._auth(auth),
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

    async def _call(
        self,
        method: str,
        params: Mapping[str, Any],
        files: Mapping[str, FileSpec] | None,
        auth: Auth,
    ) -> JSONObject:
        """Send with the token a write needs (refreshed once on ``badtoken``) and its assert."""
        params = self._core.guard_write(method, params)
        need = self._core.token_need(method, params)
        if need is None:
            return await self._send(self._core.prepare(method, params, files), auth)
        token = await self.token(need.type)
        try:
            return await self._send(
                self._core.prepare(method, {**params, need.param: token}, files), auth
            )
        except BadTokenError:
            self._core.tokens.drop(need.type, stale=token)
            token = await self.token(need.type)
            return await self._send(
                self._core.prepare(method, {**params, need.param: token}, files), auth
            )

    async def _run(self, flow: Flow[T]) -> T:
        """Drive a flow: send each step it yields, send back answers, throw in errors."""
        try:
            step = next(flow)
            while True:
                try:
                    document = await self._call(step.method, step.params, step.files, None)
                except MWTypedError as err:
                    step = flow.throw(err)
                else:
                    step = flow.send(document)
        except StopIteration as stop:
            result: T = stop.value
            return result

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
        return self._call(method, merged, files, auth)

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
        self._core.prepare(method, state.params, files)  # a bad value fails now, not mid-loop
        return AsyncContinuation(self._follow(state, method, auth, files))

    async def _follow(
        self,
        state: ContinuationState,
        method: str,
        auth: Auth,
        files: Mapping[str, FileSpec] | None,
    ) -> AsyncIterator[JSONObject]:
        params = state.params
        while params is not None:
            document = await self._call(method, params, files, auth)
            yield document
            params = state.advance(document)

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

    # -- tokens, login, uploads (the same flows as Session) ---------------------------------
    async def token(self, token_type: str = "csrf") -> str:
        """A token of the given type, fetched once and cached until login or logout."""
        cached = self._core.tokens.get(token_type)
        if cached is not None:
            return cached
        fetched = (await self._run(fetch_tokens_flow([token_type])))[token_type]
        self._core.tokens.put(token_type, fetched)
        return fetched

    async def login(
        self, username: str, password: str, login_token: str | None = None
    ) -> LoginOutcome:
        """Log in: ``User@Label`` with a bot password, other names with ``clientlogin``.

        Example: ``await session.login("Admin@mybot", os.environ["BOT_PASSWORD"])``.
        """
        self._core.logged_out()
        self._forget_wiki_cookies()
        flow = login_flow(username, password, login_token, self._core.host + "/")
        outcome = await self._run(flow)
        self._core.logged_in(outcome.username)
        return outcome

    async def continue_login(self, login_token: str, **fields: Any) -> LoginOutcome:
        """Finish a login that raised :class:`~mwtyped.ClientInteractionRequest`."""
        outcome = await self._run(continue_login_flow(login_token, fields))
        self._core.logged_in(outcome.username)
        return outcome

    async def logout(self) -> None:
        """End the logged-in session on the wiki (with a csrf token) and forget tokens."""
        await self._run(logout_flow())
        self._core.logged_out()
        self._forget_wiki_cookies()

    async def upload(
        self,
        filename: str,
        source: UploadSource,
        *,
        comment: str = "",
        text: str | None = None,
        ignore_warnings: bool = False,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        **params: Any,
    ) -> UploadResult:
        """Upload a file as ``File:filename``; see :meth:`mwtyped.Session.upload`."""
        return await self._run(
            upload_flow(
                filename,
                source,
                comment=comment,
                text=text,
                ignore_warnings=ignore_warnings,
                chunk_size=chunk_size,
                extra=params,
            )
        )
