"""The fault proxy itself: a reproducible schedule, transparent forwarding, and it stops."""

from __future__ import annotations

import time
from collections import Counter

import httpx
import pytest

from mwtyped.testwiki import WikiInfo
from tests.reliability.conftest import ProxyFactory
from tests.reliability.faultproxy import ALL_FAULTS, FaultProxy

pytestmark = pytest.mark.integration


def _schedule(seed: int, rate: float, count: int) -> list[str | None]:
    proxy = FaultProxy(seed=seed, rate=rate)
    return [proxy._choose(n) for n in range(1, count + 1)]


def test_the_schedule_is_seeded_covers_every_kind_and_keeps_its_rate() -> None:
    first = _schedule(7, 0.3, 2_000)
    assert first == _schedule(7, 0.3, 2_000)
    assert first != _schedule(8, 0.3, 2_000)
    faults = [f for f in first if f is not None]
    assert set(faults) == set(ALL_FAULTS)
    assert set(faults[: len(ALL_FAULTS)]) == set(ALL_FAULTS)  # the first ones cover all
    assert 0.26 <= len(faults) / len(first) <= 0.34
    assert Counter(faults)["stall"] < Counter(faults)["reset_after"]  # stalls are rarer


def test_without_faults_the_proxy_is_transparent(
    testwiki: WikiInfo, fault_proxy: ProxyFactory
) -> None:
    proxy = fault_proxy(seed=1, rate=1.0)  # every request would be faulted once enabled
    query = "action=query&meta=siteinfo&siprop=general&format=json&formatversion=2"
    with httpx.Client(timeout=30) as client:
        direct = client.get(f"{testwiki.url}{testwiki.api_path}?{query}")
        through = client.get(f"{proxy.url}{testwiki.api_path}?{query}")
        posted = client.post(
            f"{proxy.url}{testwiki.api_path}",
            content=query.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    general = direct.json()["query"]["general"]
    for answer in (through, posted):
        assert answer.status_code == 200
        assert answer.json()["query"]["general"]["sitename"] == general["sitename"]
    records = proxy.snapshot()
    assert [(r.method, r.action, r.fault, r.upstream_status) for r in records] == [
        ("GET", "query", None, 200),
        ("POST", "query", None, 200),
    ]


def test_the_proxy_stops_by_itself_after_its_lifetime(testwiki: WikiInfo) -> None:
    proxy = FaultProxy(upstream=("127.0.0.1", testwiki.port), max_lifetime=0.5).start()
    try:
        deadline = time.monotonic() + 10
        while proxy._thread is not None and proxy._thread.is_alive():
            assert time.monotonic() < deadline, "the proxy outlived its lifetime"
            time.sleep(0.05)
        assert proxy.stopped_by_lifetime
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{proxy.url}/api.php", timeout=5)
    finally:
        proxy.stop()
