from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.fakes import Driver, FakeClocks, FakeWiki, make_driver


@pytest.fixture
def wiki() -> FakeWiki:
    return FakeWiki()


@pytest.fixture
def clock() -> FakeClocks:
    return FakeClocks()


@pytest.fixture(params=["sync", "async"])
def driver(request: pytest.FixtureRequest, wiki: FakeWiki, clock: FakeClocks) -> Iterator[Driver]:
    """The same test, once per session kind, on the fake wiki and the fake clock."""
    made = make_driver(request.param, wiki, clock)
    yield made
    made.close()
