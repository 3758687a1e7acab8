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

from collections.abc import AsyncIterator, Coroutine, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import httpx

from mwtyped._aio_sender import AsyncNativeSender
from mwtyped._async_account import AsyncAccount
from mwtyped._async_continuation import AsyncContinuation
from mwtyped._base import SessionBase
from mwtyped._continuation import ContinuationState
from mwtyped._core import Call, FileSpec
from mwtyped._envelope import JSONObject
from mwtyped._flows import Flow
from mwtyped._modules import TokenNeed
from mwtyped._pages import amerge_pages
from mwtyped._retrying import RetryController
from mwtyped.errors import (
    BadTokenError,
    HTTPStatusError,
    MWTypedError,
    ResponseDecodeError,
    TransportError,
)
from mwtyped.session import Auth

if TYPE_CHECKING:
    # The typed layer (pydantic models) loads on first typed use: a plain `import mwtyped`
    # stays as cheap as httpx (docs/performance.md).
    from mwtyped._typed import ActionParams, ListParams, WireRequest
    from mwtyped.responses import Page, QueryResponse

__all__ = ["AsyncContinuation", "AsyncSession"]

T = TypeVar("T")
D = TypeVar("D")
R = TypeVar("R")
Item = TypeVar("Item")


class AsyncSession(SessionBase[httpx.AsyncClient], AsyncAccount):
    """An asyncio session with one MediaWiki's ``api.php``: :class:`~mwtyped.Session`'s
    surface, awaited. ``session`` takes an existing ``httpx.AsyncClient``; see
    :class:`~mwtyped._base.SessionBase` for every argument.
    """

    _client_class = httpx.AsyncClient
    _other_session = "Session"

    _native: AsyncNativeSender | None = None

    def _client_built(self, options: dict[str, Any] | None) -> None:
        # A client built here sends plain calls over mwtyped's own asyncio connections
        # (~4x cheaper than httpx.AsyncClient's stack); see mwtyped/_aio_sender.py.
        if options is not None:
            self._native = AsyncNativeSender.for_client(self._core.url, options)

    async def aclose(self) -> None:
        """Close the HTTP client, unless it was handed in with ``session=``."""
        if self._native is not None:
            await self._native.aclose()
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
        if self._native is not None and self._sends_natively(call, auth):
            try:
                answer = await self._native.send(self._client, call, **self._native_options())
            except httpx.HTTPError as err:
                raise self._core.transport_error(err, call) from err
            return self._core.decode(answer, call)
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
                # Never follow, even on a client that would: a 307/308 would resend the body
                # (a password) to wherever the Location points.
                follow_redirects=False,
            )
        except httpx.HTTPError as err:
            raise self._core.transport_error(err, call) from err
        return self._core.decode(response, call)

    async def _send(self, call: Call, auth: Auth) -> JSONObject:
        """Send with the retry policy; a write whose answer was lost is never resent."""
        started = self._clocks.monotonic()
        try:
            try:
                return await self._send_once(call, auth)
            except MWTypedError as error:
                if self._core.retry.max_retries == 0:
                    raise
                controller = RetryController(
                    self._core.retry,
                    read_only=call.read_only,
                    label=call.label,
                    clocks=self._clocks,
                    started=started,
                )
                delay = controller.judge(error)
                if delay is None:
                    raise
            await self._clocks.async_sleep(delay)
            result: JSONObject = await controller.async_retrying()(self._send_once, call, auth)
            return result
        except (TransportError, HTTPStatusError, ResponseDecodeError) as err:
            unknown = self._core.outcome_unknown(err, call)
            if unknown is None:
                raise
            raise unknown from err

    async def _call(
        self,
        method: str,
        params: Mapping[str, Any],
        files: Mapping[str, FileSpec] | None,
        auth: Auth,
        declared: TokenNeed | None = None,
        model: Any = None,
    ) -> JSONObject:
        """Send with the token a write needs (refreshed once on ``badtoken``) and its assert;
        ``model`` is a typed call's response model, validated from the answer's bytes."""
        params = self._core.guard_write(method, params, declared)
        need = self._core.token_need(method, params, declared)
        if need is None:
            return await self._send(self._core.prepare(method, params, files, model=model), auth)
        token = await self.token(need.type)
        try:
            return await self._send(
                self._core.prepare(method, {**params, need.param: token}, files, model=model), auth
            )
        except BadTokenError:
            self._core.tokens.drop(need.type, stale=token)
            token = await self.token(need.type)
            return await self._send(
                self._core.prepare(method, {**params, need.param: token}, files, model=model), auth
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
        method: ActionParams[R],
        params: None = None,
        query_continue: Mapping[str, Any] | None = None,
        files: None = None,
        auth: Auth = None,
        continuation: Literal[False] = False,
    ) -> Coroutine[Any, Any, R]: ...

    @overload
    def request(
        self,
        method: ActionParams[R],
        params: None = None,
        query_continue: Mapping[str, Any] | None = None,
        files: None = None,
        auth: Auth = None,
        *,
        continuation: Literal[True],
    ) -> AsyncContinuation[R]: ...

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
    ) -> AsyncContinuation[JSONObject]: ...

    def request(
        self,
        method: str | ActionParams[Any],
        params: Mapping[str, Any] | None = None,
        query_continue: Mapping[str, Any] | None = None,
        files: Mapping[str, FileSpec] | None = None,
        auth: Auth = None,
        continuation: bool = False,
    ) -> Any:
        """Send one request: ``await`` it; with ``continuation=True`` iterate the answers.

        A typed parameter object gives that module's response model:
        ``await session.request(EditParams(title="A", text="x"))``.
        """
        if not isinstance(method, str):
            from mwtyped._typed_results import typed_request

            wire = typed_request(method, params, files)
            model = type(method).response_type
            if continuation:
                stream = self._continued(
                    wire.method, wire.params, query_continue, auth, wire.files, model
                )
                return AsyncContinuation(stream)
            merged = {**wire.params, **(query_continue or {})}
            return self._typed_one(model, wire, merged, auth)
        if continuation:
            return self.continuation(method, params, query_continue, auth, files)
        merged = {**(params or {}), **(query_continue or {})}
        return self._call(method, merged, files, auth)

    async def _typed_one(
        self, model: Any, wire: WireRequest, params: Mapping[str, Any], auth: Auth
    ) -> Any:
        return await self._call(wire.method, params, wire.files, auth, wire.token, model)

    def items(
        self,
        module: ListParams[Item],
        *,
        limit: int | None = None,
        query: Mapping[str, Any] | None = None,
        auth: Auth = None,
    ) -> AsyncContinuation[Item]:
        """Every item of a ``list=`` module across all batches; see :meth:`Session.items`."""
        from mwtyped._typed_results import list_answer_model, list_query

        model = list_answer_model(type(module))
        documents = self._continued("GET", list_query(module, query), None, auth, None, model)
        return AsyncContinuation(_limited(_items(module, documents), limit))

    def pages(
        self, query: ActionParams[QueryResponse], *, limit: int | None = None, auth: Auth = None
    ) -> AsyncContinuation[Page]:
        """Every page of a query once, props merged; see :meth:`Session.pages`."""
        from mwtyped._typed_results import typed_request

        wire = typed_request(query, None, None)
        model = type(query).response_type  # each answer validated: merged pages stay valid
        documents = self._continued(wire.method, wire.params, None, auth, None, model)
        merged = amerge_pages(documents, generator=wire.params.get("generator"))
        return AsyncContinuation(_limited(merged, limit))

    def continuation(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        query_continue: Mapping[str, Any] | None = None,
        auth: Auth = None,
        files: Mapping[str, FileSpec] | None = None,
    ) -> AsyncContinuation[JSONObject]:
        """Follow a query's continuation; ``async for`` yields each answer as it arrives."""
        return AsyncContinuation(self._continued(method, params, query_continue, auth, files))

    def _continued(
        self,
        method: str,
        params: Mapping[str, Any] | None,
        query_continue: Mapping[str, Any] | None,
        auth: Auth,
        files: Mapping[str, FileSpec] | None,
        model: Any = None,
    ) -> AsyncIterator[Any]:
        state = ContinuationState(params or {}, query_continue)
        assert state.params is not None
        self._core.prepare(method, state.params, files)  # a bad value fails now, not mid-loop
        return self._follow(state, method, auth, files, model)

    async def _follow(
        self,
        state: ContinuationState,
        method: str,
        auth: Auth,
        files: Mapping[str, FileSpec] | None,
        model: Any,
    ) -> AsyncIterator[Any]:
        params = state.params
        while params is not None:
            document = await self._call(method, params, files, auth, model=model)
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
    ) -> AsyncContinuation[JSONObject]: ...

    def get(
        self,
        query_continue: Mapping[str, Any] | None = None,
        auth: Auth = None,
        continuation: bool = False,
        **params: Any,
    ) -> Coroutine[Any, Any, JSONObject] | AsyncContinuation[JSONObject]:
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
    ) -> AsyncContinuation[JSONObject]: ...

    def post(
        self,
        query_continue: Mapping[str, Any] | None = None,
        upload_file: bytes | None = None,
        auth: Auth = None,
        continuation: bool = False,
        **params: Any,
    ) -> Coroutine[Any, Any, JSONObject] | AsyncContinuation[JSONObject]:
        """``request("POST", params)``; ``upload_file`` is sent as the multipart ``file``."""
        files = self._core.upload_files(upload_file, params)
        if continuation:
            return self.continuation("POST", params, query_continue, auth, files)
        return self.request("POST", params, query_continue, files, auth)


async def _items(module: ListParams[Any], documents: AsyncIterator[Any]) -> AsyncIterator[Any]:
    from mwtyped._typed_results import listed_items

    async for document in documents:
        for item in listed_items(module, document):
            yield item


async def _limited(items: AsyncIterator[Any], limit: int | None) -> AsyncIterator[Any]:
    """At most ``limit`` items; the source is closed as soon as the limit is reached."""
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be an int >= 0 or None, got {limit!r}")
    try:
        count = 0
        while limit is None or count < limit:
            try:
                item = await items.__anext__()
            except StopAsyncIteration:
                return
            yield item
            count += 1
    finally:
        closer = getattr(items, "aclose", None)
        if closer is not None:
            await closer()
