"""Tokens, login, logout and uploads of :class:`~mwtyped.AsyncSession` (awaited).

The same flows as the blocking session (:mod:`mwtyped._login`, :mod:`mwtyped._upload`),
driven with ``await``.

Example::

    await session.login("Admin@mybot", os.environ["BOT_PASSWORD"])
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, TypeVar

from mwtyped._core import SessionCore
from mwtyped._flows import Flow
from mwtyped._login import LoginOutcome, continue_login_flow, login_flow, logout_flow
from mwtyped._tokens import fetch_tokens_flow
from mwtyped._upload import DEFAULT_CHUNK_SIZE, UploadResult, UploadSource, upload_flow
from mwtyped.errors import MWTypedError

__all__ = ["AsyncAccount"]

T = TypeVar("T")


class AsyncAccount:
    """Account and file methods; the class mixing it in provides the three below."""

    _core: SessionCore

    async def _run(self, flow: Flow[T]) -> T:
        raise NotImplementedError

    def _forget_wiki_cookies(self) -> None:
        raise NotImplementedError

    # -- tokens, login, uploads (the same flows as Session) ---------------------------------
    async def token(self, token_type: str = "csrf") -> str:
        """A token of the given type, fetched once and cached until login or logout."""
        cached = self._core.tokens.get(token_type)
        if cached is not None:
            return cached
        # One fetch per type at a time, shared by every task that needs it: concurrent token
        # requests of one wiki session can invalidate each other.
        fetches = self.__dict__.setdefault("_token_fetches", {})
        pending: asyncio.Task[str] | None = fetches.get(token_type)
        if (
            pending is None
            or pending.done()
            or pending.get_loop() is not asyncio.get_running_loop()
        ):
            pending = asyncio.ensure_future(self._fetch_token(token_type))
            pending.add_done_callback(_retrieve)
            fetches[token_type] = pending
        return await asyncio.shield(pending)

    async def _fetch_token(self, token_type: str) -> str:
        fetched = (await self._run(fetch_tokens_flow([token_type])))[token_type]
        self._core.tokens.put(token_type, fetched)
        return fetched

    async def _after_login(self, outcome: LoginOutcome) -> LoginOutcome:
        self._core.logged_in(outcome.username)
        # Before the caller goes concurrent: MediaWiki can lose the token secret of a fresh
        # session to concurrent requests (docs/login.md, "Tokens"). A failure here is left to
        # the first write, which fetches again and reports it.
        with contextlib.suppress(MWTypedError):
            await self.token("csrf")
        return outcome

    async def login(
        self, username: str, password: str, login_token: str | None = None
    ) -> LoginOutcome:
        """Log in: ``User@Label`` with a bot password, other names with ``clientlogin``.

        Example: ``await session.login("Admin@mybot", os.environ["BOT_PASSWORD"])``.
        """
        self._core.warn_if_login_is_readable()
        self._core.logged_out()
        if login_token is None:
            # A fresh wiki session; a token the caller fetched belongs to the current one.
            self._forget_wiki_cookies()
        flow = login_flow(username, password, login_token, self._core.host + "/")
        return await self._after_login(await self._run(flow))

    async def continue_login(self, login_token: str, **fields: Any) -> LoginOutcome:
        """Finish a login that raised :class:`~mwtyped.ClientInteractionRequest`."""
        return await self._after_login(await self._run(continue_login_flow(login_token, fields)))

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


def _retrieve(task: asyncio.Task[str]) -> None:
    """Mark a shared fetch's failure as seen: the tasks awaiting it got it already."""
    if not task.cancelled():
        task.exception()
