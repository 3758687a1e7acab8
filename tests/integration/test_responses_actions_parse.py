"""Response models of ``parse``, ``compare`` and ``expandtemplates`` against the test wiki,
with every ``prop=`` value. Hidden and deleted revisions in ``compare`` are in
``test_responses_actions_admin``; helpers in ``test_responses_actions``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import mwtyped
from mwtyped import api
from mwtyped.responses import actions_parse as parse_models
from mwtyped.testing import WikiSessions
from mwtyped.testwiki import WikiInfo
from tests.integration.test_responses_actions import strict, typed, unique

pytestmark = pytest.mark.integration

PARSE_PROPS = [
    "categories",
    "categorieshtml",
    "displaytitle",
    "encodedjsconfigvars",
    "externallinks",
    "headhtml",
    "images",
    "indicators",
    "iwlinks",
    "jsconfigvars",
    "langlinks",
    "limitreportdata",
    "limitreporthtml",
    "links",
    "modules",
    "parsetree",
    "parsewarnings",
    "parsewarningshtml",
    "properties",
    "revid",
    "sections",
    "subtitle",
    "templates",
    "text",
    "wikitext",
]
COMPARE_PROPS = "comment|diff|diffsize|ids|parsedcomment|rel|size|timestamp|title|user"


@dataclass(frozen=True)
class RichPage:
    """A page using a bit of everything ``action=parse`` reports."""

    bot: mwtyped.Session
    title: str
    template: str
    hidden_category: str


@pytest.fixture(scope="module")
def rich_page(testwiki: WikiInfo) -> Iterator[RichPage]:
    wiki = WikiSessions(testwiki)
    try:
        bot = wiki.session("bot")
        template, hidden = f"Template:{unique('Tpl')}", f"Category:{unique('Hidden')}"
        bot.post(action="edit", title=template, text="Hello {{{a|}}} [[Category:Mwtyped Tcat]]")
        bot.post(action="edit", title=hidden, text="__HIDDENCAT__")
        title = unique("Parse")
        text = (
            "{{DISPLAYTITLE:''Shown''}}{{DEFAULTSORT:Key}}"
            '<indicator name="ind1">[[Main Page]]</indicator>\n'
            f"{{{{{template}|a=1|a=2}}}}\n== One ==\n[[Main Page]] [[Mwtyped no such page]]"
            " [[wikipedia:Foo]] [https://example.org/mwtyped ex]\n=== Two ===\n"
            f"[[File:Mwtyped no such file.txt]] [[Category:Mwtyped missing cat]] [[{hidden}]]\n"
        )
        bot.post(action="edit", title=title, text=text)
        yield RichPage(bot, title, template, hidden)
    finally:
        wiki.close()


def test_parse_response_with_every_prop(rich_page: RichPage) -> None:
    answer = rich_page.bot.get(action="parse", page=rich_page.title, prop="|".join(PARSE_PROPS))
    parse = strict(parse_models.ParseResponse, answer)["parse"]

    assert set(PARSE_PROPS) - {"revid"} <= set(parse)
    assert (parse.get("title"), parse.get("revid", 0) > 0) == (rich_page.title, True)
    categories = {c["category"]: c for c in parse.get("categories", [])}
    hidden = rich_page.hidden_category.removeprefix("Category:").replace(" ", "_")
    assert categories[hidden] == {"sortkey": "Key", "category": hidden, "hidden": True}
    assert categories["Mwtyped_missing_cat"].get("missing") is True
    links = {link["title"]: link["exists"] for link in parse.get("links", [])}
    assert (links["Main Page"], links["Mwtyped no such page"]) == (True, False)
    assert parse.get("templates") == [{"ns": 10, "title": rich_page.template, "exists": True}]
    assert parse.get("images") == ["Mwtyped_no_such_file.txt"]
    assert parse.get("externallinks") == ["https://example.org/mwtyped"]
    assert [s["line"] for s in parse.get("sections", [])] == ["One", "Two"]
    assert parse.get("sections", [])[1]["level"] == "3"
    assert parse.get("iwlinks", [])[0]["prefix"] == "wikipedia"
    assert parse.get("properties") == {"defaultsort": "Key"}
    assert set(parse.get("indicators", {})) == {"ind1"}
    assert len(parse.get("parsewarnings", [])) == 2
    report = {entry["name"]: entry for entry in parse.get("limitreportdata", [])}
    assert report["limitreport-expansiondepth"]["1"] == 100
    assert parse.get("langlinks") == []  # no interlanguage prefixes on this wiki

    typed_answer = typed(
        rich_page.bot,
        api.ParseParams(page=rich_page.title, prop=["text", "sections"], redirects=True),
        parse_models.ParseResponse,
    )
    assert typed_answer["parse"].get("text", "").startswith('<div class="mw-parser-output">')


def test_parse_response_of_text_pst_and_summary(bot_session: mwtyped.Session) -> None:
    answer = bot_session.post(
        action="parse",
        title="Mwtyped sandbox",
        text="== H ==\n~~~ [[Category:Mwtyped X]]",
        prop="text|wikitext|categories",
        pst=1,
        summary="[[Main Page]] summary",
    )
    parse = strict(parse_models.ParseResponse, answer)["parse"]
    assert (parse.get("pageid"), parse.get("title")) == (0, "Mwtyped sandbox")
    assert "[[User:" in parse.get("psttext", "")
    assert 'title="Main Page"' in parse.get("parsedsummary", "")

    only_pst = bot_session.post(
        action="parse", title="Mwtyped sandbox", text="~~~", onlypst=1, summary="s", prop="wikitext"
    )
    assert set(strict(parse_models.ParseResponse, only_pst)["parse"]) == {
        "text",
        "wikitext",
        "parsedsummary",
    }

    with pytest.warns(mwtyped.APIWarning) as warned:
        head = bot_session.get(action="parse", text="x", prop="headitems", contentmodel="wikitext")
    assert any("headitems" in str(warning.message) for warning in warned)
    assert strict(parse_models.ParseResponse, head)["parse"].get("headitems") == []


def test_parse_response_following_a_redirect(bot_session: mwtyped.Session) -> None:
    target, redirect = unique("Parse target"), unique("Parse redirect")
    bot_session.post(action="edit", title=target, text="== Sec ==\ntarget")
    bot_session.post(action="edit", title=redirect, text=f"#REDIRECT [[{target}#Sec]]")
    answer = typed(
        bot_session,
        api.ParseParams(page=redirect, prop=["revid"], redirects=True),
        parse_models.ParseResponse,
    )
    parse = strict(parse_models.ParseResponse, answer)["parse"]
    assert parse.get("title") == target
    assert parse.get("redirects") == [{"from": redirect, "to": target, "tofragment": "Sec"}]


def test_compare_response_with_every_prop(bot_session: mwtyped.Session) -> None:
    title = unique("Compare")
    revids = [
        bot_session.post(action="edit", title=title, text=text, summary=f"[[Main Page]] {n}")[
            "edit"
        ]["newrevid"]
        for n, text in enumerate(["one\ntwo", "one\nthree", "one\nfour"])
    ]
    middle = bot_session.get(
        action="compare", fromrev=revids[1], torev=revids[2], prop=COMPARE_PROPS
    )
    compared = strict(parse_models.CompareResponse, middle)["compare"]
    assert (compared.get("fromrevid"), compared.get("torevid")) == (revids[1], revids[2])
    assert (compared.get("fromtitle"), compared.get("tons")) == (title, 0)
    assert compared.get("prev") == revids[0]
    assert 'title="Main Page"' in compared.get("fromparsedcomment", "")
    assert compared.get("diffsize") == len(compared.get("body", "").encode())  # bytes

    relative = bot_session.get(
        action="compare", fromrev=revids[0], torelative="next", prop=COMPARE_PROPS
    )
    assert strict(parse_models.CompareResponse, relative)["compare"].get("next") == revids[2]

    by_slot: dict[str, Any] = {"totext-main": "one\nfive", "toslots": "main", "slots": "main"}
    slotted = bot_session.post(action="compare", fromrev=revids[2], prop=COMPARE_PROPS, **by_slot)
    bodies = strict(parse_models.CompareResponse, slotted)["compare"].get("bodies", {})
    assert set(bodies) == {"main"}
    assert "five" in bodies["main"]

    titles = typed(
        bot_session,
        api.CompareParams(fromtitle=title, totitle="Main Page", prop=["ids", "title", "size"]),
        parse_models.CompareResponse,
    )
    assert (titles["compare"].get("toid"), titles["compare"].get("fromid", 0) > 1) == (1, True)


def test_expandtemplates_response_with_every_prop(bot_session: mwtyped.Session) -> None:
    template = f"Template:Mwtyped Expand {uuid.uuid4().hex[:8]}"
    bot_session.post(action="edit", title=template, text="[{{{a}}}]")
    props = "categories|encodedjsconfigvars|jsconfigvars|modules|parsetree|properties|ttl"
    props += "|volatile|wikitext"
    answer = bot_session.get(
        action="expandtemplates",
        title="Mwtyped expand",
        text=f"{{{{{template}|a=1|a=2}}}} {{{{DEFAULTSORT:k}}}} {{{{CURRENTYEAR}}}}",
        prop=props,
    )
    expanded = strict(parse_models.ExpandtemplatesResponse, answer)["expandtemplates"]
    assert expanded.get("wikitext", "").startswith("[2] ")
    assert expanded.get("properties") == {"defaultsort": "k"}
    assert expanded.get("categories") == [
        {"sortkey": "", "category": "Pages_using_duplicate_arguments_in_template_calls"}
    ]
    assert (expanded.get("volatile"), expanded.get("encodedjsconfigvars")) == (False, "[]")
    assert expanded.get("parsetree", "").startswith("<root><template>")

    plain = typed(
        bot_session,
        api.ExpandtemplatesParams(text="{{lc:ABC}}", prop=["wikitext"]),
        parse_models.ExpandtemplatesResponse,
    )
    assert plain == {"expandtemplates": {"wikitext": "abc"}}
