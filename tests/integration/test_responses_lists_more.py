"""The ``<Module>Item`` models of the other ``list=`` modules against real answers.

Page properties, protected titles, tags, the upload stash, the lists with an odd shape
(``querypage``, ``search``, ``watchlistraw``), then changes, revisions, users, blocks and
files. The wiki activity and the checking helpers come from ``test_responses_lists``. Each
test checks the raw answer with ``unknown_fields`` and reads it once through
``Session.items``.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

import mwtyped
from mwtyped import api
from mwtyped.responses import lists, lists_more, unknown_fields
from tests.integration.test_responses_lists import (
    BLOCKED_RANGE,
    BLOCKED_USER,
    TAG,
    ListsWiki,
    both,
    lists_wiki,
    strict_items,
    titled,
    typed_items,
    values,
)

pytestmark = pytest.mark.integration
__all__ = ["lists_wiki"]  # the module fixture of test_responses_lists, used here too


# -- page properties, protected titles, special pages, search ------------------------------
def test_pagepropnames_and_pageswithprop_items(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    names = both(bot, api.PagepropnamesParams(ppnlimit="max"), lists.PagepropnamesItem)
    params = api.PageswithpropParams(
        pwppropname="notoc", pwpprop=["ids", "title", "value"], pwplimit="max"
    )
    with_notoc = typed_items(bot, params, lists.PageswithpropItem, limit=5000)
    strict_items(bot, params, lists.PageswithpropItem)

    assert {"propname": "notoc"} in names
    assert {"propname": "displaytitle"} in names
    assert titled(with_notoc, act.source)["value"] == ""


def test_protectedtitles_items(lists_wiki: ListsWiki) -> None:
    act = lists_wiki.activity
    props = values("comment|expiry|level|parsedcomment|timestamp|user|userid")
    params = api.ProtectedtitlesParams(ptprop=props, ptnamespace=[0], ptlimit="max")
    strict_items(lists_wiki.bot, params, lists.ProtectedtitlesItem)
    items = typed_items(lists_wiki.bot, params, lists.ProtectedtitlesItem, limit=5000)

    salted = titled(items, act.salted)
    assert (salted["level"], salted["expiry"], salted["user"]) == ("sysop", "infinity", "Admin")
    assert salted["comment"] == "lists salt"


def test_querypage_result(lists_wiki: ListsWiki) -> None:
    """``query.querypage`` is one object whose ``results`` are the items."""
    results = {}
    for page in (
        api.QuerypageParams(qppage="Listredirects", qplimit="max"),
        api.QuerypageParams(qppage="Ancientpages", qplimit="max"),
    ):
        query = api.QueryParams(list=[page])
        result = lists_wiki.bot.get(**query.wire_params())["query"]["querypage"]
        assert unknown_fields(lists.QuerypageResult, result) == []
        assert result["name"] == page.qppage
        rows = typed_items(lists_wiki.bot, page, lists.QuerypageItem, limit=len(result["results"]))
        assert [set(row) for row in rows] == [set(row) for row in result["results"]]
        results[result["name"]] = rows

    columns = {"rd_namespace", "rd_title", "rd_fragment", "rd_interwiki", "redirid"}
    assert all(set(row["databaseResult"]) == columns for row in results["Listredirects"])
    value = results["Ancientpages"][0]["value"]  # YYYYMMDDhhmmss
    expected = f"{value[:4]}-{value[4:6]}-{value[6:8]}T{value[8:10]}:{value[10:12]}:{value[12:]}Z"
    assert results["Ancientpages"][0]["timestamp"] == expected


def test_search_items_and_searchinfo(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    params = api.SearchParams(
        srsearch=act.word,
        srwhat="text",
        srinfo=["totalhits", "suggestion", "rewrittenquery"],
        srprop=[
            "categorysnippet",
            "extensiondata",
            "isfilematch",
            "redirectsnippet",
            "redirecttitle",
            "sectionsnippet",
            "sectiontitle",
            "size",
            "snippet",
            "timestamp",
            "titlesnippet",
            "wordcount",
        ],
    )
    document = bot.get(**api.QueryParams(list=[params]).wire_params())
    for _ in range(20):  # the search index is updated just after the edit's answer
        if document["query"]["search"]:
            break
        time.sleep(0.1)
        document = bot.get(**api.QueryParams(list=[params]).wire_params())
    items = typed_items(bot, params, lists.SearchItem)

    assert unknown_fields(lists.SearchQueryResult, document["query"]) == []
    assert document["query"]["searchinfo"] == {"totalhits": 1}
    assert items == document["query"]["search"]
    assert items[0]["title"] == act.target
    assert f"<span class='searchmatch'>{act.word}</span>" in items[0]["snippet"]


def test_watchlistraw_items(lists_wiki: ListsWiki) -> None:
    """``list=watchlistraw`` answers at the top level of the document, not under ``query``."""
    act, bot = lists_wiki.activity, lists_wiki.bot
    params = api.WatchlistrawParams(wrprop=["changed"], wrshow=["changed"], wrlimit="max")
    raw = bot.get(**api.QueryParams(list=[params]).wire_params())["watchlistraw"]
    typed = typed_items(bot, params, lists.WatchlistrawItem, limit=5000)

    assert unknown_fields(list[lists.WatchlistrawItem], raw) == []
    assert titled(raw, act.target)["changed"] >= act.started
    assert titled(typed, act.target)["changed"] >= act.started


# -- tags and the upload stash -------------------------------------------------------------
def test_tags_items(lists_wiki: ListsWiki) -> None:
    props = values("active|defined|description|displayname|hitcount|source")
    params = api.TagsParams(tgprop=props, tglimit="max")
    items = both(lists_wiki.bot, params, lists.TagsItem)

    by_name = {item["name"]: item for item in items}
    assert by_name[TAG]["source"] == ["manual"]
    assert by_name[TAG]["hitcount"] >= 1
    assert by_name["mw-undo"]["displayname"] == "Undo"


def test_mystashedfiles_items(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    params = api.MystashedfilesParams(msfprop=["size", "type"], msflimit="max")
    strict_items(bot, params, lists.MystashedfilesItem)
    items = typed_items(bot, params, lists.MystashedfilesItem, limit=5000)

    (mine,) = [item for item in items if item["filekey"] == act.stash_key]
    assert (mine["status"], mine["size"], mine["mimetype"]) == ("finished", 80, "text/plain")


# -- changes -------------------------------------------------------------------------------
def change_props() -> list[Any]:
    return values("comment|flags|ids|loginfo|parsedcomment|tags|timestamp|title|user|userid")


def test_recentchanges_items(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    props = [*change_props(), "patrolled", "redirect", "sha1", "sizes"]
    params = api.RecentchangesParams(
        rcprop=props, rcstart=act.started, rcdir="newer", rclimit="max"
    )
    strict_items(bot, params, lists_more.RecentchangesItem)
    changes = typed_items(bot, params, lists_more.RecentchangesItem, limit=5000)

    mine = [change for change in changes if change.get("title") == act.target]
    assert [(c["type"], c["user"]) for c in mine] == [
        ("new", "Admin"),
        ("edit", "Tester"),
        ("edit", "Admin"),
        ("log", "Admin"),
    ]
    created, by_tester, tagged, protected = mine
    assert (created["new"], created["oldlen"], created["old_revid"]) == (True, 0, 0)
    assert by_tester["newlen"] > by_tester["oldlen"]
    assert not by_tester["bot"]
    assert tagged["tags"] == [TAG]
    assert (protected["logtype"], protected["logaction"]) == ("protect", "protect")
    assert [d["type"] for d in protected["logparams"]["details"]] == ["edit", "move"]


def test_watchlist_items(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    props = [*change_props(), "expiry", "notificationtimestamp", "patrol", "sizes"]
    params = api.WatchlistParams(
        wlprop=props, wlstart=act.started, wldir="newer", wlallrev=True, wllimit="max"
    )
    strict_items(bot, params, lists_more.WatchlistItem)
    changes = typed_items(bot, params, lists_more.WatchlistItem, limit=5000)

    mine = [change for change in changes if change.get("title") == act.target]
    assert [change["type"] for change in mine] == ["new", "edit", "edit", "log"]
    assert mine[1]["user"] == "Tester"
    assert mine[0]["expiry"] is False
    assert "protected" in mine[3]["logdisplay"]


def test_usercontribs_items(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    props = values("comment|flags|ids|parsedcomment|patrolled|size|sizediff|tags|timestamp|title")
    params = api.UsercontribsParams(
        ucuser=["Admin", "Tester"], ucprop=props, ucstart=act.started, ucdir="newer", uclimit="max"
    )
    strict_items(bot, params, lists_more.UsercontribsItem)
    contributions = typed_items(bot, params, lists_more.UsercontribsItem, limit=5000)

    mine = sorted((c for c in contributions if c["title"] == act.target), key=lambda c: c["revid"])
    assert [(c["user"], c["new"], c["top"]) for c in mine] == [
        ("Admin", True, False),
        ("Tester", False, False),
        ("Admin", False, False),
        ("Admin", False, True),  # the protection's null revision
    ]
    assert mine[1]["sizediff"] == mine[1]["size"] - mine[0]["size"]
    assert mine[2]["tags"] == [TAG]
    assert mine[3]["sizediff"] == 0


def test_logevents_items(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    props = values("comment|details|ids|parsedcomment|tags|timestamp|title|type|user|userid")
    params = api.LogeventsParams(leprop=props, lestart=act.started, ledir="newer", lelimit="max")
    strict_items(bot, params, lists_more.LogeventsItem)
    events = typed_items(bot, params, lists_more.LogeventsItem, limit=5000)

    def event(kind: str, title: str) -> Any:
        return [e for e in events if (e["type"], e["title"]) == (kind, title)][-1]

    assert event("move", f"{act.stem} To move")["params"]["target_title"] == act.moved
    assert event("delete", act.deleted)["action"] == "delete"
    assert event("upload", f"File:{act.file}")["comment"] == "a file"
    block = event("block", f"User:{BLOCKED_USER}")
    assert block["action"] in {"block", "reblock"}  # "block" on a fresh wiki
    assert (block["params"]["duration"], block["params"]["sitewide"]) == ("1 week", False)


# -- revisions -----------------------------------------------------------------------------
def revision_props() -> list[Any]:
    return values(
        "comment|content|contentmodel|flags|ids|parsedcomment|roles|"
        "sha1|size|slotsha1|slotsize|tags|timestamp|user|userid"
    )


def test_allrevisions_items(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    params = api.AllrevisionsParams(
        arvprop=revision_props(), arvslots=["*"], arvstart=act.started, arvdir="newer"
    )
    strict_items(bot, params, lists_more.AllrevisionsItem)
    pages = typed_items(bot, params, lists_more.AllrevisionsItem, limit=5000)

    revisions = [r for page in pages if page["title"] == act.target for r in page["revisions"]]
    assert [r["user"] for r in revisions] == ["Admin", "Tester", "Admin", "Admin"]
    assert "by Tester" in revisions[1]["slots"]["main"]["content"]
    assert revisions[2]["tags"] == [TAG]


def test_alldeletedrevisions_items(lists_wiki: ListsWiki) -> None:
    act = lists_wiki.activity
    params = api.AlldeletedrevisionsParams(
        adrprop=revision_props(), adrslots=["*"], adrprefix=act.stem, adrnamespace=[0]
    )
    pages = both(lists_wiki.bot, params, lists_more.AlldeletedrevisionsItem)

    assert [(page["title"], page["pageid"]) for page in pages] == [(act.deleted, 0)]
    assert pages[0]["revisions"][0]["slots"]["main"]["content"] == "to be deleted"


def test_deletedrevs_items(lists_wiki: ListsWiki) -> None:
    """``list=deletedrevs`` and ``drprop=token`` are deprecated: MediaWiki warns (APIWarning),
    and so do the typed params, before sending."""
    act = lists_wiki.activity
    props = values(
        "comment|content|len|minor|parentid|parsedcomment|revid|sha1|tags|user|userid|token"
    )
    params = api.DeletedrevsParams(drprop=props, drprefix=act.stem, drnamespace=0)
    with pytest.warns((mwtyped.APIWarning, DeprecationWarning)) as caught:
        pages = both(lists_wiki.bot, params, lists_more.DeletedrevsItem)

    messages = [str(warning.message) for warning in caught]
    assert any('"list=deletedrevs" has been deprecated' in message for message in messages)
    assert any("['token'] of 'drprop' are deprecated" in message for message in messages)
    assert [page["title"] for page in pages] == [act.deleted]
    revision = pages[0]["revisions"][0]
    assert (revision["text"], revision["len"]) == ("to be deleted", "13")
    assert pages[0]["token"].endswith("+\\")


# -- users and blocks ----------------------------------------------------------------------
def test_allusers_items(lists_wiki: ListsWiki) -> None:
    bot = lists_wiki.bot
    props = values("blockinfo|centralids|editcount|groups|implicitgroups|registration|rights")
    params = api.AllusersParams(auprefix=BLOCKED_USER, auprop=props)
    blocked = both(bot, params, lists_more.AllusersItem)
    active = both(
        bot, api.AllusersParams(auactiveusers=True, auprop=["editcount"]), lists_more.AllusersItem
    )

    (user,) = blocked
    assert (user["name"], user["blockreason"]) == (BLOCKED_USER, "partial")
    assert user["blockpartial"] is True
    assert user["centralids"] == {"local": user["userid"]}
    assert "blockexpiryrelative" in user
    assert "*" in user["groups"]
    assert all(item["recentactions"] > 0 for item in active)


def test_users_items(lists_wiki: ListsWiki) -> None:
    act, bot = lists_wiki.activity, lists_wiki.bot
    props = values(
        "blockinfo|cancreate|centralids|editcount|emailable|"
        "gender|groupmemberships|groups|implicitgroups|registration|rights"
    )
    names = ["Admin", BLOCKED_USER, f"Mwtyped Nobody {act.hexa}", "Bad[name"]
    users = both(bot, api.UsersParams(ususers=names, usprop=props), lists_more.UsersItem)
    by_id = both(bot, api.UsersParams(ususerids=[987654321]), lists_more.UsersItem)

    found = {user["name"]: user for user in users}
    assert {"group": "sysop", "expiry": "infinity"} in found["Admin"]["groupmemberships"]
    assert found[BLOCKED_USER]["blockid"] == act.block_ids[0]
    assert found[f"Mwtyped Nobody {act.hexa}"] == {
        "name": f"Mwtyped Nobody {act.hexa}",
        "missing": True,
        "cancreate": True,
    }
    assert found["Bad[name"] == {"name": "Bad[name", "invalid": True}
    assert by_id == [{"userid": 987654321, "missing": True}]


def test_blocks_items(lists_wiki: ListsWiki) -> None:
    act = lists_wiki.activity
    props = values("by|byid|expiry|flags|id|range|reason|restrictions|timestamp|user|userid")
    params = api.BlocksParams(bkids=list(act.block_ids), bkprop=props)
    blocks = {block["id"]: block for block in both(lists_wiki.bot, params, lists_more.BlocksItem)}

    target_id = lists_wiki.bot.get(action="query", titles=act.target)["query"]["pages"][0]["pageid"]
    partial, ranged = blocks[act.block_ids[0]], blocks[act.block_ids[1]]
    assert partial["restrictions"] == {
        "pages": [{"id": target_id, "ns": 0, "title": act.target}],
        "namespaces": [2, 4],
    }
    assert (ranged["rangestart"], ranged["rangeend"]) == ("10.99.77.0", "10.99.77.255")
    assert (ranged["user"], ranged["restrictions"], ranged["anononly"]) == (BLOCKED_RANGE, [], True)


# -- files ---------------------------------------------------------------------------------
def test_allimages_items(lists_wiki: ListsWiki) -> None:
    act = lists_wiki.activity
    props = values(
        "badfile|bitdepth|canonicaltitle|comment|commonmetadata|dimensions|extmetadata|mediatype|"
        "metadata|mime|parsedcomment|sha1|size|timestamp|url|user|userid"
    )
    params = api.AllimagesParams(aiprefix=act.file, aiprop=props)
    (image,) = both(lists_wiki.bot, params, lists_more.AllimagesItem)

    assert (image["name"], image["title"], image["size"]) == (act.file, f"File:{act.file}", 80)
    assert (image["mime"], image["mediatype"], image["user"]) == ("text/plain", "TEXT", "Admin")


def test_filearchive_items(lists_wiki: ListsWiki) -> None:
    act = lists_wiki.activity
    props = values(
        "archivename|bitdepth|description|dimensions|mediatype|metadata|"
        "mime|parseddescription|sha1|size|timestamp|user"
    )
    params = api.FilearchiveParams(faprefix=act.deleted_file, faprop=props)
    (archived,) = both(lists_wiki.bot, params, lists_more.FilearchiveItem)

    assert (archived["name"], archived["description"]) == (act.deleted_file, "to delete")
    assert (archived["size"], archived["mime"]) == ("80", "text/plain")
