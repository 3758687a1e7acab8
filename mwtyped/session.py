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

from collections.abc import Callable, Generator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import httpx

from mwtyped._base import SessionBase
from mwtyped._continuation import ContinuationState
from mwtyped._core import Call, FileSpec
from mwtyped._envelope import JSONObject
from mwtyped._flows import Flow
from mwtyped._modules import TokenNeed
from mwtyped._pages import merge_pages
from mwtyped._retrying import RetryController
from mwtyped._sync_account import SyncAccount
from mwtyped._sync_sender import SyncNativeSender
from mwtyped.errors import (
    BadTokenError,
    HTTPStatusError,
    MWTypedError,
    ResponseDecodeError,
    TransportError,
)

if TYPE_CHECKING:
    # The typed layer (pydantic models) loads on first typed use: a plain `import mwtyped`
    # stays as cheap as httpx (docs/performance.md).
    from mwtyped._typed import ActionParams, ListParams
    from mwtyped.responses import Page, QueryResponse

__all__ = ["Auth", "Session"]

T = TypeVar("T")
R = TypeVar("R")
Item = TypeVar("Item")

Auth = (
    httpx.Auth | tuple[str | bytes, str | bytes] | Callable[[httpx.Request], httpx.Request] | None
)


class Session(SessionBase[httpx.Client], SyncAccount):
    """A blocking session with one MediaWiki's ``api.php``.

    ``Session(host, user_agent=None, formatversion=None, api_path=None, timeout=None,
    session=None, *, errorformat="plaintext", retry=None, access_token=None,
    assert_on_write="user", **session_params)``; see :class:`~mwtyped._base.SessionBase`
    for every argument. ``session`` takes an existing ``httpx.Client``.
    """

    _client_class = httpx.Client
    _other_session = "AsyncSession"

    _native: SyncNativeSender | None = None

    def _client_built(self, options: dict[str, Any] | None) -> None:
        # A client built here sends plain calls over mwtyped's own keep-alive connections
        # (~5x cheaper than httpx's stack); see mwtyped/_native.py.
        if options is not None:
            self._native = SyncNativeSender.for_client(self._core.url, options)

    def close(self) -> None:
        """Close the HTTP client, unless it was handed in with ``session=``."""
        if self._native is not None:
            self._native.close()
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
        if self._native is not None and self._sends_natively(call, auth):
            try:
                answer = self._native.send(self._client, call, **self._native_options())
            except httpx.HTTPError as err:
                raise self._core.transport_error(err, call) from err
            return self._core.decode(answer, call)
        try:
            response = self._client.request(
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

    def _send(self, call: Call, auth: Auth) -> JSONObject:
        """Send with the retry policy; a write whose answer was lost is never resent."""
        started = self._clocks.monotonic()
        try:
            try:
                return self._send_once(call, auth)
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
            self._clocks.sleep(delay)
            result: JSONObject = controller.sync_retrying()(self._send_once, call, auth)
            return result
        except (TransportError, HTTPStatusError, ResponseDecodeError) as err:
            unknown = self._core.outcome_unknown(err, call)
            if unknown is None:
                raise
            raise unknown from err

    def _call(
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
            return self._send(self._core.prepare(method, params, files, model=model), auth)
        token = self.token(need.type)
        try:
            return self._send(
                self._core.prepare(method, {**params, need.param: token}, files, model=model), auth
            )
        except BadTokenError:
            self._core.tokens.drop(need.type, stale=token)
            token = self.token(need.type)
            return self._send(
                self._core.prepare(method, {**params, need.param: token}, files, model=model), auth
            )

    def _run(self, flow: Flow[T]) -> T:
        """Drive a flow: send each step it yields, send back answers, throw in errors."""
        try:
            step = next(flow)
            while True:
                try:
                    document = self._call(step.method, step.params, step.files, None)
                except MWTypedError as err:
                    step = flow.throw(err)
                else:
                    step = flow.send(document)
        except StopIteration as stop:
            result: T = stop.value
            return result

    # -- the mwapi surface -----------------------------------------------------------------
    @overload
    def request(
        self,
        method: ActionParams[R],
        params: None = None,
        query_continue: Mapping[str, Any] | None = None,
        files: None = None,
        auth: Auth = None,
        continuation: Literal[False] = False,
    ) -> R: ...

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
    ) -> Generator[R, None, None]: ...

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
    ) -> Generator[JSONObject, None, None]: ...

    @overload
    def request(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        query_continue: Mapping[str, Any] | None = None,
        files: Mapping[str, FileSpec] | None = None,
        auth: Auth = None,
        continuation: bool = False,
    ) -> JSONObject | Generator[JSONObject, None, None]: ...

    def request(
        self,
        method: str | ActionParams[Any],
        params: Mapping[str, Any] | None = None,
        query_continue: Mapping[str, Any] | None = None,
        files: Mapping[str, FileSpec] | None = None,
        auth: Auth = None,
        continuation: bool = False,
    ) -> Any:
        """Send one request (``continuation=True``: a generator of every answer).

        ``params`` go in the query string for GET and in the body for POST; ``files`` maps
        field names to ``(filename, bytes)`` and makes the POST multipart;
        ``query_continue`` is a ``continue`` object of an earlier answer to start from.
        Given a typed parameter object instead of a method, the answer is validated into
        that module's response model: ``session.request(EditParams(title="A", text="x"))``.
        """
        if not isinstance(method, str):
            return self._typed(method, params, query_continue, files, auth, continuation)
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
    ) -> Generator[JSONObject, None, None]:
        """Send a request and follow its continuation; yields each answer as it arrives.

        Memory stays constant: nothing is kept between answers but the continue position.
        """
        return self._continued(method, params, query_continue, auth, files)

    def _continued(
        self,
        method: str,
        params: Mapping[str, Any] | None,
        query_continue: Mapping[str, Any] | None,
        auth: Auth,
        files: Mapping[str, FileSpec] | None,
        model: Any = None,
    ) -> Generator[Any, None, None]:
        state = ContinuationState(params or {}, query_continue)
        assert state.params is not None
        self._core.prepare(method, state.params, files)  # a bad value fails now, not on next()
        return self._follow(state, method, auth, files, model)

    def _follow(
        self,
        state: ContinuationState,
        method: str,
        auth: Auth,
        files: Mapping[str, FileSpec] | None,
        model: Any,
    ) -> Generator[Any, None, None]:
        params = state.params
        while params is not None:
            document = self._call(method, params, files, auth, model=model)
            yield document
            params = state.advance(document)

    def _typed(
        self,
        typed: ActionParams[Any],
        params: Mapping[str, Any] | None,
        query_continue: Mapping[str, Any] | None,
        files: Mapping[str, FileSpec] | None,
        auth: Auth,
        continuation: bool,
    ) -> Any:
        from mwtyped._typed_results import typed_request, validate

        wire = typed_request(typed, params, files)
        model = type(typed).response_type
        if continuation:
            documents = self.continuation(
                wire.method, wire.params, query_continue, auth, wire.files
            )
            return (validate(model, document) for document in documents)
        merged = {**wire.params, **(query_continue or {})}
        return self._call(wire.method, merged, wire.files, auth, wire.token, model)

    def items(
        self,
        module: ListParams[Item],
        *,
        limit: int | None = None,
        query: Mapping[str, Any] | None = None,
        auth: Auth = None,
    ) -> Generator[Item, None, None]:
        """Every item of a ``list=`` module across all batches, at most ``limit`` of them.

        ``limit`` counts items and is distinct from the module's per-request limit
        (``aplimit``); no request is made past it. ``query`` adds parameters of
        ``action=query`` itself (e.g. ``{"maxlag": 5}``).
        Example: ``for page in session.items(AllpagesParams(aplimit=500), limit=2000): ...``.
        """
        from mwtyped._typed_results import limited, list_answer_model, list_query, listed_items

        params = list_query(module, query)
        model = list_answer_model(type(module))
        documents = self._continued("GET", params, None, auth, None, model)
        batches = (item for document in documents for item in listed_items(module, document))
        return limited(batches, limit)

    def pages(
        self, query: ActionParams[QueryResponse], *, limit: int | None = None, auth: Auth = None
    ) -> Generator[Page, None, None]:
        """Every page of a (generator) query once, its ``prop=`` data merged across batches.

        Example: ``session.pages(QueryParams(generator=AllpagesParams(aplimit=50),
        prop=[CategoriesParams(cllimit="max")]), limit=100)``.
        """
        from mwtyped._typed_results import limited, typed_request

        wire = typed_request(query, None, None)
        model = type(query).response_type  # each answer validated: merged pages stay valid
        documents = self._continued(wire.method, wire.params, None, auth, None, model)
        return limited(merge_pages(documents, generator=wire.params.get("generator")), limit)

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
    ) -> Generator[JSONObject, None, None]: ...

    def get(
        self,
        query_continue: Mapping[str, Any] | None = None,
        auth: Auth = None,
        continuation: bool = False,
        **params: Any,
    ) -> JSONObject | Generator[JSONObject, None, None]:
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
    ) -> Generator[JSONObject, None, None]: ...

    def post(
        self,
        query_continue: Mapping[str, Any] | None = None,
        upload_file: bytes | None = None,
        auth: Auth = None,
        continuation: bool = False,
        **params: Any,
    ) -> JSONObject | Generator[JSONObject, None, None]:
        """``request("POST", params)``; ``upload_file`` is sent as the multipart ``file``.

        Example: ``session.post(action="purge", titles="Main Page")``.
        """
        files = self._core.upload_files(upload_file, params)
        return self.request("POST", params, query_continue, files, auth, continuation)
