"""Where the time goes: cProfile of the slowest mwtyped scenarios, and of their raw httpx
twins, grouped by the package each function lives in.

cProfile adds a fixed cost to every Python call, so shares lean towards code making many
small calls; the component timings (:mod:`benchmarks.components`) give the unprofiled
figures. Each profile's top functions (by own time) are written to
``results/profile-<name>.txt``.

Example::

    found = run_profiles(endpoint, Path("benchmarks/results"), scale=1.0)
    found["typed_small_get"]["by_package"]
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.answers import SMALL_PREFIX
from benchmarks.clients import (
    ERROR_PARAMS,
    Endpoint,
    MwtypedAsync,
    MwtypedSync,
    RawHttpx,
    RawHttpxAsync,
    count,
)

__all__ = ["package_of", "run_profiles"]

_GROUPS = (
    ("/mwtyped/", "mwtyped"),
    ("/httpx/", "httpx"),
    ("/httpcore/", "httpcore"),
    ("/h11/", "h11"),
    ("/anyio/", "anyio"),
    ("/pydantic_core/", "pydantic_core"),
    ("/pydantic/", "pydantic"),
    ("/tenacity/", "tenacity"),
    ("/asyncio/", "asyncio (stdlib)"),
    ("/json/", "json (stdlib)"),
    ("/urllib/", "urllib (stdlib)"),
    ("/ssl.py", "ssl (stdlib)"),
    ("/benchmarks/", "benchmark loop"),
)
_BUILTIN_GROUPS = (
    ("socket", "socket I/O"),
    ("select", "socket I/O"),
    ("epoll", "socket I/O"),
    ("_pydantic_core", "pydantic_core"),
    ("json", "json (stdlib)"),
    ("_json", "json (stdlib)"),
    ("__import__", "import machinery"),
    ("import_module", "import machinery"),
    ("_find_and_load", "import machinery"),
)


def package_of(filename: str, function: str) -> str:
    """The group a profiled function is charged to."""
    if filename.startswith("<frozen importlib"):
        return "import machinery"
    for needle, group in _GROUPS:
        if needle in filename:
            return group
    if filename == "~":
        for needle, group in _BUILTIN_GROUPS:
            if needle in function:
                return group
        return "builtins"
    return "other stdlib"


def _profile(run: Callable[[], Any]) -> cProfile.Profile:
    run()  # warm
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    return profiler


def _summarise(profiler: cProfile.Profile, ops: int, path: Path, top: int = 25) -> dict[str, Any]:
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values())
    groups: dict[str, float] = {}
    functions = []
    for (filename, line, function), (_, calls, own, cumulative, _) in raw.items():
        group = package_of(filename, function)
        groups[group] = groups.get(group, 0.0) + own
        functions.append((own, calls, cumulative, f"{Path(filename).name}:{line}({function})"))
    functions.sort(reverse=True)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(top)
    path.write_text(text.getvalue())
    return {
        "ops": ops,
        "total_s": total,
        "per_op_us": total / ops * 1e6,
        "by_package": {
            k: {"share": v / total, "per_op_us": v / ops * 1e6}
            for k, v in sorted(groups.items(), key=lambda kv: kv[1], reverse=True)
        },
        "top_functions": [
            {"function": name, "own_per_op_us": own / ops * 1e6, "calls_per_op": calls / ops}
            for own, calls, _, name in functions[:12]
        ],
        "file": path.name,
    }


def run_profiles(endpoint: Endpoint, out_dir: Path, *, scale: float = 1.0) -> dict[str, Any]:
    """Profile each scenario's mwtyped form and its raw twin; ``scale`` shrinks the work."""
    gets = max(10, int(500 * scale))
    pagings = max(1, int(3 * scale))
    bigs = max(1, int(5 * scale))
    errors = max(10, int(300 * scale))
    loop = asyncio.new_event_loop()
    mt = MwtypedSync(endpoint)
    raw = RawHttpx(endpoint)

    async def make() -> tuple[MwtypedAsync, RawHttpxAsync]:
        return MwtypedAsync(endpoint), RawHttpxAsync(endpoint)

    amt, araw = loop.run_until_complete(make())

    def items_mt() -> int:
        return sum(count(mt.items(SMALL_PREFIX)) for _ in range(pagings))

    def items_raw() -> int:
        return sum(count(raw.items(SMALL_PREFIX)) for _ in range(pagings))

    jobs: dict[str, tuple[Callable[[], Any], int]] = {
        "typed_small_get": (lambda: mt.small_gets_typed(gets), gets),
        "dict_small_get": (lambda: mt.small_gets(gets), gets),
        "raw_small_get": (lambda: raw.small_gets(gets), gets),
        "async_small_get": (lambda: loop.run_until_complete(amt.small_gets(gets)), gets),
        "raw_async_small_get": (lambda: loop.run_until_complete(araw.small_gets(gets)), gets),
        "items_paging": (items_mt, pagings),
        "raw_items_paging": (items_raw, pagings),
        "typed_big": (lambda: mt.big_typed(bigs), bigs),
        "raw_big": (lambda: raw.big(bigs), bigs),
        "errors": (lambda: mt.errors(errors, ERROR_PARAMS), errors),
        "raw_errors": (lambda: raw.errors(errors, ERROR_PARAMS), errors),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    found: dict[str, Any] = {}
    try:
        for name, (run, ops) in jobs.items():
            found[name] = _summarise(_profile(run), ops, out_dir / f"profile-{name}.txt")
    finally:
        mt.close()
        raw.close()
        loop.run_until_complete(amt.close())
        loop.run_until_complete(araw.close())
        loop.close()
    return found
