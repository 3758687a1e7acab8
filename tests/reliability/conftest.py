"""Fixtures of the reliability suite: fault proxies in front of the real test wiki.

The wiki itself comes from mwtyped's pytest plugin (the ``testwiki`` fixture).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mwtyped.testwiki import WikiInfo
from tests.reliability.faultproxy import FaultProxy

ProxyFactory = Callable[..., FaultProxy]


@pytest.fixture
def fault_proxy(testwiki: WikiInfo) -> Iterator[ProxyFactory]:
    """``fault_proxy(seed=1, rate=0.3, ...)`` starts a :class:`FaultProxy` in front of the
    test wiki; every proxy started is stopped when the test ends."""
    started: list[FaultProxy] = []

    def start(**options: Any) -> FaultProxy:
        options.setdefault("upstream", ("127.0.0.1", testwiki.port))
        proxy = FaultProxy(**options).start()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()


@pytest.fixture
def run_id() -> str:
    """A short id no earlier run used, for page and file names."""
    return uuid.uuid4().hex[:10]
