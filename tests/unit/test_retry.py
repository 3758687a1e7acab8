"""Retries: every trigger of the policy table in ``mwtyped._retry``, its waits and its limits.

Each scenario runs with the sync and the async session on the fake clock: the waits are the
fake clock's recorded sleeps, so nothing really sleeps.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import tenacity

import mwtyped
from mwtyped._retry import RetryPolicy, parse_retry_after
from tests.unit.fakes import (
    Driver,
    FakeClocks,
    FakeWiki,
    JSONObject,
    api_json,
    make_driver,
    raw_answer,
)

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]
Build = Callable[..., Driver]

# Distinct numbers everywhere, so each wait shows which rule produced it.
POLICY = RetryPolicy(
    max_retries=3,
    jitter=0,
    backoff_base=2,
    backoff_max=5,
    maxlag_wait=11,
    readonly_wait=13,
    ratelimited_wait=17,
)
BACKOFF = (2.0, 4.0, 5.0)  # 2 * 2**0, 2 * 2**1, min(5, 2 * 2**2)
OK: JSONObject = {"batchcomplete": True, "query": {"general": {"sitename": "W"}}}

PARAMS: dict[str, dict[str, Any]] = {
    "GET": {"action": "query", "meta": "siteinfo", "maxlag": 5},
    "POST read": {"action": "query", "list": "allpages", "maxlag": 5},
    "POST write": {"action": "edit", "title": "Sandbox", "text": "x", "token": "+\\", "maxlag": 5},
}


def send(driver: Driver, how: str) -> JSONObject:
    if how == "GET":
        return driver.get(**PARAMS[how])
    return driver.post(**PARAMS[how])


def api_error(code: str, data: JSONObject | None = None, **headers: str) -> httpx.Response:
    item: JSONObject = {"code": code, "text": f"{code} happened", "module": "main"}
    if data is not None:
        item["data"] = data
    document = {"errors": [item], "docref": "See api.php", "servedby": "mw1"}
    return api_json(document, headers={k.replace("_", "-"): v for k, v in headers.items()})


def maxlag(lag: int, retry_after: str | None) -> httpx.Response:
    headers = {"X_Database_Lag": str(lag)}
    if retry_after is not None:
        headers["Retry_After"] = retry_after
    return api_error("maxlag", {"host": "", "lag": lag, "type": "db"}, **headers)


def http_date(when: dt.datetime) -> str:
    return email.utils.format_datetime(when, usegmt=True)


def status(code: int, retry_after: str | None = None) -> httpx.Response:
    extra = {"Retry-After": retry_after} if retry_after is not None else {}
    return raw_answer(b"<html>busy</html>", code, **extra)


def busy_until_in_9_s(clock: FakeClocks) -> Callable[[httpx.Request], httpx.Response]:
    """A 503 whose Retry-After is an HTTP date 9 s after the moment it is answered."""
    return lambda request: status(503, http_date(clock.wall() + dt.timedelta(seconds=9)))


@dataclass(frozen=True)
class Case:
    id: str
    how: str  # a key of PARAMS
    failure: Callable[[FakeClocks], Answer]
    error: type[mwtyped.MWTypedError]
    waits: tuple[float, ...] = ()


MaxLag, ReadOnly, Limited = mwtyped.MaxLagError, mwtyped.ReadOnlyError, mwtyped.RateLimitedError
DB_ERROR = "internal_api_error_DBQueryError"
Status, Connect = mwtyped.HTTPStatusError, mwtyped.ConnectError
WRITE = "POST write"


def at_30_s(clock: FakeClocks) -> httpx.Response:
    return status(503, http_date(clock.wall_start + dt.timedelta(seconds=30)))


RETRIED = [
    Case("maxlag Retry-After", "GET", lambda c: maxlag(-1, "5"), MaxLag, (5, 5, 5)),
    Case("maxlag RA beats lag", "GET", lambda c: maxlag(7, "5"), MaxLag, (5, 5, 5)),
    Case("maxlag lag", "GET", lambda c: maxlag(7, None), MaxLag, (7, 7, 7)),
    Case("maxlag default", "GET", lambda c: maxlag(-1, None), MaxLag, (11, 11, 11)),
    Case("maxlag write", WRITE, lambda c: maxlag(-1, "5"), MaxLag, (5, 5, 5)),
    Case("readonly", WRITE, lambda c: api_error("readonly"), ReadOnly, (13, 13, 13)),
    Case(
        "readonly RA", "GET", lambda c: api_error("readonly", Retry_After="3"), ReadOnly, (3,) * 3
    ),
    Case("ratelimited", WRITE, lambda c: api_error("ratelimited"), Limited, (17, 17, 17)),
    Case(
        "ratelimited RA",
        WRITE,
        lambda c: api_error("ratelimited", Retry_After="4"),
        Limited,
        (4,) * 3,
    ),
    Case("DBQueryError", WRITE, lambda c: api_error(DB_ERROR), mwtyped.APIError, BACKOFF),
    Case("429 seconds", WRITE, lambda c: status(429, "7"), Status, (7, 7, 7)),
    Case("429 backoff", "GET", lambda c: status(429), Status, BACKOFF),
    Case("503 seconds", "GET", lambda c: status(503, "6"), Status, (6, 6, 6)),
    Case("503 date", WRITE, busy_until_in_9_s, Status, (9, 9, 9)),
    # The date has passed after the first wait: resend at once.
    Case("503 fixed date", "GET", at_30_s, Status, (30, 0, 0)),
    Case("503 backoff", WRITE, lambda c: status(503), Status, BACKOFF),
    Case("connect GET", "GET", lambda c: httpx.ConnectError("refused"), Connect, BACKOFF),
    Case("connect write", WRITE, lambda c: httpx.ConnectError("refused"), Connect, BACKOFF),
    Case("connect timeout write", WRITE, lambda c: httpx.ConnectTimeout("slow"), Connect, BACKOFF),
]
# Failures after which a write may have been acted upon: resent for reads only.
LOST_ANSWERS: list[tuple[str, Callable[[FakeClocks], Answer], type[mwtyped.MWTypedError]]] = [
    ("read timeout", lambda c: httpx.ReadTimeout("slow"), mwtyped.RequestTimeout),
    ("disconnect", lambda c: httpx.RemoteProtocolError("Server gone"), mwtyped.TransportError),
    ("500", lambda c: status(500), Status),
    ("502", lambda c: status(502), Status),
    ("504", lambda c: status(504), Status),
    ("non-JSON 200", lambda c: raw_answer(b"<html>oops</html>"), mwtyped.ResponseDecodeError),
]
RETRIED += [
    Case(f"{name} {how}", how, failure, error, BACKOFF)
    for name, failure, error in LOST_ANSWERS
    for how in ("GET", "POST read")
]
NOT_RETRIED = [Case(f"{name} write", WRITE, f, e) for name, f, e in LOST_ANSWERS] + [
    Case("400", "GET", lambda c: status(400), Status),
    Case("unknown code", "GET", lambda c: api_error("badvalue"), mwtyped.APIError),
    Case("badtoken", WRITE, lambda c: api_error("badtoken"), mwtyped.BadTokenError),
]


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def build(kind: str, clock: FakeClocks) -> Iterator[Build]:
    made: list[Driver] = []

    def factory(wiki: FakeWiki, retry: RetryPolicy | int | None = POLICY, **kw: Any) -> Driver:
        made.append(make_driver(kind, wiki, clock, retry=retry, **kw))
        return made[-1]

    yield factory
    for driver in made:
        driver.close()


@pytest.fixture
def retry_log(caplog: pytest.LogCaptureFixture) -> Callable[[], list[tuple[int, str]]]:
    caplog.set_level(logging.INFO, logger="mwtyped.retry")

    def lines() -> list[tuple[int, str]]:
        return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "mwtyped.retry"]

    return lines


def assert_resent_unchanged(wiki: FakeWiki, how: str, count: int) -> None:
    """Every attempt is the same request, maxlag included (never raised between tries)."""
    assert len(wiki.requests) == count
    first = wiki.requests[0]
    for sent in wiki.requests:
        assert sent.method == ("GET" if how == "GET" else "POST")
        assert (sent.url, sent.body) == (first.url, first.body)
        assert sent.params["maxlag"] == "5"
        assert sent.params["action"] == PARAMS[how]["action"]


@pytest.mark.parametrize("case", RETRIED, ids=lambda c: c.id)
def test_retried_failure_then_success_returns_document(
    case: Case, build: Build, clock: FakeClocks, retry_log: Callable[[], list[tuple[int, str]]]
) -> None:
    wiki = FakeWiki().queue(*(case.failure(clock) for _ in range(3)), api_json(OK))
    assert send(build(wiki), case.how) == OK
    assert clock.sleeps == list(case.waits)
    assert_resent_unchanged(wiki, case.how, 4)
    log = retry_log()
    assert [level for level, _ in log] == [logging.INFO] * 3
    for number, (_, message) in enumerate(log, start=1):
        assert f"resend {number} of at most 3" in message


@pytest.mark.parametrize("case", RETRIED, ids=lambda c: c.id)
def test_retried_failure_gives_up_after_max_retries_with_last_typed_error(
    case: Case, build: Build, clock: FakeClocks, retry_log: Callable[[], list[tuple[int, str]]]
) -> None:
    wiki = FakeWiki().queue(*(case.failure(clock) for _ in range(4)))
    with pytest.raises(mwtyped.MWTypedError) as info:
        send(build(wiki), case.how)
    err = info.value
    assert type(err) is case.error
    assert not isinstance(err, tenacity.RetryError)
    assert err.retries == 3
    assert clock.sleeps == list(case.waits)
    assert_resent_unchanged(wiki, case.how, 4)
    log = retry_log()
    assert [level for level, _ in log] == [logging.INFO] * 3 + [logging.WARNING]
    assert "giving up" in log[-1][1]
    assert "3 resends made" in log[-1][1]


@pytest.mark.parametrize("case", NOT_RETRIED, ids=lambda c: c.id)
def test_not_retried_failure_is_raised_at_once(
    case: Case, build: Build, clock: FakeClocks, retry_log: Callable[[], list[tuple[int, str]]]
) -> None:
    wiki = FakeWiki().queue(case.failure(clock), api_json(OK))
    with pytest.raises(mwtyped.MWTypedError) as info:
        send(build(wiki), case.how)
    err = info.value
    if case.how == WRITE and case.error not in (mwtyped.BadTokenError,):
        # A write whose answer was lost may have happened: the caller is told so.
        assert type(err) is mwtyped.WriteOutcomeUnknownError
        assert err.request_sent is True
        assert err.__cause__ is err.error
        err = err.error
    assert type(err) is case.error
    assert err.retries == 0
    assert len(wiki.requests) == 1
    assert clock.sleeps == []
    assert [entry for entry in retry_log() if entry[0] == logging.INFO] == []
    if isinstance(err, mwtyped.TransportError):
        assert err.request_sent is True


def test_connect_error_on_write_says_request_was_not_sent(build: Build) -> None:
    wiki = FakeWiki().queue(*(httpx.ConnectError("refused") for _ in range(4)))
    with pytest.raises(mwtyped.ConnectError) as info:
        send(build(wiki), "POST write")
    assert info.value.request_sent is False
    assert isinstance(info.value.__cause__, httpx.ConnectError)


def test_maxlag_in_bc_errorformat_waits_the_lag(build: Build, clock: FakeClocks) -> None:
    error = {"code": "maxlag", "info": "Waiting for a database server: 3 seconds lagged."}
    body = {"error": {**error, "host": "db1", "lag": 3, "type": "db", "docref": "See"}}
    wiki = FakeWiki().queue(api_json(body), api_json(OK))
    assert send(build(wiki, errorformat="bc"), "GET") == OK
    assert clock.sleeps == [3]
    assert wiki.requests[1].params["errorformat"] == "bc"


def test_default_policy_adds_seeded_jitter_to_retry_after(
    driver: Driver, wiki: FakeWiki, clock: FakeClocks
) -> None:
    # The `driver` fixture uses the default policy (jitter up to 1 s) and random.Random(7).
    rng = random.Random(7)
    expected = [5 + rng.uniform(0, 1), 5 + rng.uniform(0, 1)]
    wiki.queue(maxlag(-1, "5"), maxlag(-1, "5"), api_json(OK))
    assert driver.get(action="query", maxlag=5) == OK
    assert clock.sleeps == pytest.approx(expected, abs=1e-12)
    assert all(5 <= wait <= 6 for wait in clock.sleeps)


def test_backoff_jitter_is_seeded_and_within_bounds(build: Build, clock: FakeClocks) -> None:
    policy = RetryPolicy(max_retries=5, backoff_base=1, backoff_max=6, jitter=0.5)
    wiki = FakeWiki().queue(*(status(503) for _ in range(5)), api_json(OK))
    assert send(build(wiki, retry=policy), "GET") == OK
    rng = random.Random(7)
    bases = [1, 2, 4, 6, 6]
    assert clock.sleeps == pytest.approx([b + rng.uniform(0, 0.5) for b in bases], abs=1e-12)
    for base, wait in zip(bases, clock.sleeps, strict=True):
        assert base <= wait <= base + 0.5


def test_budget_stops_when_next_wait_would_pass_it(build: Build, clock: FakeClocks) -> None:
    policy = RetryPolicy(max_retries=10, budget=10, backoff_base=1, jitter=0)
    wiki = FakeWiki().queue(*(status(503) for _ in range(10)))
    with pytest.raises(mwtyped.HTTPStatusError) as info:
        send(build(wiki, retry=policy), "GET")
    # 1 + 2 + 4 = 7 s waited; the next wait (8 s) would end at 15 s > 10 s.
    assert clock.sleeps == [1, 2, 4]
    assert info.value.retries == 3
    assert len(wiki.requests) == 4


def test_budget_counts_time_spent_waiting_for_answers(build: Build, clock: FakeClocks) -> None:
    def slow_503(request: httpx.Request) -> httpx.Response:
        clock.now += 3  # each answer takes 3 s
        return status(503)

    policy = RetryPolicy(max_retries=10, budget=12, backoff_base=1, jitter=0)
    wiki = FakeWiki().queue(*(slow_503 for _ in range(10)))
    with pytest.raises(mwtyped.HTTPStatusError) as info:
        send(build(wiki, retry=policy), "GET")
    # t=3 wait 1 -> t=4+3=7 wait 2 -> t=12: waiting 4 more would end at 16 > 12.
    assert clock.sleeps == [1, 2]
    assert info.value.retries == 2


def test_wait_exactly_reaching_budget_is_allowed(build: Build, clock: FakeClocks) -> None:
    policy = RetryPolicy(max_retries=10, budget=7, backoff_base=1, jitter=0)
    wiki = FakeWiki().queue(*(status(503) for _ in range(10)))
    with pytest.raises(mwtyped.HTTPStatusError):
        send(build(wiki, retry=policy), "GET")
    assert clock.sleeps == [1, 2, 4]


def test_retry_after_above_max_retry_after_is_raised_at_once(
    build: Build, clock: FakeClocks, retry_log: Callable[[], list[tuple[int, str]]]
) -> None:
    policy = RetryPolicy(max_retry_after=60, jitter=0)
    wiki = FakeWiki().queue(status(429, "120"), api_json(OK))
    with pytest.raises(mwtyped.HTTPStatusError) as info:
        send(build(wiki, retry=policy), "GET")
    assert info.value.status_code == 429
    assert info.value.retries == 0
    assert clock.sleeps == []
    assert len(wiki.requests) == 1
    assert [level for level, _ in retry_log()] == [logging.WARNING]


def test_retry_after_equal_to_max_retry_after_is_waited(build: Build, clock: FakeClocks) -> None:
    wiki = FakeWiki().queue(status(429, "60"), api_json(OK))
    assert send(build(wiki, retry=RetryPolicy(max_retry_after=60, jitter=0)), "GET") == OK
    assert clock.sleeps == [60]


@pytest.mark.parametrize("retry", [0, RetryPolicy(max_retries=0)], ids=["int 0", "policy 0"])
def test_zero_retries_disables_retrying(
    retry: int | RetryPolicy, build: Build, clock: FakeClocks
) -> None:
    wiki = FakeWiki().queue(maxlag(-1, "5"), api_json(OK))
    with pytest.raises(mwtyped.MaxLagError) as info:
        send(build(wiki, retry=retry), "GET")
    assert info.value.retries == 0
    assert info.value.lag == -1
    assert clock.sleeps == []
    assert len(wiki.requests) == 1


def test_integer_retry_sets_max_retries(build: Build, clock: FakeClocks) -> None:
    wiki = FakeWiki().queue(*(httpx.ConnectError("refused") for _ in range(3)))
    with pytest.raises(mwtyped.ConnectError) as info:
        send(build(wiki, retry=2), "GET")
    assert info.value.retries == 2
    assert len(wiki.requests) == 3
    assert len(clock.sleeps) == 2


def test_retries_counts_resends_when_a_later_failure_is_not_retryable(
    build: Build, clock: FakeClocks
) -> None:
    wiki = FakeWiki().queue(status(503, "1"), status(503, "1"), status(400))
    with pytest.raises(mwtyped.HTTPStatusError) as info:
        send(build(wiki), "GET")
    assert info.value.status_code == 400
    assert clock.sleeps == [1, 1]
    # Found in ea913b0 (retries stayed 0: tenacity skips stop() for a final failure);
    # fixed in 39a35f0 (mwtyped/_retrying.py RetryController._should_retry).
    assert info.value.retries == 2


def test_mixed_failures_use_each_failures_own_wait(build: Build, clock: FakeClocks) -> None:
    wiki = FakeWiki().queue(
        maxlag(-1, "5"), httpx.ConnectError("refused"), api_error("readonly"), api_json(OK)
    )
    assert send(build(wiki), "POST write") == OK
    # maxlag: Retry-After; connect: backoff for resend 2; readonly: readonly_wait.
    assert clock.sleeps == [5, 4, 13]


# -- parse_retry_after ----------------------------------------------------------------------

NOW = dt.datetime(2026, 11, 24, 12, 0, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("5", 5.0),
        (" 5 ", 5.0),
        ("0", 0.0),
        ("2.5", 2.5),
        ("-4", 0.0),
        (http_date(NOW + dt.timedelta(seconds=90)), 90.0),
        (http_date(NOW - dt.timedelta(hours=1)), 0.0),
        ("Tue, 24 Nov 2026 12:01:00", 60.0),  # no zone: read as UTC
        ("Tue, 24 Nov 2026 13:00:30 +0100", 30.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("Mon, 99 Foo 2026", None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, lambda: NOW) == expected


# -- RetryPolicy -------------------------------------------------------------------------------

FIELDS = list(RetryPolicy.__dataclass_fields__)


def policy_with(field: str, value: Any) -> RetryPolicy:
    return RetryPolicy(**{field: value})


@pytest.mark.parametrize("field", FIELDS)
def test_policy_rejects_negative_values(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        policy_with(field, -1)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", [True, "5", None])
def test_policy_rejects_non_numbers(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        policy_with(field, value)


def test_policy_rejects_fractional_max_retries() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("field", FIELDS)
def test_policy_rejects_nan(field: str) -> None:
    # Found in ea913b0 (NaN passed `value < 0`; jitter=nan made every wait NaN);
    # fixed in 39a35f0 (mwtyped/_retry.py RetryPolicy.__post_init__).
    with pytest.raises(ValueError, match=field):
        policy_with(field, math.nan)


def test_policy_defaults_and_backoff() -> None:
    policy = RetryPolicy()
    assert (policy.max_retries, policy.budget, policy.maxlag_wait) == (5, 300.0, 5.0)
    assert (policy.readonly_wait, policy.ratelimited_wait, policy.max_retry_after) == (30, 30, 300)
    assert [policy.backoff(n) for n in (1, 2, 3, 6, 7, 20)] == [1, 2, 4, 32, 60, 60]
    with pytest.raises(AttributeError):
        policy.max_retries = 1  # type: ignore[misc]


def test_policy_coerce() -> None:
    custom = RetryPolicy(max_retries=2)
    assert RetryPolicy.coerce(custom) is custom
    assert RetryPolicy.coerce(None) == RetryPolicy()
    assert RetryPolicy.coerce(3) == RetryPolicy(max_retries=3)
    assert RetryPolicy.coerce(0).max_retries == 0
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy.coerce(-1)
    for bad in (True, 2.0, "3"):
        with pytest.raises(TypeError, match="retry must be"):
            RetryPolicy.coerce(bad)  # type: ignore[arg-type]


def test_session_exposes_coerced_policy() -> None:
    transport = httpx.MockTransport(FakeWiki())
    with mwtyped.Session("https://w.example", user_agent="t/1", retry=4, transport=transport) as s:
        assert s.retry_policy == RetryPolicy(max_retries=4)
