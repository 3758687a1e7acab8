"""Login, tokens, assert and OAuth on the fake wiki, for both sessions.

The fake wiki here is a small state machine (:class:`AuthWiki`) answering like MediaWiki
1.39 does (shapes from shared/test-wiki.md §6a/6b/6h), so every branch of the login flows,
including the ones a core wiki cannot produce (UI, REDIRECT, RESTART), is exercised.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

import mwtyped
from tests.unit.fakes import (
    Driver,
    FakeClocks,
    FakeWiki,
    JSONObject,
    Recorded,
    api_json,
    make_driver,
)

PASSWORD = "s3cret-Pass-word-0123456789"
BOT_PASSWORD = "abcdefghijklmnopqrstuvw012345678"


@dataclass
class AuthWiki:
    """Answers tokens, login, clientlogin, logout and edit; counts what it saw."""

    clientlogin_status: list[JSONObject] = field(default_factory=list)
    bot_result: JSONObject = field(
        default_factory=lambda: {"result": "Success", "lguserid": 1, "lgusername": "Admin"}
    )
    csrf: list[str] = field(default_factory=lambda: ["csrf-1+\\", "csrf-2+\\"])
    issued_csrf: str = ""
    csrf_refused: bool = False
    edits: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, request: httpx.Request, sent: Recorded) -> httpx.Response:
        params = sent.params
        action = params.get("action")
        if action == "query" and params.get("meta") == "tokens":
            kind = params["type"]
            if kind == "csrf" and self.csrf_refused:
                return api_json({"error": {"code": "internal_api_error_DBQueryError"}}, 500)
            value = self.csrf[0] if kind == "csrf" else f"{kind}-token+\\"
            if kind == "csrf":
                self.issued_csrf = value
                if len(self.csrf) > 1:
                    self.csrf.pop(0)
            return api_json({"batchcomplete": True, "query": {"tokens": {f"{kind}token": value}}})
        if action == "login":
            return api_json({"login": self.bot_result})
        if action == "clientlogin":
            return api_json({"clientlogin": self.clientlogin_status.pop(0)})
        if action == "logout":
            return api_json({})
        if action == "edit":
            token = params.get("token", "")
            if token != self.issued_csrf or token.startswith("stale"):
                return api_json({"error": {"code": "badtoken", "info": "Invalid CSRF token."}})
            self.edits.append(params)
            return api_json({"edit": {"result": "Success", "title": params["title"]}})
        return api_json({"error": {"code": "badvalue", "info": f"no {action}"}})


@pytest.fixture
def auth_wiki() -> AuthWiki:
    return AuthWiki()


@pytest.fixture(params=["sync", "async"])
def auth_driver(
    request: pytest.FixtureRequest, auth_wiki: AuthWiki, clock: FakeClocks
) -> Iterator[Driver]:
    wiki = FakeWiki()

    def route(req: httpx.Request) -> httpx.Response:
        return auth_wiki(req, wiki.requests[-1])

    wiki.route = route
    made = make_driver(request.param, wiki, clock)
    made.wiki = wiki  # type: ignore[attr-defined]
    yield made
    made.close()


def sent_requests(driver: Driver) -> list[Recorded]:
    wiki: FakeWiki = driver.wiki  # type: ignore[attr-defined]
    return wiki.requests


def last_action(driver: Driver, action: str) -> Recorded:
    return [r for r in sent_requests(driver) if r.params.get("action") == action][-1]


def run(driver: Driver, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call a session method by name on either kind of driver."""
    return driver.call(name, *args, **kwargs)


