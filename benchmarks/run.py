"""The benchmark command: ``python -m benchmarks.run [--quick]`` (``bash benchmarks/run.sh``
creates the venv with the peers first).

Starts the fake server, checks its capacity, runs every scenario interleaved, then the
parameter, component, memory, import and profile measurements, stops the server, runs the
end-to-end comparison against the real test wiki when it answers, and writes
``benchmarks/results/latest.md`` and ``latest.json``; the Markdown is printed too.

Example::

    python -m benchmarks.run --quick --no-wiki
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from benchmarks.clients import USER_AGENT, Endpoint, RawHttpx, count
from benchmarks.fakeserver import FakeServer, probe_capacity
from benchmarks.harness import ScenarioResult
from benchmarks.scenarios import (
    big_scenario,
    error_scenario,
    maxlag_scenario,
    paging_documents_scenario,
    paging_items_scenario,
    small_get_scenario,
)

__all__ = ["FULL", "QUICK", "TINY", "Sizes", "main", "run_scenarios"]

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PARTS = (
    "capacity",
    "scenarios",
    "transports",
    "params",
    "components",
    "memory",
    "imports",
    "profiles",
    "e2e",
)


@dataclass(frozen=True)
class Sizes:
    small_gets: int = 2000
    small_chunks: int = 10
    small_reps: int = 3  # 13 contenders x 2,000 GETs: the longest scenario by far
    titles: int = 10_000
    titles_large: int = 100_000
    paging_passes: int = 3
    big_fetches: int = 50
    big_chunks: int = 5
    big_pages: int = 500
    errors: int = 300
    error_chunks: int = 3
    reps: int = 5
    import_runs: int = 9
    memory_runs: int = 1
    micro_loops: int = 1000
    transport_gets: int = 600
    transport_reps: int = 3
    profile_scale: float = 1.0
    capacity_seconds: float = 1.0
    e2e_gets: int = 20
    e2e_reps: int = 3
    e2e_limit: int = 50


FULL = Sizes()
QUICK = Sizes(
    small_gets=60,
    small_chunks=3,
    small_reps=2,
    titles=1000,
    titles_large=3000,
    paging_passes=1,
    big_fetches=2,
    big_chunks=2,
    errors=30,
    error_chunks=3,
    reps=2,
    import_runs=2,
    micro_loops=50,
    transport_gets=40,
    transport_reps=1,
    profile_scale=0.05,
    capacity_seconds=0.2,
    e2e_gets=4,
    e2e_reps=1,
)
# The test suite's smoke run: one repetition of each mwtyped scenario, tiny.
TINY = replace(
    QUICK,
    small_gets=6,
    small_chunks=2,
    small_reps=1,
    titles=1000,
    titles_large=1500,
    big_fetches=1,
    big_chunks=1,
    big_pages=20,
    errors=4,
    error_chunks=2,
    reps=1,
)


_STARTED = time.monotonic()
_LOG: list[str] = []


def _say(message: str) -> None:
    line = f"[{time.monotonic() - _STARTED:5.0f} s] {message}"
    _LOG.append(line)
    print(line, file=sys.stderr, flush=True)


def run_scenarios(
    endpoint: Endpoint,
    sizes: Sizes,
    *,
    peers: bool,
    progress: Callable[[str], None] | None = None,
) -> list[ScenarioResult]:
    """Every interleaved scenario against the fake server at ``endpoint``."""
    results = []
    steps: list[tuple[str, Callable[[], ScenarioResult]]] = [
        (
            "small GETs",
            lambda: small_get_scenario(
                endpoint,
                n=sizes.small_gets,
                reps=sizes.small_reps,
                peers=peers,
                chunks=sizes.small_chunks,
                progress=progress,
            ),
        ),
        (
            "paging (documents)",
            lambda: paging_documents_scenario(
                endpoint,
                titles=sizes.titles,
                reps=sizes.reps,
                peers=peers,
                passes=sizes.paging_passes,
                progress=progress,
            ),
        ),
        (
            "paging (items)",
            lambda: paging_items_scenario(
                endpoint,
                titles=sizes.titles,
                reps=sizes.reps,
                peers=peers,
                passes=sizes.paging_passes,
                progress=progress,
            ),
        ),
        (
            "the 1.2 MB answer",
            lambda: big_scenario(
                endpoint,
                n=sizes.big_fetches,
                pages=sizes.big_pages,
                reps=sizes.reps,
                peers=peers,
                chunks=sizes.big_chunks,
                progress=progress,
            ),
        ),
        (
            "error answers",
            lambda: error_scenario(
                endpoint,
                n=sizes.errors,
                reps=sizes.reps,
                peers=peers,
                chunks=sizes.error_chunks,
                progress=progress,
            ),
        ),
        (
            "maxlag answers",
            lambda: maxlag_scenario(
                endpoint,
                n=max(sizes.error_chunks, sizes.errors // 3),
                reps=sizes.reps,
                peers=peers,
                chunks=sizes.error_chunks,
                progress=progress,
            ),
        ),
    ]
    for name, step in steps:
        if progress is not None:
            progress(f"scenario: {name}")
        results.append(step())
    return results


def _wiki_endpoint(host: str, api_path: str) -> Endpoint | str:
    """The wiki's endpoint if it answers siteinfo, else why not."""
    try:
        response = httpx.get(
            host + api_path,
            params={"action": "query", "meta": "siteinfo", "format": "json"},
            headers={"User-Agent": USER_AGENT},
            timeout=10,
        )
        response.raise_for_status()
        response.json()["query"]["general"]
    except (httpx.HTTPError, ValueError, KeyError) as err:
        return f"the test wiki at {host}{api_path} does not answer ({type(err).__name__}: {err})"
    return Endpoint(host, api_path)


