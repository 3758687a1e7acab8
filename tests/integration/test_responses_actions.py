"""The ``<Module>Response`` models of ``action=`` modules against real answers of the test wiki.

Each test asks a module with its richest options, checks that the model declares every field
of the raw answer (:func:`strict`, i.e. ``unknown_fields``), and sends it once through
``Session.request`` with the generated params class (:func:`typed`). Here: the helpers the
other ``test_responses_actions_*`` files share, the page-set actions (purge, watch,
setnotificationtimestamp), small modules, opensearch and paraminfo/help.
"""

from __future__ import annotations

import importlib
import json
import uuid
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from pydantic import TypeAdapter

import mwtyped
from mwtyped import api
from mwtyped._typed import ActionParams
from mwtyped.responses import UntypedResponse, unknown_fields
from mwtyped.responses import actions as act
from mwtyped.responses import actions_paraminfo as info_models
from mwtyped.testing import WikiSessions
from mwtyped.testwiki import WikiInfo

pytestmark = pytest.mark.integration

T = TypeVar("T")
SNAPSHOT = Path(__file__).parents[2] / "schemas" / "snapshots" / "mediawiki-1.39-core.json"
# Answers that are not JSON: RSS/Atom feeds and RSD XML. (query has responses.query.)
UNTYPED_ACTIONS = {"feedcontributions", "feedrecentchanges", "feedwatchlist", "rsd"}
ACTION_MODEL_MODULES = (
    "actions",
    "actions_admin",
    "actions_files",
    "actions_pages",
    "actions_paraminfo",
    "actions_parse",
    "actions_users",
)


def unique(what: str) -> str:
    """A page title no other test (or earlier run) uses."""
    return f"Mwtyped Actions {what} {uuid.uuid4().hex[:10]}"


def strict(model: Any, document: T) -> T:
    """``document`` after checking that ``model`` declares every one of its fields and
    validates it. Top-level ``warnings`` are left out: sessions turn them into APIWarnings."""
    checked: Any = document
    if isinstance(document, dict):
        checked = {key: value for key, value in document.items() if key != "warnings"}
    assert unknown_fields(model, checked) == []
    TypeAdapter(model).validate_python(checked)
    return document


def typed(session: mwtyped.Session, params: ActionParams[Any], model: type[T]) -> T:
    """The typed path: ``Session.request(params)``, validated as ``model``, which is what the
    generated params class does itself once it links the model."""
    assert type(params).response_type in (UntypedResponse, model)
    answer = session.request(params)
    validated: T = TypeAdapter(model).validate_python(answer)
    return validated


def admin_session(wiki_sessions: WikiSessions) -> mwtyped.Session:
    """Admin's main account (bureaucrat, managechangetags...), beyond the bot's grants."""
    admin = wiki_sessions.session("anon")
    admin.login(wiki_sessions.info.admin_user, wiki_sessions.info.admin_password)
    return admin


def test_every_action_module_has_a_response_model() -> None:
    snapshot = json.loads(SNAPSHOT.read_text())
    names = {m["name"] for m in snapshot["paraminfo"]["modules"] if m.get("group") == "action"}
    stems = {name[0].upper() + "".join(c for c in name[1:] if c.isalnum()) for name in names}
    exported: set[str] = set()
    for module in ACTION_MODEL_MODULES:
        exported |= set(importlib.import_module(f"mwtyped.responses.{module}").__all__)

    assert len(names) == 50
    missing = {f"{stem}Response" for stem in stems} - exported
    assert missing == {f"{name.capitalize()}Response" for name in UNTYPED_ACTIONS | {"query"}}


# -- page-set actions ----------------------------------------------------------------------
def test_purge_response(bot_session: mwtyped.Session, cont_pages: list[str]) -> None:
    page, redirect = unique("Purge"), unique("Purge redirect")
    bot_session.post(action="edit", title=page, text="purge me")
    bot_session.post(action="edit", title=redirect, text=f"#REDIRECT [[{page}]]")
    titles = [page, "main page", "Special:Version", "Special:Nope", "Bad[title]"]
    titles += ["Mwtyped no such page", "wikipedia:Foo", redirect]
    answer = strict(
        act.PurgeResponse,
        bot_session.post(action="purge", titles="|".join(titles), forcelinkupdate=1, redirects=1),
    )

    by_title = {entry.get("title"): entry for entry in answer["purge"]}
    assert by_title[page] == {"ns": 0, "title": page, "purged": True, "linkupdate": True}
    assert by_title["Bad[title]"]["invalid"] is True
    assert by_title["Special:Nope"] == {
        "ns": -1,
        "title": "Special:Nope",
        "special": True,
        "missing": True,
    }
    assert by_title["wikipedia:Foo"]["iw"] == "wikipedia"
    assert answer["normalized"][0]["to"] == "Main page"
    assert answer["redirects"] == [{"from": redirect, "to": page}]

    unknown_ids = bot_session.post(action="purge", pageids="999999999")
    assert strict(act.PurgeResponse, unknown_ids)["purge"] == [
        {"pageid": 999999999, "missing": True}
    ]
    unknown_revs = strict(act.PurgeResponse, bot_session.post(action="purge", revids="999999999"))
    assert unknown_revs["purge"] == [{"revid": 999999999, "missing": True}]

    generated = typed(
        bot_session,
        api.PurgeParams(generator=api.AllpagesParams(apprefix="Cont ", aplimit=2)),
        act.PurgeResponse,
    )
    assert [entry.get("title") for entry in generated["purge"]] == cont_pages[:2]
    assert generated["continue"]["gapcontinue"] == cont_pages[2].replace(" ", "_")


