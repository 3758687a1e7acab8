"""Continuation over ~300 real pages (``Cont NNN``, three categories each), both sessions.

Small limits force many answers: ``aplimit=7`` gives ~43 of them; ``gaplimit=20`` with
``cllimit=7`` needs several answers per generator batch (prop continuation), which
``merge_pages``/``amerge_pages`` fold back into whole pages.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any, Literal

import pytest

from tests.integration.conftest import CONT_CATEGORIES, CONT_PREFIX, JSONObject, LiveWiki

pytestmark = pytest.mark.integration

ALLPAGES: dict[str, Any] = {
    "action": "query",
    "list": "allpages",
    "apprefix": CONT_PREFIX.strip(),
    "aplimit": 7,
}
GENERATOR: dict[str, Any] = {
    "action": "query",
    "generator": "allpages",
    "gapprefix": CONT_PREFIX.strip(),
    "gaplimit": 20,
    "prop": "categories",
    "cllimit": 7,
}


def titles_of(documents: list[JSONObject]) -> list[str]:
    return [p["title"] for d in documents for p in d.get("query", {}).get("allpages", [])]


def every_title(live: LiveWiki) -> list[str]:
    """The same listing in one answer (``aplimit=max``), to compare with."""
    answer = live.session("anon").get(**{**ALLPAGES, "aplimit": "max"})
    assert "continue" not in answer
    return [page["title"] for page in answer["query"]["allpages"]]


@pytest.mark.parametrize("via", ["get", "request", "continuation"])
def test_list_continuation_yields_every_page_once(
    live: LiveWiki, cont_pages: list[str], via: Literal["get", "request", "continuation"]
) -> None:
    expected = every_title(live)
    session = live.session("anon")
    log = session.record_requests()

    documents = list(session.stream(ALLPAGES, via=via))

    titles = titles_of(documents)
    assert titles == expected
    assert set(cont_pages) <= set(titles)
    assert max(Counter(titles).values()) == 1
    assert len(documents) == len(log) == -(-len(expected) // 7)
    assert all(len(d["query"]["allpages"]) == 7 for d in documents[:-1])
    assert all("continue" in d for d in documents[:-1])
    assert "continue" not in documents[-1]
    # Every later request sent the previous answer's continue object back verbatim.
    for previous, request in zip(documents[:-1], log.requests[1:], strict=True):
        for key, value in previous["continue"].items():
            assert request.params[key] == value


def test_legacy_rawcontinue_yields_every_page_once(live: LiveWiki, cont_pages: list[str]) -> None:
    expected = every_title(live)
    session = live.session("anon")
    log = session.record_requests()

    documents = list(session.stream({**ALLPAGES, "rawcontinue": 1}))

    assert titles_of(documents) == expected
    assert set(cont_pages) <= set(expected)
    assert all("continue" not in d for d in documents)
    assert all("query-continue" in d for d in documents[:-1])
    assert "query-continue" not in documents[-1]
    for previous, request in zip(documents[:-1], log.requests[1:], strict=True):
        assert request.params["apcontinue"] == previous["query-continue"]["allpages"]["apcontinue"]
        assert request.params["rawcontinue"] == "1"


def test_generator_with_prop_continuation_merges_whole_pages(
    live: LiveWiki, cont_pages: list[str]
) -> None:
    expected = every_title(live)
    session = live.session("anon")
    log = session.record_requests()

    pages = list(session.merged_pages(GENERATOR))

    titles = [page["title"] for page in pages]
    assert sorted(titles) == sorted(expected)
    assert max(Counter(titles).values()) == 1
    wanted = [f"Category:{name}" for name in CONT_CATEGORIES]
    by_title = {page["title"]: page for page in pages}
    for title in cont_pages:
        assert sorted(c["title"] for c in by_title[title]["categories"]) == wanted, title
    # Prop continuation really happened: answers without batchcomplete, each continuing
    # the categories; exactly one complete answer per generator batch of 20 pages.
    answers = [a for a in log.answers if a is not None]
    assert len(answers) == len(log)
    partial = [a for a in answers if "batchcomplete" not in a]
    assert partial
    assert all("clcontinue" in a["continue"] for a in partial)
    assert len(answers) - len(partial) == -(-len(expected) // 20)
    assert "batchcomplete" in answers[-1]
    assert "continue" not in answers[-1]


def test_merge_pages_with_legacy_rawcontinue(live: LiveWiki, cont_pages: list[str]) -> None:
    params = {**GENERATOR, "gapprefix": f"{CONT_PREFIX}00", "gaplimit": 5, "rawcontinue": 1}

    pages = list(live.session("anon").merged_pages(params))

    assert sorted(page["title"] for page in pages) == cont_pages[:10]
    wanted = [f"Category:{name}" for name in CONT_CATEGORIES]
    for page in pages:
        assert sorted(c["title"] for c in page["categories"]) == wanted, page["title"]


def test_query_continue_resumes_from_a_middle_answer(live: LiveWiki, cont_pages: list[str]) -> None:
    session = live.session("anon")
    documents = list(session.stream(ALLPAGES))
    middle = len(documents) // 2
    position = documents[middle]["continue"]
    log = session.record_requests()

    resumed = list(session.stream(ALLPAGES, query_continue=position))
    single = session.get(position, **ALLPAGES)

    assert titles_of(resumed) == titles_of(documents[middle + 1 :])
    assert len(resumed) == len(documents) - middle - 1
    assert log.requests[0].params["apcontinue"] == position["apcontinue"]
    assert single["query"]["allpages"] == documents[middle + 1]["query"]["allpages"]


def test_continuation_is_fetched_lazily(live: LiveWiki, cont_pages: list[str]) -> None:
    session = live.session("anon")
    log = session.record_requests()

    stream = session.stream(ALLPAGES)
    assert len(log) == 0  # nothing is sent before the first answer is asked for
    first_two = list(itertools.islice(stream, 2))
    assert len(log) == 2
    stream.close()

    assert len(first_two) == 2
    assert titles_of(first_two) == every_title(live)[:14]
    assert len(log) == 2


def test_merged_pages_stream_lazily(live: LiveWiki, cont_pages: list[str]) -> None:
    session = live.session("anon")
    log = session.record_requests()

    pages = session.merged_pages(GENERATOR)
    first = next(pages)
    pages.close()

    # The first page is whole once its batch is: some answers, far from all of them.
    assert sorted(c["title"] for c in first["categories"]) == [
        f"Category:{name}" for name in CONT_CATEGORIES
    ]
    assert 1 < len(log) < 20
