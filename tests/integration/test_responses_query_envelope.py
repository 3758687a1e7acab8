"""``QueryResponse``: the envelope of ``action=query`` against real answers, strictly.

``continue``/``batchcomplete``/``limits``, both shapes of ``warnings``, the legacy
``query-continue``, ``normalized``/``redirects``/``interwiki``/``converted``/``badrevids``/
``pageids``, the main module's echoes (``requestid``, ``curtimestamp``...), ``export``,
generator data (``index``), ``stashimageinfo``, and ``Session.pages`` over a generator.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

import mwtyped
from mwtyped.api import (
    AllpagesParams,
    CategoriesParams,
    InfoParams,
    PrefixsearchParams,
    QueryParams,
    StashimageinfoParams,
)
from mwtyped.responses import unknown_fields
from mwtyped.responses.query import Page, QueryResponse
from mwtyped.testing import WikiSessions
from mwtyped.testwiki import WikiInfo
from tests.integration.test_responses_query import png

pytestmark = pytest.mark.integration

CONT_CATEGORIES = ["Category:Cont A", "Category:Cont B", "Category:Cont C"]


@pytest.fixture(scope="module")
def redirect_pair(testwiki: WikiInfo) -> Iterator[tuple[str, str]]:
    """``(redirect, target)``: a redirect to a section of a fresh page."""
    sessions = WikiSessions(testwiki)
    bot = sessions.session("bot")
    tag = uuid.uuid4().hex[:10]
    target, redirect = f"Qx env target {tag}", f"Qx env redirect {tag}"
    bot.post(action="edit", title=target, text="== Sec ==", token=bot.token())
    bot.post(action="edit", title=redirect, text=f"#REDIRECT [[{target}#Sec]]", token=bot.token())
    try:
        yield redirect, target
    finally:
        sessions.close()


def test_continue_batchcomplete_and_limits(
    bot_session: mwtyped.Session, cont_pages: list[str]
) -> None:
    first = bot_session.get(action="query", titles=cont_pages[0], prop="categories", cllimit=1)
    maxed = bot_session.get(action="query", titles=cont_pages[0], prop="categories", cllimit="max")

    assert unknown_fields(QueryResponse, first) == []
    assert unknown_fields(QueryResponse, maxed) == []
    assert first["continue"]["continue"] == "||"
    assert first["continue"]["clcontinue"].endswith("|Cont_B")
    assert "batchcomplete" not in first
    assert maxed["batchcomplete"] is True
    assert maxed["limits"] == {"categories": 5000}

    typed = QueryParams(titles=[cont_pages[0]], prop=[CategoriesParams(cllimit=1)])
    answers = list(bot_session.request(typed, continuation=True))
    assert [len(a["query"]["pages"][0].get("categories", [])) for a in answers] == [1, 1, 1]
    assert "continue" in answers[0]
    assert answers[-1].get("batchcomplete") is True


def test_warnings_as_a_list_and_in_the_bc_shape(wiki_sessions: WikiSessions) -> None:
    shapes = {}
    for errorformat in ("plaintext", "bc"):
        session = wiki_sessions.session("anon", errorformat=errorformat)
        with pytest.warns(mwtyped.APIWarning):
            shapes[errorformat] = session.get(action="query", titles="Main Page", bogus=1)

    for document in shapes.values():
        assert unknown_fields(QueryResponse, document) == []
    assert shapes["plaintext"]["warnings"] == [
        {"code": "unrecognizedparams", "text": "Unrecognized parameter: bogus.", "module": "main"}
    ]
    assert shapes["bc"]["warnings"] == {"main": {"warnings": "Unrecognized parameter: bogus."}}


def test_legacy_query_continue(bot_session: mwtyped.Session, cont_pages: list[str]) -> None:
    document = bot_session.get(
        action="query", generator="allpages", gapprefix="Cont ", gaplimit=2,
        prop="categories", cllimit=1, rawcontinue=True,
    )  # fmt: skip

    assert unknown_fields(QueryResponse, document) == []
    assert document["query-continue"]["allpages"] == {
        "gapcontinue": cont_pages[2].replace(" ", "_")
    }
    assert set(document["query-continue"]["categories"]) == {"clcontinue"}
    assert "continue" not in document


def test_redirects_normalized_and_interwiki_titles(
    bot_session: mwtyped.Session, redirect_pair: tuple[str, str]
) -> None:
    redirect, target = redirect_pair
    lower = redirect[0].lower() + redirect[1:]
    document = bot_session.get(
        action="query", titles=f"{lower}|wikipedia:Foo", redirects=True, iwurl=True,
        converttitles=True, prop="info",
    )  # fmt: skip

    assert unknown_fields(QueryResponse, document) == []
    query = document["query"]
    assert query["normalized"] == [{"fromencoded": False, "from": lower, "to": redirect}]
    assert query["redirects"] == [{"from": redirect, "to": target, "tofragment": "Sec"}]
    assert query["interwiki"] == [
        {"title": "wikipedia:Foo", "iw": "wikipedia", "url": "https://en.wikipedia.org/wiki/Foo"}
    ]
    assert "converted" not in query  # English has no variants to convert titles to
    assert [page["title"] for page in query["pages"]] == [target]

    typed = bot_session.request(QueryParams(titles=[lower], redirects=True))
    assert typed["query"]["redirects"][0]["to"] == target
    assert typed["query"]["normalized"][0]["from"] == lower


def test_bad_revision_ids_and_missing_page_ids(bot_session: mwtyped.Session) -> None:
    by_revid = bot_session.get(action="query", revids="99999999|1", prop="revisions")
    by_pageid = bot_session.get(action="query", pageids="99999999|1", indexpageids=True)

    for document in (by_revid, by_pageid):
        assert unknown_fields(QueryResponse, document) == []
    assert by_revid["query"]["badrevids"] == {"99999999": {"revid": 99999999, "missing": True}}
    assert by_revid["query"]["pages"][0]["revisions"][0]["revid"] == 1
    assert by_pageid["query"]["pageids"] == ["99999999", "1"]
    assert by_pageid["query"]["pages"][1] == {"pageid": 99999999, "missing": True}

    typed = bot_session.request(QueryParams(pageids=[99999999]))
    assert typed["query"]["pages"] == [{"pageid": 99999999, "missing": True}]


def test_main_module_echoes_and_export(bot_session: mwtyped.Session) -> None:
    document = bot_session.get(
        action="query", titles="Main Page", export=True, requestid="qx-42", curtimestamp=True,
        responselanginfo=True, servedby=True,
    )  # fmt: skip

    assert unknown_fields(QueryResponse, document) == []
    assert document["requestid"] == "qx-42"
    assert (document["uselang"], document["errorlang"]) == ("en", "en")
    assert document["curtimestamp"].endswith("Z")
    assert document["query"]["export"].startswith("<mediawiki ")
    typed = bot_session.request(QueryParams(titles=["Main Page"], export=True, requestid="x"))
    assert typed["requestid"] == "x"


def test_generator_data_on_pages(bot_session: mwtyped.Session, cont_pages: list[str]) -> None:
    document = bot_session.get(
        action="query", generator="prefixsearch", gpssearch="Cont 00", gpslimit=3
    )

    assert unknown_fields(QueryResponse, document) == []
    assert sorted(page["index"] for page in document["query"]["pages"]) == [1, 2, 3]
    typed = bot_session.request(
        QueryParams(generator=PrefixsearchParams(pssearch="Cont 00", pslimit=2))
    )
    assert len(typed["query"]["pages"]) == 2


def test_stashed_file_info(bot_session: mwtyped.Session) -> None:
    stashed = bot_session.post(
        upload_file=png(uuid.uuid4().int % 1000),
        action="upload",
        filename=f"Qx-stash-{uuid.uuid4().hex[:8]}.png",
        stash=True,
        token=bot_session.token(),
    )
    key = stashed["upload"]["filekey"]
    siiprop = [
        "timestamp", "canonicaltitle", "url", "size", "dimensions", "sha1", "mime",
        "thumbmime", "metadata", "commonmetadata", "extmetadata", "bitdepth", "badfile",
    ]  # fmt: skip
    document = bot_session.get(
        action="query", prop="stashimageinfo", siifilekey=key, siiprop="|".join(siiprop),
        siiurlwidth=2,
    )  # fmt: skip

    assert unknown_fields(QueryResponse, document) == []
    (info,) = document["query"]["stashimageinfo"]
    assert (info["width"], info["height"], info["mime"]) == (3, 2, "image/png")
    assert key in info["url"]
    typed = bot_session.request(
        QueryParams(prop=[StashimageinfoParams(siifilekey=[key], siiprop=["sha1"])])
    )
    assert typed["query"]["stashimageinfo"][0]["sha1"] == info["sha1"]


def test_merged_pages_of_a_generator_validate(
    bot_session: mwtyped.Session, cont_pages: list[str]
) -> None:
    query = QueryParams(
        generator=AllpagesParams(apprefix="Cont", aplimit=20),
        prop=[CategoriesParams(cllimit=7), InfoParams(inprop=["url"])],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pages: list[Any] = list(bot_session.pages(query))

    titles = [page["title"] for page in pages]
    assert set(cont_pages) <= set(titles)
    assert len(titles) == len(set(titles))
    for page in pages:
        assert unknown_fields(Page, page) == []
        assert page["fullurl"].startswith("http://127.0.0.1:")
        if page["title"] in cont_pages:
            assert [c["title"] for c in page["categories"]] == CONT_CATEGORIES
