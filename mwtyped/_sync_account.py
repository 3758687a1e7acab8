"""Tokens, login, logout and uploads of the blocking :class:`~mwtyped.Session`.

The procedures themselves are flows (:mod:`mwtyped._login`, :mod:`mwtyped._upload`), shared
with the async session; this mixin only drives them with :meth:`Session._run`.

Example::

    session.login("Admin@mybot", os.environ["BOT_PASSWORD"])
    session.upload("Logo.png", Path("logo.png"), comment="new logo")
"""

from __future__ import annotations

import contextlib
from typing import Any, TypeVar

from mwtyped._core import SessionCore
from mwtyped._flows import Flow
from mwtyped._login import LoginOutcome, continue_login_flow, login_flow, logout_flow
from mwtyped._tokens import fetch_tokens_flow
from mwtyped._upload import DEFAULT_CHUNK_SIZE, UploadResult, UploadSource, upload_flow
from mwtyped.errors import MWTypedError

__all__ = ["SyncAccount"]

T = TypeVar("T")


class SyncAccount:
    """Account and file methods; the class mixing it in provides the three below."""

    _core: SessionCore

    def _run(self, flow: Flow[T]) -> T:
        raise NotImplementedError

    def _forget_wiki_cookies(self) -> None:
        raise NotImplementedError

    # -- tokens and login ------------------------------------------------------------------
    def token(self, token_type: str = "csrf") -> str:
        """A token of the given type, fetched once and cached until login or logout.

        Example: ``session.token("csrf")``; writes get theirs without asking.
        """
        tokens = self._core.tokens
        cached = tokens.get(token_type)
        if cached is not None:
            return cached
        with tokens.fetch_lock:
            cached = tokens.get(token_type)  # fetched by another thread while we waited
            if cached is not None:
                return cached
            fetched = self._run(fetch_tokens_flow([token_type]))[token_type]
            tokens.put(token_type, fetched)
            return fetched

    def _after_login(self, outcome: LoginOutcome) -> LoginOutcome:
        self._core.logged_in(outcome.username)
        # Before the caller goes concurrent: MediaWiki can lose the token secret of a fresh
        # session to concurrent requests (docs/login.md, "Tokens"). A failure here is left to
        # the first write, which fetches again and reports it.
        with contextlib.suppress(MWTypedError):
            self.token("csrf")
        return outcome

    def login(self, username: str, password: str, login_token: str | None = None) -> LoginOutcome:
        """Log in: ``User@Label`` with a bot password, other names with ``clientlogin``.

        Raises :class:`~mwtyped.LoginError` when refused and
        :class:`~mwtyped.ClientInteractionRequest` when the wiki needs another step
        (answer it with :meth:`continue_login`).
        Example: ``session.login("Admin@mybot", os.environ["BOT_PASSWORD"])``.
        """
        self._core.warn_if_login_is_readable()
        self._core.logged_out()
        if login_token is None:
            # A fresh wiki session; a token the caller fetched belongs to the current one.
            self._forget_wiki_cookies()
        outcome = self._run(login_flow(username, password, login_token, self._core.host + "/"))
        return self._after_login(outcome)

    def continue_login(self, login_token: str, **fields: Any) -> LoginOutcome:
        """Finish a login that raised :class:`~mwtyped.ClientInteractionRequest`.

        Example: ``session.continue_login(err.login_token, OATHToken="123456")``.
        """
        return self._after_login(self._run(continue_login_flow(login_token, fields)))

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