def test_bot_password_login_uses_action_login_and_posts_the_password(auth_driver: Driver) -> None:
    outcome = run(auth_driver, "login", "Admin@bot", BOT_PASSWORD)
    assert outcome == mwtyped.LoginOutcome("Admin", 1, "login")
    token_request, login_request, csrf_request = sent_requests(auth_driver)
    assert token_request.params["type"] == "login"
    # The csrf token is fetched right after login, before the caller can go concurrent.
    assert csrf_request.params["type"] == "csrf"
    assert login_request.method == "POST"
    assert login_request.query == []  # nothing in the URL
    assert [k for k, _ in login_request.form][-1] == "lgtoken"
    assert login_request.params["lgpassword"] == BOT_PASSWORD
    assert auth_driver.session.username == "Admin"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("answer", "result", "reason", "code"),
    [
        (
            {"result": "Failed", "reason": "Incorrect password"},
            "Failed",
            "Incorrect password",
            None,
        ),
        ({"result": "WrongToken"}, "WrongToken", None, None),
        (
            {"result": "Throttled", "reason": {"code": "throttled", "text": "Wait"}},
            "Throttled",
            "Wait",
            "throttled",
        ),
        ({"result": "Aborted", "reason": "no"}, "Aborted", "no", None),
    ],
)
def test_bot_password_refusals_raise_login_error_without_the_password(
    auth_driver: Driver,
    auth_wiki: AuthWiki,
    answer: JSONObject,
    result: str,
    reason: str | None,
    code: str | None,
) -> None:
    auth_wiki.bot_result = answer
    with pytest.raises(mwtyped.LoginError) as caught:
        run(auth_driver, "login", "Admin@bot", BOT_PASSWORD)
    err = caught.value
    assert (err.result, err.reason, err.code) == (result, reason, code)
    assert BOT_PASSWORD not in str(err) + repr(err)
    assert auth_driver.session.username is None  # type: ignore[attr-defined]


def test_main_account_uses_clientlogin(auth_driver: Driver, auth_wiki: AuthWiki) -> None:
    auth_wiki.clientlogin_status = [{"status": "PASS", "username": "Tester"}]
    outcome = run(auth_driver, "login", "Tester", PASSWORD)
    assert outcome == mwtyped.LoginOutcome("Tester", None, "clientlogin")
    sent = last_action(auth_driver, "clientlogin").params
    assert sent["username"] == "Tester"
    assert sent["loginreturnurl"] == "https://wiki.example.org/"
    assert sent["logintoken"] == "login-token+\\"


def test_clientlogin_fail_raises_login_error_with_message_code(
    auth_driver: Driver, auth_wiki: AuthWiki
) -> None:
    auth_wiki.clientlogin_status = [
        {
            "status": "FAIL",
            "message": "Incorrect username or password entered.",
            "messagecode": "wrongpassword",
        }
    ]
    with pytest.raises(mwtyped.LoginError) as caught:
        run(auth_driver, "login", "Tester", PASSWORD)
    assert (caught.value.result, caught.value.code) == ("FAIL", "wrongpassword")
    assert PASSWORD not in str(caught.value)


def test_ui_step_raises_client_interaction_request_then_continue_login_passes(
    auth_driver: Driver, auth_wiki: AuthWiki
) -> None:
    fields = {"OATHToken": {"type": "string", "label": "Token", "help": "Enter the code"}}
    auth_wiki.clientlogin_status = [
        {
            "status": "UI",
            "message": "Enter a verification code.",
            "messagecode": "oathauth-auth-ui",
            "requests": [{"id": "TOTPAuthenticationRequest", "fields": fields}],
        },
        {"status": "PASS", "username": "Tester"},
    ]
    with pytest.raises(mwtyped.ClientInteractionRequest) as caught:
        run(auth_driver, "login", "Tester", PASSWORD)
    request = caught.value
    assert request.status == "UI"
    assert request.login_token == "login-token+\\"
    assert request.message == "Enter a verification code."
    assert request.message_code == "oathauth-auth-ui"
    assert request.fields == fields
    assert "login-token" not in repr(request)
    outcome = run(auth_driver, "continue_login", request.login_token, OATHToken="123456")
    assert outcome.username == "Tester"
    sent = last_action(auth_driver, "clientlogin")
    assert sent.params["logincontinue"] == ""
    assert sent.params["OATHToken"] == "123456"
    assert [k for k, _ in sent.form][-1] == "logintoken"


def test_redirect_and_restart_are_explained(auth_driver: Driver, auth_wiki: AuthWiki) -> None:
    auth_wiki.clientlogin_status = [
        {"status": "REDIRECT", "redirecttarget": "https://idp.example.org/auth", "requests": []},
        {
            "status": "RESTART",
            "message": "No linked account.",
            "messagecode": "authmanager-authn-no-local-user",
        },
    ]
    with pytest.raises(mwtyped.ClientInteractionRequest) as redirect:
        run(auth_driver, "login", "Tester", PASSWORD)
    assert redirect.value.status == "REDIRECT"
    assert "https://idp.example.org/auth" in str(redirect.value.message)
    with pytest.raises(mwtyped.LoginError) as restart:
        run(auth_driver, "login", "Tester", PASSWORD)
    assert restart.value.result == "RESTART"
    assert "no account of this wiki is linked" in str(restart.value.reason)


