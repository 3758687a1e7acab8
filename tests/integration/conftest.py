"""Helpers for the integration tests against the real test wiki of :mod:`mwtyped.testwiki`.

Every test runs twice, with :class:`mwtyped.Session` and with :class:`mwtyped.AsyncSession`:
it takes the ``live`` fixture (parametrized ``sync``/``async``) and talks to a :class:`Live`,
which offers the session's methods as plain calls. For the async kind each test has its own
event loop (no pytest-asyncio); streams are pulled one answer at a time, so laziness shows.

Also here: :func:`no_sleep` (a fake clock: retry waits are recorded, not slept),
:meth:`Live.record_requests` (httpx event hooks), unique page/file names, random text files,
and ``cont_pages``: ~300 pages ``Cont NNN`` in three categories each, for continuation.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

import mwtyped
from mwtyped.testing import USER_AGENT
from mwtyped.testwiki import WikiInfo
from tests.unit.fakes import FakeClocks

Kind = Literal["sync", "async"]
Role = Literal["bot", "user", "anon"]
JSONObject = dict[str, Any]
T = TypeVar("T")

CONT_PREFIX = "Cont "
CONT_COUNT = 300
CONT_CATEGORIES = ("Cont A", "Cont B", "Cont C")
CONT_TEXT = " ".join(f"[[Category:{name}]]" for name in CONT_CATEGORIES)


@dataclass(frozen=True)
class SentRequest:
    """One HTTP request a session sent: method, URL, its parameters (query string plus an
    urlencoded or multipart body) and the size of each multipart file part."""

    method: str
    url: str
    params: dict[str, str]
    files: dict[str, int]


_PART_NAME = re.compile(rb'name="([^"]*)"(; filename=")?')


def _multipart(request: httpx.Request) -> tuple[dict[str, str], dict[str, int]]:
    boundary = request.headers["content-type"].partition("boundary=")[2].strip('"')
    fields: dict[str, str] = {}
    files: dict[str, int] = {}
    for part in request.content.split(b"--" + boundary.encode()):
        head, separator, value = part.partition(b"\r\n\r\n")
        found = _PART_NAME.search(head)
        if not separator or found is None:
            continue
        value = value.removesuffix(b"\r\n")
        name = found.group(1).decode()
        if found.group(2):
            files[name] = len(value)
        else:
            fields[name] = value.decode()
    return fields, files


@dataclass
class RequestLog:
    """The requests a session sent since :meth:`Live.record_requests` was called."""

    requests: list[SentRequest] = field(default_factory=list)
    answers: list[JSONObject | None] = field(default_factory=list)

    def record_answer(self, response: httpx.Response) -> None:
        """Note an answer's JSON document (``None`` if it is not a JSON object)."""
        try:
            document = json.loads(response.content)
        except ValueError:
            document = None
        self.answers.append(document if isinstance(document, dict) else None)

    def record(self, request: httpx.Request) -> None:
        """Note one request; a multipart body must have been read (``request.read()``)."""
        params = dict(parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True))
        files: dict[str, int] = {}
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            params.update(parse_qsl(request.content.decode(), keep_blank_values=True))
        elif content_type.startswith("multipart/form-data"):
            fields, files = _multipart(request)
            params.update(fields)
        self.requests.append(SentRequest(request.method, str(request.url), params, files))

    def __len__(self) -> int:
        return len(self.requests)

    def clear(self) -> None:
        self.requests.clear()
        self.answers.clear()

    def actions(self) -> list[str]:
        return [f"{r.method} {r.params.get('action')}" for r in self.requests]


