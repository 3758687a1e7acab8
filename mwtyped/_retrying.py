"""Drive :func:`mwtyped._retry.decide` with tenacity, for the sync and the async session.

One :class:`RetryController` per request holds the decision tenacity's ``retry``, ``stop``
and ``wait`` hooks share, and the request's own clock, so tests can run it on a fake clock
without sleeping.

Example::

    retrying = RetryController(policy, read_only=True, label="GET query",
                               clocks=SYSTEM_CLOCKS).sync_retrying()
    document = retrying(send_once, call)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import tenacity

from mwtyped._retry import RetryDecision, RetryPolicy, decide
from mwtyped.errors import MWTypedError

__all__ = ["SYSTEM_CLOCKS", "Clocks", "RetryController"]

logger = logging.getLogger("mwtyped.retry")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Clocks:
    """Where a session reads time and how it waits; replaced by a fake clock in tests."""

    monotonic: Callable[[], float]
    wall: Callable[[], dt.datetime]
    sleep: Callable[[float], None]
    async_sleep: Callable[[float], Awaitable[None]]
    rng: random.Random | None = None


SYSTEM_CLOCKS = Clocks(
    monotonic=time.monotonic, wall=_utc_now, sleep=time.sleep, async_sleep=asyncio.sleep
)


class RetryController:
    """Decides, for one request, whether and when tenacity tries again."""

    def __init__(self, policy: RetryPolicy, *, read_only: bool, label: str, clocks: Clocks):
        self.policy = policy
        self.read_only = read_only
        self.label = label
        self.clocks = clocks
        self.started = clocks.monotonic()
        self.decision: RetryDecision | None = None

    def _should_retry(self, state: tenacity.RetryCallState) -> bool:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None and outcome.failed else None
        if error is None:
            return False
        self.decision = decide(
            self.policy,
            error,
            state.attempt_number,
            read_only=self.read_only,
            now=self.clocks.wall,
            rng=self.clocks.rng,
        )
        if self.decision is None and state.attempt_number > 1:
            # tenacity raises it at once, without asking stop(): count the resends here.
            elapsed = self.clocks.monotonic() - self.started
            self._annotate_final(state, f"{type(error).__name__} is not retryable", elapsed)
        return self.decision is not None

    def _should_stop(self, state: tenacity.RetryCallState) -> bool:
        decision = self.decision
        if decision is None:
            return True
        elapsed = self.clocks.monotonic() - self.started
        if state.attempt_number > self.policy.max_retries:
            why = f"{self.policy.max_retries} resends made"
        elif decision.delay > self.policy.max_retry_after:
            why = f"the server asks to wait {decision.delay:.0f} s"
        elif elapsed + decision.delay > self.policy.budget:
            why = (
                f"waiting {decision.delay:.1f} s more would pass the {self.policy.budget} s budget"
            )
        else:
            return False
        self._annotate_final(state, why, elapsed)
        return True

    def _annotate_final(self, state: tenacity.RetryCallState, why: str, elapsed: float) -> None:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, MWTypedError):
            error.retries = state.attempt_number - 1
        if isinstance(error, MWTypedError) and error.retries > 0:
            note = f"mwtyped gave up retrying {self.label} after {elapsed:.1f} s: {why}"
            if hasattr(error, "add_note"):  # Python >= 3.11
                error.add_note(note)
        logger.warning("giving up on %s: %s", self.label, why)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        return self.decision.delay if self.decision is not None else 0.0

    def _log_retry(self, state: tenacity.RetryCallState) -> None:
        decision = self.decision
        if decision is None:
            return
        logger.info(
            "retrying %s after %s: resend %d of at most %d in %.1f s",
            self.label,
            decision.reason,
            state.attempt_number,
            self.policy.max_retries,
            decision.delay,
        )

    def sync_retrying(self) -> tenacity.Retrying:
        """A tenacity ``Retrying`` for a blocking send."""
        return tenacity.Retrying(
            retry=self._should_retry,
            stop=self._should_stop,
            wait=self._wait,
            before_sleep=self._log_retry,
            sleep=self.clocks.sleep,
            reraise=True,
        )

    def async_retrying(self) -> tenacity.AsyncRetrying:
        """A tenacity ``AsyncRetrying`` for an awaited send."""
        return tenacity.AsyncRetrying(
            retry=self._should_retry,
            stop=self._should_stop,
            wait=self._wait,
            before_sleep=self._log_retry,
            sleep=self.clocks.async_sleep,
            reraise=True,
        )
