"""When to resend a request, and how long to wait first: one policy for both sessions.

=====================================  ==============  =====================================
failure                                resent for      wait
=====================================  ==============  =====================================
API ``maxlag``                         every request   Retry-After, else lag, else 5 s
API ``readonly``                       every request   Retry-After, else 30 s
API ``ratelimited``                    every request   Retry-After, else 30 s
API ``internal_api_error_DB*``         every request   exponential backoff
HTTP 429, 503                          every request   Retry-After (seconds or HTTP date),
                                                       else exponential backoff
connection refused / DNS / connect     every request   exponential backoff
  timeout (the request never left)
HTTP 500, 502, 504; read timeouts;     read requests   exponential backoff
  broken or non-JSON answers           only
=====================================  ==============  =====================================

A write (a POST of a module that changes the wiki) whose answer was lost may have been
acted upon, so it is never resent: the error says so (``request_sent``). Retries stop after
``max_retries`` resends or when the next wait would end past ``budget`` seconds since the
first try; the user then gets the last typed error, never ``tenacity.RetryError``.

Example::

    policy = RetryPolicy(max_retries=3, budget=60)
    session = mwtyped.Session(host, user_agent="bot/1 (me@example.org)", retry=policy)
    mwtyped.Session(host, user_agent="...", retry=0)      # no retries at all
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from mwtyped.errors import (
    APIError,
    ConnectError,
    HTTPStatusError,
    MaxLagError,
    RateLimitedError,
    ReadOnlyError,
    ResponseDecodeError,
    TransportError,
)

__all__ = ["RetryDecision", "RetryPolicy", "decide", "parse_retry_after"]

logger = logging.getLogger("mwtyped.retry")

_ALWAYS_RETRIED_STATUSES = frozenset({429, 503})
_READ_RETRIED_STATUSES = frozenset({500, 502, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How a session resends failed requests. Frozen: share one between sessions.

    ``max_retries``: resends after the first try (0 disables retrying).
    ``budget``: seconds from the first try after which no new wait starts.
    ``backoff_base`` / ``backoff_max``: exponential backoff ``base * 2**(n-1)``, capped.
    ``jitter``: up to this many seconds added at random to every wait, so many clients
    that failed together do not come back together.
    ``maxlag_wait`` / ``readonly_wait`` / ``ratelimited_wait``: waits for those API errors
    when the server gives no ``Retry-After``.
    ``max_retry_after``: a longer ``Retry-After`` than this is not waited for (the error is
    raised at once).
    """

    max_retries: int = 5
    budget: float = 300.0
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    jitter: float = 1.0
    maxlag_wait: float = 5.0
    readonly_wait: float = 30.0
    ratelimited_wait: float = 30.0
    max_retry_after: float = 300.0

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if (
                not isinstance(value, int | float)
                or isinstance(value, bool)
                or value != value  # NaN compares false to everything, so would never stop
                or value < 0
            ):
                raise ValueError(f"RetryPolicy.{name} must be a number >= 0, got {value!r}")
        if not isinstance(self.max_retries, int):
            raise ValueError(f"RetryPolicy.max_retries must be an int, got {self.max_retries!r}")

    @classmethod
    def coerce(cls, value: RetryPolicy | int | None) -> RetryPolicy:
        """Accept a policy, a number of retries (``0`` disables), or ``None`` (defaults)."""
        if value is None:
            return cls()
        if isinstance(value, RetryPolicy):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(max_retries=value)
        raise TypeError(f"retry must be a RetryPolicy or an int, got {type(value).__name__}")

    def backoff(self, retry_number: int) -> float:
        """The exponential wait before resend number ``retry_number`` (1-based)."""
        return float(min(self.backoff_max, self.backoff_base * 2.0 ** max(0, retry_number - 1)))


def parse_retry_after(value: str | None, now: Callable[[], dt.datetime]) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    Example: ``parse_retry_after("5", now) == 5.0``; a date in the past gives ``0.0``.
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        seconds = (when - now()).total_seconds()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return max(0.0, seconds)


@dataclass(frozen=True)
class RetryDecision:
    """A failure judged retryable: wait ``delay`` seconds; ``reason`` is for the log line."""

    delay: float
    reason: str


def decide(
    policy: RetryPolicy,
    error: BaseException,
    retry_number: int,
    *,
    read_only: bool,
    now: Callable[[], dt.datetime],
    rng: random.Random | None = None,
) -> RetryDecision | None:
    """Whether ``error`` on a request may be resent, and after how long.

    ``retry_number`` is the number the resend would have (1 for the first resend);
    ``read_only`` is true for requests that cannot change the wiki.
    """
    jitter = (rng or random).uniform(0.0, policy.jitter) if policy.jitter else 0.0
    backoff = policy.backoff(retry_number) + jitter
    if isinstance(error, APIError):
        advised = parse_retry_after(error.headers.get("retry-after"), now)
        if isinstance(error, MaxLagError):
            lag = error.lag if error.lag is not None and error.lag > 0 else None
            base = advised if advised is not None else (lag or policy.maxlag_wait)
            return RetryDecision(base + jitter, f"maxlag (lag {error.lag} s)")
        if isinstance(error, ReadOnlyError):
            base = advised if advised is not None else policy.readonly_wait
            return RetryDecision(base + jitter, f"readonly ({error.reason or 'no reason'})")
        if isinstance(error, RateLimitedError):
            base = advised if advised is not None else policy.ratelimited_wait
            return RetryDecision(base + jitter, "ratelimited")
        if error.code.startswith("internal_api_error_DB"):
            return RetryDecision(backoff, error.code)
        return None
    if isinstance(error, HTTPStatusError):
        status = error.status_code
        if status in _ALWAYS_RETRIED_STATUSES or (read_only and status in _READ_RETRIED_STATUSES):
            advised = parse_retry_after(error.retry_after, now)
            delay = advised + jitter if advised is not None else backoff
            return RetryDecision(delay, f"HTTP {status}")
        return None
    if isinstance(error, ConnectError):
        return RetryDecision(backoff, "connection failed")
    if isinstance(error, TransportError):
        if read_only or not error.request_sent:
            return RetryDecision(backoff, type(error).__name__)
        return None
    if isinstance(error, ResponseDecodeError) and read_only and not error.well_formed:
        return RetryDecision(backoff, "unreadable answer")
    return None
