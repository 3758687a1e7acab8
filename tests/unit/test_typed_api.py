"""Typed parameters on the wire, and typed results through both sessions on the fake wiki."""

from __future__ import annotations

import warnings
from typing import Any

import httpx
import pydantic
import pytest

import mwtyped
from mwtyped._typed import ApiDeprecationWarning
from mwtyped.api import (
    AllpagesParams,
    CategoriesParams,
    EditParams,
    InfoParams,
    LoginParams,
    QueryParams,
    RevisionsParams,
    SiteinfoParams,
    UploadParams,
)
from tests.unit.fakes import Driver, FakeWiki, JSONObject, api_json


def test_wire_params_use_wire_names_and_leave_out_unset_fields() -> None:
    edit = EditParams(title="A", text="x", assert_="user", maxlag=5, minor=True)
    assert edit.wire_params() == {
        "action": "edit", "maxlag": 5, "assert": "user", "title": "A", "text": "x", "minor": True,
    }  # fmt: skip


def test_query_composes_submodules_and_prefixes_generator_params() -> None:
    query = QueryParams(
        titles=["A"],
        prop=[InfoParams(inprop=["url"]), RevisionsParams(rvprop=["ids"])],
        list=[AllpagesParams(aplimit=2)],
        meta=[SiteinfoParams(siprop=["general"])],
        generator=AllpagesParams(aplimit=5, apnamespace=0),
    )
    assert query.wire_params() == {
        "action": "query", "titles": ["A"], "prop": "info|revisions", "inprop": ["url"],
        "rvprop": ["ids"], "list": "allpages", "aplimit": 2, "meta": "siteinfo",
        "siprop": ["general"], "generator": "allpages", "gaplimit": 5, "gapnamespace": 0,
    }  # fmt: skip


def test_a_parameter_set_twice_with_different_values_is_refused() -> None:
    query = QueryParams(list=[AllpagesParams(aplimit=2)], prop=[InfoParams()], titles=["A"])
    assert query.wire_params()["aplimit"] == 2
    clash = QueryParams(list=[AllpagesParams(aplimit=2), AllpagesParams(aplimit=3)])
    with pytest.raises(ValueError, match="aplimit"):
        clash.wire_params()


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: AllpagesParams(aplimit=0), "aplimit"),
        (lambda: AllpagesParams(aplimit=5001), "aplimit"),
        # What mypy rejects (tests/typing) must also fail at run time, for untyped callers:
        (lambda: AllpagesParams(aplimit="lots"), "aplimit"),  # type: ignore[arg-type]
        (lambda: AllpagesParams(apfilterredir="some"), "apfilterredir"),  # type: ignore[arg-type]
        (lambda: EditParams(title="A", bogus=1), "bogus"),  # type: ignore[call-arg]
        (lambda: RevisionsParams(rvprop=["ids"] * 501), "rvprop"),
        (lambda: RevisionsParams(rvstart="2026-01-01T00:00:00"), None),
        (lambda: QueryParams(prop=[AllpagesParams()]), "prop"),  # type: ignore[list-item]
    ],
)
def test_bad_values_fail_on_construction_naming_the_module_and_parameter(
    build: Any, field: str | None
) -> None:
    if field is None:  # a string timestamp is passed through as MediaWiki's own format
        build()
        return
    with pytest.raises(pydantic.ValidationError) as caught:
        build()
    assert caught.value.title in {"AllpagesParams", "EditParams", "RevisionsParams", "QueryParams"}
    assert field in str(caught.value)


def test_naive_datetimes_are_refused() -> None:
    import datetime as dt

    with pytest.raises(pydantic.ValidationError, match="timezone"):
        RevisionsParams(rvstart=dt.datetime(2026, 1, 1))


def test_sensitive_values_are_masked_in_repr() -> None:
    login = LoginParams(lgname="Admin@bot", lgpassword="hunter2", lgtoken="t+\\")
    assert "hunter2" not in repr(login)
    assert "t+\\" not in repr(login)
    assert "lgpassword='***'" in repr(login)


def test_deprecated_parameters_and_values_warn_but_are_sent() -> None:
    with pytest.warns(ApiDeprecationWarning, match="'watch' is deprecated") as caught:
        assert EditParams(title="A", watch=True).wire_params()["watch"] is True
    assert caught[0].filename == __file__
    with pytest.warns(ApiDeprecationWarning, match="parsetree"):
        RevisionsParams(rvprop=["ids", "parsetree"])._own_wire_params()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RevisionsParams(rvprop=["ids"])._own_wire_params()


