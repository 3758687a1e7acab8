"""Timing of small things: the fastest of several repeats of a loop, in microseconds per call.

The minimum, as :mod:`timeit` advises: on a shared machine every other value mostly
measures the interference of other processes, never a faster path through the code.

Example::

    per_call_us(lambda: json.loads(body), loops=1000, repeats=7)
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["aper_call_us", "per_call_us"]


def per_call_us(func: Callable[[], Any], *, loops: int, repeats: int = 7) -> float:
    """The least, over ``repeats``, of the mean time of ``func()`` over ``loops`` calls."""
    func()  # warm: lazily built validators, caches
    samples = []
    gc.collect()
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(loops):
            func()
        samples.append((time.perf_counter() - started) / loops * 1e6)
    return min(samples)


def aper_call_us(func: Callable[[], Awaitable[Any]], *, loops: int, repeats: int = 7) -> float:
    """:func:`per_call_us` for a coroutine function, awaited in a fresh event loop."""

    async def sample() -> list[float]:
        await func()
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            for _ in range(loops):
                await func()
            samples.append((time.perf_counter() - started) / loops * 1e6)
        return samples

    loop = asyncio.new_event_loop()
    try:
        return min(loop.run_until_complete(sample()))
    finally:
        loop.close()
