"""Login, logout and tokens against the real wiki, with Session and AsyncSession.

Bot passwords go through ``action=login`` (refusals are a ``result``, not an API error), main
accounts through ``action=clientlogin``. Tokens are cached until login or logout, fetched for
writes that lack one, refreshed once on ``badtoken``; writes of a logged-in session carry
``assert=user`` so a lost login never edits as an IP.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import mwtyped
from mwtyped.testwiki import WikiInfo
from tests.integration.conftest import Live, LiveWiki, page_content

pytestmark = pytest.mark.integration

WRONG_BOT_PASSWORD = "wrongbotpassword0123456789abcdefgh"  # looks like one: ^[0-9a-w]{32,}$
WRONG_MAIN_PASSWORD = "Not-the-Tester-password-42"
BAD_LOGIN_TOKEN = "bad+\\"


def userinfo(live: Live) -> dict[str, Any]:
    info: dict[str, Any] = live.get(action="query", meta="userinfo")["query"]["userinfo"]
    return info


def secret_free(error: BaseException, secret: str) -> bool:
    """True if ``secret`` shows up nowhere in the error's str, repr, args or attributes."""
    shown = [str(error), repr(error), *map(repr, error.args), *map(repr, vars(error).values())]
    return not any(secret in text for text in shown)


# -- login ---------------------------------------------------------------------------------
def test_bot_password_login_acts_as_admin(live: LiveWiki, testwiki: WikiInfo) -> None:
    session = live.session("anon")
    assert userinfo(session)["name"] == "127.0.0.1"

    outcome = session.login(testwiki.bot_user, testwiki.bot_password)

    assert outcome.username == "Admin"
    assert outcome.method == "login"
    assert isinstance(outcome.user_id, int)
    assert outcome.user_id > 0
    assert session.session.username == "Admin"
    assert userinfo(session) == {"id": outcome.user_id, "name": "Admin"}


def test_wrong_bot_password_is_a_login_error_without_the_password(
    live: LiveWiki, testwiki: WikiInfo
) -> None:
    session = live.session("anon")

    with pytest.raises(mwtyped.LoginError) as caught:
        session.login(testwiki.bot_user, WRONG_BOT_PASSWORD)

    error = caught.value
    assert error.result == "Failed"
    assert error.reason == "Incorrect username or password entered. Please try again."
    assert error.code == "wrongpassword"  # errorformat=plaintext gives the message key
    assert secret_free(error, WRONG_BOT_PASSWORD)
    assert session.session.username is None
    assert userinfo(session).get("anon") is True


def test_main_account_logs_in_with_clientlogin(live: LiveWiki, testwiki: WikiInfo) -> None:
    session = live.session("anon")

    outcome = session.login(testwiki.user, testwiki.user_password)

    assert (outcome.username, outcome.method) == ("Tester", "clientlogin")
    assert session.session.username == "Tester"
    info = userinfo(session)
    assert info["name"] == "Tester"
    assert "anon" not in info


def test_wrong_main_password_is_fail_wrongpassword(live: LiveWiki, testwiki: WikiInfo) -> None:
    session = live.session("anon")

    with pytest.raises(mwtyped.LoginError) as caught:
        session.login(testwiki.user, WRONG_MAIN_PASSWORD)

    error = caught.value
    assert error.result == "FAIL"
    assert error.code == "wrongpassword"
    assert error.reason == "Incorrect username or password entered.\nPlease try again."
    assert secret_free(error, WRONG_MAIN_PASSWORD)
    assert session.session.username is None


def test_bad_login_token_in_a_fresh_session_is_refused(live: LiveWiki, testwiki: WikiInfo) -> None:
    # No login token was ever handed out in this session: MediaWiki says "session lost".
    session = live.session("anon")

    with pytest.raises(mwtyped.LoginError) as caught:
        session.login(testwiki.bot_user, testwiki.bot_password, login_token=BAD_LOGIN_TOKEN)

    assert (caught.value.result, caught.value.code) == ("Failed", "sessionlost")
    assert session.session.username is None


def test_bad_login_token_for_a_bot_password_is_wrong_token(
    live: LiveWiki, testwiki: WikiInfo
) -> None:
    session = live.session("anon")
    session.token("login")  # the session now holds a login token; "bad+\" is not it

    with pytest.raises(mwtyped.LoginError) as caught:
        session.login(testwiki.bot_user, testwiki.bot_password, login_token=BAD_LOGIN_TOKEN)

    assert caught.value.result == "WrongToken"


def test_bad_login_token_for_clientlogin_is_badtoken(live: LiveWiki, testwiki: WikiInfo) -> None:
    session = live.session("anon")

    with pytest.raises(mwtyped.BadTokenError) as caught:
        session.login(testwiki.user, testwiki.user_password, login_token=BAD_LOGIN_TOKEN)

    assert caught.value.code == "badtoken"
    assert caught.value.module == "clientlogin"
    assert session.session.username is None
    assert userinfo(session).get("anon") is True


@pytest.mark.parametrize("role", ["bot", "user"])
def test_login_with_a_login_token_fetched_in_the_session(
    live: LiveWiki, role: str, testwiki: WikiInfo
) -> None:
    session = live.session("anon")
    username, password = (
        (testwiki.bot_user, testwiki.bot_password)
        if role == "bot"
        else (testwiki.user, testwiki.user_password)
    )
    token = session.token("login")

    outcome = session.login(username, password, login_token=token)

    assert outcome.username == username.split("@")[0]
    assert userinfo(session)["name"] == outcome.username


