"""Secrets stay secret, credentials stay on their host, TLS stays verified.

The secrets are the real values of a run: the bot password and the main password (and the
wrong ones tried), every token the wiki handed out (login and csrf, read from its answers),
the session cookies (read from ``Set-Cookie`` and from ``session.client.cookies``), and an
OAuth 2 access token. None may appear in ``repr``/``str`` of a session, of an exception
(message, notes, traceback text, cause chain), of a typed params object, or in any log record
at DEBUG level (a handler on the root logger, at DEBUG, catches everything, including httpx
and httpcore) during logins that succeed and fail, edits, ``badtoken``,
``assertuserfailed`` and logouts, with the sync and the async session.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
import traceback
import uuid
import warnings
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest

import mwtyped
from mwtyped.api import (
    ClientloginParams,
    CreateaccountParams,
    EditParams,
    LoginParams,
    LogoutParams,
)
from mwtyped.testing import USER_AGENT
from mwtyped.testwiki import WikiInfo
from tests.integration.conftest import Live
from tests.unit.fakes import FakeClocks

pytestmark = pytest.mark.integration

OAUTH_TOKEN = "oauth2-" + "0123456789abcdef" * 4


# -- instruments -------------------------------------------------------------------------------
class Secrets:
    """Every secret value seen, and the forms it could be written in."""

    def __init__(self) -> None:
        self.values: set[str] = set()

    def add(self, value: object) -> None:
        if not isinstance(value, str):
            return
        core = value.removesuffix("+\\")  # a token's fixed suffix is no secret
        if len(core) >= 12:
            self.values.add(core)

    def add_cookies(self, cookies: httpx.Cookies) -> None:
        for cookie in cookies.jar:
            if _secret_cookie(cookie.name):
                self.add(cookie.value)

    def forms(self) -> set[str]:
        found: set[str] = set()
        for value in self.values:
            found |= {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
        return found

    def leaked(self, text: str) -> list[str]:
        return sorted({form for form in self.forms() if form in text})

    def watch(self, client: httpx.Client | httpx.AsyncClient) -> None:
        """Learn secrets from traffic: tokens in answers, Set-Cookie values, and the
        password/token fields of request bodies."""

        def learn_request(request: httpx.Request) -> None:
            if request.headers.get("authorization"):
                self.add(request.headers["authorization"].removeprefix("Bearer "))
            if request.method == "POST" and request.headers.get("content-type", "").startswith(
                "application/x-www-form-urlencoded"
            ):
                for name, value in httpx.QueryParams(request.content.decode()).multi_items():
                    if "password" in name or "token" in name:
                        self.add(value)

        def learn_response(response: httpx.Response) -> None:
            for header in response.headers.get_list("set-cookie"):
                name, _, rest = header.partition("=")
                if _secret_cookie(name.strip()):
                    self.add(rest.split(";", 1)[0])
            try:
                document = json.loads(response.content)
            except ValueError:
                return
            tokens = (
                document.get("query", {}).get("tokens", {}) if isinstance(document, dict) else {}
            )
            for value in tokens.values() if isinstance(tokens, dict) else ():
                self.add(value)

        if isinstance(client, httpx.AsyncClient):

            async def async_request(request: httpx.Request) -> None:
                await request.aread()
                learn_request(request)

            async def async_response(response: httpx.Response) -> None:
                await response.aread()
                learn_response(response)

            client.event_hooks["request"].append(async_request)
            client.event_hooks["response"].append(async_response)
        else:

            def sync_request(request: httpx.Request) -> None:
                request.read()
                learn_request(request)

            def sync_response(response: httpx.Response) -> None:
                response.read()
                learn_response(response)

            client.event_hooks["request"].append(sync_request)
            client.event_hooks["response"].append(sync_response)


def _secret_cookie(name: str) -> bool:
    lowered = name.lower()
    return "session" in lowered or lowered.endswith("token")


class AllLogs(logging.Handler):
    """Every log record of every logger, at DEBUG, formatted (with any exception)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.records: list[tuple[str, str]] = []
        self._saved: list[tuple[logging.Logger, int]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, self.format(record)))

    def __enter__(self) -> AllLogs:
        root = logging.getLogger()
        self._saved = [(root, root.level)]
        for name in ("httpx", "httpcore", "mwtyped", "hpack", "h11"):
            logger = logging.getLogger(name)
            self._saved.append((logger, logger.level))
            logger.setLevel(logging.DEBUG)
        root.setLevel(logging.DEBUG)
        root.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self)
        for logger, level in self._saved:
            logger.setLevel(level)

    def leaks(self, secrets: Secrets, *, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        return [
            (name, text[:200])
            for name, text in self.records
            if not name.startswith(skip) and secrets.leaked(text)
        ]


def describe_error(err: BaseException) -> str:
    """Everything an exception shows: repr, str, notes, args, traceback text, causes."""
    parts = [repr(err), str(err), repr(err.args), *getattr(err, "__notes__", [])]
    parts.append("".join(traceback.format_exception(err)))
    document = getattr(err, "document", None)
    if document is not None:
        parts.append(json.dumps(document, default=repr))
    return "\n".join(parts)


# -- the scenario -----------------------------------------------------------------------------
def _live(kind: str, info: WikiInfo, loop: asyncio.AbstractEventLoop | None) -> Live:
    options: dict[str, Any] = {"user_agent": USER_AGENT, "api_path": info.api_path, "retry": 0}
    session: mwtyped.Session | mwtyped.AsyncSession
    if kind == "async":
        session = mwtyped.AsyncSession(info.url, **options)
    else:
        session = mwtyped.Session(info.url, **options)
    return Live(session, loop)


def _close(live: Live) -> None:
    if isinstance(live.session, mwtyped.AsyncSession):
        live.wait(live.session.aclose())
    else:
        live.session.close()


def run_scenario(kind: str, info: WikiInfo, secrets: Secrets, shown: list[str]) -> None:
    """Logins (failing and working, bot password and main account), edits, badtoken,
    assertuserfailed, logout; ``shown`` collects every repr/str/error text produced."""
    loop = asyncio.new_event_loop() if kind == "async" else None
    live = _live(kind, info, loop)
    secrets.watch(live.session.client)
    run = uuid.uuid4().hex[:10]
    wrong_bot = "w" * 8 + uuid.uuid4().hex[:24]  # looks like a bot password, is not one
    wrong_main = "Wrong-main-password-" + run
    for value in (info.bot_password, info.user_password, wrong_bot, wrong_main):
        secrets.add(value)

    def show() -> None:
        shown.extend([repr(live.session), str(live.session)])
        secrets.add_cookies(live.session.client.cookies)

    def expect(error: type[mwtyped.MWTypedError], call: Callable[[], object]) -> None:
        with pytest.raises(error) as caught:
            call()
        shown.append(describe_error(caught.value))

    try:
        show()
        expect(mwtyped.LoginError, lambda: live.login(info.bot_user, wrong_bot))
        expect(mwtyped.LoginError, lambda: live.login(info.user, wrong_main))
        show()
        live.login(info.bot_user, info.bot_password)
        show()
        token = live.token("csrf")
        secrets.add(token)
        live.post(action="edit", title=f"Rel secret {run}", text="one", summary="s")
        show()
        # a retried write, so mwtyped.retry logs too (waits on a fake clock)
        live.session._core.retry = mwtyped.RetryPolicy(max_retries=1)
        live.session._clocks = FakeClocks().clocks()
        expect(
            mwtyped.MaxLagError,
            lambda: live.post(action="edit", title=f"Rel secret {run}", text="x", maxlag=-2),
        )
        live.session._core.retry = mwtyped.RetryPolicy.coerce(0)
        # badtoken, given explicitly: raised as it is
        expect(
            mwtyped.BadTokenError,
            lambda: live.post(
                action="edit", title=f"Rel secret {run}", text="x", token="0" * 40 + "+\\"
            ),
        )
        # a stale cached token: refreshed and the edit resent
        live.session._core.tokens.put("csrf", "f" * 40 + "+\\")
        live.post(action="edit", title=f"Rel secret {run}", text="two", summary="s")
        show()
        # the session cookie lost: assert=user stops the edit
        live.session.client.cookies.clear()
        expect(
            mwtyped.AssertFailedError,
            lambda: live.post(action="edit", title=f"Rel secret {run}", text="three"),
        )
        show()
        live.login(info.bot_user, info.bot_password)
        show()
        live.logout()
        show()
        live.login(info.user, info.user_password)  # clientlogin, main password
        show()
        live.post(action="edit", title=f"Rel secret {run}", text="four", summary="s")
        live.logout()
        show()
    finally:
        _close(live)
        if loop is not None:
            loop.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_no_secret_in_reprs_errors_or_mwtyped_and_httpx_logs(testwiki: WikiInfo, kind: str) -> None:
    secrets = Secrets()
    shown: list[str] = []
    with AllLogs() as logs:
        run_scenario(kind, testwiki, secrets, shown)
    assert len(secrets.values) >= 8, "the scenario should have seen passwords, tokens, cookies"
    logged_by = {name for name, _ in logs.records}
    # Both sessions send over their own connections and log them as mwtyped.http.
    assert {"mwtyped.http", "mwtyped.retry"} <= logged_by, logged_by
    assert [secrets.leaked(text) for text in shown if secrets.leaked(text)] == []
    # httpcore is checked (and fails) in the next test.
    assert logs.leaks(secrets, skip=("httpcore",)) == []


def test_no_session_cookie_in_any_debug_record_including_httpcore(testwiki: WikiInfo) -> None:
    secrets = Secrets()
    with AllLogs() as logs:
        live = _live("sync", testwiki, None)
        secrets.watch(live.session.client)
        try:
            live.login(testwiki.bot_user, testwiki.bot_password)
            secrets.add_cookies(live.session.client.cookies)
        finally:
            _close(live)
    assert secrets.values
    assert logs.leaks(secrets) == []


# -- params objects ---------------------------------------------------------------------------
SECRET_PASSWORD = "Params-password-" + uuid.uuid4().hex
SECRET_TOKEN = uuid.uuid4().hex + uuid.uuid4().hex[:8] + "+\\"


@pytest.mark.parametrize(
    "params",
    [
        LoginParams(lgname="Admin@bot", lgpassword=SECRET_PASSWORD, lgtoken=SECRET_TOKEN),
        EditParams(title="A", text="b", token=SECRET_TOKEN),
        LogoutParams(token=SECRET_TOKEN),
        CreateaccountParams(createreturnurl="http://127.0.0.1/", createtoken=SECRET_TOKEN),
        ClientloginParams(loginreturnurl="http://127.0.0.1/", logintoken=SECRET_TOKEN),
    ],
    ids=lambda p: type(p).__name__,
)
def test_params_objects_hide_passwords_and_tokens(params: Any) -> None:
    secrets = Secrets()
    secrets.add(SECRET_PASSWORD)
    secrets.add(SECRET_TOKEN)
    assert secrets.leaked(repr(params) + str(params)) == []


@pytest.mark.parametrize(
    "params",
    [
        ClientloginParams(
            loginreturnurl="http://127.0.0.1/",
            logintoken=SECRET_TOKEN,
            extra_params={"username": "Tester", "password": SECRET_PASSWORD},
        ),
        CreateaccountParams(
            createreturnurl="http://127.0.0.1/",
            createtoken=SECRET_TOKEN,
            extra_params={
                "username": "New",
                "password": SECRET_PASSWORD,
                "retype": SECRET_PASSWORD,
            },
        ),
    ],
    ids=lambda p: type(p).__name__,
)
def test_account_params_hide_the_password_in_extra_params(params: Any) -> None:
    assert SECRET_PASSWORD not in repr(params) + str(params)


# -- a fake wiki elsewhere (MockTransport) ---------------------------------------------------------
class RemoteWiki:
    """``wiki.example.org`` (tokens + a session cookie, then ``redirect`` to
    ``evil.example.net`` if set) and the other host, recording what each received."""

    def __init__(self, redirect: int | None = None) -> None:
        self.redirect = redirect
        self.received: list[tuple[str, str, httpx.Headers, bytes]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        self.received.append((request.url.host, request.method, request.headers, body))
        if request.url.host == "evil.example.net":
            return httpx.Response(
                200, json={"login": {"result": "Success", "lgusername": "X"}, "query": {}}
            )
        if request.url.params.get("meta") == "tokens":
            return httpx.Response(
                200,
                json={"query": {"tokens": {"logintoken": SECRET_TOKEN, "csrftoken": SECRET_TOKEN}}},
                headers={"Set-Cookie": "wiki_session=" + "c00k1e" * 6 + "; path=/; HttpOnly"},
            )
        if self.redirect is not None:
            return httpx.Response(
                self.redirect, headers={"Location": "https://evil.example.net/w/api.php"}
            )
        if request.url.params.get("action") == "login" or b"action=login" in body:
            return httpx.Response(200, json={"login": {"result": "Success", "lgusername": "A"}})
        return httpx.Response(200, json={"batchcomplete": True, "query": {}})

    def at(self, host: str) -> list[tuple[str, httpx.Headers, bytes]]:
        return [(m, h, b) for found, m, h, b in self.received if found == host]


def _login(kind: str, host: str, transport: httpx.MockTransport) -> None:
    if kind == "sync":
        with mwtyped.Session(host, user_agent=USER_AGENT, transport=transport) as session:
            session.login("Admin@bot", SECRET_PASSWORD)
        return

    async def login() -> None:
        async with mwtyped.AsyncSession(host, user_agent=USER_AGENT, transport=transport) as made:
            await made.login("Admin@bot", SECRET_PASSWORD)

    asyncio.run(login())


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_login_over_plain_http_to_another_host_warns(kind: str) -> None:
    transport = httpx.MockTransport(RemoteWiki())
    with pytest.warns(mwtyped.InsecureLoginWarning) as caught:
        _login(kind, "http://wiki.example.org", transport)
    assert all(SECRET_PASSWORD not in str(w.message) for w in caught)


@pytest.mark.parametrize(
    "host", ["http://127.0.0.1:1", "http://localhost:1", "https://wiki.example.org"]
)
def test_login_to_loopback_or_over_https_does_not_warn(host: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", mwtyped.InsecureLoginWarning)
        _login("sync", host, httpx.MockTransport(RemoteWiki()))


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_host_is_not_followed(status: int) -> None:
    wiki = RemoteWiki(redirect=status)
    with mwtyped.Session(
        "https://wiki.example.org",
        user_agent=USER_AGENT,
        access_token=OAUTH_TOKEN,
        retry=mwtyped.RetryPolicy(max_retries=3),
        transport=httpx.MockTransport(wiki),
    ) as session:
        session.token("csrf")  # the wiki sets its cookie
        calls: list[Callable[[], object]] = [
            lambda: session.get(action="query", meta="siteinfo"),
            lambda: session.post(action="edit", title="A", text="b"),
        ]
        for call in calls:
            with pytest.raises(mwtyped.HTTPStatusError) as caught:
                call()
            assert caught.value.status_code == status
            assert "evil.example.net" in str(caught.value)
            assert OAUTH_TOKEN not in describe_error(caught.value)
            assert SECRET_TOKEN.removesuffix("+\\") not in describe_error(caught.value)
    assert wiki.at("evil.example.net") == []
    assert len(wiki.at("wiki.example.org")) == 3  # token, get, post: no retries of a redirect


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_following_client_of_the_user_leaks_no_auth_or_cookie(status: int, kind: str) -> None:
    """The user's own client follows redirects: httpx strips ``Authorization`` and keeps the
    wiki's cookies to the wiki, so the other host receives neither."""
    wiki = RemoteWiki(redirect=status)
    transport = httpx.MockTransport(wiki)
    if kind == "sync":
        with httpx.Client(transport=transport, follow_redirects=True) as client:
            session = mwtyped.Session(
                "https://wiki.example.org",
                user_agent=USER_AGENT,
                session=client,
                access_token=OAUTH_TOKEN,
                retry=0,
            )
            session.token("csrf")
            assert client.cookies  # the wiki's session cookie is in the jar
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for call in (
                    lambda: session.get(action="query", meta="siteinfo"),
                    lambda: session.login("Admin@bot", SECRET_PASSWORD),
                ):
                    with contextlib.suppress(mwtyped.MWTypedError):
                        call()
    else:

        async def run() -> None:
            async with httpx.AsyncClient(transport=transport, follow_redirects=True) as client:
                session = mwtyped.AsyncSession(
                    "https://wiki.example.org",
                    user_agent=USER_AGENT,
                    session=client,
                    access_token=OAUTH_TOKEN,
                    retry=0,
                )
                await session.token("csrf")
                assert client.cookies
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    for make in (
                        lambda: session.get(action="query", meta="siteinfo"),
                        lambda: session.login("Admin@bot", SECRET_PASSWORD),
                    ):
                        with contextlib.suppress(mwtyped.MWTypedError):
                            await make()

        asyncio.run(run())
    to_wiki = wiki.at("wiki.example.org")
    assert all(h.get("authorization") == f"Bearer {OAUTH_TOKEN}" for _, h, _ in to_wiki)
    assert any(h.get("cookie") for _, h, _ in to_wiki[1:])  # the wiki does get its cookie
    # mwtyped sends every request with follow_redirects=False, even on a client that would
    # follow: nothing at all reaches the other host (httpx would strip Authorization and the
    # cookies there anyway, but not a re-POSTed body).
    assert wiki.at("evil.example.net") == []


@pytest.mark.parametrize(
    "status",
    [
        301,
        302,
        303,
        307,
        308,
    ],
)
def test_a_password_never_travels_to_another_host(status: int) -> None:
    wiki = RemoteWiki(redirect=status)
    with httpx.Client(transport=httpx.MockTransport(wiki), follow_redirects=True) as client:
        session = mwtyped.Session(
            "https://wiki.example.org", user_agent=USER_AGENT, session=client, retry=0
        )
        with contextlib.suppress(mwtyped.MWTypedError):
            session.login("Admin@bot", SECRET_PASSWORD)
    for _, _, body in wiki.at("evil.example.net"):
        assert SECRET_PASSWORD.encode() not in body
        assert quote_plus(SECRET_PASSWORD).encode() not in body


def test_an_oauth_token_is_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    wiki = RemoteWiki(redirect=503)
    secrets = Secrets()
    secrets.add(OAUTH_TOKEN)
    with (
        AllLogs() as logs,
        mwtyped.Session(
            "https://wiki.example.org",
            user_agent=USER_AGENT,
            access_token=OAUTH_TOKEN,
            retry=0,
            transport=httpx.MockTransport(wiki),
        ) as session,
    ):
        shown = [repr(session), str(session), repr(session._core.bearer)]
        with pytest.raises(mwtyped.HTTPStatusError) as caught:
            session.get(action="query", meta="siteinfo")
        shown.append(describe_error(caught.value))
    assert all(
        h.get("authorization") == f"Bearer {OAUTH_TOKEN}" for _, h, _ in wiki.at("wiki.example.org")
    )
    assert [secrets.leaked(text) for text in shown if secrets.leaked(text)] == []
    assert logs.leaks(secrets) == []


# -- TLS ------------------------------------------------------------------------------------------
def _ssl_contexts(client: httpx.Client | httpx.AsyncClient) -> Iterator[ssl.SSLContext]:
    transports = [client._transport, *client._mounts.values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        context = getattr(pool, "_ssl_context", None)
        if isinstance(context, ssl.SSLContext):
            yield context


def test_tls_verification_is_on_unless_the_user_turns_it_off() -> None:
    host = "https://wiki.example.org"
    sync = mwtyped.Session(host, user_agent=USER_AGENT)
    asynchronous = mwtyped.AsyncSession(host, user_agent=USER_AGENT, timeout=5)
    try:
        for client in (sync.client, asynchronous.client):
            contexts = list(_ssl_contexts(client))
            assert contexts, "no SSL context found on the client mwtyped built"
            for context in contexts:
                assert context.verify_mode == ssl.CERT_REQUIRED
                assert context.check_hostname is True
        # A client of the user's is used as it is: verification is theirs to turn off.
        with httpx.Client(verify=False) as insecure:
            theirs = mwtyped.Session(host, user_agent=USER_AGENT, session=insecure)
            assert theirs.client is insecure
            assert all(c.verify_mode == ssl.CERT_NONE for c in _ssl_contexts(insecure))
        with httpx.Client() as default:
            theirs = mwtyped.Session(host, user_agent=USER_AGENT, session=default)
            assert all(c.verify_mode == ssl.CERT_REQUIRED for c in _ssl_contexts(theirs.client))
    finally:
        sync.close()
        asyncio.run(asynchronous.aclose())