class Live:
    """A :class:`mwtyped.Session` or :class:`mwtyped.AsyncSession` behind blocking calls."""

    def __init__(
        self,
        session: mwtyped.Session | mwtyped.AsyncSession,
        loop: asyncio.AbstractEventLoop | None,
    ) -> None:
        self.session = session
        self._loop = loop

    @property
    def kind(self) -> Kind:
        return "async" if isinstance(self.session, mwtyped.AsyncSession) else "sync"

    def wait(self, awaitable: Awaitable[T]) -> T:
        """Run a coroutine of the async session on this test's loop."""
        assert self._loop is not None, "a sync session has no event loop"
        return self._loop.run_until_complete(awaitable)

    def _pull(self, stream: AsyncIterator[T]) -> Generator[T, None, None]:
        """An async iterator as a blocking one, one ``__anext__`` per ``next``."""
        try:
            while True:
                try:
                    yield self.wait(stream.__anext__())
                except StopAsyncIteration:
                    return
        finally:
            closer = getattr(stream, "aclose", None)
            loop = self._loop
            # Never from inside a running loop (a generator collected mid-test).
            usable = loop is not None and not loop.is_closed() and not loop.is_running()
            if closer is not None and usable:
                self.wait(closer())

    # -- the session surface, blocking -------------------------------------------------
    def get(self, query_continue: Mapping[str, Any] | None = None, **params: Any) -> JSONObject:
        if isinstance(self.session, mwtyped.AsyncSession):
            return self.wait(self.session.get(query_continue, None, False, **params))
        return self.session.get(query_continue, None, False, **params)

    def post(self, upload_file: bytes | None = None, **params: Any) -> JSONObject:
        if isinstance(self.session, mwtyped.AsyncSession):
            return self.wait(self.session.post(None, upload_file, None, False, **params))
        return self.session.post(None, upload_file, None, False, **params)

    def token(self, token_type: str = "csrf") -> str:
        if isinstance(self.session, mwtyped.AsyncSession):
            return self.wait(self.session.token(token_type))
        return self.session.token(token_type)

    def login(
        self, username: str, password: str, login_token: str | None = None
    ) -> mwtyped.LoginOutcome:
        if isinstance(self.session, mwtyped.AsyncSession):
            return self.wait(self.session.login(username, password, login_token))
        return self.session.login(username, password, login_token)

    def continue_login(self, login_token: str, **fields: Any) -> mwtyped.LoginOutcome:
        if isinstance(self.session, mwtyped.AsyncSession):
            return self.wait(self.session.continue_login(login_token, **fields))
        return self.session.continue_login(login_token, **fields)

    def logout(self) -> None:
        if isinstance(self.session, mwtyped.AsyncSession):
            self.wait(self.session.logout())
        else:
            self.session.logout()

    def upload(self, filename: str, source: Any, **options: Any) -> mwtyped.UploadResult:
        if isinstance(self.session, mwtyped.AsyncSession):
            return self.wait(self.session.upload(filename, source, **options))
        return self.session.upload(filename, source, **options)

    def stream(
        self,
        params: Mapping[str, Any],
        query_continue: Mapping[str, Any] | None = None,
        *,
        via: Literal["get", "request", "continuation"] = "get",
    ) -> Generator[JSONObject, None, None]:
        """The answers of a continued GET, fetched lazily: ``get(continuation=True)``,
        ``request("GET", continuation=True)`` or ``continuation("GET", ...)``."""
        session = self.session
        if via == "get":
            documents = session.get(query_continue, continuation=True, **params)
        elif via == "request":
            documents = session.request("GET", params, query_continue, continuation=True)
        else:
            documents = session.continuation("GET", params, query_continue)
        if isinstance(documents, mwtyped.AsyncContinuation):
            return self._pull(documents)
        return (document for document in documents)

    def merged_pages(self, params: Mapping[str, Any]) -> Generator[JSONObject, None, None]:
        """``merge_pages`` (sync) or ``amerge_pages`` (async) over a continued GET."""
        documents = self.session.get(continuation=True, **params)
        if isinstance(documents, mwtyped.AsyncContinuation):
            return self._pull(mwtyped.amerge_pages(documents))
        return (page for page in mwtyped.merge_pages(documents))

    # -- instruments -------------------------------------------------------------------
    def record_requests(self) -> RequestLog:
        """Record every request the session sends from now on, and the JSON of each answer
        (httpx event hooks)."""
        log = RequestLog()
        if isinstance(self.session, mwtyped.AsyncSession):

            async def async_hook(request: httpx.Request) -> None:
                await request.aread()
                log.record(request)

            async def async_answer_hook(response: httpx.Response) -> None:
                await response.aread()
                log.record_answer(response)

            hooks = self.session.client.event_hooks
            hooks["request"].append(async_hook)
            hooks["response"].append(async_answer_hook)
        else:

            def sync_hook(request: httpx.Request) -> None:
                request.read()
                log.record(request)

            def sync_answer_hook(response: httpx.Response) -> None:
                response.read()
                log.record_answer(response)

            hooks = self.session.client.event_hooks
            hooks["request"].append(sync_hook)
            hooks["response"].append(sync_answer_hook)
        return log


