"""Interleaved repetitions, medians, and ratios to the baseline of the same repetition.

Each repetition runs every contender's whole workload once. A workload may be cut into
``chunks`` equal slices run round-robin (contender A's slice 1, B's slice 1, ..., A's
slice 2, ...), the order rotated by one at every round, so that the load other processes put
on a shared 2-core machine falls on every contender alike; a contender's time for the
repetition is the sum of its slices. Its figure is the median of its repetitions; its
ratio is the median of its per-repetition ratios to the baseline (the first contender) *of
the same repetition*. Wall-clock time is the figure; the client process's CPU time
(``time.process_time``: the client-side work alone, the server being another process) is
recorded beside it. Everything runs once untimed first (connections opened, validators
built, caches warm).

Example::

    result = run_interleaved("small_get", "2,000 small GETs", contenders, reps=5,
                             ops=2000, unit="request")
    result.row("mwtyped Session get()").ratio
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = [
    "Bench",
    "Contender",
    "Row",
    "ScenarioResult",
    "run_interleaved",
]

T = TypeVar("T")


@dataclass
class Contender:
    """One client doing one scenario: ``run()`` does one slice and returns a count."""

    label: str
    family: str  # "baseline", "mwtyped" or "peer"
    run: Callable[[], int]
    warm: Callable[[], int] | None = None
    note: str = ""


@dataclass
class Row:
    label: str
    family: str
    note: str
    times: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    cpu_times: list[float] = field(default_factory=list)
    cpu_ratios: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_times)

    @property
    def cpu_ratio(self) -> float:
        return statistics.median(self.cpu_ratios)

    def as_dict(self, ops: int) -> dict[str, Any]:
        return {
            "label": self.label,
            "family": self.family,
            "note": self.note,
            "median_s": self.median,
            "per_op_us": self.median / ops * 1e6 if ops else None,
            "ratio": self.ratio,
            "ratio_min": min(self.ratios),
            "ratio_max": max(self.ratios),
            "cpu_median_s": self.cpu_median,
            "cpu_ratio": self.cpu_ratio,
            "times_s": self.times,
            "ratios": self.ratios,
            "cpu_times_s": self.cpu_times,
            "cpu_ratios": self.cpu_ratios,
            "counts": self.counts,
        }


@dataclass
class ScenarioResult:
    key: str
    name: str
    ops: int
    unit: str
    rows: list[Row]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    expected: int | None = None
    chunks: int = 1

    @property
    def baseline(self) -> Row:
        return self.rows[0]

    def row(self, label: str) -> Row | None:
        return next((r for r in self.rows if r.label == label), None)

    def paired_ratio(self, label: str, reference: str) -> float | None:
        """Median over repetitions of ``label``'s time over ``reference``'s."""
        a, b = self.row(label), self.row(reference)
        if a is None or b is None:
            return None
        return statistics.median(x / y for x, y in zip(a.times, b.times, strict=True))

    def problems(self) -> list[str]:
        """Rows whose count differs from the expected one (a broken contender)."""
        if self.expected is None:
            return []
        return [
            f"{r.label}: counted {r.counts[0]}, expected {self.expected}"
            for r in self.rows
            if r.counts and any(c != self.expected for c in r.counts)
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "ops": self.ops,
            "unit": self.unit,
            "expected_count": self.expected,
            "chunks": self.chunks,
            "rows": [r.as_dict(self.ops) for r in self.rows],
            "skipped": [{"label": label, "reason": why} for label, why in self.skipped],
            "problems": self.problems(),
        }


def _timed(run: Callable[[], int]) -> tuple[float, float, int]:
    started, cpu = time.perf_counter(), time.process_time()
    counted = run()
    return time.perf_counter() - started, time.process_time() - cpu, counted


def run_interleaved(
    key: str,
    name: str,
    contenders: list[Contender],
    *,
    reps: int,
    ops: int,
    unit: str,
    chunks: int = 1,
    expected: int | None = None,
    skipped: list[tuple[str, str]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ScenarioResult:
    """Run ``contenders`` (the first is the baseline) ``reps`` times, interleaved; each
    ``run()`` is one of ``chunks`` slices of the workload of ``ops`` operations."""
    if not contenders:
        raise ValueError("no contenders")
    for contender in contenders:
        (contender.warm or contender.run)()
    rows = [Row(c.label, c.family, c.note) for c in contenders]
    n = len(contenders)
    for rep in range(reps):
        wall = [0.0] * n
        cpu = [0.0] * n
        counted = [0] * n
        gc.collect()
        for chunk in range(chunks):
            shift = (rep * chunks + chunk) % n
            for index in list(range(shift, n)) + list(range(shift)):
                elapsed, used, got = _timed(contenders[index].run)
                wall[index] += elapsed
                cpu[index] += used
                counted[index] += got
        for index in range(n):
            row = rows[index]
            row.times.append(wall[index])
            row.cpu_times.append(cpu[index])
            row.counts.append(counted[index])
            row.ratios.append(wall[index] / wall[0])
            row.cpu_ratios.append(cpu[index] / cpu[0] if cpu[0] else float("nan"))
        if progress is not None:
            progress(f"  {key}: repetition {rep + 1}/{reps} done")
    return ScenarioResult(key, name, ops, unit, rows, list(skipped or []), expected, chunks)


class Bench:
    """Holds one event loop for the async contenders and everything to close after."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._closers: list[Callable[[], Any]] = []
        self.skipped: list[tuple[str, str]] = []

    def sync(self, make: Callable[[], T], close: Callable[[T], Any]) -> T:
        made = make()
        self._closers.append(lambda: close(made))
        return made

    def aio(self, make: Callable[[], Awaitable[T]], close: Callable[[T], Awaitable[Any]]) -> T:
        made = self.loop.run_until_complete(make())
        self._closers.append(lambda: self.loop.run_until_complete(close(made)))
        return made

    def arun(self, make: Callable[[], Awaitable[int]]) -> Callable[[], int]:
        """A blocking ``run()`` for an async operation (a new coroutine each call)."""
        return lambda: self.loop.run_until_complete(make())

    def skip(self, label: str, reason: str) -> None:
        self.skipped.append((label, reason))

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()
