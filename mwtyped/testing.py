"""pytest fixtures for testing your bot against a real MediaWiki (loaded automatically).

Installing mwtyped registers this module as a pytest plugin. Nothing happens until a test
asks for a fixture: the first one starts (or reuses) the test wiki of
:mod:`mwtyped.testwiki` on 127.0.0.1 for the whole test session.

Fixtures:

* ``testwiki`` (session): the :class:`~mwtyped.testwiki.WikiInfo` of the running wiki;
* ``wiki_sessions``: a factory, ``wiki_sessions.session("bot" | "user" | "anon")`` and
  ``await wiki_sessions.async_session(...)``; sessions it made are closed after the test;
* ``bot_session`` (Admin via the bot password ``Admin@testbot``), ``user_session`` (the
  plain user Tester, via clientlogin) and ``anon_session``: ready :class:`~mwtyped.Session`\\ s.

Example (a test in *your* project)::

    def test_my_bot_edits(bot_session):
        my_bot.fix_typos(bot_session, "Sandbox")
        page = bot_session.get(action="query", prop="revisions", titles="Sandbox",
                               rvprop="content", rvslots="main")
        assert "teh" not in page["query"]["pages"][0]["revisions"][0]["slots"]["main"]["content"]

Environment: ``TESTWIKI_PORT`` picks the port (default 8391). If the wiki cannot start, the
fixtures fail with the reason; they never skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

import pytest

if TYPE_CHECKING:
    from mwtyped.async_session import AsyncSession
    from mwtyped.session import Session
    from mwtyped.testwiki import WikiInfo

# Nothing of mwtyped is imported until a fixture runs: pytest loads this plugin before
# coverage starts, and importing the package here would hide its lines from coverage.

__all__ = [
    "WikiSessions",
    "anon_session",
    "bot_session",
    "testwiki",
    "user_session",
    "wiki_sessions",
]

Role = Literal["bot", "user", "anon"]
USER_AGENT = "mwtyped-testing/1 (https://pypi.org/project/mwtyped; test suite)"


class WikiSessions:
    """Makes sessions on the test wiki, logged in as a role, and closes them afterwards."""

    def __init__(self, info: WikiInfo) -> None:
        self.info = info
        self._sync: list[Session] = []

    def _credentials(self, role: Role) -> tuple[str, str] | None:
        if role == "bot":
            return self.info.bot_user, self.info.bot_password
        if role == "user":
            return self.info.user, self.info.user_password
        if role == "anon":
            return None
        raise ValueError(f"role must be 'bot', 'user' or 'anon', got {role!r}")

    def session(self, role: Role = "bot", **options: object) -> Session:
        """A logged-in (or anonymous) :class:`~mwtyped.Session`; ``options`` go to it."""
        from mwtyped.session import Session

        credentials = self._credentials(role)
        options.setdefault("user_agent", USER_AGENT)
        made = Session(self.info.url, api_path=self.info.api_path, **options)  # type: ignore[arg-type]
        self._sync.append(made)
        if credentials is not None:
            made.login(*credentials)
        return made

    async def async_session(self, role: Role = "bot", **options: object) -> AsyncSession:
        """The same as :meth:`session`, for asyncio code. Close it in the event loop that
        used it: ``async with await wiki_sessions.async_session("bot") as s: ...``."""
        from mwtyped.async_session import AsyncSession

        credentials = self._credentials(role)
        options.setdefault("user_agent", USER_AGENT)
        made = AsyncSession(self.info.url, api_path=self.info.api_path, **options)  # type: ignore[arg-type]
        if credentials is not None:
            try:
                await made.login(*credentials)
            except BaseException:
                await made.aclose()
                raise
        return made

    def close(self) -> None:
        for sync in self._sync:
            sync.close()
        self._sync.clear()


@pytest.fixture(scope="session")
def testwiki() -> WikiInfo:
    """The running test wiki (started on first use, left running for the next test run)."""
    from mwtyped.testwiki import TestWikiError, up

    try:
        return up()
    except TestWikiError as err:
        pytest.fail(f"the test wiki could not start: {err}", pytrace=False)


@pytest.fixture
def wiki_sessions(testwiki: WikiInfo) -> Iterator[WikiSessions]:
    factory = WikiSessions(testwiki)
    yield factory
    factory.close()


@pytest.fixture
def bot_session(wiki_sessions: WikiSessions) -> Session:
    """A Session logged in as Admin through the bot password Admin@testbot."""
    return wiki_sessions.session("bot")


@pytest.fixture
def user_session(wiki_sessions: WikiSessions) -> Session:
    """A Session logged in as the plain user Tester (main account, clientlogin)."""
    return wiki_sessions.session("user")


@pytest.fixture
def anon_session(wiki_sessions: WikiSessions) -> Session:
    """An anonymous Session (anonymous users cannot edit on the test wiki)."""
    return wiki_sessions.session("anon")