def test_wire_request_posts_must_post_modules_sends_uploads_as_files_and_names_the_token() -> None:
    assert QueryParams(titles=["A"]).wire_request().method == "GET"
    edit = EditParams(title="A", text="x").wire_request()
    assert (edit.method, edit.token) == ("POST", ("csrf", "token"))
    upload = UploadParams(filename="F.txt", file=b"data").wire_request()
    assert upload.files == {"file": ("F.txt", b"data")}
    assert "file" not in upload.params
    login = LoginParams(lgname="a", lgpassword="b").wire_request()
    assert login.token == ("login", "lgtoken")


EDIT_ANSWER: JSONObject = {"edit": {"result": "Success", "title": "A", "newrevid": 7}}


def test_typed_request_sends_the_token_and_validates_the_answer(
    driver: Driver, wiki: FakeWiki
) -> None:
    wiki.queue(
        api_json({"query": {"tokens": {"csrftoken": "c+\\"}}}),
        api_json(EDIT_ANSWER),
    )
    answer = driver.request(EditParams(title="A", text="x"))  # type: ignore[arg-type]
    assert answer == EDIT_ANSWER
    assert wiki.last.method == "POST"
    assert wiki.last.params["token"] == "c+\\"


def test_a_mistyped_answer_is_a_response_validation_error_keeping_the_document(
    driver: Driver, wiki: FakeWiki
) -> None:
    broken = {"query": {"pages": [{"title": 5}]}}
    wiki.queue(api_json(broken))
    with pytest.raises(mwtyped.ResponseValidationError) as caught:
        driver.request(QueryParams(titles=["A"]))  # type: ignore[arg-type]
    assert caught.value.document == broken
    assert "query.pages.0.title" in str(caught.value)


def test_unknown_answer_fields_are_kept(driver: Driver, wiki: FakeWiki) -> None:
    future = {"batchcomplete": True, "query": {"pages": [{"title": "A", "shiny": [1]}]}}
    wiki.queue(api_json(future))
    assert driver.request(QueryParams(titles=["A"])) == future  # type: ignore[arg-type]


def page_batch(start: int, count: int, more: bool) -> httpx.Response:
    items = [{"pageid": i, "ns": 0, "title": f"P{i}"} for i in range(start, start + count)]
    doc: JSONObject = {"batchcomplete": True, "query": {"allpages": items}}
    if more:
        doc["continue"] = {"apcontinue": f"P{start + count}", "continue": "-||"}
    return api_json(doc)


def test_items_yield_every_item_and_stop_requesting_at_the_limit(
    driver: Driver, wiki: FakeWiki
) -> None:
    wiki.queue(page_batch(0, 3, True), page_batch(3, 3, True), page_batch(6, 3, False))
    titles = [i["title"] for i in driver.iterate("items", AllpagesParams(aplimit=3), limit=5)]
    assert titles == ["P0", "P1", "P2", "P3", "P4"]
    assert len(wiki.requests) == 2
    assert wiki.requests[1].params["apcontinue"] == "P3"
    assert wiki.requests[0].params["list"] == "allpages"


def test_pages_merge_props_across_a_batch(driver: Driver, wiki: FakeWiki) -> None:
    first: JSONObject = {
        "continue": {"clcontinue": "1|B", "continue": "||"},
        "query": {"pages": [{"pageid": 1, "ns": 0, "title": "A",
                             "categories": [{"ns": 14, "title": "Category:A"}]}]},
    }  # fmt: skip
    second: JSONObject = {
        "batchcomplete": True,
        "query": {"pages": [{"pageid": 1, "ns": 0, "title": "A",
                             "categories": [{"ns": 14, "title": "Category:B"}]}]},
    }  # fmt: skip
    wiki.queue(api_json(first), api_json(second))
    query = QueryParams(generator=AllpagesParams(aplimit=1), prop=[CategoriesParams(cllimit=1)])
    pages = list(driver.iterate("pages", query))
    assert [c["title"] for c in pages[0]["categories"]] == ["Category:A", "Category:B"]
    assert len(pages) == 1


def test_items_limit_must_be_sane(driver: Driver, wiki: FakeWiki) -> None:
    with pytest.raises(ValueError, match="limit"):
        list(driver.iterate("items", AllpagesParams(), limit=-1))
    assert wiki.requests == []


def test_the_wire_request_is_computed_once_and_leaves_equality_and_memory_alone() -> None:
    import gc

    from mwtyped._typed import _WIRE_CACHE

    first = QueryParams(titles=["A", "B"])
    same = QueryParams(titles=["A", "B"])
    wire = first.wire_request()
    assert first.wire_request() is wire
    assert first == same  # a cached wire request is not part of the value
    assert same.wire_request() is not wire
    assert same.wire_request().params == wire.params
    keys = {id(first), id(same)}
    assert keys <= _WIRE_CACHE.keys()
    del first, same, wire
    gc.collect()
    assert not keys & _WIRE_CACHE.keys()  # the entries went with their objects
