"""Continued queries through both sessions, and the continuation state machine itself.

The answers copy the shapes a real MediaWiki 1.39 sent (test-wiki.md section 6d).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest

import mwtyped
from mwtyped._continuation import ContinuationState
from tests.unit.fakes import (
    AsyncDriver,
    Driver,
    FakeClocks,
    FakeWiki,
    JSONObject,
    SyncDriver,
    api_json,
    make_driver,
    pages,
)

DEFAULTS = {"format": "json", "formatversion": "2", "errorformat": "plaintext"}
ALLPAGES: dict[str, Any] = {"action": "query", "list": "allpages", "aplimit": "7"}
GENERATOR: dict[str, Any] = {
    "action": "query",
    "generator": "allpages",
    "gaplimit": "5",
    "prop": "categories|info",
    "cllimit": "2",
}
BASIC_AUTH = "Basic " + base64.b64encode(b"user:pass").decode()


def allpages_step(first: int, next_from: str | None) -> JSONObject:
    doc: JSONObject = {"batchcomplete": True, "query": {"allpages": pages([f"P{first}"])}}
    if next_from is not None:
        doc["continue"] = {"apcontinue": next_from, "continue": "-||"}
    return doc


ALLPAGES_ANSWERS = [
    allpages_step(0, "ApiPage_007"),
    allpages_step(7, "ApiPage_014"),
    allpages_step(14, None),
]

# generator=allpages + prop=categories: props continue (no batchcomplete) until the batch
# ends, then the generator moves; the next batch continues both.
GENERATOR_ANSWERS: list[JSONObject] = [
    {"continue": {"clcontinue": "5|Test_pages", "continue": "||info"}, "query": {"pages": []}},
    {"continue": {"clcontinue": "7|Test_pages", "continue": "||info"}, "query": {"pages": []}},
    {
        "batchcomplete": True,
        "continue": {"gapcontinue": "ApiPage_005", "continue": "gapcontinue||"},
        "query": {"pages": []},
    },
    {
        "continue": {"clcontinue": "8|Test_pages", "gapcontinue": "ApiPage_005", "continue": "||"},
        "query": {"pages": []},
    },
    {"batchcomplete": True, "query": {"pages": []}},
]
# What each request of GENERATOR_ANSWERS sends beyond GENERATOR and DEFAULTS.
GENERATOR_SENT: list[dict[str, str]] = [
    {},
    {"clcontinue": "5|Test_pages", "continue": "||info"},
    {"clcontinue": "7|Test_pages", "continue": "||info"},
    {"gapcontinue": "ApiPage_005", "continue": "gapcontinue||"},
    {"clcontinue": "8|Test_pages", "gapcontinue": "ApiPage_005", "continue": "||"},
]


def session(driver: Driver) -> Any:
    assert isinstance(driver, SyncDriver | AsyncDriver)
    return driver.session


def drain(driver: Driver, stream: Any) -> list[JSONObject]:
    """Every document of a generator (sync) or async iterable (async)."""
    if isinstance(driver, AsyncDriver):
        collected: list[JSONObject] = driver._run(driver._collect(stream))
        return collected
    return list(stream)


def next_doc(driver: Driver, stream: Any) -> JSONObject:
    if isinstance(driver, AsyncDriver):
        document: JSONObject = driver._run(stream.__anext__())
        return document
    return dict(next(stream))


def sent_params(wiki: FakeWiki) -> list[dict[str, str]]:
    return [request.params for request in wiki.requests]


Starter = Callable[[Driver, dict[str, Any]], Any]
STARTERS: dict[str, Starter] = {
    "get": lambda d, p: session(d).get(continuation=True, **p),
    "request": lambda d, p: session(d).request("GET", p, continuation=True),
    "continuation": lambda d, p: session(d).continuation("GET", p),
    "request lower-case": lambda d, p: session(d).request("get", p, continuation=True),
}


@pytest.mark.parametrize("start", list(STARTERS), ids=str)
def test_modern_continue_is_merged_over_original_params(
    start: str, driver: Driver, wiki: FakeWiki
) -> None:
    wiki.queue(*(api_json(doc) for doc in ALLPAGES_ANSWERS))
    docs = drain(driver, STARTERS[start](driver, dict(ALLPAGES)))
    assert docs == ALLPAGES_ANSWERS
    assert sent_params(wiki) == [
        {**ALLPAGES, **DEFAULTS},
        {**ALLPAGES, **DEFAULTS, "apcontinue": "ApiPage_007", "continue": "-||"},
        {**ALLPAGES, **DEFAULTS, "apcontinue": "ApiPage_014", "continue": "-||"},
    ]
    assert {request.method for request in wiki.requests} == {"GET"}
    assert all(request.body == b"" for request in wiki.requests)


def test_prop_continuation_then_generator_drops_stale_continue_keys(
    driver: Driver, wiki: FakeWiki
) -> None:
    wiki.queue(*(api_json(doc) for doc in GENERATOR_ANSWERS))
    docs = driver.continued("GET", **GENERATOR)
    assert docs == GENERATOR_ANSWERS
    assert ["batchcomplete" in doc for doc in docs] == [False, False, True, False, True]
    assert sent_params(wiki) == [{**GENERATOR, **DEFAULTS, **extra} for extra in GENERATOR_SENT]


def test_post_continuation_posts_every_step_with_params_in_body(
    driver: Driver, wiki: FakeWiki
) -> None:
    wiki.queue(*(api_json(doc) for doc in ALLPAGES_ANSWERS))
    assert driver.continued("POST", **ALLPAGES) == ALLPAGES_ANSWERS
    assert [request.method for request in wiki.requests] == ["POST"] * 3
    for request in wiki.requests:
        assert request.query == []
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert dict(wiki.requests[2].form)["apcontinue"] == "ApiPage_014"


def test_continuation_method_with_post_keeps_post(driver: Driver, wiki: FakeWiki) -> None:
    wiki.queue(*(api_json(doc) for doc in ALLPAGES_ANSWERS))
    assert driver.continuation("POST", ALLPAGES) == ALLPAGES_ANSWERS
    assert [request.method for request in wiki.requests] == ["POST"] * 3


def test_empty_batches_are_yielded_and_followed(driver: Driver, wiki: FakeWiki) -> None:
    answers: list[JSONObject] = [
        {"continue": {"rccontinue": "20261124|5", "continue": "-||"}},
        {"continue": {"rccontinue": "20261124|9", "continue": "-||"}},
        {"batchcomplete": True, "query": {"recentchanges": [{"rcid": 10}]}},
    ]
    wiki.queue(*(api_json(doc) for doc in answers))
    assert driver.continued("GET", action="query", list="recentchanges") == answers
    assert [r.params.get("rccontinue") for r in wiki.requests] == [None, "20261124|5", "20261124|9"]


def test_query_continue_is_the_starting_point(driver: Driver, wiki: FakeWiki) -> None:
    wiki.queue(*(api_json(doc) for doc in ALLPAGES_ANSWERS[1:]))
    start = {"apcontinue": "ApiPage_007", "continue": "-||"}
    docs = driver.continuation("GET", ALLPAGES, query_continue=start)
    assert docs == ALLPAGES_ANSWERS[1:]
    assert sent_params(wiki) == [
        {**ALLPAGES, **DEFAULTS, **start},
        {**ALLPAGES, **DEFAULTS, "apcontinue": "ApiPage_014", "continue": "-||"},
    ]


def test_get_with_query_continue_keyword(driver: Driver, wiki: FakeWiki) -> None:
    wiki.queue(api_json(ALLPAGES_ANSWERS[2]))
    stream = session(driver).get(
        query_continue={"apcontinue": "ApiPage_014"}, continuation=True, **ALLPAGES
    )
    assert drain(driver, stream) == [ALLPAGES_ANSWERS[2]]
    assert wiki.last.params["apcontinue"] == "ApiPage_014"


def test_auth_is_sent_on_every_step(driver: Driver, wiki: FakeWiki) -> None:
    wiki.queue(*(api_json(doc) for doc in ALLPAGES_ANSWERS))
    stream = session(driver).post(auth=("user", "pass"), continuation=True, **ALLPAGES)
    assert len(drain(driver, stream)) == 3
    assert [r.headers.get("authorization") for r in wiki.requests] == [BASIC_AUTH] * 3


def test_stops_when_an_answer_has_no_continue(driver: Driver, wiki: FakeWiki) -> None:
    wiki.queue(api_json({"batchcomplete": True, "query": {"allpages": []}}))
    assert len(driver.continued("GET", **ALLPAGES)) == 1
    assert len(wiki.requests) == 1  # the queue is empty: another request would fail


def test_legacy_query_continue_holds_generator_until_props_are_done(
    driver: Driver, wiki: FakeWiki
) -> None:
    legacy = {**GENERATOR, "rawcontinue": "1"}
    answers: list[JSONObject] = [
        {
            "query-continue": {
                "categories": {"clcontinue": "5|A"},
                "allpages": {"gapcontinue": "ApiPage_005"},
            }
        },
        {
            "query-continue": {
                "categories": {"clcontinue": "7|B"},
                "allpages": {"gapcontinue": "ApiPage_005"},
            }
        },
        {"query-continue": {"allpages": {"gapcontinue": "ApiPage_005"}}},
        {
            "query-continue": {
                "categories": {"clcontinue": "8|C"},
                "allpages": {"gapcontinue": "ApiPage_010"},
            }
        },
        {"query": {"pages": []}},
    ]
    wiki.queue(*(api_json(doc) for doc in answers))
    assert driver.continued("GET", **legacy) == answers
    extras: list[dict[str, str]] = [
        {},
        {"clcontinue": "5|A"},  # generator held at its start
        {"clcontinue": "7|B"},
        {"gapcontinue": "ApiPage_005"},  # props done: generator moves, props reset
        {"gapcontinue": "ApiPage_005", "clcontinue": "8|C"},  # held at ApiPage_005
    ]
    assert sent_params(wiki) == [{**legacy, **DEFAULTS, **extra} for extra in extras]


def test_error_midway_is_raised_after_earlier_documents(driver: Driver, wiki: FakeWiki) -> None:
    error = {
        "errors": [{"code": "badcontinue", "text": "Invalid continue param.", "module": "main"}]
    }
    wiki.queue(api_json(ALLPAGES_ANSWERS[0]), api_json(error))
    stream = session(driver).get(continuation=True, **ALLPAGES)
    assert next_doc(driver, stream) == ALLPAGES_ANSWERS[0]
    with pytest.raises(mwtyped.APIError) as info:
        next_doc(driver, stream)
    assert info.value.code == "badcontinue"
    assert len(wiki.requests) == 2


def test_nothing_is_sent_until_the_first_document_is_requested(
    driver: Driver, wiki: FakeWiki
) -> None:
    wiki.queue(*(api_json(doc) for doc in ALLPAGES_ANSWERS))
    stream = session(driver).get(continuation=True, **ALLPAGES)
    assert wiki.requests == []
    assert next_doc(driver, stream) == ALLPAGES_ANSWERS[0]
    assert len(wiki.requests) == 1
    assert next_doc(driver, stream) == ALLPAGES_ANSWERS[1]
    assert len(wiki.requests) == 2


BAD = {"action": "query", "titles": [object()]}


@pytest.mark.parametrize("start", list(STARTERS), ids=str)
def test_bad_param_value_raises_at_the_call(start: str, driver: Driver, wiki: FakeWiki) -> None:
    with pytest.raises(mwtyped.ParamEncodeError) as info:
        STARTERS[start](driver, BAD)
    assert info.value.param == "titles"
    assert wiki.requests == []


def test_bad_param_value_raises_at_post_call(driver: Driver, wiki: FakeWiki) -> None:
    with pytest.raises(mwtyped.ParamEncodeError):
        session(driver).post(continuation=True, **BAD)
    assert wiki.requests == []


def test_sync_generator_closed_midway_sends_nothing_more(wiki: FakeWiki, clock: FakeClocks) -> None:
    driver = make_driver("sync", wiki, clock)
    wiki.queue(*(api_json(doc) for doc in ALLPAGES_ANSWERS))
    stream = session(driver).get(continuation=True, **ALLPAGES)
    assert isinstance(stream, Generator)
    assert next(stream) == ALLPAGES_ANSWERS[0]
    stream.close()
    assert list(stream) == []
    assert len(wiki.requests) == 1
    driver.close()


# -- async only -------------------------------------------------------------------------------


@pytest.fixture
def async_driver(wiki: FakeWiki, clock: FakeClocks) -> Iterator[AsyncDriver]:
    made = make_driver("async", wiki, clock)
    assert isinstance(made, AsyncDriver)
    yield made
    made.close()


def test_async_awaited_continuation_is_the_stream(
    async_driver: AsyncDriver, wiki: FakeWiki
) -> None:
    wiki.queue(*(api_json(doc) for doc in ALLPAGES_ANSWERS))

    async def run() -> list[JSONObject]:
        stream = await async_driver.session.get(continuation=True, **ALLPAGES)
        assert isinstance(stream, mwtyped.AsyncContinuation)
        return [doc async for doc in stream]

    assert async_driver._run(run()) == ALLPAGES_ANSWERS
    assert len(wiki.requests) == 3


def test_async_aclose_midway_stops_and_session_stays_usable(
    async_driver: AsyncDriver, wiki: FakeWiki
) -> None:
    wiki.queue(*(api_json(doc) for doc in ALLPAGES_ANSWERS))
    wiki.queue(api_json({"batchcomplete": True}))

    async def run() -> JSONObject:
        stream = async_driver.session.get(continuation=True, **ALLPAGES)
        assert await stream.__anext__() == ALLPAGES_ANSWERS[0]
        await stream.aclose()
        with pytest.raises(StopAsyncIteration):
            await stream.__anext__()
        assert len(wiki.requests) == 1
        wiki.answers.clear()
        wiki.queue(api_json({"batchcomplete": True}))
        return await async_driver.session.get(action="query", meta="siteinfo")

    assert async_driver._run(run()) == {"batchcomplete": True}
    assert len(wiki.requests) == 2
    assert wiki.last.params["meta"] == "siteinfo"


def test_async_continuation_is_an_async_iterator_not_a_coroutine(
    async_driver: AsyncDriver, wiki: FakeWiki
) -> None:
    stream = async_driver.session.continuation("GET", ALLPAGES)
    assert not asyncio.iscoroutine(stream)
    assert stream.__aiter__() is stream
    async_driver._run(stream.aclose())
    assert wiki.requests == []


# -- ContinuationState ------------------------------------------------------------------------


def test_state_first_params_are_the_original() -> None:
    original = {"action": "query", "list": "allpages"}
    state = ContinuationState(original, None)
    assert state.params == original
    assert state.params is not original
    assert state.requests == 0
    assert state.legacy is False


def test_state_query_continue_is_merged_into_first_params() -> None:
    state = ContinuationState({"action": "query", "apcontinue": "A"}, {"apcontinue": "B"})
    assert state.params == {"action": "query", "apcontinue": "B"}


def test_state_advance_replaces_previous_continue_keys() -> None:
    original = dict(GENERATOR)
    state = ContinuationState(original, None)
    for answer, extra in zip(GENERATOR_ANSWERS, GENERATOR_SENT[1:], strict=False):
        assert state.advance(answer) == {**GENERATOR, **extra}
    assert state.advance(GENERATOR_ANSWERS[-1]) is None
    assert state.params is None
    assert state.requests == 5
    assert original == GENERATOR  # never mutated


def test_state_key_once_continued_is_not_sent_again_from_original() -> None:
    state = ContinuationState({"action": "query", "apcontinue": "Start"}, None)
    assert state.advance({"continue": {"apcontinue": "M", "continue": "-||"}}) == {
        "action": "query",
        "apcontinue": "M",
        "continue": "-||",
    }
    assert state.advance({"continue": {"continue": "||"}}) == {"action": "query", "continue": "||"}


def test_state_modern_ignores_query_continue_without_rawcontinue() -> None:
    state = ContinuationState({"action": "query"}, None)
    assert state.advance({"query-continue": {"allpages": {"apcontinue": "X"}}}) is None


def test_state_non_mapping_continue_ends() -> None:
    state = ContinuationState({"action": "query"}, None)
    assert state.advance({"continue": "oops"}) is None


def test_state_legacy_list_continuation() -> None:
    state = ContinuationState({"action": "query", "list": "allpages", "rawcontinue": 1}, None)
    assert state.legacy is True
    assert state.advance({"query-continue": {"allpages": {"apcontinue": "B"}}}) == {
        "action": "query",
        "list": "allpages",
        "rawcontinue": 1,
        "apcontinue": "B",
    }
    assert state.advance({"query-continue": {}}) is None


# MediaWiki reads booleans by presence: `rawcontinue=` (empty) asks for legacy continuation.
# Found in ea913b0 (bool("") was taken for modern continuation, ending the stream after one
# document); fixed in 39a35f0 (mwtyped/_continuation.py ContinuationState.__init__).
@pytest.mark.parametrize("value", [True, 1, "1", "0", ""])
def test_state_rawcontinue_present_means_legacy(value: object) -> None:
    state = ContinuationState({"action": "query", "rawcontinue": value}, None)
    assert state.legacy is True


@pytest.mark.parametrize("value", [False, None])
def test_state_rawcontinue_absent_means_modern(value: object) -> None:
    assert ContinuationState({"action": "query", "rawcontinue": value}, None).legacy is False
