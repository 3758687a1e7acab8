"""Import time, each sample in a fresh interpreter: ``perf_counter`` around the statement.

Variants run round-robin (a run of each, then the next run), and each figure is the median
over runs; interpreter start-up is not included. ``python -X importtime`` of ``import
mwtyped`` then tells which modules cost what, and which of them ``import httpx, pydantic``
does not import itself.

Example::

    found = measure_imports(runs=15)
    found["variants"]["import mwtyped"]["median_ms"]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.clients import peer_missing

__all__ = ["VARIANTS", "importtime_breakdown", "measure_imports"]

REPO_ROOT = Path(__file__).resolve().parent.parent
BASELINE = "import httpx, pydantic"

# label -> (statement, peers it needs)
VARIANTS: dict[str, tuple[str, tuple[str, ...]]] = {
    BASELINE: ("import httpx, pydantic", ()),
    "import httpx; from pydantic import BaseModel, TypeAdapter": (
        "import httpx; from pydantic import BaseModel, TypeAdapter",
        (),
    ),
    "import mwtyped": ("import mwtyped", ()),
    "import mwtyped + every generated module (mwtyped.api, all names touched)": (
        "import mwtyped, mwtyped.api as api; [getattr(api, n) for n in api.__all__]",
        (),
    ),
    "import mwtyped + ready for a typed request (QueryParams built, answer model built)": (
        "import mwtyped; from mwtyped.api import QueryParams, SiteinfoParams; "
        "from mwtyped.responses import QueryResponse; from pydantic import TypeAdapter; "
        "QueryParams(meta=[SiteinfoParams()]).wire_request(); TypeAdapter(QueryResponse)",
        (),
    ),
    "import mwapi": ("import mwapi", ("mwapi",)),
    "import mwclient": ("import mwclient", ("mwclient",)),
}

_TEMPLATE = "import time\n_t = time.perf_counter()\n{stmt}\nprint(repr(time.perf_counter() - _t))\n"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT)}


def _sample(python: str, statement: str) -> float:
    done = subprocess.run(
        [python, "-c", _TEMPLATE.format(stmt=statement)],
        cwd=REPO_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def measure_imports(
    *,
    runs: int = 15,
    python: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    python = python or sys.executable
    labels = []
    skipped: dict[str, str] = {}
    for label, (_, needs) in VARIANTS.items():
        missing = peer_missing(*needs)
        if missing:
            skipped[label] = missing
        else:
            labels.append(label)
    samples: dict[str, list[float]] = {label: [] for label in labels}
    for label in labels:  # warm the bytecode caches, untimed
        _sample(python, VARIANTS[label][0])
    for run in range(runs):
        shift = run % len(labels)
        for label in labels[shift:] + labels[:shift]:
            samples[label].append(_sample(python, VARIANTS[label][0]) * 1000)
    if progress is not None:
        progress(f"  imports: {runs} runs of {len(labels)} variants done")
    base = statistics.median(samples[BASELINE])
    variants = {
        label: {
            "statement": VARIANTS[label][0],
            "median_ms": statistics.median(values),
            "min_ms": min(values),
            "max_ms": max(values),
            "ratio": statistics.median(values) / base,
            "samples_ms": values,
        }
        for label, values in samples.items()
    }
    return {
        "runs": runs,
        "baseline": BASELINE,
        "variants": variants,
        "skipped": skipped,
        "breakdown": importtime_breakdown(python),
    }


def _importtime(python: str, statement: str) -> dict[str, tuple[int, int]]:
    """``-X importtime``: module -> (self us, cumulative us)."""
    done = subprocess.run(
        [python, "-X", "importtime", "-c", statement],
        cwd=REPO_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found: dict[str, tuple[int, int]] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|", 2)
        found[name.strip()] = (int(own), int(cumulative))
    return found


def importtime_breakdown(python: str | None = None, *, runs: int = 3, top: int = 15) -> Any:
    """What ``import mwtyped`` imports beyond ``import httpx, pydantic``, by self time
    (the median of ``runs``), grouped by top-level package and the heaviest modules."""
    python = python or sys.executable
    mine: dict[str, list[int]] = {}
    base_modules: set[str] = set()
    for _ in range(runs):
        for name, (own, _) in _importtime(python, "import mwtyped").items():
            mine.setdefault(name, []).append(own)
        base_modules.update(_importtime(python, "import httpx, pydantic"))
    extra = {
        name: statistics.median(values) for name, values in mine.items() if name not in base_modules
    }
    by_package: dict[str, float] = {}
    for name, spent in extra.items():
        package = name.split(".")[0]
        by_package[package] = by_package.get(package, 0.0) + spent
    heaviest = sorted(extra.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return {
        "extra_modules": len(extra),
        "extra_self_ms": sum(extra.values()) / 1000,
        "by_package_ms": {
            k: v / 1000 for k, v in sorted(by_package.items(), key=lambda kv: kv[1], reverse=True)
        },
        "heaviest_ms": [(name, spent / 1000) for name, spent in heaviest],
    }
