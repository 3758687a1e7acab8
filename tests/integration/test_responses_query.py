"""``Page`` and the ``prop=`` item types against real answers, in strict mode.

A module-scoped world of uniquely named pages and files gives every ``prop=`` module
something to say: categories (one hidden), a template, links in and out, a redirect with a
fragment, a cascading protection, a deleted page, an imported anonymous revision,
duplicate files and a file with an old version. Each test asks with the richest options,
checks ``unknown_fields(...) == []`` on the raw answer, a few exact values, and validates
the typed path (``session.request(QueryParams(...))``) once.

Not reachable on the test wiki: ``langlinks`` (no interlanguage prefixes), ``videoinfo``
(no TimedMediaHandler), revision-deleted fields (no ``deleterevision`` right).
"""

from __future__ import annotations

import struct
import uuid
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

import mwtyped
from mwtyped._typed import ApiDeprecationWarning
from mwtyped.api import (
    CategoriesParams,
    CategoryinfoParams,
    ContributorsParams,
    DeletedrevisionsParams,
    DuplicatefilesParams,
    ExtlinksParams,
    FileusageParams,
    ImageinfoParams,
    ImagesParams,
    InfoParams,
    IwlinksParams,
    LanglinksParams,
    LinkshereParams,
    LinksParams,
    PagepropsParams,
    QueryParams,
    RedirectsParams,
    RevisionsParams,
    TemplatesParams,
    TranscludedinParams,
)
from mwtyped.responses import unknown_fields
from mwtyped.responses.query import QueryResponse
from mwtyped.testing import WikiSessions
from mwtyped.testwiki import WikiInfo

pytestmark = pytest.mark.integration

T = TypeVar("T")
JSON = dict[str, Any]

INPROP = [
    "associatedpage", "displaytitle", "linkclasses", "notificationtimestamp", "preload",
    "protection", "subjectid", "talkid", "url", "varianttitles", "visitingwatchers",
    "watched", "watchers",
]  # fmt: skip
RVPROP = [
    "comment", "content", "contentmodel", "flags", "ids", "parsedcomment", "roles", "sha1",
    "size", "slotsha1", "slotsize", "tags", "timestamp", "user", "userid",
]  # fmt: skip
IIPROP = [
    "archivename", "badfile", "bitdepth", "canonicaltitle", "comment", "commonmetadata",
    "dimensions", "extmetadata", "mediatype", "metadata", "mime", "parsedcomment", "sha1",
    "size", "thumbmime", "timestamp", "uploadwarning", "url", "user", "userid",
]  # fmt: skip
PAGE_PROPS = (
    "info|categories|categoryinfo|contributors|deletedrevisions|extlinks|fileusage|images|"
    "iwlinks|langlinks|links|linkshere|pageprops|redirects|revisions|templates|transcludedin"
)


def png(seed: int) -> bytes:
    """A 3x2 RGB PNG whose pixels depend on ``seed`` (the wiki takes PNGs, not random txt)."""
    rows = b"".join(b"\x00" + bytes((seed + 40 * x + y) % 256 for x in range(9)) for y in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 3, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows + seed.to_bytes(8, "big")))
        + chunk(b"IEND", b"")
    )


