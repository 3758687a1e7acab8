"""Response models of the account actions against the test wiki: login, clientlogin (PASS,
FAIL and a real UI step), createaccount, linkaccount, logout, credential changes and the
modules this wiki refuses (email is disabled). Login answers come from fresh sessions that
post the raw requests; helpers are in ``test_responses_actions``.
"""

from __future__ import annotations

import secrets
import uuid

import pytest

import mwtyped
from mwtyped import api
from mwtyped.responses import actions_users as users
from mwtyped.testing import WikiSessions
from tests.integration.test_responses_actions import admin_session, strict, typed

pytestmark = pytest.mark.integration

RETURN_URL = "http://127.0.0.1/"


def login_token(session: mwtyped.Session) -> str:
    token: str = session.get(action="query", meta="tokens", type="login")["query"]["tokens"][
        "logintoken"
    ]
    return token


def new_account(wiki_sessions: WikiSessions, password: str) -> str:
    """A fresh account (made by an anonymous session, which the answer logs in)."""
    name = f"Mwtyped Actions {uuid.uuid4().hex[:10]}"
    maker = wiki_sessions.session("anon")
    token = maker.get(action="query", meta="tokens", type="createaccount")["query"]["tokens"]
    answer = maker.post(
        action="createaccount",
        username=name,
        password=password,
        retype=password,
        createtoken=token["createaccounttoken"],
        createreturnurl=RETURN_URL,
    )
    assert strict(users.CreateaccountResponse, answer) == {
        "createaccount": {"status": "PASS", "username": name}
    }
    return name


def test_login_response(wiki_sessions: WikiSessions) -> None:
    info = wiki_sessions.info
    session = wiki_sessions.session("anon")
    token = login_token(session)
    wrong = session.post(action="login", lgname=info.bot_user, lgpassword="wrong", lgtoken=token)
    failed = strict(users.LoginResponse, wrong)["login"]
    assert failed["result"] == "Failed"
    assert failed.get("reason") == {
        "code": "wrongpassword",
        "text": "Incorrect username or password entered. Please try again.",
    }
    bad_token = session.post(action="login", lgname=info.bot_user, lgpassword="x", lgtoken="x+\\")
    assert strict(users.LoginResponse, bad_token) == {"login": {"result": "WrongToken"}}

    right = session.post(
        action="login", lgname=info.bot_user, lgpassword=info.bot_password, lgtoken=token
    )
    assert strict(users.LoginResponse, right)["login"] == {
        "result": "Success",
        "lguserid": 1,
        "lgusername": info.admin_user,
    }

    fresh = wiki_sessions.session("anon")
    params = api.LoginParams(lgname=info.bot_user, lgpassword=info.bot_password)
    assert typed(fresh, params, users.LoginResponse)["login"]["result"] == "Success"


def test_logout_response(wiki_sessions: WikiSessions) -> None:
    session = wiki_sessions.session("bot")
    assert strict(users.LogoutResponse, session.post(action="logout")) == {}
    again = wiki_sessions.session("bot")
    assert typed(again, api.LogoutParams(), users.LogoutResponse) == {}
    userinfo = again.get(action="query", meta="userinfo")["query"]["userinfo"]
    assert userinfo.get("anon") is True


def test_clientlogin_response_pass_and_fail(wiki_sessions: WikiSessions) -> None:
    info = wiki_sessions.info
    session = wiki_sessions.session("anon")
    token = login_token(session)
    wrong = session.post(
        action="clientlogin",
        username=info.user,
        password="wrong",
        loginreturnurl=RETURN_URL,
        logintoken=token,
    )
    assert strict(users.ClientloginResponse, wrong)["clientlogin"] == {
        "status": "FAIL",
        "message": "Incorrect username or password entered.\nPlease try again.",
        "messagecode": "wrongpassword",
        "canpreservestate": False,
    }

    raw_message = session.post(
        action="clientlogin", logincontinue=1, loginmessageformat="raw", logintoken=token
    )
    step = strict(users.ClientloginResponse, raw_message)["clientlogin"]
    assert step.get("message") == {"key": "authmanager-authn-not-in-progress", "params": []}

    params = api.ClientloginParams(
        loginreturnurl=RETURN_URL,
        extra_params={"username": info.user, "password": info.user_password},
    )
    passed = typed(session, params, users.ClientloginResponse)
    assert passed == {"clientlogin": {"status": "PASS", "username": info.user}}


