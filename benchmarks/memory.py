"""Peak memory while paging, one fresh subprocess per client, data set and method.

A child imports the client, opens its session, makes one small request, then pages the
whole data set keeping nothing but a count. It reports:

* ``rss``: the highest resident set size (``/proc/self/statm``, sampled every 500 items
  and at every answer) above the resident size just before paging: what the operating
  system sees (the process's lifetime high-water mark ``ru_maxrss`` is recorded too, but it
  is usually set by the imports, before paging starts);
* ``tracemalloc``: the peak of Python allocations traced from just before paging (slower,
  but blind to the allocator's arenas and to imports).

The figure that matters is the difference between the large data set (100,000 titles) and
the small one (10,000): a client that streams stays flat.

``python -m benchmarks.memory --client mwtyped-items --host H --api-path P --prefix Large/
--method rss`` prints one JSON line.

Example::

    run_memory(endpoint, clients=["raw-httpx-items", "mwtyped-items"], runs=1)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from benchmarks.answers import LARGE_PREFIX, SMALL_PREFIX
from benchmarks.clients import Endpoint, peer_missing

__all__ = ["CLIENTS", "PEER_CLIENTS", "measure_child", "run_memory"]

REPO_ROOT = Path(__file__).resolve().parent.parent
# client name -> the peers it needs
CLIENTS: dict[str, tuple[str, ...]] = {
    "raw-httpx-items": (),
    "mwtyped-documents": (),
    "mwtyped-items": (),
    "mwtyped-async-items": (),
    "mwapi-items": ("mwapi",),
    "mwclient-titles": ("mwclient",),
}
PEER_CLIENTS = frozenset(name for name, needs in CLIENTS.items() if needs)


def _maxrss_bytes() -> int:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss_bytes() -> int:
    """The resident set size now (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except OSError:
        return 0


class _Sampler:
    """The highest RSS seen at :meth:`tick` (every ``every`` calls)."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.calls = 0
        self.peak = _rss_bytes()

    def tick(self) -> None:
        self.calls += 1
        if self.calls % self.every == 0:
            self.peak = max(self.peak, _rss_bytes())


def _sync_pager(client: str, endpoint: Endpoint) -> tuple[Callable[[str], Iterator[Any]], Any]:
    from benchmarks import clients as c

    if client == "raw-httpx-items":
        raw = c.RawHttpx(endpoint)
        raw.small_gets(1)
        return raw.items, raw
    if client == "mwtyped-documents":
        mt = c.MwtypedSync(endpoint)
        mt.small_gets(1)
        return mt.documents, mt
    if client == "mwtyped-items":
        mt = c.MwtypedSync(endpoint)
        mt.small_gets(1)
        return mt.items, mt
    if client == "mwapi-items":
        mw = c.MwapiSync(endpoint)
        mw.small_gets(1)
        return mw.items, mw
    if client == "mwclient-titles":
        mc = c.Mwclient(endpoint)
        mc.small_gets(1)
        return mc.titles, mc
    raise ValueError(f"unknown client {client!r}")


def measure_child(client: str, endpoint: Endpoint, prefix: str, method: str) -> dict[str, Any]:
    """In the child: page ``prefix`` with ``client``; the memory figures."""
    if client == "mwtyped-async-items":
        return asyncio.run(_measure_async(endpoint, prefix, method))
    pager, owner = _sync_pager(client, endpoint)
    # One batch first: validators and lazily imported modules are built before measuring.
    warm = pager(SMALL_PREFIX)
    next(iter(warm))
    getattr(warm, "close", lambda: None)()
    sampler = _Sampler(1 if client == "mwtyped-documents" else 500)
    before = _start(method)
    seen = 0
    for _ in pager(prefix):
        seen += 1
        sampler.tick()
    result = _stop(method, before, sampler)
    owner.close()
    return {"client": client, "prefix": prefix, "method": method, "items": seen, **result}


async def _measure_async(endpoint: Endpoint, prefix: str, method: str) -> dict[str, Any]:
    from benchmarks import clients as c

    mt = c.MwtypedAsync(endpoint)
    await mt.small_gets(1)
    warm: AsyncIterator[Any] = mt.items(SMALL_PREFIX)
    await warm.__anext__()
    closer = getattr(warm, "aclose", None)
    if closer is not None:
        await closer()
    sampler = _Sampler(500)
    before = _start(method)
    seen = 0
    async for _ in mt.items(prefix):
        seen += 1
        sampler.tick()
    result = _stop(method, before, sampler)
    await mt.close()
    return {
        "client": "mwtyped-async-items",
        "prefix": prefix,
        "method": method,
        "items": seen,
        **result,
    }


def _start(method: str) -> int:
    if method == "tracemalloc":
        tracemalloc.start()
        return 0
    return _rss_bytes()


def _stop(method: str, before: int, sampler: _Sampler) -> dict[str, Any]:
    if method == "tracemalloc":
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"peak_bytes": peak}
    peak = max(sampler.peak, _rss_bytes())
    return {
        "peak_bytes": max(0, peak - before),
        "rss_before_bytes": before,
        "rss_peak_bytes": peak,
        "maxrss_bytes": _maxrss_bytes(),
    }


def _child(
    python: str, client: str, endpoint: Endpoint, prefix: str, method: str
) -> dict[str, Any]:
    command = [
        python,
        "-m",
        "benchmarks.memory",
        "--client",
        client,
        "--host",
        endpoint.host,
        "--api-path",
        endpoint.api_path,
        "--prefix",
        prefix,
        "--method",
        method,
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def run_memory(
    endpoint: Endpoint,
    *,
    clients: Sequence[str] | None = None,
    methods: Sequence[str] = ("rss", "tracemalloc"),
    runs: int = 1,
    python: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Small and large data set, every client and method, in fresh subprocesses; the
    median over ``runs`` of each figure, and large minus small."""
    python = python or sys.executable
    names = list(clients or CLIENTS)
    results: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for name in names:
        missing = peer_missing(*CLIENTS[name])
        if missing:
            skipped[name] = missing
            continue
        entry: dict[str, Any] = {}
        for method in methods:
            figures: dict[str, list[int]] = {SMALL_PREFIX: [], LARGE_PREFIX: []}
            counts: dict[str, int] = {}
            errors: list[str] = []
            for _ in range(runs):
                for prefix in (SMALL_PREFIX, LARGE_PREFIX):
                    got = _child(python, name, endpoint, prefix, method)
                    if "error" in got:
                        errors.append(str(got["error"]))
                        continue
                    figures[prefix].append(int(got["peak_bytes"]))
                    counts[prefix] = int(got["items"])
            if errors or not figures[SMALL_PREFIX] or not figures[LARGE_PREFIX]:
                entry[method] = {"error": errors[:1] or ["no result"]}
                continue
            small = sorted(figures[SMALL_PREFIX])[len(figures[SMALL_PREFIX]) // 2]
            large = sorted(figures[LARGE_PREFIX])[len(figures[LARGE_PREFIX]) // 2]
            entry[method] = {
                "small_peak_bytes": small,
                "large_peak_bytes": large,
                "growth_bytes": large - small,
                "small_items": counts.get(SMALL_PREFIX),
                "large_items": counts.get(LARGE_PREFIX),
            }
        results[name] = entry
        if progress is not None:
            progress(f"  memory: {name} done")
    return {"clients": results, "skipped": skipped, "runs": runs}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("--client", required=True, choices=sorted(CLIENTS))
    parser.add_argument("--host", required=True)
    parser.add_argument("--api-path", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--method", choices=("rss", "tracemalloc"), default="rss")
    args = parser.parse_args(argv)
    endpoint = Endpoint(args.host, args.api_path)
    print(json.dumps(measure_child(args.client, endpoint, args.prefix, args.method)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