def api_warning_codes(call: Callable[[], T]) -> tuple[T, set[str]]:
    """``call()``'s result and the codes of the API warnings it raised (client-side
    deprecation warnings are allowed, anything else fails)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    codes = {str(w.message.code) for w in caught if isinstance(w.message, mwtyped.APIWarning)}
    others = [
        w for w in caught if not isinstance(w.message, mwtyped.APIWarning | ApiDeprecationWarning)
    ]
    assert others == []
    return result, codes


@dataclass(frozen=True)
class World:
    """The pages and files the tests query, all named after one random tag."""

    target: str
    redirect: str
    linker: str
    category: str
    hidden_category: str
    template: str
    gone: str
    imported: str
    missing_link: str
    file: str
    file_copy: str
    file_versions: str


def build_world(sessions: WikiSessions) -> World:
    bot, tester = sessions.session("bot"), sessions.session("user")
    tag = uuid.uuid4().hex[:10]
    w = World(
        target=f"Qx target {tag}",
        redirect=f"Qx redirect {tag}",
        linker=f"Qx linker {tag}",
        category=f"Category:Qx cat {tag}",
        hidden_category=f"Category:Qx hidden {tag}",
        template=f"Template:Qx tpl {tag}",
        gone=f"Qx gone {tag}",
        imported=f"Qx imported {tag}",
        missing_link=f"Qx nowhere {tag}",
        file=f"File:Qx-{tag}.png",
        file_copy=f"File:Qx-{tag}-copy.png",
        file_versions=f"File:Qx-{tag}-versions.png",
    )
    seed = int(tag[:6], 16)
    bot.upload(w.file.removeprefix("File:"), png(seed), comment="first [[Main Page]]")
    bot.upload(w.file_copy.removeprefix("File:"), png(seed), ignore_warnings=True)
    bot.upload(w.file_versions.removeprefix("File:"), png(seed + 1), comment="old")
    bot.upload(w.file_versions.removeprefix("File:"), png(seed + 2), ignore_warnings=True)

    def edit(title: str, text: str, session: mwtyped.Session = bot, **extra: Any) -> None:
        session.post(action="edit", title=title, text=text, token=session.token(), **extra)

    edit(w.hidden_category, "__HIDDENCAT__")
    edit(w.category, "A category.")
    edit(w.template, f"tpl [[{w.category}]]")
    text = (
        f"{{{{DISPLAYTITLE:''{w.target}''}}}} __NOTOC__ {{{{DEFAULTSORT:Key {tag}}}}}\n"
        f"[[Main Page]] [[{w.missing_link}]] {{{{{w.template}}}}} [[{w.file}]] "
        f"[https://example.org/{tag} ext] [[wikipedia:Foo {tag}]] "
        f"[[{w.hidden_category}|prefix]]"
    )
    edit(w.target, text, summary="v1 [[Main Page]]")
    edit(w.target, text + "\nby tester", tester, summary="by tester", minor=True)
    edit(w.redirect, f"#REDIRECT [[{w.target}#Sec]]")
    edit(w.linker, f"[[{w.target}]] {{{{:{w.target}}}}}")
    edit(w.gone, "to be deleted")
    bot.post(action="delete", title=w.gone, reason="gone", token=bot.token())
    bot.post(
        action="protect", title=w.target, protections="edit=sysop|move=sysop",
        expiry="infinite|1 year", token=bot.token(),
    )  # fmt: skip
    bot.post(
        action="protect", title=w.linker, protections="edit=sysop", cascade=True,
        expiry="infinite", token=bot.token(),
    )  # fmt: skip
    bot.post(action="watch", titles=w.target, token=bot.token("watch"))
    dump = (
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">'
        f"<page><title>{w.imported}</title><ns>0</ns><revision>"
        "<timestamp>2020-01-01T00:00:00Z</timestamp>"
        "<contributor><ip>192.0.2.7</ip></contributor><comment>anon</comment>"
        "<model>wikitext</model><format>text/x-wiki</format>"
        '<text xml:space="preserve">anon text</text></revision></page></mediawiki>'
    )
    bot.request(
        "POST",
        {"action": "import", "interwikiprefix": "qx", "token": bot.token()},
        files={"xml": ("dump.xml", dump.encode())},
    )
    return w


@pytest.fixture(scope="module")
def world(testwiki: WikiInfo) -> Iterator[World]:
    sessions = WikiSessions(testwiki)
    try:
        yield build_world(sessions)
    finally:
        sessions.close()


def pages_by_title(document: JSON) -> dict[str, JSON]:
    return {
        page.get("title", f"#{page.get('pageid')}"): page for page in document["query"]["pages"]
    }


def every_prop(world: World) -> JSON:
    """Raw parameters asking every page-level ``prop=`` module for everything."""
    return {
        "action": "query",
        "prop": PAGE_PROPS,
        "inprop": "|".join([*INPROP, "readable"]),
        "intestactions": "edit|move",
        "intestactionsdetail": "full",
        "clprop": "sortkey|timestamp|hidden",
        "cllimit": "max",
        "pllimit": "max",
        "lhprop": "pageid|title|redirect",
        "tiprop": "pageid|title|redirect",
        "rdprop": "pageid|title|fragment",
        "fuprop": "pageid|title|redirect",
        "iwprop": "url",
        "llprop": "url|langname|autonym",
        "rvprop": "|".join(RVPROP),
        "rvslots": "*",
        "drvprop": "|".join(RVPROP),
        "drvslots": "*",
        "indexpageids": True,
    }


def test_every_prop_on_normal_missing_invalid_and_special_pages(
    bot_session: mwtyped.Session, world: World
) -> None:
    titles = [world.target, world.linker, world.category, world.hidden_category, world.gone]
    titles.append(world.imported)
    odd = ["Special:Version", "Media:Nothing.png", "Talk:<bad>", "main page", "MediaWiki:Edit"]
    document, codes = api_warning_codes(
        lambda: bot_session.get(titles="|".join(titles + odd), **every_prop(world))
    )

    assert codes == {"deprecation", "deprecation-help"}  # inprop=readable
    assert unknown_fields(QueryResponse, document) == []
    pages = pages_by_title(document)
    assert document["query"]["normalized"] == [
        {"fromencoded": False, "from": "main page", "to": "Main page"}
    ]
    assert len(document["query"]["pageids"]) == len(pages) == 11
    target = pages[world.target]
    assert target["displaytitle"] == f"<i>{world.target}</i>"
    assert [c["hidden"] for c in target["categories"]] == [False, True]
    assert target["categories"][1]["sortkeyprefix"] == "prefix"
    assert {c["name"] for c in target["contributors"]} == {"Admin", "Tester"}
    assert target["extlinks"][0]["url"].startswith("https://example.org/")
    assert target["iwlinks"][0]["prefix"] == "wikipedia"
    assert target["images"] == [{"ns": 6, "title": world.file}]
    assert target["templates"] == [{"ns": 10, "title": world.template}]
    assert {"ns": 0, "title": world.missing_link} in target["links"]
    assert target["redirects"][0]["fragment"] == "Sec"
    assert {(p["title"], p["redirect"]) for p in target["linkshere"]} == {
        (world.redirect, True),
        (world.linker, False),
    }
    assert target["transcludedin"][0]["title"] == world.linker
    assert {p.get("source") for p in target["protection"]} == {None, world.linker}
    assert target["pageprops"]["defaultsort"].startswith("Key ")
    assert target["watched"] is True
    assert target["actions"]["edit"] == []  # an admin may edit
    assert target["revisions"][0]["slots"]["main"]["contentmodel"] == "wikitext"
    assert pages[world.category]["categoryinfo"]["pages"] == 3  # template, target, linker
    assert pages[world.hidden_category]["categoryinfo"]["hidden"] is True
    assert pages[world.imported]["anoncontributors"] == 1
    gone = pages[world.gone]
    assert gone["missing"] is True
    assert gone["deletedrevisions"][0]["slots"]["main"]["content"] == "to be deleted"
    assert pages["Special:Version"] == {"ns": -1, "title": "Special:Version", "special": True}
    assert pages["Media:Nothing.png"]["missing"] is True
    assert (pages["MediaWiki:Edit"]["missing"], pages["MediaWiki:Edit"]["known"]) == (True, True)
    assert pages[world.linker]["protection"][0]["cascade"] is True
    assert pages["Talk:<bad>"]["invalidreason"]["code"] == "title-invalid-characters"


def test_every_prop_through_the_typed_path(bot_session: mwtyped.Session, world: World) -> None:
    query = QueryParams(
        titles=[world.target, world.gone, world.imported, world.category],
        prop=[
            InfoParams.model_validate(
                {"inprop": INPROP, "intestactions": ["edit"], "intestactionsdetail": "boolean"}
            ),
            CategoriesParams(clprop=["sortkey", "timestamp", "hidden"], cllimit="max"),
            CategoryinfoParams(),
            ContributorsParams(),
            DeletedrevisionsParams.model_validate({"drvprop": RVPROP, "drvslots": ["*"]}),
            ExtlinksParams(),
            ImagesParams(),
            IwlinksParams(iwprop=["url"]),
            LanglinksParams(llprop=["url", "langname", "autonym"]),
            LinksParams(pllimit="max"),
            LinkshereParams(lhprop=["pageid", "title", "redirect"]),
            PagepropsParams(),
            RedirectsParams(rdprop=["pageid", "title", "fragment"]),
            RevisionsParams.model_validate({"rvprop": RVPROP, "rvslots": ["*"]}),
            TemplatesParams(),
            TranscludedinParams(tiprop=["pageid", "title", "redirect"]),
        ],
    )
    answer = bot_session.request(query)

    pages = {page.get("title", ""): page for page in answer["query"]["pages"]}
    newest = pages[world.target]["revisions"][0]  # the null revision of the protection
    assert newest["comment"].startswith(f'Protected "[[{world.target}]]"')
    assert newest["minor"] is True
    assert pages[world.target]["actions"] == {"edit": True}
    assert pages[world.gone]["deletedrevisions"][0]["comment"].startswith("Created page")
    assert unknown_fields(QueryResponse, answer) == []


def test_file_pages_with_imageinfo_duplicates_and_usage(
    bot_session: mwtyped.Session, world: World
) -> None:
    titles = [world.file, world.file_copy, world.file_versions, "File:Qx never uploaded.png"]
    params: JSON = {
        "titles": "|".join(titles),
        "prop": "imageinfo|duplicatefiles|fileusage|info",
        "iiprop": "|".join(IIPROP),
        "iilimit": 5,
        "iiurlwidth": 2,
        "iibadfilecontexttitle": "Main Page",
        "fuprop": "pageid|title|redirect",
    }
    document = bot_session.get(action="query", **params)

    assert unknown_fields(QueryResponse, document) == []
    pages = pages_by_title(document)
    original = pages[world.file]
    assert original["imagerepository"] == "local"
    assert original["badfile"] is False
    assert original["duplicatefiles"][0]["name"] == world.file_copy.removeprefix("File:")
    assert original["duplicatefiles"][0]["shared"] is False
    assert {p["title"] for p in original["fileusage"]} == {world.target, world.linker}
    info = original["imageinfo"][0]
    assert (info["width"], info["height"], info["mime"], info["bitdepth"]) == (3, 2, "image/png", 8)
    assert info["extmetadata"]["ObjectName"]["source"] == "mediawiki-metadata"
    assert info["comment"] == "first [[Main Page]]"
    versions = pages[world.file_versions]["imageinfo"]
    assert len(versions) == 2
    assert "archivename" in versions[1]
    assert "archivename" not in versions[0]
    never = pages["File:Qx never uploaded.png"]
    assert never["imagerepository"] == ""
    assert never["imageinfo"][0]["filemissing"] is True

    typed = bot_session.request(
        QueryParams(
            titles=titles,
            prop=[
                ImageinfoParams.model_validate({"iiprop": IIPROP, "iilimit": 5, "iiurlwidth": 2}),
                DuplicatefilesParams(),
                FileusageParams(fuprop=["pageid", "title", "redirect"]),
            ],
        )
    )
    assert unknown_fields(QueryResponse, typed) == []


def test_revisions_in_every_shape(bot_session: mwtyped.Session, world: World) -> None:
    base: JSON = {"action": "query", "titles": world.target, "prop": "revisions", "rvlimit": 1}
    shapes: list[JSON] = [
        {"rvprop": "|".join(RVPROP), "rvslots": "main", "rvlimit": 3},
        {"rvprop": "|".join(RVPROP)},  # no rvslots: the legacy single-slot shape
        {"rvprop": "ids|content", "rvdiffto": "prev"},
        {"rvprop": "ids|content", "rvdifftotext": "other text", "rvdifftotextpst": True},
        {"rvprop": "ids|content", "rvgeneratexml": True, "rvparse": True},
        {"rvprop": "ids|content", "rvexpandtemplates": True},
        {"rvprop": "ids|content", "rvslots": "main", "rvsection": 9},
    ]
    answers = []
    for shape in shapes:
        params = {**base, **shape}
        document, codes = api_warning_codes(lambda: bot_session.get(**params))  # noqa: B023
        assert unknown_fields(QueryResponse, document) == [], shape
        answers.append(document["query"]["pages"][0]["revisions"])
        assert codes <= {"deprecation", "deprecation-help"}

    newest, legacy, diff, difftotext, xml, _, section = (a[0] for a in answers)
    assert len(answers[0]) == 3
    assert newest["roles"] == ["main"]
    assert newest["slots"]["main"]["sha1"] == newest["sha1"]
    assert legacy["contentformat"] == "text/x-wiki"
    assert "slots" not in legacy
    assert diff["diff"]["to"] == diff["revid"]
    assert "from" not in difftotext["diff"]
    assert difftotext["diff"]["body"].startswith("<tr>")
    assert xml["parsetree"].startswith("<root>")
    assert section["slots"]["main"] == {"nosuchsection": True}

    imported = bot_session.get(
        action="query", titles=world.imported, prop="revisions", rvprop="|".join(RVPROP),
        rvslots="main", rvdir="newer", rvlimit=1,
    )  # fmt: skip
    anon = imported["query"]["pages"][0]["revisions"][0]
    assert (anon["user"], anon["anon"], anon["userid"]) == ("192.0.2.7", True, 0)
    assert unknown_fields(QueryResponse, imported) == []