def test_watch_response(bot_session: mwtyped.Session) -> None:
    page = unique("Watch")
    bot_session.post(action="edit", title=page, text="watch me")
    titles = f"{page}|Mwtyped no such page|Special:Version|Bad[title]"
    answer = strict(act.WatchResponse, bot_session.post(action="watch", titles=titles))

    assert isinstance(answer["watch"], list)
    by_title = {entry.get("title"): entry for entry in answer["watch"]}
    assert by_title[page] == {"title": page, "ns": 0, "watched": True}
    assert by_title["Mwtyped no such page"]["missing"] is True
    assert by_title["Special:Version"]["special"] is True

    unwatched = typed(bot_session, api.WatchParams(titles=[page], unwatch=True), act.WatchResponse)
    assert unwatched["watch"] == [{"title": page, "ns": 0, "unwatched": True}]

    with pytest.warns(mwtyped.APIWarning) as warned:
        single = bot_session.post(action="watch", title=page)
    assert any('"title" has been deprecated' in str(w.message) for w in warned)
    assert strict(act.WatchResponse, single)["watch"] == {"title": page, "ns": 0, "watched": True}


def test_setnotificationtimestamp_response(bot_session: mwtyped.Session) -> None:
    page = unique("Seen")
    bot_session.post(action="edit", title=page, text="seen", watchlist="watch")
    answer = strict(
        act.SetnotificationtimestampResponse,
        bot_session.post(
            action="setnotificationtimestamp",
            titles=f"{page}|Mwtyped no such page|Bad[x]",
            timestamp="2020-01-02T03:04:05Z",
        ),
    )
    entries = answer["setnotificationtimestamp"]
    assert isinstance(entries, list)
    by_title = {entry.get("title"): entry for entry in entries}
    assert by_title[page]["notificationtimestamp"] == "2020-01-02T03:04:05Z"
    assert by_title["Mwtyped no such page"]["missing"] is True
    assert by_title["Bad[x]"]["invalid"] is True

    by_ids = bot_session.post(action="setnotificationtimestamp", pageids="999999999")
    missing = strict(act.SetnotificationtimestampResponse, by_ids)["setnotificationtimestamp"]
    assert missing == [{"pageid": 999999999, "missing": True, "notwatched": True}]

    whole = typed(
        bot_session,
        api.SetnotificationtimestampParams(entirewatchlist=True),
        act.SetnotificationtimestampResponse,
    )
    assert whole["setnotificationtimestamp"] == {"notificationtimestamp": ""}


# -- small modules -------------------------------------------------------------------------
def test_checktoken_response(bot_session: mwtyped.Session) -> None:
    token = bot_session.token("csrf")
    valid = typed(
        bot_session, api.ChecktokenParams(type="csrf", token=token), act.ChecktokenResponse
    )
    assert valid["checktoken"]["result"] == "valid"
    assert valid["checktoken"]["generated"].endswith("Z")

    invalid = bot_session.get(action="checktoken", type="csrf", token="nonsense+\\")
    assert strict(act.ChecktokenResponse, invalid) == {"checktoken": {"result": "invalid"}}


def test_clearhasmsg_options_and_stashedit_responses(bot_session: mwtyped.Session) -> None:
    cleared = strict(act.ClearhasmsgResponse, bot_session.post(action="clearhasmsg"))
    assert cleared == {"clearhasmsg": "success"}
    assert typed(bot_session, api.ClearhasmsgParams(), act.ClearhasmsgResponse) == cleared

    options = typed(bot_session, api.OptionsParams(change=["gender=unknown"]), act.OptionsResponse)
    assert strict(act.OptionsResponse, options) == {"options": "success"}

    page = unique("Stash")
    bot_session.post(action="edit", title=page, text="before")
    params = api.StasheditParams(
        title=page,
        text="after the stash",
        summary="stashed",
        contentmodel="wikitext",
        contentformat="text/x-wiki",
        baserevid=0,
    )
    stashed = strict(act.StasheditResponse, typed(bot_session, params, act.StasheditResponse))
    assert stashed["stashedit"]["status"] == "stashed"
    assert len(stashed["stashedit"]["texthash"]) == 40


