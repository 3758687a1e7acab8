"""A fake api.php for unit tests, a fake clock, and one driver API over both sessions.

Every unit test that sends requests takes the ``driver`` fixture, which runs it once with
:class:`mwtyped.Session` and once with :class:`mwtyped.AsyncSession` against the same
:class:`FakeWiki` (an ``httpx.MockTransport`` handler).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

import mwtyped
from mwtyped._retrying import Clocks

JSONObject = dict[str, Any]
Handler = Callable[[httpx.Request], httpx.Response]

HOST = "https://wiki.example.org"
USER_AGENT = "mwtyped-tests/1 (https://example.org; tests@example.org)"


def api_json(
    document: object, status: int = 200, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    """An answer as api.php sends it (error documents also get MediaWiki-API-Error)."""
    sent = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    if isinstance(document, dict):
        codes = []
        if isinstance(document.get("error"), dict):
            codes = [str(document["error"].get("code"))]
        elif isinstance(document.get("errors"), list):
            codes = [str(e.get("code")) for e in document["errors"] if isinstance(e, dict)]
        if codes:
            sent.setdefault("MediaWiki-API-Error", ", ".join(codes))
    return httpx.Response(status, content=json.dumps(document).encode(), headers=sent)


def raw_answer(
    body: bytes, status: int = 200, content_type: str = "text/html", **headers: str
) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"Content-Type": content_type, **headers})


@dataclass
class Recorded:
    """One request the fake wiki received, decoded."""

    method: str
    url: str
    query: list[tuple[str, str]]
    body: bytes
    headers: httpx.Headers

    @property
    def form(self) -> list[tuple[str, str]]:
        if self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return parse_qsl(self.body.decode(), keep_blank_values=True)
        return []

    @property
    def params(self) -> dict[str, str]:
        """Query string and urlencoded body merged, as MediaWiki reads them."""
        return dict(self.query + self.form)


@dataclass
class FakeWiki:
    """Answers requests from a queue of responses (or a routing function) and records them."""

    answers: list[httpx.Response | Exception | Handler] = field(default_factory=list)
    route: Handler | None = None
    requests: list[Recorded] = field(default_factory=list)

    def queue(self, *answers: httpx.Response | Exception | Handler) -> FakeWiki:
        self.answers.extend(answers)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        self.requests.append(
            Recorded(
                request.method,
                str(request.url),
                parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True),
                body,
                request.headers,
            )
        )
        if self.answers:
            answer = self.answers.pop(0)
        elif self.route is not None:
            answer = self.route
        else:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    @property
    def last(self) -> Recorded:
        return self.requests[-1]


class FakeClocks:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self.wall_start = dt.datetime(2026, 11, 24, 12, 0, 0, tzinfo=dt.timezone.utc)
        self.start = start

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> dt.datetime:
        return self.wall_start + dt.timedelta(seconds=self.now - self.start)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def clocks(self) -> Clocks:
        return Clocks(
            monotonic=self.monotonic,
            wall=self.wall,
            sleep=self.sleep,
            async_sleep=self.async_sleep,
            rng=random.Random(7),
        )


class Driver:
    """Runs the same calls on a Session or an AsyncSession and returns plain results."""

    kind: str

    def get(self, **params: Any) -> JSONObject:
        raise NotImplementedError

    def post(self, **params: Any) -> JSONObject:
        raise NotImplementedError

    def request(self, method: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        raise NotImplementedError

    def continued(self, method: str, **params: Any) -> list[JSONObject]:
        """Every answer of ``request(method, params, continuation=True)``."""
        raise NotImplementedError

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the session method ``name`` (awaited for the async session)."""
        raise NotImplementedError

    def iterate(self, name: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Everything the iterator method ``name`` yields (``async for`` for the async one)."""
        raise NotImplementedError

    def continuation(self, method: str, params: Mapping[str, Any], **kw: Any) -> list[JSONObject]:
        """Every answer of the ``continuation(...)`` method."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SyncDriver(Driver):
    kind = "sync"

    def __init__(self, session: mwtyped.Session) -> None:
        self.session = session

    def get(self, **params: Any) -> JSONObject:
        result: JSONObject = self.session.get(**params)
        return result

    def post(self, **params: Any) -> JSONObject:
        result: JSONObject = self.session.post(**params)
        return result

    def request(self, method: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        result = self.session.request(method, params, **kw)
        return list(result) if kw.get("continuation") else result

    def continued(self, method: str, **params: Any) -> list[JSONObject]:
        call = self.session.get if method == "GET" else self.session.post
        return list(call(continuation=True, **params))

    def continuation(self, method: str, params: Mapping[str, Any], **kw: Any) -> list[JSONObject]:
        return list(self.session.continuation(method, params, **kw))

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.session, name)(*args, **kwargs)

    def iterate(self, name: str, *args: Any, **kwargs: Any) -> list[Any]:
        return list(getattr(self.session, name)(*args, **kwargs))

    def close(self) -> None:
        self.session.close()


class AsyncDriver(Driver):
    kind = "async"

    def __init__(self, session: mwtyped.AsyncSession) -> None:
        self.session = session
        self.loop = asyncio.new_event_loop()

    def _run(self, awaitable: Any) -> Any:
        return self.loop.run_until_complete(awaitable)

    def get(self, **params: Any) -> JSONObject:
        result: JSONObject = self._run(self.session.get(**params))
        return result

    def post(self, **params: Any) -> JSONObject:
        result: JSONObject = self._run(self.session.post(**params))
        return result

    async def _collect(self, stream: Any) -> list[JSONObject]:
        return [doc async for doc in stream]

    def request(self, method: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        if kw.get("continuation"):
            return self._run(self._collect(self.session.request(method, params, **kw)))
        return self._run(self.session.request(method, params, **kw))

    def continued(self, method: str, **params: Any) -> list[JSONObject]:
        call = self.session.get if method == "GET" else self.session.post
        collected: list[JSONObject] = self._run(self._collect(call(continuation=True, **params)))
        return collected

    def continuation(self, method: str, params: Mapping[str, Any], **kw: Any) -> list[JSONObject]:
        collected: list[JSONObject] = self._run(
            self._collect(self.session.continuation(method, params, **kw))
        )
        return collected

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._run(getattr(self.session, name)(*args, **kwargs))

    def iterate(self, name: str, *args: Any, **kwargs: Any) -> list[Any]:
        collected: list[Any] = self._run(
            self._collect(getattr(self.session, name)(*args, **kwargs))
        )
        return collected

    def close(self) -> None:
        self._run(self.session.aclose())
        self.loop.close()


def make_driver(
    kind: str, wiki: FakeWiki, clocks: FakeClocks | None = None, **session_kw: Any
) -> Driver:
    """A driver of the given kind whose session talks to ``wiki``."""
    session_kw.setdefault("user_agent", USER_AGENT)
    driver: Driver
    if kind == "sync":
        sync = mwtyped.Session(HOST, transport=httpx.MockTransport(wiki), **session_kw)
        if clocks is not None:
            sync._clocks = clocks.clocks()
        driver = SyncDriver(sync)
    else:
        asynchronous = mwtyped.AsyncSession(HOST, transport=httpx.MockTransport(wiki), **session_kw)
        if clocks is not None:
            asynchronous._clocks = clocks.clocks()
        driver = AsyncDriver(asynchronous)
    return driver


def pages(titles: Iterable[str]) -> list[JSONObject]:
    return [{"ns": 0, "title": t} for t in titles]
