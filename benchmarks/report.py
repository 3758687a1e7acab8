"""Turn one run's results into the targets verdict and the Markdown report.

Example::

    targets = evaluate_targets(results)
    text = render_markdown(results, targets)
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import math
import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.scenarios import LABELS

__all__ = ["Target", "evaluate_targets", "machine_info", "render_markdown"]

REPO_ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024
PACKAGES = (
    "mwtyped",
    "httpx",
    "httpcore",
    "h11",
    "anyio",
    "sniffio",
    "pydantic",
    "pydantic-core",
    "tenacity",
    "mwapi",
    "aiohttp",
    "mwclient",
    "requests",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip()


def machine_info() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    dirty = _git("status", "--porcelain", "--", "mwtyped")
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": versions,
        "mwtyped_commit": _git("rev-parse", "--short", "HEAD"),
        "mwtyped_uncommitted_files": len(dirty.splitlines()) if dirty != "unknown" else None,
        "load_average_start": list(os.getloadavg()),
    }


@dataclass
class Target:
    name: str
    measured: str
    ratio: float | None
    cpu_ratio: float | None
    target: str
    limit: float
    passed: bool | None  # None: could not be measured
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "n/a"
        if self.passed:
            return "pass"
        over = (self.ratio or 0.0) / self.limit - 1.0 if self.limit else 0.0
        return f"MISS (+{over:.1%} over)" if over > 0 else "MISS"

    @property
    def cpu_verdict(self) -> str:
        if self.cpu_ratio is None or math.isnan(self.cpu_ratio):
            return "-"
        return "pass" if self.cpu_ratio <= self.limit else "miss"


def _scenario(results: dict[str, Any], key: str) -> dict[str, Any] | None:
    for scenario in results.get("scenarios", []):
        if scenario["key"] == key:
            found: dict[str, Any] = scenario
            return found
    return None


def _row(scenario: dict[str, Any] | None, label: str) -> dict[str, Any] | None:
    if scenario is None:
        return None
    return next((r for r in scenario["rows"] if r["label"] == label), None)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _paired(scenario: dict[str, Any] | None, label: str, reference: str, key: str) -> float | None:
    a, b = _row(scenario, label), _row(scenario, reference)
    if a is None or b is None:
        return None
    return _median([x / y for x, y in zip(a[key], b[key], strict=True)])


def _ratio_target(
    results: dict[str, Any], key: str, label: str, name: str, limit: float, unit: str
) -> Target:
    scenario = _scenario(results, key)
    row = _row(scenario, label)
    target = f"<= {limit:.2f}x raw httpx"
    if scenario is None or row is None:
        return Target(name, "not run", None, None, target, limit, None)
    base = scenario["rows"][0]
    per = row["per_op_us"]
    measured = f"{_fmt_us(per)}/{unit} vs {_fmt_us(base['per_op_us'])}"
    return Target(
        name,
        measured,
        row["ratio"],
        row["cpu_ratio"],
        target,
        limit,
        row["ratio"] <= limit,
    )


def _fmt_us(us: float) -> str:
    if us >= 10_000:
        return f"{us / 1000:.1f} ms"
    if us >= 1000:
        return f"{us / 1000:.2f} ms"
    return f"{us:.0f} us" if us >= 10 else f"{us:.2f} us"


def evaluate_targets(results: dict[str, Any]) -> list[Target]:
    targets = [
        _ratio_target(results, "small_get", LABELS.DICT, "small GET, raw (dict)", 1.05, "GET"),
        _ratio_target(results, "small_get", LABELS.TYPED, "small GET, typed", 1.05, "GET"),
        _ratio_target(
            results,
            "paging_items",
            LABELS.ITEMS,
            "paging 10,000 titles as typed items",
            1.10,
            "title",
        ),
        _ratio_target(
            results, "big", LABELS.TYPED, "1.2 MB answer parsed into typed models", 1.05, "fetch"
        ),
        _ratio_target(
            results, "errors", LABELS.DICT, "error answer -> typed exception", 1.10, "error"
        ),
    ]
    # AsyncSession vs mwapi's aiohttp AsyncSession, same repetitions.
    small = _scenario(results, "small_get")
    mine, theirs = f"{LABELS.ASYNC}, sequential", f"{LABELS.MWAPI_ASYNC}, sequential"
    ratio = _paired(small, mine, theirs, "times_s")
    cpu = _paired(small, mine, theirs, "cpu_times_s")
    a, b = _row(small, mine), _row(small, theirs)
    name = "AsyncSession small GET (sequential) vs mwapi AsyncSession"
    if ratio is None or a is None or b is None:
        targets.append(
            Target(name, "mwapi not measured", None, None, "<= 1.00x mwapi async", 1.0, None)
        )
    else:
        measured = f"{_fmt_us(a['per_op_us'])}/GET vs {_fmt_us(b['per_op_us'])}"
        targets.append(
            Target(name, measured, ratio, cpu, "<= 1.00x mwapi async", 1.0, ratio <= 1.0)
        )
    # Memory: flat while paging.
    memory = results.get("memory", {}).get("clients", {}).get("mwtyped-items", {})
    rss, traced = memory.get("rss", {}), memory.get("tracemalloc", {})
    name = "peak memory, paging 100,000 vs 10,000 titles (items)"
    if "growth_bytes" in rss:
        growth = rss["growth_bytes"] / MiB
        note = (
            f"tracemalloc: +{traced['growth_bytes'] / MiB:.2f} MiB"
            if "growth_bytes" in traced
            else ""
        )
        targets.append(
            Target(
                name,
                f"RSS peak while paging {growth:+.2f} MiB",
                None,
                None,
                "< 5 MiB above 10,000",
                5.0,
                growth < 5.0,
                note,
            )
        )
    else:
        targets.append(Target(name, "not run", None, None, "< 5 MiB above 10,000", 5.0, None))
    # Import time.
    variants = results.get("imports", {}).get("variants", {})
    plain = variants.get("import mwtyped")
    base = variants.get("import httpx, pydantic")
    name = "import mwtyped (generated modules available)"
    if plain and base:
        measured = f"{plain['median_ms']:.0f} ms vs {base['median_ms']:.0f} ms"
        targets.append(
            Target(
                name,
                measured,
                plain["ratio"],
                None,
                "<= 1.50x import httpx, pydantic",
                1.5,
                plain["ratio"] <= 1.5,
            )
        )
    else:
        targets.append(Target(name, "not run", None, None, "<= 1.50x", 1.5, None))
    # Typed parameters per request.
    params = results.get("params_cost", {}).get("cases", {}).get("siteinfo")
    raw_get = _row(small, LABELS.RAW)
    name = "typed param validation + encoding (siteinfo query)"
    if params and raw_get:
        share = params["total_us"] / raw_get["per_op_us"]
        measured = f"{params['total_us']:.0f} us of a {_fmt_us(raw_get['per_op_us'])} GET"
        targets.append(
            Target(name, measured, share, None, "< 5% of a small GET", 0.05, share < 0.05)
        )
    else:
        targets.append(Target(name, "not run", None, None, "< 5% of a small GET", 0.05, None))
    return targets


# -- Markdown -------------------------------------------------------------------------------
def _ratio_text(value: float | None, percent: bool = False) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:.1%}" if percent else f"{value:.2f}x"


def _targets_table(targets: list[Target]) -> list[str]:
    lines = [
        "| target | measured | ratio (wall) | ratio (CPU) | goal | verdict (wall) | CPU |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in targets:
        percent = t.limit == 0.05
        note = f" ({t.note})" if t.note else ""
        lines.append(
            f"| {t.name} | {t.measured}{note} | {_ratio_text(t.ratio, percent)} | "
            f"{_ratio_text(t.cpu_ratio)} | {t.target} | {t.verdict} | {t.cpu_verdict} |"
        )
    return lines


def _scenario_table(scenario: dict[str, Any]) -> list[str]:
    unit = scenario["unit"]
    plural = {"fetch": "fetches"}.get(unit, unit + "s")
    lines = [
        f"**{scenario['name']}** ({scenario['ops']:,} {plural} a repetition, "
        f"{len(scenario['rows'][0]['times_s'])} repetition(s), {scenario['chunks']} "
        "interleaved slice(s) each)",
        "",
        f"| client | median wall | per {unit} | x raw httpx (wall) | min-max | CPU per {unit} "
        "| x raw httpx (CPU) | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in scenario["rows"]:
        cpu_per = row["cpu_median_s"] / scenario["ops"] * 1e6
        lines.append(
            f"| {row['label']} | {row['median_s'] * 1000:.0f} ms | {_fmt_us(row['per_op_us'])} | "
            f"{row['ratio']:.2f}x | {row['ratio_min']:.2f}-{row['ratio_max']:.2f} | "
            f"{_fmt_us(cpu_per)} | {_ratio_text(row['cpu_ratio'])} | {row['note']} |"
        )
    for skipped in scenario["skipped"]:
        lines.append(f"| {skipped['label']} | skipped | | | | | | {skipped['reason']} |")
    for problem in scenario["problems"]:
        lines.append(f"\nWARNING: {problem}")
    return lines


def _params_table(params: dict[str, Any], raw_get_us: float | None) -> list[str]:
    lines = [
        f"Encoder measured: `{params['encoder']}`.",
        "",
        "| request | construct | wire_request() | encode | total | share of a raw small GET "
        "| raw httpx's own params= encoding |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, case in params["cases"].items():
        share = _ratio_text(case["total_us"] / raw_get_us, True) if raw_get_us else "-"
        lines.append(
            f"| {name} | {case['construct_us']:.1f} us | {case['wire_us']:.1f} us | "
            f"{case['encode_us']:.1f} us | {case['total_us']:.1f} us | {share} | "
            f"{case['httpx_params_us']:.1f} us |"
        )
    return lines


def _components(components: dict[str, Any]) -> list[str]:
    transport = components["transport"]
    lines = ["| piece | cost |", "|---|---|"]
    labels = {
        "httpx_build_request_us": "httpx `client.build_request(GET, url)`",
        "httpx_params_dict_encoding_us": "httpx encoding `params=` (siteinfo dict) on top",
        "httpx_full_url_parse_us": "httpx parsing a pre-encoded `url?query` on top",
        "httpx_per_request_headers_merge_us": "httpx merging per-request `headers=`",
        "httpx_cookie_extraction_us": "httpx cookie extraction per answer (no cookies set)",
        "failed_import_us": "one failed import (httpcore's `import sniffio` without sniffio)",
        "async_library_checks_per_request": "httpcore async-library checks per async request",
        "tenacity_sync_per_call_us": "tenacity `Retrying(...)(f)` per call (sync)",
        "tenacity_async_per_call_us": "tenacity `AsyncRetrying(...)(f)` per call",
    }
    for key, label in labels.items():
        value = transport.get(key)
        if isinstance(value, float):
            text = f"{value:.2f}" if key.endswith("_per_request") else f"{value:.1f} us"
        else:
            text = str(value)
        lines.append(f"| {label} | {text} |")
    lines.append(f"| sniffio installed | {transport.get('sniffio_installed')} |")
    ab = components.get("typed_ab")
    if isinstance(ab, dict):
        lines.append(
            "| small GET in a live loop, CPU (median of 15 rounds of 100): dict / typed, new "
            f"QueryParams each time / typed, one QueryParams reused | "
            f"{ab['dict_get_cpu_us']:.0f} / {ab['typed_new_params_cpu_us']:.0f} / "
            f"{ab['typed_reused_params_cpu_us']:.0f} us |"
        )
    elif ab is not None:
        lines.append(f"| typed vs dict small GET | {ab} |")
    lines += [
        "",
        "| answer | bytes | json.loads | json.loads + validate_python | validate_json | other |",
        "|---|---|---|---|---|---|",
    ]
    for name, entry in components["decoding"].items():
        if name == "error":
            other = entry.get("mwtyped_error_from_document_us")
            other_text = (
                f"mwtyped error_from_document: {other:.1f} us"
                if isinstance(other, float)
                else str(other)
            )
            lines.append(
                f"| error (badvalue) | {entry['bytes']:,} | {_fmt_us(entry['json_loads_us'])} | "
                f"- | - | {other_text} |"
            )
            continue
        other_text = ""
        if "items_validate_python_dict_us" in entry:
            other_text = (
                f"500 items as list[dict]: {_fmt_us(entry['items_validate_python_dict_us'])}"
            )
            if "items_validate_python_typed_us" in entry:
                other_text += (
                    f"; as list[{entry.get('item_type')}]: "
                    f"{_fmt_us(entry['items_validate_python_typed_us'])}"
                )
        lines.append(
            f"| {name} | {entry['bytes']:,} | {_fmt_us(entry['json_loads_us'])} | "
            f"{_fmt_us(entry['loads_then_validate_python_us'])} | "
            f"{_fmt_us(entry['validate_json_us'])} | {other_text} |"
        )
    return lines


def _memory(memory: dict[str, Any]) -> list[str]:
    lines = [
        "| client | RSS peak above start, 10k | 100k | growth | tracemalloc peak, 10k | "
        "100k | growth |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, entry in memory["clients"].items():
        cells = [name]
        for method in ("rss", "tracemalloc"):
            figures = entry.get(method, {})
            if "growth_bytes" not in figures:
                cells += [str(figures.get("error", "-")), "-", "-"]
                continue
            cells += [
                f"{figures['small_peak_bytes'] / MiB:.2f} MiB",
                f"{figures['large_peak_bytes'] / MiB:.2f} MiB",
                f"{figures['growth_bytes'] / MiB:+.2f} MiB",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    for name, why in memory.get("skipped", {}).items():
        lines.append(f"| {name} | skipped: {why} | | | | | |")
    return lines


def _imports(imports: dict[str, Any]) -> list[str]:
    lines = [
        f"{imports['runs']} fresh interpreters per variant, round-robin; median (min-max).",
        "",
        "| statement | median | min-max | x `import httpx, pydantic` |",
        "|---|---|---|---|",
    ]
    for label, entry in imports["variants"].items():
        lines.append(
            f"| `{label}` | {entry['median_ms']:.0f} ms | {entry['min_ms']:.0f}-"
            f"{entry['max_ms']:.0f} ms | {entry['ratio']:.2f}x |"
        )
    for label, why in imports.get("skipped", {}).items():
        lines.append(f"| `{label}` | skipped: {why} | | |")
    breakdown = imports.get("breakdown")
    if breakdown:
        packages = ", ".join(f"{k} {v:.1f} ms" for k, v in breakdown["by_package_ms"].items())
        heavy = ", ".join(f"{k} {v:.1f} ms" for k, v in breakdown["heaviest_ms"][:10])
        lines += [
            "",
            f"`python -X importtime`: `import mwtyped` imports {breakdown['extra_modules']} "
            f"modules that `import httpx, pydantic` does not, {breakdown['extra_self_ms']:.1f} ms "
            f"of own time (importtime's clock, inflated by its own bookkeeping): {packages}.",
            f"Heaviest: {heavy}.",
        ]
    return lines


def _profiles(profiles: dict[str, Any]) -> list[str]:
    pairs = [
        ("typed_small_get", "raw_small_get"),
        ("dict_small_get", "raw_small_get"),
        ("async_small_get", "raw_async_small_get"),
        ("items_paging", "raw_items_paging"),
        ("typed_big", "raw_big"),
        ("errors", "raw_errors"),
    ]
    lines = [
        "Own time per operation under cProfile (which inflates many-small-call code), by "
        "package; mwtyped's form, then its raw httpx twin.",
        "",
        "| profile | total/op | top packages (own time per op) |",
        "|---|---|---|",
    ]
    for mine, raw in pairs:
        for name in (mine, raw):
            entry = profiles.get(name)
            if entry is None:
                continue
            tops = ", ".join(
                f"{group} {_fmt_us(v['per_op_us'])}"
                for group, v in list(entry["by_package"].items())[:7]
            )
            lines.append(f"| {name} | {_fmt_us(entry['per_op_us'])} | {tops} |")
    return lines


def render_markdown(results: dict[str, Any], targets: list[Target]) -> str:
    meta = results["meta"]
    packages = ", ".join(f"{k} {v}" for k, v in meta["packages"].items() if v)
    out = [
        "# mwtyped benchmark results",
        "",
        f"- date: {meta['date']}; mode: {results['mode']}; wall time of the run: "
        f"{results.get('elapsed_s', 0):.0f} s",
        f"- machine: {meta['cpu_model']}, {meta['cores']} cores, {meta['platform']}; "
        f"load average at start {meta['load_average_start'][0]:.2f}, at end "
        f"{results.get('load_average_end', [0.0])[0]:.2f} (the machine is shared)",
        f"- Python {meta['python']} ({meta['implementation']}); {packages}",
        f"- mwtyped at commit {meta['mwtyped_commit']} "
        f"({meta['mwtyped_uncommitted_files']} uncommitted files under mwtyped/)",
        "",
        "## Targets",
        "",
        "Ratios are medians of per-repetition ratios to the raw `httpx.Client` loop of the same "
        "repetition (wall clock); the CPU column is the same on the client process's CPU time.",
        "",
        *_targets_table(targets),
    ]
    capacity = results.get("server_capacity")
    if capacity:
        out += [
            "",
            "## The fake server's own capacity (raw socket client)",
            "",
            f"- one connection, one request at a time: {capacity['sequential_per_s']:,.0f} "
            f"siteinfo req/s, {capacity['allpages_sequential_per_s']:,.0f} allpages batches/s, "
            f"{capacity['big_sequential_per_s']:,.0f} big answers/s "
            f"({capacity['big_mb_per_s']:,.0f} MB/s)",
            f"- pipelined (64 requests in flight): {capacity['pipelined_per_s']:,.0f} req/s, "
            f"i.e. {1e6 / capacity['pipelined_per_s']:.1f} us of server time per request",
        ]
    out += ["", "## Scenarios (fake server)", ""]
    for scenario in results.get("scenarios", []):
        out += [*_scenario_table(scenario), ""]
    if "transports" in results:
        out += [
            "## Async transports (what an AsyncSession could send with)",
            "",
            *_scenario_table(results["transports"]),
            "",
        ]
    if "params_cost" in results:
        small = _scenario(results, "small_get")
        raw = _row(small, LABELS.RAW)
        out += [
            "## Typed parameters: validation + encoding per request",
            "",
            *_params_table(results["params_cost"], raw["per_op_us"] if raw else None),
            "",
        ]
    if "components" in results:
        out += [
            "## Component costs (fastest of 7-11 repeats)",
            "",
            *_components(results["components"]),
            "",
        ]
    if "memory" in results:
        out += ["## Peak memory while paging", "", *_memory(results["memory"]), ""]
    if "imports" in results:
        out += ["## Import time", "", *_imports(results["imports"]), ""]
    if "profiles" in results:
        out += ["## Profiles", "", *_profiles(results["profiles"]), ""]
    e2e = results.get("e2e")
    if e2e:
        out += ["## End to end: the real test wiki (server-bound)", ""]
        if "skipped" in e2e:
            out.append(f"Skipped: {e2e['skipped']}")
        for scenario in e2e.get("scenarios", []):
            out += [*_scenario_table(scenario), ""]
    return "\n".join(out) + "\n"


def targets_as_dicts(targets: list[Target]) -> list[dict[str, Any]]:
    return [{**asdict(t), "verdict": t.verdict, "cpu_verdict": t.cpu_verdict} for t in targets]