def test_clientlogin_response_ui_step(wiki_sessions: WikiSessions) -> None:
    """A bot-group account whose password is below the group's 10 characters is asked to
    change it at login: a real ``UI`` step with two requests (new password, or skip)."""
    password = "q" + secrets.token_hex(4)  # 9 characters: fine for a plain user only
    name = new_account(wiki_sessions, password)
    admin_session(wiki_sessions).post(action="userrights", user=name, add="bot")

    session = wiki_sessions.session("anon")
    token = login_token(session)
    answer = session.post(
        action="clientlogin",
        username=name,
        password=password,
        loginreturnurl=RETURN_URL,
        logintoken=token,
    )
    step = strict(users.ClientloginResponse, answer)["clientlogin"]
    assert (step["status"], step.get("messagecode")) == ("UI", "resetpass-validity-soft")
    requests = {request["id"]: request for request in step.get("requests", [])}
    password_request = requests["MediaWiki\\Auth\\PasswordAuthenticationRequest"]
    assert set(password_request.get("fields", {})) == {"password", "retype"}
    skip = requests["MediaWiki\\Auth\\ButtonAuthenticationRequest:skipReset"]
    assert skip.get("fields", {})["skipReset"]["type"] == "button"

    merged = wiki_sessions.session("anon")
    merged_answer = merged.post(
        action="clientlogin",
        username=name,
        password=password,
        loginreturnurl=RETURN_URL,
        loginmergerequestfields=1,
        logintoken=login_token(merged),
    )
    merged_step = strict(users.ClientloginResponse, merged_answer)["clientlogin"]
    assert set(merged_step.get("fields", {})) == {"password", "retype", "skipReset"}
    assert all("fields" not in request for request in merged_step.get("requests", []))

    done = session.post(action="clientlogin", logincontinue=1, skipReset=1, logintoken=token)
    assert strict(users.ClientloginResponse, done)["clientlogin"] == {
        "status": "PASS",
        "username": name,
    }


def test_createaccount_and_linkaccount_responses(
    wiki_sessions: WikiSessions, bot_session: mwtyped.Session
) -> None:
    password = "Act-" + secrets.token_hex(8)
    name = new_account(wiki_sessions, password)
    taken = bot_session.post(
        action="createaccount",
        username=name,
        password=password,
        retype=password,
        createreturnurl=RETURN_URL,
    )
    refused = strict(users.CreateaccountResponse, taken)["createaccount"]
    assert (refused["status"], refused.get("messagecode")) == ("FAIL", "userexists")

    common = typed(
        bot_session,
        api.CreateaccountParams(
            createreturnurl=RETURN_URL,
            extra_params={"username": f"{name} 2", "password": "password", "retype": "password"},
        ),
        users.CreateaccountResponse,
    )
    assert common["createaccount"].get("messagecode") == "passwordincommonlist"

    linked = typed(
        bot_session,
        api.LinkaccountParams(linkreturnurl=RETURN_URL, linkrequests=["anything"]),
        users.LinkaccountResponse,
    )
    assert strict(users.LinkaccountResponse, linked)["linkaccount"]["status"] == "FAIL"
    assert linked["linkaccount"].get("messagecode") == "userlogin-cannot-link"


def test_credential_change_responses(wiki_sessions: WikiSessions) -> None:
    password = "Act-" + secrets.token_hex(8)
    name = new_account(wiki_sessions, password)
    session = wiki_sessions.session("anon")
    session.login(name, password)
    new_password = "Act-" + secrets.token_hex(9)
    changed = typed(
        session,
        api.ChangeauthenticationdataParams(
            changeauthrequest="MediaWiki\\Auth\\PasswordAuthenticationRequest",
            extra_params={"password": new_password, "retype": new_password},
        ),
        users.ChangeauthenticationdataResponse,
    )
    assert strict(users.ChangeauthenticationdataResponse, changed) == {
        "changeauthenticationdata": {"status": "success"}
    }
    wiki_sessions.session("anon").login(name, new_password)

    # Nothing here can be removed or unlinked (passwords are not removable, no linked
    # providers): the models follow the documented {"<module>": {"status": "success"}}.
    for params in (
        api.RemoveauthenticationdataParams(
            request="MediaWiki\\Auth\\PasswordAuthenticationRequest"
        ),
        api.UnlinkaccountParams(request="MediaWiki\\Auth\\PasswordAuthenticationRequest"),
    ):
        with pytest.raises(mwtyped.APIError) as refused:
            session.request(params)
        assert refused.value.code == "badrequest"


def test_email_modules_are_refused_without_email(
    bot_session: mwtyped.Session, anon_session: mwtyped.Session
) -> None:
    # $wgEnableEmail is off: the models follow the documented answers.
    with pytest.raises(mwtyped.APIError) as no_email:
        typed(
            bot_session,
            api.EmailuserParams(target="Tester", subject="hello", text="hi"),
            users.EmailuserResponse,
        )
    assert no_email.value.code == "noemail"
    with pytest.raises(mwtyped.APIError) as no_reset:
        typed(anon_session, api.ResetpasswordParams(user="Tester"), users.ResetpasswordResponse)
    assert no_reset.value.code == "passwordreset-emaildisabled"


def test_validatepassword_response(bot_session: mwtyped.Session) -> None:
    weak = strict(
        users.ValidatepasswordResponse,
        bot_session.post(action="validatepassword", password="password"),
    )["validatepassword"]
    assert weak["validity"] == "Change"
    codes = [message["code"] for message in weak.get("validitymessages", [])]
    assert codes == ["passwordtooshort", "passwordincommonlist"]

    good = typed(
        bot_session,
        api.ValidatepasswordParams(password="Act-" + secrets.token_hex(10), user="Mwtyped Nobody"),
        users.ValidatepasswordResponse,
    )
    assert strict(users.ValidatepasswordResponse, good) == {
        "validatepassword": {"validity": "Good"}
    }
