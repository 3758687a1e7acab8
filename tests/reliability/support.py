"""Instruments shared by the reliability tests.

* :data:`CALL` names the logical call being made (a ``ContextVar``, so each asyncio task and
  each thread has its own); :func:`tag_requests` copies it into the ``X-Rel-Call`` header of
  every request a session sends, so the fault proxy can count attempts per call.
* :class:`CallClocks`: a fake clock for retry waits with one timeline *per call*, so calls
  running concurrently never eat into each other's retry budget; waits are recorded, not
  slept. The wall clock stays real (the proxy's ``Retry-After`` dates are real dates).
* :class:`RetryLog`: the ``mwtyped.retry`` log lines ("retrying ... resend N of at most M in
  D s"), each tagged with the call that logged it.
* :func:`direct_session`: a session straight to the wiki (no proxy) to read its real state.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import threading
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

import mwtyped
from mwtyped._retrying import Clocks
from mwtyped.testing import USER_AGENT
from mwtyped.testwiki import WikiInfo
from tests.reliability.faultproxy import CALL_HEADER

__all__ = [
    "CALL",
    "MAX_BATCHES",
    "POLICY",
    "TIMEOUT",
    "CallClocks",
    "RetryLog",
    "RetryRecord",
    "all_titles",
    "bounded",
    "calling",
    "direct_session",
    "file_versions",
    "revisions_of",
    "tag_requests",
]

CALL: ContextVar[str | None] = ContextVar("reliability_call", default=None)

T = TypeVar("T")

# The retry policy of the fault tests: retry waits run on a fake clock, so the numbers are
# those of a patient bot, not of a test in a hurry.
POLICY = mwtyped.RetryPolicy(
    max_retries=4,
    budget=120.0,
    backoff_base=0.5,
    backoff_max=8.0,
    jitter=0.5,
    maxlag_wait=5.0,
    readonly_wait=10.0,
    ratelimited_wait=10.0,
    max_retry_after=30.0,
)
TIMEOUT = 2.0  # seconds: a stalled answer costs this much real time
MAX_BATCHES = 1_000  # no continued read of the tests goes on longer than this


def bounded(items: Iterable[T], limit: int = MAX_BATCHES) -> Iterator[T]:
    """``items``, failing the test if there are more than ``limit`` of them."""
    for count, item in enumerate(items, start=1):
        if count > limit:
            raise AssertionError(f"more than {limit} items: a loop that does not end?")
        yield item


@contextlib.contextmanager
def calling(name: str) -> Iterator[None]:
    """Mark the code inside as the logical call ``name`` (this thread / task only)."""
    token = CALL.set(name)
    try:
        yield
    finally:
        CALL.reset(token)


def tag_requests(session: mwtyped.Session | mwtyped.AsyncSession) -> None:
    """Send the current :data:`CALL` as the ``X-Rel-Call`` header (httpx event hook)."""

    def stamp(request: httpx.Request) -> None:
        call = CALL.get()
        if call is not None:
            request.headers[CALL_HEADER] = call

    if isinstance(session, mwtyped.AsyncSession):

        async def async_stamp(request: httpx.Request) -> None:
            stamp(request)

        session.client.event_hooks["request"].append(async_stamp)
    else:
        session.client.event_hooks["request"].append(stamp)


@dataclass
class _Timeline:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)


class CallClocks:
    """Fake monotonic time and sleeps, one timeline per :data:`CALL`."""

    def __init__(self, seed: int = 7) -> None:
        self._timelines: dict[str | None, _Timeline] = {}
        self._lock = threading.Lock()
        self._rng = random.Random(seed)

    def _timeline(self) -> _Timeline:
        call = CALL.get()
        with self._lock:
            return self._timelines.setdefault(call, _Timeline())

    def monotonic(self) -> float:
        return self._timeline().now

    def wall(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def sleep(self, seconds: float) -> None:
        timeline = self._timeline()
        timeline.sleeps.append(seconds)
        timeline.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)

    def clocks(self) -> Clocks:
        return Clocks(
            monotonic=self.monotonic,
            wall=self.wall,
            sleep=self.sleep,
            async_sleep=self.async_sleep,
            rng=self._rng,
        )

    def sleeps(self, call: str | None) -> list[float]:
        with self._lock:
            timeline = self._timelines.get(call)
            return list(timeline.sleeps) if timeline else []

    def total(self) -> float:
        with self._lock:
            return sum(sum(t.sleeps) for t in self._timelines.values())


@dataclass(frozen=True)
class RetryRecord:
    call: str | None
    label: str
    reason: str
    resend: int
    of_at_most: int
    delay: float


class RetryLog(logging.Handler):
    """Collects ``mwtyped.retry`` records while installed (a context manager)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.retries: list[RetryRecord] = []
        self.gave_up: list[tuple[str | None, str]] = []
        self._previous_level = logging.NOTSET
        self._records_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        call = CALL.get()
        args: tuple[Any, ...] = record.args if isinstance(record.args, tuple) else ()
        with self._records_lock:
            if str(record.msg).startswith("retrying") and len(args) == 5:
                label, reason, resend, most, delay = args
                self.retries.append(
                    RetryRecord(call, str(label), str(reason), int(resend), int(most), float(delay))
                )
            elif str(record.msg).startswith("giving up"):
                self.gave_up.append((call, record.getMessage()))

    def __enter__(self) -> RetryLog:
        logger = logging.getLogger("mwtyped.retry")
        self._previous_level = logger.level
        logger.setLevel(logging.INFO)
        logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logger = logging.getLogger("mwtyped.retry")
        logger.removeHandler(self)
        logger.setLevel(self._previous_level)

    def by_call(self) -> dict[str | None, list[RetryRecord]]:
        grouped: dict[str | None, list[RetryRecord]] = {}
        for record in self.retries:
            grouped.setdefault(record.call, []).append(record)
        return grouped


def direct_session(info: WikiInfo, **options: Any) -> mwtyped.Session:
    """An anonymous session straight to the wiki on 127.0.0.1 (never through a proxy)."""
    assert info.url.startswith("http://127.0.0.1:"), info.url
    options.setdefault("user_agent", USER_AGENT)
    options.setdefault("timeout", 60.0)
    return mwtyped.Session(info.url, api_path=info.api_path, **options)


def revisions_of(session: mwtyped.Session, title: str) -> list[dict[str, Any]]:
    """Every revision of one page (``[]`` if it does not exist)."""
    revisions: list[dict[str, Any]] = []
    for document in bounded(
        session.get(
            continuation=True,
            action="query",
            titles=title,
            prop="revisions",
            rvprop="ids|comment|sha1",
            rvlimit="max",
        )
    ):
        page = document["query"]["pages"][0]
        revisions.extend(page.get("revisions", []))
    return revisions


def file_versions(session: mwtyped.Session, name: str) -> list[dict[str, Any]]:
    """Every version of ``File:name`` (``[]`` if there is none), with sha1 and size."""
    document = session.get(
        action="query",
        titles=f"File:{name}",
        prop="imageinfo",
        iiprop="sha1|size",
        iilimit="max",
    )
    page = document["query"]["pages"][0]
    versions: list[dict[str, Any]] = page.get("imageinfo", [])
    return versions


def all_titles(session: mwtyped.Session, prefix: str) -> list[str]:
    """Every page title starting with ``prefix``, read straight from the wiki."""
    titles: list[str] = []
    for document in bounded(
        session.get(
            continuation=True, action="query", list="allpages", apprefix=prefix, aplimit="max"
        )
    ):
        titles.extend(p["title"] for p in document["query"]["allpages"])
    return titles
