"""The ``<Module>Item`` models of ``list=`` modules against real answers of the test wiki.

A module fixture makes the wiki hold one of everything the lists show (pages linking,
transcluding and embedding, redirects, a file, a tagged edit, a move, deletions, protections,
blocks, a stashed file...), all under a unique stem. Each test asks a module with its richest
``*prop`` values, checks that the model declares every field of the raw answer
(``unknown_fields``), and reads the items once through ``Session.items`` (the typed path).
Here: pages, categories, links, titles; the others are in ``test_responses_lists_more``.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import pytest
from pydantic import TypeAdapter

import mwtyped
from mwtyped import api
from mwtyped._typed import ListParams
from mwtyped.responses import UntypedItem, lists, lists_more, unknown_fields
from mwtyped.testing import WikiSessions
from mwtyped.testwiki import WikiInfo

pytestmark = pytest.mark.integration

T = TypeVar("T")
JSON = dict[str, Any]
TAG = "mwtyped-lists"
BLOCKED_USER = "Mwtyped Lists Blocked"
BLOCKED_RANGE = "10.99.77.0/24"
ENVELOPE = {"batchcomplete", "continue", "warnings", "limits"}
SNAPSHOT = Path(__file__).parents[2] / "schemas" / "snapshots" / "mediawiki-1.39-core.json"


@dataclass(frozen=True)
class Activity:
    """What the fixture made: names under a unique ``stem`` and a few ids."""

    started: str
    stem: str
    word: str
    target: str
    source: str
    hexa: str
    template: str
    redirect: str
    iw_title: str
    category: str
    file: str
    moved: str
    deleted: str
    deleted_file: str
    salted: str
    stash_key: str
    block_ids: tuple[int, int]


@dataclass(frozen=True)
class ListsWiki:
    bot: mwtyped.Session
    activity: Activity


def _ensure_tag(admin: mwtyped.Session) -> None:
    tags = admin.get(action="query", list="tags", tglimit="max")["query"]["tags"]
    if TAG not in {tag["name"] for tag in tags}:
        admin.post(action="managetags", operation="create", tag=TAG, reason="list tests")


def _ensure_blocks(bot: mwtyped.Session, target: str) -> tuple[int, int]:
    users = bot.get(action="query", list="users", ususers=BLOCKED_USER)["query"]["users"]
    if users[0].get("missing"):
        password = "Lists-" + secrets.token_hex(12)
        bot.post(
            action="createaccount",
            username=BLOCKED_USER,
            password=password,
            retype=password,
            createreturnurl="http://127.0.0.1/",
        )
    partial = bot.post(
        action="block",
        user=BLOCKED_USER,
        expiry="1 week",
        reason="partial",
        partial=1,
        pagerestrictions=target,
        namespacerestrictions="2|4",
        allowusertalk=1,
        nocreate=1,
        reblock=1,
    )
    ranged = bot.post(
        action="block", user=BLOCKED_RANGE, expiry="1 week", reason="range", anononly=1, reblock=1
    )
    return partial["block"]["id"], ranged["block"]["id"]


def _make_activity(wiki: WikiSessions, bot: mwtyped.Session) -> Activity:
    hexa = uuid.uuid4().hex[:10]
    stem, word, iw_title = f"Mwtyped Lists {hexa}", f"lxw{hexa}", f"Lists {hexa}"
    target, template, category = f"{stem} Target", f"Template:{stem}", f"{stem} Cat"
    file, deleted_file = f"Mwtyped-lists-{hexa}.txt", f"Mwtyped-lists-gone-{hexa}.txt"
    started = bot.get(action="query", curtimestamp=1)["curtimestamp"]
    admin = wiki.session("anon")
    admin.login(wiki.info.admin_user, wiki.info.admin_password)
    _ensure_tag(admin)

    def edit(title: str, text: str, **more: Any) -> None:
        bot.post(action="edit", title=title, text=text, summary=f"lists {title}", **more)

    def upload(name: str, **more: Any) -> JSON:
        data = secrets.token_hex(40).encode()
        answer: JSON = bot.post(
            upload_file=data, action="upload", filename=name, ignorewarnings=1, **more
        )
        return answer

    edit(template, "template body")
    upload(file, comment="a file", text="file page")
    edit(f"Category:{category}", "__HIDDENCAT__")
    edit(target, f"target {word} [[Category:{category}]]", watchlist="watch")
    source = f"{stem} Source"
    edit(
        source,
        f"[[{target}]] {{{{{stem}}}}} [[File:{file}]] [http://example.org/mwtyped-lists/{hexa} x]"
        f" [[wikipedia:{iw_title}]] [[Category:{category}|sortme]] __NOTOC__"
        f" {{{{DISPLAYTITLE:{source}}}}}",
        minor=1,
    )
    edit(f"{stem} Redirect", f"#REDIRECT [[{target}#Sec]]")
    edit(f"{stem} Iw redirect", f"#REDIRECT [[wikipedia:{iw_title}]]")
    edit(f"{stem} Via", f"[[{stem} Redirect]]")
    tester = wiki.session("user")
    tester.post(action="edit", title=target, appendtext=f"\nby Tester {word}", summary="tester")
    edit(target, f"target {word}\n== Sec ==\ntagged [[Category:{category}]]", tags=TAG)
    edit(f"{stem} To move", "moving")
    move = {"action": "move", "from": f"{stem} To move", "to": f"{stem} Moved", "reason": "move"}
    bot.request("POST", move)
    edit(f"{stem} Deleted", "to be deleted")
    bot.post(action="delete", title=f"{stem} Deleted", reason="lists delete")
    upload(deleted_file, comment="to delete")
    bot.post(action="delete", title=f"File:{deleted_file}", reason="lists file delete")
    bot.post(
        action="protect",
        title=target,
        protections="edit=sysop|move=sysop",
        expiry="1 week|infinite",
        reason="lists protect",
    )
    bot.post(
        action="protect",
        title=f"{stem} Salted",
        protections="create=sysop",
        expiry="infinite",
        reason="lists salt",
    )
    block_ids = _ensure_blocks(bot, target)
    stashed = upload(f"Mwtyped-lists-stash-{hexa}.txt", stash=1)
    return Activity(
        started=started,
        stem=stem,
        hexa=hexa,
        word=word,
        target=target,
        source=source,
        template=template,
        redirect=f"{stem} Redirect",
        iw_title=iw_title,
        category=category,
        file=file,
        moved=f"{stem} Moved",
        deleted=f"{stem} Deleted",
        deleted_file=deleted_file,
        salted=f"{stem} Salted",
        stash_key=stashed["upload"]["filekey"],
        block_ids=block_ids,
    )


@pytest.fixture(scope="module")
def lists_wiki(testwiki: WikiInfo) -> Iterator[ListsWiki]:
    """A bot session, and the activity it made on the wiki (once per test module)."""
    wiki = WikiSessions(testwiki)
    try:
        bot = wiki.session("bot")
        yield ListsWiki(bot, _make_activity(wiki, bot))
    finally:
        wiki.close()


def strict_items(session: mwtyped.Session, params: ListParams[Any], model: Any) -> list[Any]:
    """The items of ONE raw answer of the module, after checking that ``model`` declares every
    field of every item and that the answer holds nothing else."""
    module = params.module_name
    document = session.get(**api.QueryParams(list=[params]).wire_params())
    assert set(document) - {"query"} <= ENVELOPE
    assert set(document["query"]) == {module}
    items: list[Any] = document["query"][module]
    assert unknown_fields(list[model], items) == []
    return items


def typed_items(
    session: mwtyped.Session, params: ListParams[Any], model: type[T], limit: int = 500
) -> list[T]:
    """The typed path: ``Session.items`` (every batch), validated as ``model``, which is what
    the generated params class does itself once it links the model."""
    assert getattr(type(params), "item_type", None) in (UntypedItem, model)
    items = list(session.items(params, limit=limit))
    validated: list[T] = TypeAdapter(list[model]).validate_python(items)  # type: ignore[valid-type]
    return validated


def both(session: mwtyped.Session, params: ListParams[Any], model: type[T]) -> list[T]:
    """Raw items of one answer (strictly checked), then as many through the typed path: the
    same items with the same fields (values may move: other tests edit the wiki meanwhile)."""
    raw = strict_items(session, params, model)
    typed = typed_items(session, params, model, limit=len(raw))
    assert [set(cast(JSON, item)) for item in typed] == [set(item) for item in raw]
    return typed


def values(spec: str) -> list[Any]:
    """``"a|b"`` -> ``["a", "b"]``: the values of a multi-value parameter, compactly."""
    return spec.split("|")


def titled(items: list[Any], title: str) -> Any:
    """The only item with this title."""
    (found,) = [item for item in items if item.get("title") == title]
    return found


def test_every_list_module_has_an_item_model() -> None:
    snapshot = json.loads(SNAPSHOT.read_text())
    names = {m["name"] for m in snapshot["paraminfo"]["modules"] if m.get("group") == "list"}
    stems = {name[0].upper() + "".join(c for c in name[1:] if c.isalnum()) for name in names}
    exported = set(lists.__all__) | set(lists_more.__all__)

    assert len(names) == 35
    assert {f"{stem}Item" for stem in stems} <= exported


# -- pages and categories ------------------------------------------------------------------
def test_allpages_items(lists_wiki: ListsWiki) -> None:
    act = lists_wiki.activity
    items = both(
        lists_wiki.bot, api.AllpagesParams(apprefix=act.stem, aplimit="max"), lists.AllpagesItem
    )

    titles = {item["title"] for item in items}
    assert titles >= {act.target, act.source, act.moved, f"{act.stem} To move"}
    assert act.deleted not in titles
    assert titled(items, act.target)["ns"] == 0


def test_allcategories_items(lists_wiki: ListsWiki) -> None:
    act = lists_wiki.activity
    params = api.AllcategoriesParams(acprefix=act.stem, acprop=["hidden", "size"])
    items = both(lists_wiki.bot, params, lists.AllcategoriesItem)

    counts = {"size": 2, "pages": 2, "files": 0, "subcats": 0}
    assert items == [{"category": act.category, **counts, "hidden": True}]


def test_categorymembers_items(lists_wiki: ListsWiki) -> None:
    act = lists_wiki.activity
    params = api.CategorymembersParams(
        cmtitle=f"Category:{act.category}",
        cmprop=["ids", "sortkey", "sortkeyprefix", "timestamp", "title", "type"],
    )
    items = both(lists_wiki.bot, params, lists.CategorymembersItem)

    assert [item["title"] for item in items] == [act.target, act.source]  # "MWTYPED" < "sortme"
    assert titled(items, act.source)["sortkeyprefix"] == "sortme"
    assert titled(items, act.target)["type"] == "page"
    assert bytes.fromhex(titled(items, act.target)["sortkey"]) == act.target.upper().encode()


# -- what links to a page ------------------------------------------------------------------
def test_backlinks_items_with_redirects(lists_wiki: ListsWiki) -> None:
    act = lists_wiki.activity
    params = api.BacklinksParams(bltitle=act.target, blredirect=True)
    items = both(lists_wiki.bot, params, lists.BacklinksItem)

    redirect = titled(items, act.redirect)
    assert redirect["redirect"] is True
    assert [link["title"] for link in redirect["redirlinks"]] == [f"{act.stem} Via"]
    assert "redirect" not in titled(items, act.source)


def test_embeddedin_and_imageusage_items(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    embedding = both(bot, api.EmbeddedinParams(eititle=act.template), lists.EmbeddedinItem)
    using = both(
        bot, api.ImageusageParams(iutitle=f"File:{act.file}", iuredirect=True), lists.ImageusageItem
    )

    assert [item["title"] for item in embedding] == [act.source]
    assert [item["title"] for item in using] == [act.source]


def test_alllinks_alltransclusions_allfileusages_items(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    source_id = bot.get(action="query", titles=act.source)["query"]["pages"][0]["pageid"]
    links = both(
        bot, api.AlllinksParams(alprefix=act.stem, alprop=["ids", "title"]), lists.AlllinksItem
    )
    params = api.AlltransclusionsParams(atprefix=act.stem, atnamespace=10, atprop=["ids", "title"])
    transclusions = both(bot, params, lists.AlltransclusionsItem)
    params_files = api.AllfileusagesParams(afprefix=act.file, afprop=["ids", "title"])
    file_uses = both(bot, params_files, lists.AllfileusagesItem)

    assert {"fromid": source_id, "ns": 0, "title": act.target} in links
    assert transclusions == [{"fromid": source_id, "ns": 10, "title": act.template}]
    assert file_uses == [{"fromid": source_id, "ns": 6, "title": f"File:{act.file}"}]


def test_allredirects_items(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    props: list[Literal["fragment", "ids", "interwiki", "title"]]
    props = ["fragment", "ids", "interwiki", "title"]
    local = both(
        bot, api.AllredirectsParams(arprefix=act.stem, arprop=props), lists.AllredirectsItem
    )
    to_wikipedia = both(
        bot, api.AllredirectsParams(arprefix=act.iw_title, arprop=props), lists.AllredirectsItem
    )

    assert titled(local, act.target)["fragment"] == "Sec"
    assert "fragment" not in titled(local, act.moved)
    assert [(item["interwiki"], item["title"]) for item in to_wikipedia] == [
        ("wikipedia", act.iw_title)
    ]


def test_exturlusage_items(lists_wiki: ListsWiki) -> None:
    act = lists_wiki.activity
    url = f"example.org/mwtyped-lists/{act.hexa}"
    params = api.ExturlusageParams(euquery=url, euprop=["ids", "title", "url"])
    items = both(lists_wiki.bot, params, lists.ExturlusageItem)

    assert [(item["title"], item["url"]) for item in items] == [(act.source, f"http://{url}")]


def test_iwbacklinks_items(lists_wiki: ListsWiki) -> None:
    act = lists_wiki.activity
    params = api.IwbacklinksParams(
        iwblprefix="wikipedia",
        iwbltitle=act.iw_title.replace(" ", "_"),
        iwblprop=["iwprefix", "iwtitle"],
    )
    items = both(lists_wiki.bot, params, lists.IwbacklinksItem)

    titles = {item["title"]: item for item in items}
    assert set(titles) == {act.source, f"{act.stem} Iw redirect"}
    assert titles[act.source]["iwtitle"] == act.iw_title.replace(" ", "_")
    assert titles[act.source]["iwprefix"] == "wikipedia"


def test_langbacklinks_items_on_a_wiki_without_language_links(lists_wiki: ListsWiki) -> None:
    """The test wiki has no interlanguage prefix, so the list stays empty: the model is
    written from ``ApiQueryLangBacklinks`` (1.39) and only the empty answer is checked."""
    params = api.LangbacklinksParams(lblprop=["lllang", "lltitle"], lbllimit="max")
    assert both(lists_wiki.bot, params, lists.LangbacklinksItem) == []


# -- titles by prefix, random pages --------------------------------------------------------
def test_prefixsearch_items(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    pages = both(
        bot, api.PrefixsearchParams(pssearch=act.stem, pslimit="max"), lists.PrefixsearchItem
    )
    special = both(
        bot, api.PrefixsearchParams(pssearch="Special:RecentChanges"), lists.PrefixsearchItem
    )

    assert titled(pages, act.target)["pageid"] > 0
    assert special[0] == {"ns": -1, "title": "Special:RecentChanges", "special": True}


def test_random_items(lists_wiki: ListsWiki) -> None:
    params = api.RandomParams(rnlimit=5, rnfilterredir="all")
    raw = strict_items(lists_wiki.bot, params, lists.RandomItem)
    typed = typed_items(lists_wiki.bot, params, lists.RandomItem, limit=5)

    assert len(raw) == len(typed) == 5
    assert all(isinstance(item["redirect"], bool) and item["id"] > 0 for item in raw + typed)
