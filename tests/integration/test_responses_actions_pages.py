"""Response models of the page-changing actions (edit, move, delete, undelete, protect,
rollback, patrol, changecontentmodel, mergehistory, setpagelanguage, import) against the wiki.

Every test checks raw answers strictly and sends one request through the typed path; see
``test_responses_actions`` for the helpers.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

import mwtyped
from mwtyped import api
from mwtyped.responses import actions_pages as pages
from mwtyped.testwiki import WikiInfo
from tests.integration.test_responses_actions import strict, typed, unique

pytestmark = pytest.mark.integration


def moved_from(title: str) -> dict[str, Any]:
    """The ``from`` parameter (a Python keyword) as keyword arguments."""
    return {"from": title}


def test_edit_response_new_changed_and_unchanged(bot_session: mwtyped.Session) -> None:
    title = unique("Edit")
    created = typed(
        bot_session,
        api.EditParams(title=title, text="first", summary="new", watchlist="watch"),
        pages.EditResponse,
    )
    edit = strict(pages.EditResponse, created)["edit"]
    assert edit["result"] == "Success"
    assert edit.get("new") is True
    assert (edit.get("oldrevid"), edit.get("title"), edit.get("watched")) == (0, title, True)

    changed = strict(pages.EditResponse, bot_session.post(action="edit", title=title, text="2nd"))
    assert "new" not in changed["edit"]
    assert changed["edit"].get("oldrevid") == edit.get("newrevid")

    same = strict(pages.EditResponse, bot_session.post(action="edit", title=title, text="2nd"))
    assert same["edit"].get("nochange") is True
    assert "newrevid" not in same["edit"]


def test_edit_response_following_a_redirect(bot_session: mwtyped.Session) -> None:
    target, redirect = unique("Edit target"), unique("Edit redirect")
    bot_session.post(action="edit", title=target, text="target")
    bot_session.post(action="edit", title=redirect, text=f"#REDIRECT [[{target}]]")
    answer = strict(
        pages.EditResponse,
        bot_session.post(action="edit", title=redirect, appendtext="\nmore", redirect=1),
    )

    assert answer.get("redirects") == {"from": redirect, "to": target}
    assert answer["edit"].get("title") == target


def test_move_response_with_talk_page_and_subpages(bot_session: mwtyped.Session) -> None:
    source = "Project:" + unique("Move")
    talk = source.replace("Project:", "Project talk:")
    for title in (source, talk, f"{source}/sub", f"{talk}/sub"):
        bot_session.post(action="edit", title=title, text="to move")
    target = "Project:" + unique("Moved")
    answer = strict(
        pages.MoveResponse,
        bot_session.post(
            action="move",
            to=target,
            reason="moving",
            movetalk=1,
            movesubpages=1,
            watchlist="watch",
            **moved_from(source),
        ),
    )

    move = answer["move"]
    site = "TestWiki"  # $wgMetaNamespace: "Project:" comes back as the wiki's name
    assert move["from"] == source.replace("Project:", f"{site}:")
    assert (move["redirectcreated"], move["moveoverredirect"]) == (True, False)
    assert move.get("talkto") == target.replace("Project:", f"{site} talk:")
    assert move.get("subpages") == [
        {"from": f"{move['from']}/sub", "to": f"{move['to']}/sub"},
    ]
    assert len(move.get("subpages-talk", [])) == 1


def test_move_response_when_the_talk_page_cannot_follow(bot_session: mwtyped.Session) -> None:
    source, target = unique("Move talk"), unique("Move talk taken")
    bot_session.post(action="edit", title=source, text="page")
    bot_session.post(action="edit", title=f"Talk:{source}", text="talk")
    bot_session.post(action="edit", title=f"Talk:{target}", text="already there")
    answer = strict(
        pages.MoveResponse,
        bot_session.post(
            action="move", to=target, movetalk=1, movesubpages=1, **moved_from(source)
        ),
    )

    move = answer["move"]
    assert [error["code"] for error in move.get("talkmove-errors", [])] == ["articleexists"]
    subpages = move.get("subpages")
    assert isinstance(subpages, dict)
    assert subpages["errors"][0]["code"] == "namespace-nosubpages"

    moved_again = typed(
        bot_session,
        api.MoveParams(from_=target, to=unique("Moved typed"), noredirect=True),
        pages.MoveResponse,
    )
    assert moved_again["move"]["redirectcreated"] is False


def test_delete_and_undelete_responses(bot_session: mwtyped.Session) -> None:
    title = unique("Delete")
    bot_session.post(action="edit", title=title, text="one")
    bot_session.post(action="edit", title=title, text="two")
    deleted = typed(bot_session, api.DeleteParams(title=title, reason="gone"), pages.DeleteResponse)
    assert strict(pages.DeleteResponse, deleted)["delete"]["reason"] == "gone"
    assert deleted["delete"].get("logid", 0) > 0

    restored = typed(
        bot_session, api.UndeleteParams(title=title, reason="back"), pages.UndeleteResponse
    )
    assert strict(pages.UndeleteResponse, restored)["undelete"] == {
        "title": title,
        "revisions": 2,
        "fileversions": 0,
        "reason": "back",
    }


def test_protect_response(bot_session: mwtyped.Session) -> None:
    title = unique("Protect")
    bot_session.post(action="edit", title=title, text="protect me")
    answer = strict(
        pages.ProtectResponse,
        bot_session.post(
            action="protect",
            title=title,
            protections="edit=sysop|move=sysop",
            expiry="infinite|2099-01-01T00:00:00Z",
            cascade=1,
            reason="locked",
        ),
    )
    assert answer["protect"].get("cascade") is True
    assert answer["protect"]["protections"] == [
        {"edit": "sysop", "expiry": "infinite"},
        {"move": "sysop", "expiry": "2099-01-01T00:00:00Z"},
    ]

    salted = typed(
        bot_session,
        api.ProtectParams(title=unique("Salted"), protections=["create=sysop"], expiry=["1 week"]),
        pages.ProtectResponse,
    )
    (salt,) = salted["protect"]["protections"]
    assert salt.get("create") == "sysop"
    assert "cascade" not in salted["protect"]

    lifted = bot_session.post(action="protect", title=title, protections="edit=all")
    assert strict(pages.ProtectResponse, lifted)["protect"]["protections"] == [
        {"edit": "", "expiry": "infinite"}
    ]


def test_rollback_and_patrol_responses(
    bot_session: mwtyped.Session, user_session: mwtyped.Session
) -> None:
    title = unique("Rollback")
    first = bot_session.post(action="edit", title=title, text="by Admin")["edit"]["newrevid"]
    tester = user_session.post(action="edit", title=title, text="by Tester")["edit"]["newrevid"]
    changes = bot_session.get(
        action="query", list="recentchanges", rctitle=title, rcprop="ids", rcshow="!patrolled"
    )["query"]["recentchanges"]
    (change,) = changes
    patrolled = strict(pages.PatrolResponse, bot_session.post(action="patrol", rcid=change["rcid"]))
    assert patrolled["patrol"] == {"rcid": change["rcid"], "ns": 0, "title": title}

    answer = strict(
        pages.RollbackResponse,
        bot_session.post(action="rollback", title=title, user="Tester", summary="undone"),
    )
    rollback = answer["rollback"]
    assert (rollback["old_revid"], rollback["last_revid"]) == (tester, first)
    assert (rollback["summary"], rollback["revid"] > tester) == ("undone", True)

    again = user_session.post(action="edit", title=title, text="again")["edit"]["newrevid"]
    by_revid = typed(bot_session, api.PatrolParams(revid=again), pages.PatrolResponse)
    assert by_revid["patrol"]["title"] == title
    rolled = typed(
        bot_session, api.RollbackParams(title=title, user="Tester"), pages.RollbackResponse
    )
    assert rolled["rollback"]["old_revid"] == again


def test_changecontentmodel_and_mergehistory_responses(bot_session: mwtyped.Session) -> None:
    title = unique("Model")
    bot_session.post(action="edit", title=title, text='{"a": 1}')
    changed = typed(
        bot_session,
        api.ChangecontentmodelParams(title=title, model="json", summary="to json"),
        pages.ChangecontentmodelResponse,
    )
    result = strict(pages.ChangecontentmodelResponse, changed)["changecontentmodel"]
    assert (result["result"], result["contentmodel"], result["title"]) == ("Success", "json", title)

    source, target = unique("Merge from"), unique("Merge into")
    bot_session.post(action="edit", title=source, text="older history")
    time.sleep(1.1)  # the target's history must start later than the source's
    bot_session.post(action="edit", title=target, text="newer history")
    merged = strict(
        pages.MergehistoryResponse,
        bot_session.post(action="mergehistory", to=target, reason="merge", **moved_from(source)),
    )
    assert (merged["mergehistory"]["from"], merged["mergehistory"]["to"]) == (source, target)
    assert merged["mergehistory"]["timestamp"].endswith("Z")

    with pytest.raises(mwtyped.APIError) as refused:
        typed(
            bot_session,
            api.MergehistoryParams(from_=source, to=target),
            pages.MergehistoryResponse,
        )
    assert refused.value.code == "mergehistory-fail-timestamps-overlap"


def test_setpagelanguage_is_refused_on_this_wiki(bot_session: mwtyped.Session) -> None:
    # $wgPageLanguageUseDB is off: only the error can be seen here; the model follows the
    # documented answer {"setpagelanguage": {title, oldlanguage, newlanguage, logid}}.
    with pytest.raises(mwtyped.APIError) as refused:
        typed(
            bot_session,
            api.SetpagelanguageParams(title="Main Page", lang="de"),
            pages.SetpagelanguageResponse,
        )
    assert refused.value.code == "pagelang-disabled"


def test_import_response(bot_session: mwtyped.Session, testwiki: WikiInfo) -> None:
    title, imported = unique("Export"), unique("Imported")
    bot_session.post(action="edit", title=title, text="exported text")
    query: dict[str, str | int] = {"action": "query", "export": 1, "exportnowrap": 1}
    query["titles"] = title
    dump = httpx.get(testwiki.api_url, params=query, timeout=30).text.replace(title, imported)
    answer = typed(
        bot_session,
        api.ImportParams(xml=dump.encode(), interwikiprefix="mwtyped", summary="imported"),
        pages.ImportResponse,
    )
    assert strict(pages.ImportResponse, answer)["import"] == [
        {"ns": 0, "title": imported, "revisions": 1}
    ]

    again = bot_session.request(
        "POST",
        {"action": "import", "interwikiprefix": "mwtyped"},
        files={"xml": ("dump.xml", dump.encode())},
    )
    assert strict(pages.ImportResponse, again)["import"][0].get("revisions") == 0
