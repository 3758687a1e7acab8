"""Response models of the administrators' actions (block, unblock, userrights, managetags,
tag, revisiondelete) and of ``compare`` on hidden revisions, against the test wiki.

The bot password lacks a few rights: Admin's main account manages tags and user groups, and
a throwaway account it puts in ``suppress`` (the only group with ``deleterevision`` in 1.39)
hides revisions. Helpers are in ``test_responses_actions``.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import mwtyped
from mwtyped import api
from mwtyped.responses import actions_admin as admin_models
from mwtyped.responses import actions_parse as parse_models
from mwtyped.testing import WikiSessions
from mwtyped.testwiki import WikiInfo
from tests.integration.test_responses_actions import admin_session, strict, typed, unique

pytestmark = pytest.mark.integration
TO_TEXT: dict[str, Any] = {"totext-main": "three"}  # a templated parameter


@dataclass(frozen=True)
class Staff:
    """Sessions with the rights these modules need, and an account to act on."""

    bot: mwtyped.Session
    admin: mwtyped.Session
    suppressor: mwtyped.Session
    target: str


def create_account(bot: mwtyped.Session) -> tuple[str, str]:
    name = f"Mwtyped Actions {uuid.uuid4().hex[:10]}"
    password = "Act-" + secrets.token_hex(10)
    created = bot.post(
        action="createaccount",
        username=name,
        password=password,
        retype=password,
        createreturnurl="http://127.0.0.1/",
    )
    assert created["createaccount"]["status"] == "PASS"
    return name, password


@pytest.fixture(scope="module")
def staff(testwiki: WikiInfo) -> Iterator[Staff]:
    wiki = WikiSessions(testwiki)
    try:
        bot = wiki.session("bot")
        admin = admin_session(wiki)
        name, password = create_account(bot)
        admin.post(action="userrights", user=name, add="suppress|sysop", reason="actions tests")
        suppressor = wiki.session("anon")
        suppressor.login(name, password)
        target, _ = create_account(bot)
        yield Staff(bot, admin, suppressor, target)
    finally:
        wiki.close()


def test_block_and_unblock_responses(staff: Staff) -> None:
    page = unique("Block")
    staff.bot.post(action="edit", title=page, text="blocked from here")
    partial = staff.bot.post(
        action="block",
        user=staff.target,
        expiry="1 week",
        reason="partial",
        nocreate=1,
        autoblock=1,
        allowusertalk=1,
        watchuser=1,
        partial=1,
        pagerestrictions=page,
        namespacerestrictions="4",
    )
    block = strict(admin_models.BlockResponse, partial)["block"]
    assert (block["user"], block["partial"], block["watchuser"]) == (staff.target, True, True)
    assert (block["pagerestrictions"], block["namespacerestrictions"]) == ([page], [4])
    assert block["userID"] > 0

    hidden = typed(
        staff.suppressor,
        api.BlockParams(user=staff.target, expiry="infinite", hidename=True, reblock=True),
        admin_models.BlockResponse,
    )
    assert hidden["block"]["hidename"] is True
    assert (hidden["block"]["pagerestrictions"], hidden["block"]["expiry"]) == (None, "infinite")

    removed = typed(
        staff.suppressor,
        api.UnblockParams(user=staff.target, reason="done"),
        admin_models.UnblockResponse,
    )
    assert strict(admin_models.UnblockResponse, removed)["unblock"] == {
        "id": hidden["block"]["id"],
        "user": staff.target,
        "userid": block["userID"],
        "reason": "done",
    }

    network = "192.0.2.16/28"
    ranged = strict(
        admin_models.BlockResponse,
        staff.bot.post(action="block", user=network, expiry="1 day", anononly=1, reblock=1),
    )
    assert (ranged["block"]["userID"], ranged["block"]["anononly"]) == (0, True)
    lifted = strict(admin_models.UnblockResponse, staff.bot.post(action="unblock", user=network))
    assert lifted["unblock"]["userid"] == 0


def test_userrights_response(staff: Staff) -> None:
    added = staff.admin.post(
        action="userrights", user=staff.target, add="bot|interface-admin", expiry="infinite|1 month"
    )
    result = strict(admin_models.UserrightsResponse, added)["userrights"]
    assert (result["user"], result["added"], result["removed"]) == (
        staff.target,
        ["bot", "interface-admin"],
        [],
    )

    removed = typed(
        staff.admin,
        api.UserrightsParams(user=staff.target, remove=["bot", "interface-admin"]),
        admin_models.UserrightsResponse,
    )
    assert removed["userrights"]["removed"] == ["bot", "interface-admin"]
    assert removed["userrights"]["added"] == []


def test_managetags_and_tag_responses(staff: Staff) -> None:
    tag = f"mwtyped-actions-{uuid.uuid4().hex[:8]}"
    created = typed(
        staff.admin,
        api.ManagetagsParams(operation="create", tag=tag, reason="actions tests"),
        admin_models.ManagetagsResponse,
    )
    assert strict(admin_models.ManagetagsResponse, created)["managetags"]["success"] is True
    assert created["managetags"].get("logid", 0) > 0

    page = unique("Tag")
    revid = staff.bot.post(action="edit", title=page, text="tag me")["edit"]["newrevid"]
    outcomes = strict(
        admin_models.TagResponse,
        staff.admin.post(action="tag", revid=f"{revid}|999999999", add=tag, reason="tagged"),
    )["tag"]
    assert outcomes[0].get("added") == [tag]
    assert outcomes[0].get("actionlogid", 0) > 0
    assert (outcomes[1]["status"], outcomes[1].get("code")) == ("error", "nosuchrevid")

    noop = typed(staff.admin, api.TagParams(revid=[revid], add=[tag]), admin_models.TagResponse)
    assert noop["tag"] == [{"revid": revid, "status": "success", "noop": True}]
    change = staff.bot.get(action="query", list="recentchanges", rctitle=page, rcprop="ids")
    rcid = change["query"]["recentchanges"][0]["rcid"]
    by_rcid = strict(
        admin_models.TagResponse, staff.admin.post(action="tag", rcid=rcid, remove=tag)
    )
    assert by_rcid["tag"][0].get("removed") == [tag]
    logid = created["managetags"].get("logid")
    by_logid = strict(
        admin_models.TagResponse, staff.admin.post(action="tag", logid=logid, add=tag)
    )
    assert by_logid["tag"][0].get("logid") == logid

    for operation in ("deactivate", "activate", "delete"):
        answer = staff.admin.post(
            action="managetags", operation=operation, tag=tag, ignorewarnings=1
        )
        assert (
            strict(admin_models.ManagetagsResponse, answer)["managetags"]["operation"] == operation
        )


def test_revisiondelete_response(staff: Staff) -> None:
    page = unique("Revdel")
    first = staff.bot.post(action="edit", title=page, text="one", summary="secret")["edit"]
    current = staff.bot.post(action="edit", title=page, text="two")["edit"]["newrevid"]
    hidden = typed(
        staff.suppressor,
        api.RevisiondeleteParams(
            type="revision", target=page, ids=[str(first["newrevid"])], hide=["comment", "user"]
        ),
        admin_models.RevisiondeleteResponse,
    )
    result = strict(admin_models.RevisiondeleteResponse, hidden)["revisiondelete"]
    (item,) = result["items"]
    assert (result["status"], result["target"], item["id"]) == ("Success", page, first["newrevid"])
    assert (item.get("userhidden"), item.get("commenthidden"), item.get("texthidden")) == (
        True,
        True,
        False,
    )

    refused = staff.suppressor.post(
        action="revisiondelete",
        type="revision",
        target=page,
        ids=f"{current}|999999999",
        hide="content",
    )
    current_item, unknown = strict(admin_models.RevisiondeleteResponse, refused)["revisiondelete"][
        "items"
    ]
    assert [error["code"] for error in current_item.get("errors", [])] == ["revdelete-hide-current"]
    assert (unknown["status"], unknown["id"], set(unknown)) == (
        "Fail",
        999999999,
        {"status", "errors", "id"},
    )
    assert [error["code"] for error in unknown.get("errors", [])] == ["revdelete-modify-missing"]

    creations = staff.bot.get(action="query", list="logevents", letitle=page, letype="create")
    logid = creations["query"]["logevents"][0]["logid"]
    on_log = staff.suppressor.post(
        action="revisiondelete", type="logging", ids=str(logid), hide="comment", suppress="yes"
    )
    (log_item,) = strict(admin_models.RevisiondeleteResponse, on_log)["revisiondelete"]["items"]
    assert (log_item.get("type"), log_item.get("action"), log_item.get("commenthidden")) == (
        "create",
        "create",
        True,
    )
    assert log_item.get("userid") == "1"  # a string for log entries (Admin is user 1)


def test_revisiondelete_response_on_an_old_file_version(staff: Staff) -> None:
    name = f"Mwtyped-actions-{uuid.uuid4().hex[:10]}.txt"
    staff.bot.post(upload_file=secrets.token_hex(30).encode(), action="upload", filename=name)
    time.sleep(1.1)  # an old version is archived under its second
    staff.bot.post(
        upload_file=secrets.token_hex(40).encode(), action="upload", filename=name, ignorewarnings=1
    )
    versions = staff.bot.get(
        action="query", titles=f"File:{name}", prop="imageinfo", iiprop="archivename", iilimit=2
    )["query"]["pages"][0]["imageinfo"]
    archived = versions[1]["archivename"]
    answer = staff.suppressor.post(
        action="revisiondelete",
        type="oldimage",
        target=f"File:{name}",
        ids=archived.split("!")[0],
        hide="content",
    )
    (item,) = strict(admin_models.RevisiondeleteResponse, answer)["revisiondelete"]["items"]
    assert (item.get("archivename"), item.get("contenthidden"), item.get("size")) == (
        archived,
        True,
        60,
    )
    assert "Special:RevisionDelete" in item.get("url", "")


def test_compare_response_of_hidden_and_deleted_revisions(staff: Staff) -> None:
    page = unique("Compare hidden")
    first = staff.bot.post(action="edit", title=page, text="one", summary="hide me")["edit"]
    second = staff.bot.post(action="edit", title=page, text="two")["edit"]
    staff.suppressor.post(
        action="revisiondelete",
        type="revision",
        target=page,
        ids=str(first["newrevid"]),
        hide="comment|user|content",
        suppress="yes",
    )
    props = "comment|diff|diffsize|ids|parsedcomment|rel|size|timestamp|title|user"
    answer = staff.suppressor.get(
        action="compare", fromrev=first["newrevid"], torev=second["newrevid"], prop=props
    )
    compared = strict(parse_models.CompareResponse, answer)["compare"]
    assert compared.get("fromtexthidden") is compared.get("fromsuppressed") is True
    assert compared.get("fromuserhidden") is compared.get("fromcommenthidden") is True
    assert compared.get("fromuser") == compared.get("touser")  # suppressors still see it

    staff.bot.post(action="delete", title=page, reason="compare archived")
    archived = staff.suppressor.get(
        action="compare", fromrev=second["newrevid"], toslots="main", prop=props, **TO_TEXT
    )
    assert strict(parse_models.CompareResponse, archived)["compare"].get("fromarchive") is True