def test_empty_credentials_are_rejected_before_sending(auth_driver: Driver) -> None:
    with pytest.raises(ValueError, match="password"):
        run(auth_driver, "login", "Admin@bot", "")
    assert sent_requests(auth_driver) == []


def test_token_is_fetched_once_and_filled_into_writes_last(auth_driver: Driver) -> None:
    assert run(auth_driver, "token", "csrf") == "csrf-1+\\"
    assert run(auth_driver, "token") == "csrf-1+\\"
    auth_driver.post(action="edit", title="A", text="x")
    auth_driver.post(action="edit", title="B", text="y")
    sent = sent_requests(auth_driver)
    assert [r.params.get("meta") for r in sent] == ["tokens", None, None]
    assert [k for k, _ in sent[-1].form][-1] == "token"


def test_badtoken_refreshes_the_token_once_and_resends(
    auth_driver: Driver, auth_wiki: AuthWiki
) -> None:
    auth_wiki.csrf = ["stale+\\", "csrf-1+\\"]
    auth_driver.post(action="edit", title="A", text="x")
    sent = sent_requests(auth_driver)
    assert [(r.params.get("meta"), r.params.get("token")) for r in sent] == [
        ("tokens", None),
        (None, "stale+\\"),
        ("tokens", None),
        (None, "csrf-1+\\"),
    ]
    assert len(auth_wiki.edits) == 1


def test_badtoken_twice_raises(auth_driver: Driver, auth_wiki: AuthWiki) -> None:
    auth_wiki.csrf = ["stale+\\", "stale2+\\", "x"]
    with pytest.raises(mwtyped.BadTokenError):
        auth_driver.post(action="edit", title="A", text="x")
    assert auth_wiki.edits == []


def test_a_token_given_by_the_caller_is_sent_as_is(auth_driver: Driver) -> None:
    with pytest.raises(mwtyped.BadTokenError):
        auth_driver.post(action="edit", title="A", text="x", token="mine+\\")
    assert [r.params.get("token") for r in sent_requests(auth_driver)] == ["mine+\\"]


def test_login_and_logout_drop_cached_tokens_and_writes_assert_user(auth_driver: Driver) -> None:
    run(auth_driver, "token")
    run(auth_driver, "login", "Admin@bot", BOT_PASSWORD)
    auth_driver.post(action="edit", title="A", text="x")
    edit = sent_requests(auth_driver)[-1]
    assert edit.params["assert"] == "user"
    assert edit.params["token"] == "csrf-2+\\"
    token_fetches = [r for r in sent_requests(auth_driver) if r.params.get("meta") == "tokens"]
    assert len(token_fetches) == 3  # csrf, login, csrf again after login
    run(auth_driver, "logout")
    assert sent_requests(auth_driver)[-1].params["action"] == "logout"
    assert "token" in sent_requests(auth_driver)[-1].params
    assert auth_driver.session.username is None  # type: ignore[attr-defined]


def test_assert_is_not_added_for_anonymous_sessions_reads_or_explicit_asserts(
    auth_driver: Driver,
) -> None:
    auth_driver.post(action="edit", title="A", text="x")
    assert "assert" not in sent_requests(auth_driver)[-1].params
    run(auth_driver, "login", "Admin@bot", BOT_PASSWORD)
    auth_driver.post(action="edit", title="A", text="x", assertuser="Admin")
    assert "assert" not in sent_requests(auth_driver)[-1].params


def test_oauth2_bearer_goes_to_the_wiki_only(wiki: FakeWiki, clock: FakeClocks) -> None:
    wiki.route = lambda request: api_json({"batchcomplete": True})
    for kind in ("sync", "async"):
        driver = make_driver(kind, wiki, clock, access_token="oauth-secret-token")
        driver.get(action="query", meta="userinfo")
        assert wiki.last.headers["authorization"] == "Bearer oauth-secret-token"
        assert "oauth-secret-token" not in repr(driver.session)  # type: ignore[attr-defined]
        driver.close()
    auth = mwtyped._tokens.BearerAuth("t0ken", "https://wiki.example.org")
    other = next(auth.auth_flow(httpx.Request("GET", "https://evil.example.com/")))
    assert "authorization" not in other.headers
    assert "t0ken" not in repr(auth)


