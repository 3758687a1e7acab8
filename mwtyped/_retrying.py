"""Drive :func:`mwtyped._retry.decide` with tenacity, for the sync and the async session.

A :class:`RetryController` is made for a request only once its first attempt failed: it
judges each failure (wait, or give up with the last typed error) on the request's own
clocks, so tests run it on a fake clock without sleeping, and tenacity drives the resends.

Example::

    controller = RetryController(policy, read_only=True, label="GET query",
                                 clocks=SYSTEM_CLOCKS, started=t0)
    delay = controller.judge(first_error)          # None: raise first_error
    document = controller.sync_retrying()(send_once, call)
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mwtyped._retry import RetryPolicy, decide
from mwtyped.errors import MWTypedError

if TYPE_CHECKING:  # tenacity is imported on the first retry only: most requests never need it
    from tenacity import AsyncRetrying, RetryCallState, Retrying

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


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # only async users pay for importing asyncio

    await asyncio.sleep(seconds)


SYSTEM_CLOCKS = Clocks(
    monotonic=time.monotonic, wall=_utc_now, sleep=time.sleep, async_sleep=_asyncio_sleep
)


class RetryController:
    """Decides, for one request, whether and when to send again, and drives tenacity.

    The first attempt is made without it (most requests succeed; tenacity is imported and
    set up only once one has failed). :meth:`judge` decides after every failure: the wait
    before the next resend, or ``None`` to raise the error as it is.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        read_only: bool,
        label: str,
        clocks: Clocks,
        started: float,
    ) -> None:
        self.policy = policy
        self.read_only = read_only
        self.label = label
        self.clocks = clocks
        self.started = started
        self.resends = 0
        self.delay = 0.0

    def judge(self, error: BaseException) -> float | None:
        """After a failure: seconds to wait before the next resend, or ``None`` (give up)."""
        decision = decide(
            self.policy,
            error,
            self.resends + 1,
            read_only=self.read_only,
            now=self.clocks.wall,
            rng=self.clocks.rng,
        )
        elapsed = self.clocks.monotonic() - self.started
        if decision is None:
            if self.resends:
                self._give_up(error, f"{type(error).__name__} is not retryable", elapsed)
            return None
        if self.resends >= self.policy.max_retries:
            why = f"{self.policy.max_retries} resends made"
        elif decision.delay > self.policy.max_retry_after:
            why = f"the server asks to wait {decision.delay:.0f} s"
        elif elapsed + decision.delay > self.policy.budget:
            why = (
                f"waiting {decision.delay:.1f} s more would pass the {self.policy.budget} s budget"
            )
        else:
            self.resends += 1
            self.delay = decision.delay
            logger.info(
                "retrying %s after %s: resend %d of at most %d in %.1f s",
                self.label,
                decision.reason,
                self.resends,
                self.policy.max_retries,
                decision.delay,
            )
            return decision.delay
        self._give_up(error, why, elapsed)
        return None

    def _give_up(self, error: BaseException, why: str, elapsed: float) -> None:
        if isinstance(error, MWTypedError):
            error.retries = self.resends
            if self.resends and hasattr(error, "add_note"):  # Python >= 3.11
                error.add_note(
                    f"mwtyped gave up retrying {self.label} after {elapsed:.1f} s: {why}"
                )
        logger.warning("giving up on %s: %s", self.label, why)

    def _should_retry(self, state: RetryCallState) -> bool:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None and outcome.failed else None
        return error is not None and self.judge(error) is not None

    def _wait(self, state: RetryCallState) -> float:
        return self.delay

    def sync_retrying(self) -> Retrying:
        """A tenacity ``Retrying`` for the resends after the first (whose wait is done)."""
        import tenacity

        return tenacity.Retrying(
            retry=self._should_retry,
            stop=tenacity.stop_never,
            wait=self._wait,
            sleep=self.clocks.sleep,
            reraise=True,
        )

    def async_retrying(self) -> AsyncRetrying:
        """A tenacity ``AsyncRetrying`` for an awaited send."""
        import tenacity

        return tenacity.AsyncRetrying(
            retry=self._should_retry,
            stop=tenacity.stop_never,
            wait=self._wait,
            sleep=self.clocks.async_sleep,
            reraise=True,
        )