def test_continue_login_with_nothing_pending(live: LiveWiki) -> None:
    session = live.session("anon")

    with pytest.raises(mwtyped.LoginError) as caught:
        session.continue_login(session.token("login"))

    assert caught.value.result == "FAIL"
    assert caught.value.code == "authmanager-authn-not-in-progress"
    assert session.session.username is None


def test_login_again_as_another_user_on_the_same_session(
    live: LiveWiki, testwiki: WikiInfo
) -> None:
    session = live.session("bot")
    assert userinfo(session)["name"] == "Admin"

    session.login(testwiki.user, testwiki.user_password)
    assert (session.session.username, userinfo(session)["name"]) == ("Tester", "Tester")

    session.login(testwiki.bot_user, testwiki.bot_password)
    assert (session.session.username, userinfo(session)["name"]) == ("Admin", "Admin")


def test_logout_makes_the_session_anonymous_and_kills_the_old_token(
    live: LiveWiki, unique: Callable[[str], str]
) -> None:
    session = live.session("bot")
    old_token = session.token("csrf")
    title = unique("Logout")

    session.logout()

    assert session.session.username is None
    assert userinfo(session) == {"id": 0, "name": "127.0.0.1", "anon": True}
    with pytest.raises(mwtyped.BadTokenError) as caught:
        session.post(action="edit", title=title, text="after logout", token=old_token)
    assert caught.value.code == "badtoken"
    assert page_content(revisions(session, title)) is None


# -- tokens --------------------------------------------------------------------------------
def revisions(live: Live, title: str) -> dict[str, Any]:
    return live.get(
        action="query", titles=title, prop="revisions", rvprop="content|user", rvslots="main"
    )


def test_login_leaves_the_csrf_token_cached(live: LiveWiki) -> None:
    session = live.session("bot")
    log = session.record_requests()
    cached = session.session._core.tokens.get("csrf")
    assert cached is not None
    assert cached != "+\\"  # the logged-in account's token, not the anonymous one
    assert session.token("csrf") == cached
    assert len(log) == 0


def test_csrf_token_is_fetched_once_and_cached(live: LiveWiki) -> None:
    session = live.session("bot")
    session.session._core.tokens.clear()  # as after a badtoken: fetched on next use
    log = session.record_requests()

    first = session.token("csrf")
    assert log.actions() == ["GET query"]
    assert (log.requests[0].params["meta"], log.requests[0].params["type"]) == ("tokens", "csrf")

    second = session.token("csrf")

    assert second == first
    assert len(log) == 1
    assert first.endswith("+\\")
    assert first != "+\\"  # a logged-in token, not the anonymous one


def test_tokens_are_dropped_on_login_and_logout(live: LiveWiki, testwiki: WikiInfo) -> None:
    session = live.session("bot")
    admin_token = session.token("csrf")

    session.login(testwiki.user, testwiki.user_password)
    # login() dropped the bot's token and fetched the new account's before returning.
    tester_token = session.session._core.tokens.get("csrf")
    assert tester_token not in (None, admin_token, "+\\")
    log = session.record_requests()
    assert session.token("csrf") == tester_token
    assert len(log) == 0

    session.logout()
    assert session.session._core.tokens.get("csrf") is None
    assert session.token("csrf") == "+\\"  # anonymous again
    assert log.actions() == ["POST logout", "GET query"]  # then the fresh token


def test_write_without_token_gets_one_and_asserts_user(
    live: LiveWiki, unique: Callable[[str], str]
) -> None:
    session = live.session("bot")
    session.session._core.tokens.clear()  # no token cached: the write gets one itself
    title = unique("Auto token")
    log = session.record_requests()

    answer = session.post(action="edit", title=title, text="automatic token")

    assert answer["edit"]["result"] == "Success"
    assert log.actions() == ["GET query", "POST edit"]
    edit = log.requests[1].params
    assert edit["token"] == session.token("csrf")
    assert edit["assert"] == "user"
    assert len(log) == 2  # the token came from the cache
    assert page_content(revisions(session, title)) == "automatic token"


def test_stale_cached_token_is_refreshed_once(live: LiveWiki, unique: Callable[[str], str]) -> None:
    session = live.session("bot")
    stale = "0123456789abcdef0123456789abcdef+\\"
    session.session._core.tokens.put("csrf", stale)
    title = unique("Stale token")
    log = session.record_requests()

    answer = session.post(action="edit", title=title, text="after a refresh")

    assert answer["edit"]["result"] == "Success"
    assert log.actions() == ["POST edit", "GET query", "POST edit"]
    fresh = session.session._core.tokens.get("csrf")
    assert log.requests[0].params["token"] == stale
    assert log.requests[2].params["token"] == fresh
    assert fresh not in (None, stale)
    assert page_content(revisions(session, title)) == "after a refresh"


def test_lost_login_cookies_raise_assert_failed_and_edit_nothing(
    live: LiveWiki, unique: Callable[[str], str]
) -> None:
    session = live.session("bot")
    session.token("csrf")
    title = unique("Lost login")
    session.session.client.cookies.clear()
    log = session.record_requests()

    with pytest.raises(mwtyped.AssertFailedError) as caught:
        session.post(action="edit", title=title, text="must not be saved")

    assert caught.value.code == "assertuserfailed"
    edits = [r.params for r in log.requests if r.params.get("action") == "edit"]
    assert edits
    assert all(params["assert"] == "user" for params in edits)
    anonymous = live.session("anon")
    assert page_content(revisions(anonymous, title)) is None