def test_secrets_stay_out_of_logs(
    auth_driver: Driver, auth_wiki: AuthWiki, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    run(auth_driver, "login", "Admin@bot", BOT_PASSWORD)
    auth_driver.post(action="edit", title="A", text="x")
    auth_wiki.bot_result = {"result": "Failed", "reason": "bad"}
    with pytest.raises(mwtyped.LoginError):
        run(auth_driver, "login", "Admin@bot", BOT_PASSWORD)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged  # httpx and mwtyped did log
    for secret in (BOT_PASSWORD, "csrf-1", "login-token"):
        assert secret not in logged


@pytest.mark.parametrize(
    ("host", "warns"),
    [
        ("http://wiki.example.org", True),
        ("http://10.1.2.3:8080", True),
        ("https://wiki.example.org", False),
        ("http://127.0.0.1:8391", False),
        ("http://localhost:8080", False),
        ("http://[::1]:8080", False),
    ],
)
def test_login_over_plain_http_to_another_host_warns_loudly(host: str, warns: bool) -> None:
    auth = AuthWiki()
    wiki = FakeWiki()
    wiki.route = lambda request: auth(request, wiki.requests[-1])
    session = mwtyped.Session(
        host, user_agent="t/1 (t@example.org)", transport=httpx.MockTransport(wiki)
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        session.login("Admin@bot", BOT_PASSWORD)
    insecure = [w for w in caught if issubclass(w.category, mwtyped.InsecureLoginWarning)]
    assert len(insecure) == (1 if warns else 0)
    if warns:
        assert insecure[0].filename == __file__
        assert BOT_PASSWORD not in str(insecure[0].message)
    session.close()


TOKEN_ANSWER = {"batchcomplete": True, "query": {"tokens": {"csrftoken": "shared+\\"}}}


def test_threads_needing_a_token_share_one_fetch() -> None:
    import threading
    import time

    fetches: list[str] = []

    def slow_tokens(request: httpx.Request) -> httpx.Response:
        fetches.append(request.url.params["type"])
        time.sleep(0.05)  # long enough for every thread to ask meanwhile
        return api_json(TOKEN_ANSWER)

    session = mwtyped.Session(
        "https://wiki.example.org",
        user_agent="t/1 (t@example.org)",
        transport=httpx.MockTransport(slow_tokens),
    )
    got: list[str] = []
    threads = [threading.Thread(target=lambda: got.append(session.token())) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    session.close()
    assert got == ["shared+\\"] * 6
    assert fetches == ["csrf"]


def test_tasks_needing_a_token_share_one_fetch_and_a_failure_reaches_them_all() -> None:
    import asyncio

    fetches: list[str] = []
    answers = [api_json({"error": {"code": "readonly", "info": "The wiki is read-only"}}, 200)]

    async def slow_tokens(request: httpx.Request) -> httpx.Response:
        fetches.append(request.url.params["type"])
        await asyncio.sleep(0.05)
        return answers.pop(0) if answers else api_json(TOKEN_ANSWER)

    async def scenario() -> None:
        async with mwtyped.AsyncSession(
            "https://wiki.example.org",
            user_agent="t/1 (t@example.org)",
            retry=0,
            transport=httpx.MockTransport(slow_tokens),
        ) as session:
            failed = await asyncio.gather(
                *(session.token() for _ in range(5)), return_exceptions=True
            )
            assert all(isinstance(f, mwtyped.ReadOnlyError) for f in failed), failed
            assert await asyncio.gather(*(session.token() for _ in range(5))) == ["shared+\\"] * 5
            # A cancelled waiter does not cancel the fetch the others share.
            session._core.tokens.clear()
            first = asyncio.ensure_future(session.token())
            second = asyncio.ensure_future(session.token())
            await asyncio.sleep(0.01)
            first.cancel()
            assert await second == "shared+\\"

    asyncio.run(scenario())
    assert fetches == ["csrf", "csrf", "csrf"]


def test_a_failed_csrf_fetch_after_login_does_not_fail_the_login(
    auth_driver: Driver, auth_wiki: AuthWiki
) -> None:
    auth_wiki.csrf_refused = True
    outcome = run(auth_driver, "login", "Admin@bot", BOT_PASSWORD)
    assert outcome.username == "Admin"
    assert auth_driver.session.username == "Admin"  # type: ignore[attr-defined]
