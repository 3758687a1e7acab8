from __future__ import annotations

from tests.unit.fakes import Driver, FakeWiki, api_json


def test_get_sends_defaults_and_returns_document(driver: Driver, wiki: FakeWiki) -> None:
    wiki.queue(api_json({"batchcomplete": True, "query": {"general": {"sitename": "W"}}}))
    doc = driver.get(action="query", meta="siteinfo")
    assert doc["query"]["general"]["sitename"] == "W"
    sent = wiki.last
    assert sent.method == "GET"
    assert sent.query[0] == ("action", "query")
    assert sent.params["format"] == "json"
    assert sent.params["formatversion"] == "2"
    assert sent.params["errorformat"] == "plaintext"
