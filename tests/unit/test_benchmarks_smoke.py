"""The benchmark suite keeps working: its mwtyped-only scenarios, once and tiny, in this
process against the fake server (no peers, no venv). Nothing here is timed against a
threshold: the machine is shared and noisy. Takes a few seconds.
"""

from __future__ import annotations

import math

from benchmarks.clients import Endpoint
from benchmarks.fakeserver import FakeServer
from benchmarks.params_cost import measure_params_cost
from benchmarks.report import evaluate_targets, machine_info, render_markdown
from benchmarks.run import TINY, run_scenarios


def test_benchmark_scenarios_run_and_produce_numbers() -> None:
    with FakeServer(small=TINY.titles, large=TINY.titles_large, big_pages=TINY.big_pages) as server:
        scenarios = run_scenarios(Endpoint(server.host, server.api_path), TINY, peers=False)
    assert [s.key for s in scenarios] == [
        "small_get",
        "paging_documents",
        "paging_items",
        "big",
        "errors",
        "maxlag",
    ]
    for scenario in scenarios:
        assert scenario.problems() == []  # every contender did all its work
        assert scenario.rows[0].family == "baseline"
        assert any(row.family == "mwtyped" for row in scenario.rows)
        assert all(row.family != "peer" for row in scenario.rows)
        for row in scenario.rows:
            assert len(row.times) == TINY.reps
            assert all(t > 0 for t in row.times)
            assert math.isfinite(row.ratio)

    params = measure_params_cost(loops=3, repeats=1)
    assert all(case["total_us"] > 0 for case in params["cases"].values())

    results = {
        "mode": "smoke",
        "meta": machine_info(),
        "scenarios": [s.as_dict() for s in scenarios],
        "params_cost": params,
    }
    targets = evaluate_targets(results)
    assert {t.name for t in targets if t.passed is not None} >= {
        "small GET, raw (dict)",
        "paging 10,000 titles as typed items",
        "error answer -> typed exception",
    }
    assert "## Targets" in render_markdown(results, targets)