def no_sleep(live: Live) -> FakeClocks:
    """Give the session a fake clock: retry waits are recorded in ``.sleeps``, not slept."""
    clock = FakeClocks()
    live.session._clocks = clock.clocks()
    return clock


class LiveWiki:
    """Makes :class:`Live` sessions of one kind on the test wiki and closes them."""

    def __init__(self, kind: Kind, info: WikiInfo) -> None:
        self.kind = kind
        self.info = info
        self._loop = asyncio.new_event_loop() if kind == "async" else None
        self._made: list[Live] = []

    def credentials(self, role: Role) -> tuple[str, str] | None:
        if role == "bot":
            return self.info.bot_user, self.info.bot_password
        if role == "user":
            return self.info.user, self.info.user_password
        return None

    def session(self, role: Role = "bot", **options: Any) -> Live:
        """A session logged in as ``role``; ``options`` go to the constructor (``host`` and
        ``api_path`` default to the test wiki's)."""
        host = options.pop("host", self.info.url)
        options.setdefault("api_path", self.info.api_path)
        options.setdefault("user_agent", USER_AGENT)
        made: mwtyped.Session | mwtyped.AsyncSession
        if self.kind == "async":
            made = mwtyped.AsyncSession(host, **options)
        else:
            made = mwtyped.Session(host, **options)
        live = Live(made, self._loop)
        self._made.append(live)
        credentials = self.credentials(role)
        if credentials is not None:
            live.login(*credentials)
        return live

    def close(self) -> None:
        for live in self._made:
            if isinstance(live.session, mwtyped.AsyncSession):
                live.wait(live.session.aclose())
            else:
                live.session.close()
        if self._loop is not None:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()


@pytest.fixture(params=["sync", "async"])
def live(request: pytest.FixtureRequest, testwiki: WikiInfo) -> Iterator[LiveWiki]:
    """Sessions on the test wiki, once with Session and once with AsyncSession."""
    factory = LiveWiki(request.param, testwiki)
    yield factory
    factory.close()


@pytest.fixture
def unique() -> Callable[[str], str]:
    """``unique("Edit")`` -> a page title no other test (or earlier run) uses."""
    return lambda what: f"Mwtyped IT {what} {uuid.uuid4().hex[:12]}"


@pytest.fixture
def unique_file() -> Callable[[str], str]:
    """``unique_file("small")`` -> a fresh ``.txt`` file name."""
    return lambda what: f"Mwtyped-it-{what}-{uuid.uuid4().hex[:12]}.txt"


def random_text(size: int) -> bytes:
    """``size`` bytes of random hex text in lines: a .txt the wiki accepts, never a
    duplicate of an earlier upload."""
    line = 64
    body = secrets.token_hex(size // 2 + line)
    lines = [body[i : i + line - 1] for i in range(0, len(body), line - 1)]
    return "\n".join(lines).encode("ascii")[:size]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def page_content(document: Mapping[str, Any]) -> str | None:
    """The main slot text of the only page of a ``prop=revisions`` answer (fv2)."""
    page = document["query"]["pages"][0]
    if "missing" in page:
        return None
    content: str = page["revisions"][0]["slots"]["main"]["content"]
    return content


async def _ensure_cont_pages(info: WikiInfo) -> list[str]:
    wanted = [f"{CONT_PREFIX}{n:03d}" for n in range(CONT_COUNT)]
    async with mwtyped.AsyncSession(
        info.url, user_agent=USER_AGENT, api_path=info.api_path
    ) as session:
        await session.login(info.bot_user, info.bot_password)
        existing: set[str] = set()
        async for doc in session.get(
            continuation=True, action="query", list="allpages", apprefix=CONT_PREFIX, aplimit="max"
        ):
            existing.update(p["title"] for p in doc["query"]["allpages"])
        gate = asyncio.Semaphore(8)

        async def create(title: str) -> None:
            async with gate:
                await session.post(
                    action="edit", title=title, text=CONT_TEXT, summary="continuation fixture"
                )

        await asyncio.gather(*(create(t) for t in wanted if t not in existing))
    return wanted


@pytest.fixture(scope="session")
def cont_pages(testwiki: WikiInfo) -> list[str]:
    """The titles of the ``Cont NNN`` pages (created once per wiki, concurrently)."""
    return asyncio.run(_ensure_cont_pages(testwiki))
