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

__all__ = ["Auth", "Session"]

T = TypeVar("T")

Auth = (
    httpx.Auth | tuple[str | bytes, str | bytes] | Callable[[httpx.Request], httpx.Request] | None
)


class Session(SessionBase[httpx.Client]):
    """A blocking session with one MediaWiki's ``api.php``.

    ``Session(host, user_agent=None, formatversion=None, api_path=None, timeout=None,
    session=None, *, errorformat="plaintext", retry=None, access_token=None,
    assert_on_write="user", **session_params)``; see :class:`~mwtyped._base.SessionBase`
    for every argument. ``session`` takes an existing ``httpx.Client``.
    """

    _client_class = httpx.Client
    _other_session = "AsyncSession"

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
                auth=self._auth(auth),
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

    def _call(
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
            return self._send(self._core.prepare(method, params, files), auth)
        token = self.token(need.type)
        try:
            return self._send(
                self._core.prepare(method, {**params, need.param: token}, files), auth
            )
        except BadTokenError:
            self._core.tokens.drop(need.type, stale=token)
            token = self.token(need.type)
            return self._send(
                self._core.prepare(method, {**params, need.param: token}, files), auth
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
        return self._call(method, merged, files, auth)

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
        self._core.prepare(method, state.params, files)  # a bad value fails now, not on next()
        return self._follow(state, method, auth, files)

    def _follow(
        self,
        state: ContinuationState,
        method: str,
        auth: Auth,
        files: Mapping[str, FileSpec] | None,
    ) -> Iterator[JSONObject]:
        params = state.params
        while params is not None:
            document = self._call(method, params, files, auth)
            yield document
            params = state.advance(document)

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

    # -- tokens and login ------------------------------------------------------------------
    def token(self, token_type: str = "csrf") -> str:
        """A token of the given type, fetched once and cached until login or logout.

        Example: ``session.token("csrf")``; writes get theirs without asking.
        """
        cached = self._core.tokens.get(token_type)
        if cached is not None:
            return cached
        fetched = self._run(fetch_tokens_flow([token_type]))[token_type]
        self._core.tokens.put(token_type, fetched)
        return fetched

    def login(self, username: str, password: str, login_token: str | None = None) -> LoginOutcome:
        """Log in: ``User@Label`` with a bot password, other names with ``clientlogin``.

        Raises :class:`~mwtyped.LoginError` when refused and
        :class:`~mwtyped.ClientInteractionRequest` when the wiki needs another step
        (answer it with :meth:`continue_login`).
        Example: ``session.login("Admin@mybot", os.environ["BOT_PASSWORD"])``.
        """
        self._core.logged_out()
        self._forget_wiki_cookies()
        outcome = self._run(login_flow(username, password, login_token, self._core.host + "/"))
        self._core.logged_in(outcome.username)
        return outcome

    def continue_login(self, login_token: str, **fields: Any) -> LoginOutcome:
        """Finish a login that raised :class:`~mwtyped.ClientInteractionRequest`.

        Example: ``session.continue_login(err.login_token, OATHToken="123456")``.
        """
        outcome = self._run(continue_login_flow(login_token, fields))
        self._core.logged_in(outcome.username)
        return outcome

    def logout(self) -> None:
        """End the logged-in session on the wiki (with a csrf token) and forget tokens."""
        self._run(logout_flow())
        self._core.logged_out()
        self._forget_wiki_cookies()

    def upload(
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
        """Upload a file (bytes, a path or a binary file object) as ``File:filename``.

        Files larger than ``chunk_size`` go through the chunked stash protocol. Warnings
        raise :class:`~mwtyped.UploadWarningError` unless ``ignore_warnings``; extra
        ``params`` (e.g. ``watchlist="nochange"``) go with the publishing request.
        Example: ``session.upload("Logo.png", Path("logo.png"), comment="new logo")``.
        """
        return self._run(
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