def test_cspreport_response(testwiki: WikiInfo) -> None:
    report = {
        "csp-report": {
            "document-uri": f"{testwiki.url}/",
            "violated-directive": "script-src",
            "blocked-uri": "http://mwtyped.invalid/x.js",
        }
    }
    query: dict[str, str | int] = {"action": "cspreport", "format": "json", "reportonly": 1}
    raw = httpx.post(
        testwiki.api_url,
        params=query,
        content=json.dumps(report),
        headers={"Content-Type": "application/csp-report"},
        timeout=30,
    )
    assert strict(act.CspreportResponse, raw.json()) == {"cspreport": "success"}


# -- opensearch: a JSON array --------------------------------------------------------------
def test_opensearch_response_is_an_array(bot_session: mwtyped.Session, testwiki: WikiInfo) -> None:
    page = unique("Opensearch")
    bot_session.post(action="edit", title=page, text="found")
    query = {"action": "opensearch", "search": page, "format": "json"}
    raw = httpx.get(testwiki.api_url, params=query, timeout=30)
    answer: Any = raw.json()

    adapter = TypeAdapter(act.OpensearchResponse)
    assert adapter.validate_python(answer) == answer
    search, titles, descriptions, urls = answer
    assert (search, titles, descriptions) == (page, [page], [""])
    assert urls[0].endswith("/" + page.replace(" ", "_"))


def test_opensearch_through_the_session(wiki_sessions: WikiSessions) -> None:
    session = wiki_sessions.session("anon", retry=0)
    answer = session.request(api.OpensearchParams(search="Main"))
    assert TypeAdapter(act.OpensearchResponse).validate_python(answer)[0] == "Main"


# -- paraminfo and help ------------------------------------------------------------------------
@pytest.mark.parametrize("helpformat", ["none", "wikitext", "html", "raw"])
def test_paraminfo_response_of_every_module(anon_session: mwtyped.Session, helpformat: str) -> None:
    answer = strict(
        info_models.ParaminfoResponse,
        anon_session.get(action="paraminfo", modules="main|main+**", helpformat=helpformat),
    )

    modules = {module["path"]: module for module in answer["paraminfo"]["modules"]}
    assert answer["paraminfo"]["helpformat"] == helpformat
    assert len(modules) == 121
    edit = {param["name"]: param for param in modules["edit"]["parameters"]}
    assert edit["token"]["tokentype"] == "csrf"
    assert modules["query+allpages"]["prefix"] == "ap"
    assert ("description" in edit["title"]) is (helpformat != "none")
    if helpformat == "raw":
        assert isinstance(edit["title"]["description"], list)


def test_paraminfo_deprecated_parameters_fill_their_own_keys(
    anon_session: mwtyped.Session,
) -> None:
    with pytest.warns(mwtyped.APIWarning):
        answer = anon_session.get(
            action="paraminfo",
            querymodules="allpages",
            formatmodules="json",
            mainmodule=1,
            pagesetmodule=1,
        )
    strict(info_models.ParaminfoResponse, answer)
    result = answer["paraminfo"]
    assert result["querymodules"][0]["querytype"] == "list"
    assert result["formatmodules"][0]["name"] == "json"
    assert result["mainmodule"]["classname"] == "ApiMain"
    assert "name" not in result["pagesetmodule"]


def test_paraminfo_and_help_through_the_session(anon_session: mwtyped.Session) -> None:
    params = api.ParaminfoParams(modules=["clientlogin", "compare"], helpformat="none")
    answer = typed(anon_session, params, info_models.ParaminfoResponse)
    clientlogin, compare = answer["paraminfo"]["modules"]
    assert clientlogin.get("dynamicparameters") is True
    assert {p["name"] for p in compare["templatedparameters"]} >= {
        "fromtext-{slot}",
        "totext-{slot}",
    }

    wrapped = anon_session.get(action="help", modules="checktoken", wrap=1)
    help_page = strict(info_models.HelpResponse, wrapped)["help"]
    assert help_page["mime"] == "text/html"
    assert "checktoken" in help_page["help"]
    typed_help = typed(
        anon_session, api.HelpParams(modules=["checktoken"], wrap=True), info_models.HelpResponse
    )
    assert typed_help["help"]["filename"] == "api-help.html"