def _e2e(
    host: str, api_path: str, sizes: Sizes, peers: bool, progress: Callable[[str], None]
) -> dict[str, Any]:
    found = _wiki_endpoint(host, api_path)
    if isinstance(found, str):
        return {"skipped": found}
    endpoint = found
    raw = RawHttpx(endpoint)
    try:
        titles = count(raw.items("Cont", sizes.e2e_limit))
    finally:
        raw.close()
    scenarios = [
        small_get_scenario(
            endpoint,
            n=sizes.e2e_gets,
            reps=sizes.e2e_reps,
            peers=peers,
            chunks=1,
            concurrent=False,
            progress=progress,
        )
    ]
    if titles:
        scenarios.append(
            paging_items_scenario(
                endpoint,
                titles=titles,
                reps=sizes.e2e_reps,
                peers=peers,
                prefix="Cont",
                limit=sizes.e2e_limit,
                progress=progress,
            )
        )
    return {
        "host": host,
        "api_path": api_path,
        "cont_titles": titles,
        "scenarios": [s.as_dict() for s in scenarios],
        **({} if titles else {"note": "no 'Cont' pages on the wiki: paging not measured"}),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--reps", type=int, help="repetitions of each scenario")
    parser.add_argument("--no-peers", action="store_true", help="leave mwapi and mwclient out")
    parser.add_argument("--no-wiki", action="store_true", help="skip the real test wiki run")
    parser.add_argument("--wiki-host", default=os.environ.get("TESTWIKI_URL", ""))
    parser.add_argument("--wiki-api-path", default=os.environ.get("TESTWIKI_API_PATH", ""))
    parser.add_argument(
        "--only", help=f"comma-separated parts to run (default all): {','.join(PARTS)}"
    )
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="where to write results")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.reps:
        sizes = replace(sizes, reps=args.reps, small_reps=args.reps)
    parts = set(args.only.split(",")) if args.only else set(PARTS)
    unknown = parts - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}")
    peers = not args.no_peers
    started = time.monotonic()

    from benchmarks.report import (
        evaluate_targets,
        machine_info,
        render_markdown,
        targets_as_dicts,
    )

    results: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "sizes": asdict(sizes),
        "meta": machine_info(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    _say(f"[bench] starting the fake server ({sizes.titles:,} / {sizes.titles_large:,} titles)")
    with FakeServer(
        small=sizes.titles, large=sizes.titles_large, big_pages=sizes.big_pages
    ) as server:
        endpoint = Endpoint(server.host, server.api_path)
        if "capacity" in parts:
            _say("[bench] the fake server's capacity (raw sockets)")
            results["server_capacity"] = probe_capacity(server.port, seconds=sizes.capacity_seconds)
        if "scenarios" in parts:
            found = run_scenarios(endpoint, sizes, peers=peers, progress=_say)
            results["scenarios"] = [s.as_dict() for s in found]
        if "transports" in parts:
            _say("[bench] async transports")
            from benchmarks.transports import measure_transports

            found_transports = measure_transports(
                endpoint, n=sizes.transport_gets, reps=sizes.transport_reps
            )
            results["transports"] = found_transports.as_dict()
        if "params" in parts:
            _say("[bench] typed parameters: validation + encoding")
            from benchmarks.params_cost import measure_params_cost

            results["params_cost"] = measure_params_cost(loops=sizes.micro_loops)
        if "components" in parts:
            _say("[bench] component costs")
            from benchmarks.answers import Answers
            from benchmarks.components import measure_components

            answers = Answers(small=1000, large=1000, big_pages=sizes.big_pages)
            results["components"] = measure_components(endpoint, answers, loops=sizes.micro_loops)
        if "memory" in parts:
            _say("[bench] peak memory while paging (a subprocess per client and size)")
            from benchmarks.memory import CLIENTS, PEER_CLIENTS, run_memory

            names = [n for n in CLIENTS if peers or n not in PEER_CLIENTS]
            results["memory"] = run_memory(
                endpoint, clients=names, runs=sizes.memory_runs, progress=_say
            )
        if "profiles" in parts:
            _say("[bench] profiles")
            from benchmarks.profiles import run_profiles

            stem = "quick" if args.quick else "latest"
            results["profiles"] = run_profiles(
                endpoint, args.out / f"{stem}-profiles", scale=sizes.profile_scale
            )
    if "imports" in parts:
        _say("[bench] import time (fresh interpreters)")
        from benchmarks.importtime import measure_imports

        results["imports"] = measure_imports(runs=sizes.import_runs, progress=_say)
    if "e2e" in parts:
        if args.no_wiki or not args.wiki_host:
            why = "--no-wiki given" if args.no_wiki else "no wiki host (TESTWIKI_URL) given"
            results["e2e"] = {"skipped": why}
        else:
            _say(f"[bench] end to end against the test wiki at {args.wiki_host}")
            results["e2e"] = _e2e(
                args.wiki_host, args.wiki_api_path or "/api.php", sizes, peers, _say
            )
    results["elapsed_s"] = time.monotonic() - started
    results["log"] = list(_LOG)
    results["load_average_end"] = list(os.getloadavg())
    targets = evaluate_targets(results)

    results["targets"] = targets_as_dicts(targets)
    text = render_markdown(results, targets)
    stem = "quick" if args.quick else "latest"
    (args.out / f"{stem}.md").write_text(text)
    (args.out / f"{stem}.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(text)
    _say(f"[bench] wrote {args.out / (stem + '.md')} and .json in {results['elapsed_s']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
