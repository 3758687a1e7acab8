"""The ``meta=`` modules' members of ``QueryResult`` against real answers, strictly.

siteinfo with every ``siprop``; userinfo with every ``uiprop`` for a sysop, an anonymous
user and a (partially) blocked user; tokens of every type; allmessages with customised,
missing and argument-filled messages; authmanagerinfo in every message format;
filerepoinfo and languageinfo with every property. Each raw answer must have no field the
models lack, and each module goes once through ``session.request(QueryParams(meta=...))``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import mwtyped
from mwtyped.api import (
    AllmessagesParams,
    AuthmanagerinfoParams,
    FilerepoinfoParams,
    LanguageinfoParams,
    QueryParams,
    SiteinfoParams,
    TokensParams,
    UserinfoParams,
)
from mwtyped.responses import unknown_fields
from mwtyped.responses.query import QueryResponse
from mwtyped.testing import WikiSessions
from mwtyped.testwiki import WikiInfo

pytestmark = pytest.mark.integration

SIPROP = [
    "dbrepllag", "defaultoptions", "extensions", "extensiontags", "fileextensions",
    "functionhooks", "general", "interwikimap", "languages", "languagevariants", "libraries",
    "magicwords", "namespacealiases", "namespaces", "protocols", "restrictions", "rightsinfo",
    "showhooks", "skins", "specialpagealiases", "statistics", "uploaddialog", "usergroups",
    "variables",
]  # fmt: skip
UIPROP = [
    "acceptlang", "blockinfo", "centralids", "changeablegroups", "editcount", "email",
    "groupmemberships", "groups", "hasmsg", "implicitgroups", "latestcontrib", "options",
    "ratelimits", "realname", "registrationdate", "rights", "theoreticalratelimits",
    "unreadcount",
]  # fmt: skip
TOKEN_TYPES = ["createaccount", "csrf", "login", "patrol", "rollback", "userrights", "watch"]
LIPROP = ["autonym", "bcp47", "code", "dir", "fallbacks", "name", "variants"]
FRIPROP = [
    "canUpload", "displayname", "favicon", "initialCapital", "local", "name", "rootUrl",
    "scriptDirUrl", "thumbUrl", "url",
]  # fmt: skip


@dataclass(frozen=True)
class MetaWorld:
    """A partially blocked user (name, password) and a message the wiki defined itself."""

    blocked_user: str
    blocked_password: str
    local_message: str


@pytest.fixture(scope="module")
def meta_world(testwiki: WikiInfo) -> Iterator[MetaWorld]:
    sessions = WikiSessions(testwiki)
    bot, anon = sessions.session("bot"), sessions.session("anon")
    tag = uuid.uuid4().hex[:10]
    name, password = f"Qx blocked {tag}", uuid.uuid4().hex
    anon.post(
        action="createaccount", username=name, password=password, retype=password,
        createreturnurl="http://127.0.0.1/", createtoken=anon.token("createaccount"),
    )  # fmt: skip
    bot.post(
        action="block", user=name, expiry="1 day", reason="qx [[test]]", partial=True,
        pagerestrictions="Main Page", allowusertalk=True, token=bot.token(),
    )  # fmt: skip
    message = f"qx-msg-{tag}"
    bot.post(action="edit", title=f"MediaWiki:{message}", text="Local $1", token=bot.token())
    try:
        yield MetaWorld(name, password, message)
    finally:
        sessions.close()


def test_siteinfo_with_every_siprop(bot_session: mwtyped.Session) -> None:
    document = bot_session.get(
        action="query", meta="siteinfo", siprop="|".join(SIPROP), sinumberingroup=True,
        siinlanguagecode="de",
    )  # fmt: skip

    assert unknown_fields(QueryResponse, document) == []
    query = document["query"]
    assert set(SIPROP) <= set(query)
    assert query["general"]["generator"].startswith("MediaWiki 1.39.")
    assert query["general"]["imagelimits"]["0"] == {"width": 320, "height": 240}
    assert query["namespaces"]["6"]["canonical"] == "File"
    assert "canonical" not in query["namespaces"]["0"]
    assert {"id": 6, "alias": "Image"} in query["namespacealiases"]
    assert query["statistics"]["admins"] >= 1
    sysop = next(group for group in query["usergroups"] if group["name"] == "sysop")
    assert sysop["number"] >= 1
    assert "block" in sysop["rights"]
    assert "number" not in query["usergroups"][0]  # "*" has no size
    assert {"ext": "png"} in query["fileextensions"]
    assert next(s for s in query["skins"] if s.get("default"))["code"] == "vector"
    magic = next(word for word in query["magicwords"] if word["name"] == "redirect")
    assert (magic["aliases"], magic["case-sensitive"]) == (["#REDIRECT"], False)
    assert query["languagevariants"]["sr"]["sr-el"]["fallbacks"] == ["sr"]
    assert next(lang for lang in query["languages"] if lang["code"] == "de")["name"] == "Deutsch"
    assert query["restrictions"]["cascadinglevels"] == ["sysop"]
    assert query["dbrepllag"][0]["host"] == ""  # hidden without $wgShowHostnames

    typed = bot_session.request(
        QueryParams(meta=[SiteinfoParams.model_validate({"siprop": SIPROP})])
    )
    assert typed["query"]["general"]["sitename"] == query["general"]["sitename"]


def test_userinfo_of_a_sysop(bot_session: mwtyped.Session) -> None:
    bot_session.client.headers["Accept-Language"] = "de, en;q=0.5"
    document = bot_session.get(
        action="query", meta="userinfo", uiprop="|".join(UIPROP), uiattachedwiki="testwiki"
    )

    assert unknown_fields(QueryResponse, document) == []
    me = document["query"]["userinfo"]
    assert (me["id"], me["name"]) == (1, "Admin")
    assert "anon" not in me
    assert "sysop" in me["groups"]
    assert {"group": "sysop", "expiry": "infinity"} in me["groupmemberships"]
    assert me["acceptlang"] == [{"q": 1, "code": "de"}, {"q": 0.5, "code": "en"}]
    assert me["ratelimits"] == {}  # sysops have noratelimit
    assert me["theoreticalratelimits"]["edit"]["user"]["seconds"] == 60
    assert me["centralids"] == {"local": 1}
    assert me["attachedwiki"] == {"local": True}
    assert me["editcount"] > 0

    typed = bot_session.request(
        QueryParams(meta=[UserinfoParams.model_validate({"uiprop": UIPROP})])
    )
    assert typed["query"]["userinfo"]["name"] == "Admin"


def test_userinfo_of_an_anonymous_and_a_blocked_user(
    anon_session: mwtyped.Session, wiki_sessions: WikiSessions, meta_world: MetaWorld
) -> None:
    anon = anon_session.get(action="query", meta="userinfo", uiprop="|".join(UIPROP))
    blocked_session = wiki_sessions.session("anon")
    blocked_session.login(meta_world.blocked_user, meta_world.blocked_password)
    blocked = blocked_session.get(action="query", meta="userinfo", uiprop="|".join(UIPROP))

    assert unknown_fields(QueryResponse, anon) == []
    assert unknown_fields(QueryResponse, blocked) == []
    nobody = anon["query"]["userinfo"]
    assert (nobody["id"], nobody["anon"], nobody["groups"]) == (0, True, ["*"])
    assert nobody["ratelimits"]["edit"]["ip"] == {"hits": 8, "seconds": 60}
    me = blocked["query"]["userinfo"]
    assert me["name"] == meta_world.blocked_user
    assert (me["blockedby"], me["blockreason"]) == ("Admin", "qx [[test]]")
    assert (me["blockpartial"], me["blocknocreate"], me["blockanononly"]) == (True, False, False)
    assert "blockexpiryrelative" in me

    typed = blocked_session.request(QueryParams(meta=[UserinfoParams(uiprop=["blockinfo"])]))
    assert typed["query"]["userinfo"]["blockid"] == me["blockid"]


def test_tokens_of_every_type(bot_session: mwtyped.Session, anon_session: mwtyped.Session) -> None:
    mine = bot_session.get(action="query", meta="tokens", type="*")
    anons = anon_session.get(action="query", meta="tokens", type="*")

    for document in (mine, anons):
        assert unknown_fields(QueryResponse, document) == []
        assert sorted(document["query"]["tokens"]) == [f"{t}token" for t in TOKEN_TYPES]
    assert anons["query"]["tokens"]["csrftoken"] == "+\\"
    assert mine["query"]["tokens"]["csrftoken"].endswith("+\\")
    assert len(mine["query"]["tokens"]["csrftoken"]) > 2

    typed = bot_session.request(
        QueryParams(meta=[TokensParams.model_validate({"type": TOKEN_TYPES})])
    )
    assert typed["query"]["tokens"]["watchtoken"].endswith("+\\")


def test_allmessages_customised_missing_and_with_arguments(
    bot_session: mwtyped.Session, meta_world: MetaWorld
) -> None:
    names = f"{meta_world.local_message}|pagetitle|qx-no-such-message"
    all_of_them = bot_session.get(
        action="query", meta="allmessages", ammessages=names, amprop="default", amargs="X",
        amincludelocal=True, amenableparser=True,
    )  # fmt: skip
    customised = bot_session.get(
        action="query", meta="allmessages", ammessages=names, amcustomised="modified",
        amincludelocal=True,
    )  # fmt: skip

    for document in (all_of_them, customised):
        assert unknown_fields(QueryResponse, document) == []
    local, pagetitle, missing = all_of_them["query"]["allmessages"]
    assert (local["content"], local["defaultmissing"]) == ("Local X", True)
    assert (pagetitle["content"], pagetitle["default"]) == ("X - TestWiki", "$1 - {{SITENAME}}")
    assert missing == {"name": "qx-no-such-message", "normalizedname": "qx-no-such-message",
                       "missing": True}  # fmt: skip
    assert customised["query"]["allmessages"] == [
        {"name": meta_world.local_message, "normalizedname": meta_world.local_message,
         "customised": True, "content": "Local $1"},
    ]  # fmt: skip

    typed = bot_session.request(QueryParams(meta=[AllmessagesParams(ammessages=["pagetitle"])]))
    assert typed["query"]["allmessages"][0]["content"] == "$1 - {{SITENAME}}"


@pytest.mark.parametrize("message_format", ["wikitext", "html", "raw", "none"])
def test_authmanagerinfo_in_every_message_format(
    anon_session: mwtyped.Session, message_format: str
) -> None:
    split = anon_session.get(
        action="query", meta="authmanagerinfo", amirequestsfor="login",
        amimessageformat=message_format,
    )  # fmt: skip
    merged = anon_session.get(
        action="query", meta="authmanagerinfo", amirequestsfor="login",
        amimergerequestfields=True, amimessageformat=message_format,
        amisecuritysensitiveoperation="qx-operation",
    )  # fmt: skip

    for document in (split, merged):
        assert unknown_fields(QueryResponse, document) == []
    info = merged["query"]["authmanagerinfo"]
    # Logged out, a security-sensitive operation needs a fresh login first.
    assert (info["canauthenticatenow"], info["securitysensitiveoperationstatus"]) == (
        True,
        "reauth",
    )
    assert info["fields"]["password"]["sensitive"] is True
    label = info["fields"]["username"].get("label")
    expected = {"wikitext": "Username", "html": "Username", "none": None}
    assert label == expected.get(message_format, {"key": "userlogin-yourname", "params": []})
    request = split["query"]["authmanagerinfo"]["requests"][0]
    assert request["required"] == "primary-required"
    assert set(request["fields"]) == {"username", "password"}

    typed = anon_session.request(QueryParams(meta=[AuthmanagerinfoParams(amirequestsfor="login")]))
    assert typed["query"]["authmanagerinfo"]["preservedusername"] == ""


def test_filerepoinfo_and_languageinfo(bot_session: mwtyped.Session) -> None:
    repos = bot_session.get(action="query", meta="filerepoinfo", friprop="|".join(FRIPROP))
    languages = bot_session.get(
        action="query", meta="languageinfo", liprop="|".join(LIPROP), licode="en|sr|zh"
    )

    assert unknown_fields(QueryResponse, repos) == []
    assert unknown_fields(QueryResponse, languages) == []
    (local,) = repos["query"]["repos"]
    assert (local["name"], local["local"], local["canUpload"]) == ("local", True, True)
    assert local["rootUrl"] == "/images"
    serbian = languages["query"]["languageinfo"]["sr"]
    assert serbian["variants"] == ["sr", "sr-ec", "sr-el"]
    assert (serbian["code"], serbian["bcp47"], serbian["dir"]) == ("sr", "sr", "ltr")
    assert languages["query"]["languageinfo"]["en"]["fallbacks"] == []

    typed = bot_session.request(
        QueryParams(
            meta=[
                FilerepoinfoParams.model_validate({"friprop": FRIPROP}),
                LanguageinfoParams.model_validate({"licode": ["de"], "liprop": LIPROP}),
            ]
        )
    )
    assert typed["query"]["repos"][0]["displayname"] == "TestWiki"
    assert typed["query"]["languageinfo"]["de"]["autonym"] == "Deutsch"
