"""The mwapi-compatible surface: constructor checks, client ownership, request shapes, __all__."""

from __future__ import annotations

import asyncio
import inspect
import math
import warnings
from collections.abc import Iterator
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

import mwtyped
import mwtyped.errors
from tests.unit.fakes import HOST, USER_AGENT, Driver, FakeWiki, api_json

SessionClass = type[mwtyped.Session] | type[mwtyped.AsyncSession]
OK = {"batchcomplete": True}


@pytest.fixture(params=[mwtyped.Session, mwtyped.AsyncSession], ids=["sync", "async"])
def cls(request: pytest.FixtureRequest) -> SessionClass:
    chosen: SessionClass = request.param
    return chosen


def close(session: mwtyped.Session | mwtyped.AsyncSession) -> None:
    if isinstance(session, mwtyped.AsyncSession):
        asyncio.run(session.aclose())
    else:
        session.close()


def make(cls: SessionClass, wiki: FakeWiki, **kw: Any) -> mwtyped.Session | mwtyped.AsyncSession:
    kw.setdefault("user_agent", USER_AGENT)
    return cls(HOST, transport=httpx.MockTransport(wiki), **kw)


def get(session: mwtyped.Session | mwtyped.AsyncSession, **params: Any) -> Any:
    if isinstance(session, mwtyped.AsyncSession):
        return asyncio.run(session.get(**params))
    return session.get(**params)


@pytest.fixture
def built(
    cls: SessionClass, wiki: FakeWiki
) -> Iterator[list[mwtyped.Session | mwtyped.AsyncSession]]:
    """Sessions made by a test, closed after it."""
    sessions: list[mwtyped.Session | mwtyped.AsyncSession] = []
    yield sessions
    for session in sessions:
        close(session)


def send_one(cls: SessionClass, wiki: FakeWiki, built: list[Any], **kw: Any) -> httpx.Headers:
    """Build a session, send one GET, return the headers the wiki received."""
    session = make(cls, wiki, **kw)
    built.append(session)
    wiki.queue(api_json(OK))
    assert get(session, action="query") == OK
    return wiki.last.headers


# -- constructor -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["https://h", "http://127.0.0.1:8080", "http://[::1]:8080", "https://en.wikipedia.org"]
)
def test_valid_hosts_are_accepted(cls: SessionClass, host: str) -> None:
    session = cls(host, user_agent=USER_AGENT)
    assert session.host == host
    assert session.api_url == host + "/w/api.php"
    close(session)


@pytest.mark.parametrize(
    "host",
    [
        "https://h/",
        "https://h/w",
        "https://h/w/api.php",
        "h.example.org",
        "//h.example.org",
        "ftp://h.example.org",
        "https://",
        "https://h?x=1",
        "",
        None,
        b"https://h",
        42,
    ],
)
def test_invalid_hosts_are_refused_clearly(cls: SessionClass, host: Any) -> None:
    with pytest.raises(ValueError, match="host must look like") as info:
        cls(host, user_agent=USER_AGENT)
    assert repr(host) in str(info.value)
    assert "no trailing '/'" in str(info.value)


@pytest.mark.parametrize("api_path", ["w/api.php", "api.php", "", "/w/api.php?x=1", 5])
def test_api_path_must_start_with_slash(cls: SessionClass, api_path: Any) -> None:
    with pytest.raises(ValueError, match="api_path must start with '/'"):
        cls(HOST, user_agent=USER_AGENT, api_path=api_path)


def test_default_and_custom_api_path(cls: SessionClass, wiki: FakeWiki, built: list[Any]) -> None:
    send_one(cls, wiki, built)
    assert urlsplit(wiki.last.url).path == "/w/api.php"
    assert mwtyped.DEFAULT_API_PATH == "/w/api.php"
    send_one(cls, wiki, built, api_path="/api.php")
    assert urlsplit(wiki.last.url).path == "/api.php"
    assert built[-1].api_url == HOST + "/api.php"


@pytest.mark.parametrize("formatversion", [1, 2])
def test_formatversion_is_sent(
    cls: SessionClass, wiki: FakeWiki, built: list[Any], formatversion: int
) -> None:
    send_one(cls, wiki, built, formatversion=formatversion)
    assert wiki.last.params["formatversion"] == str(formatversion)


@pytest.mark.parametrize("formatversion", [0, 3, "2", True, 2.5])
def test_bad_formatversion_is_refused(cls: SessionClass, formatversion: Any) -> None:
    with pytest.raises(ValueError, match="formatversion must be 1 or 2"):
        cls(HOST, user_agent=USER_AGENT, formatversion=formatversion)


@pytest.mark.parametrize("errorformat", ["bc", "plaintext", "wikitext", "html", "raw", "none"])
def test_errorformat_is_sent(
    cls: SessionClass, wiki: FakeWiki, built: list[Any], errorformat: str
) -> None:
    send_one(cls, wiki, built, errorformat=errorformat)
    assert wiki.last.params["errorformat"] == errorformat


def test_errorformat_none_sends_none(cls: SessionClass, wiki: FakeWiki, built: list[Any]) -> None:
    send_one(cls, wiki, built, errorformat=None)
    assert "errorformat" not in wiki.last.params
    assert wiki.last.params["format"] == "json"


@pytest.mark.parametrize("errorformat", ["text", "PLAINTEXT", "", 1])
def test_bad_errorformat_is_refused(cls: SessionClass, errorformat: Any) -> None:
    with pytest.raises(ValueError, match="errorformat must be one of"):
        cls(HOST, user_agent=USER_AGENT, errorformat=errorformat)


def test_missing_user_agent_warns_once_at_caller_and_sends_default(
    cls: SessionClass, wiki: FakeWiki, built: list[Any]
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        session = cls(HOST, transport=httpx.MockTransport(wiki))
    built.append(session)
    assert [type(w.message) for w in caught] == [mwtyped.UserAgentWarning]
    assert caught[0].filename == __file__
    assert "contact" in str(caught[0].message)
    wiki.queue(api_json(OK))
    assert get(session, action="query") == OK
    agent = wiki.last.headers["user-agent"]
    assert agent.startswith(f"mwtyped/{mwtyped.__version__} ")


def test_given_user_agent_is_sent(cls: SessionClass, wiki: FakeWiki, built: list[Any]) -> None:
    headers = send_one(cls, wiki, built, user_agent="MyBot/1.0 (me@example.org)")
    assert headers["user-agent"] == "MyBot/1.0 (me@example.org)"


@pytest.mark.parametrize("agent", ["", "   ", 5])
def test_empty_user_agent_is_refused(cls: SessionClass, agent: Any) -> None:
    with pytest.raises(ValueError, match="user_agent"):
        cls(HOST, user_agent=agent)


def test_existing_sync_client_is_used_and_not_closed(wiki: FakeWiki) -> None:
    client = httpx.Client(transport=httpx.MockTransport(wiki))
    with mwtyped.Session(HOST, user_agent=USER_AGENT, session=client) as session:
        assert session.client is client
        wiki.queue(api_json(OK))
        assert session.get(action="query") == OK
    session.close()
    assert not client.is_closed
    assert wiki.last.headers["user-agent"] == USER_AGENT
    client.close()


def test_existing_async_client_is_used_and_not_closed(wiki: FakeWiki) -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(wiki))

    async def run() -> None:
        async with mwtyped.AsyncSession(HOST, user_agent=USER_AGENT, session=client) as session:
            assert session.client is client
            wiki.queue(api_json(OK))
            assert await session.get(action="query") == OK
        await session.close()
        assert not client.is_closed
        await client.aclose()

    asyncio.run(run())
    assert wiki.last.headers["user-agent"] == USER_AGENT


def test_wrong_client_kind_names_the_other_session() -> None:
    async_client = httpx.AsyncClient()
    with pytest.raises(TypeError, match=r"httpx\.Client.*use AsyncSession"):
        mwtyped.Session(HOST, user_agent=USER_AGENT, session=async_client)  # type: ignore[arg-type]
    sync_client = httpx.Client()
    with pytest.raises(TypeError, match=r"httpx\.AsyncClient.*use Session"):
        mwtyped.AsyncSession(HOST, user_agent=USER_AGENT, session=sync_client)  # type: ignore[arg-type]
    sync_client.close()
    asyncio.run(async_client.aclose())


def test_session_with_session_params_is_refused(cls: SessionClass) -> None:
    client: Any = httpx.AsyncClient() if cls is mwtyped.AsyncSession else httpx.Client()
    with pytest.raises(TypeError, match=r"cannot be combined with session=.*'headers'"):
        cls(HOST, user_agent=USER_AGENT, session=client, headers={"X-A": "1"})
    if isinstance(client, httpx.AsyncClient):
        asyncio.run(client.aclose())
    else:
        client.close()


def test_session_params_reach_the_client(
    cls: SessionClass, wiki: FakeWiki, built: list[Any]
) -> None:
    headers = send_one(cls, wiki, built, headers={"X-Trace": "abc"}, cookies={"c": "1"})
    assert headers["x-trace"] == "abc"
    assert headers["cookie"] == "c=1"
    assert headers["user-agent"] == USER_AGENT  # the transport= given was used, too


def test_default_timeout_is_finite(cls: SessionClass, wiki: FakeWiki, built: list[Any]) -> None:
    timeout = mwtyped.DEFAULT_TIMEOUT
    assert None not in (timeout.connect, timeout.read, timeout.write, timeout.pool)
    session = make(cls, wiki)
    built.append(session)
    assert session.client.timeout == timeout


def sent_timeout(cls: SessionClass, wiki: FakeWiki, built: list[Any], **kw: Any) -> Any:
    seen: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return api_json(OK)

    session = make(cls, wiki, **kw)
    built.append(session)
    wiki.queue(handler)
    get(session, action="query")
    return seen[0]


def test_timeout_in_seconds(cls: SessionClass, wiki: FakeWiki, built: list[Any]) -> None:
    sent = sent_timeout(cls, wiki, built, timeout=5)
    assert sent == {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}
    assert built[-1].client.timeout == httpx.Timeout(5.0)


def test_infinite_timeout_waits_forever(
    cls: SessionClass, wiki: FakeWiki, built: list[Any]
) -> None:
    sent = sent_timeout(cls, wiki, built, timeout=math.inf)
    assert sent == {"connect": None, "read": None, "write": None, "pool": None}


@pytest.mark.parametrize("timeout", [0, -1, -0.5, True, "5", math.nan])
def test_bad_timeout_is_refused(cls: SessionClass, timeout: Any) -> None:
    with pytest.raises(ValueError, match="timeout must be"):
        cls(HOST, user_agent=USER_AGENT, timeout=timeout)


def test_sync_context_manager_closes_client(wiki: FakeWiki) -> None:
    with mwtyped.Session(HOST, user_agent=USER_AGENT, transport=httpx.MockTransport(wiki)) as s:
        assert not s.client.is_closed
    assert s.client.is_closed


def test_async_context_manager_closes_client(wiki: FakeWiki) -> None:
    async def run() -> httpx.AsyncClient:
        transport = httpx.MockTransport(wiki)
        async with mwtyped.AsyncSession(HOST, user_agent=USER_AGENT, transport=transport) as s:
            assert not s.client.is_closed
        return s.client

    assert asyncio.run(run()).is_closed


def test_repr_shows_host_and_api_path(cls: SessionClass) -> None:
    session = cls("http://127.0.0.1:8080", user_agent=USER_AGENT, api_path="/api.php")
    name = cls.__name__
    assert repr(session) == f"{name}(host='http://127.0.0.1:8080', api_path='/api.php')"
    close(session)


# -- request shapes --------------------------------------------------------------------------


def test_get_puts_params_in_query_string_only(driver: Driver, wiki: FakeWiki) -> None:
    wiki.queue(api_json(OK))
    driver.get(action="query", titles=["A", "B"], redirects=True)
    sent = wiki.last
    assert sent.method == "GET"
    assert sent.body == b""
    assert sent.query == [
        ("action", "query"),
        ("format", "json"),
        ("formatversion", "2"),
        ("errorformat", "plaintext"),
        ("titles", "A|B"),
        ("redirects", ""),
    ]


def test_post_puts_params_in_urlencoded_body_only(driver: Driver, wiki: FakeWiki) -> None:
    wiki.queue(api_json(OK))
    driver.post(action="purge", titles="Main Page", token="+\\")
    sent = wiki.last
    assert sent.method == "POST"
    assert urlsplit(sent.url).query == ""
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.form[0] == ("action", "purge")
    assert sent.form[-1] == ("token", "+\\")
    assert dict(sent.form)["titles"] == "Main Page"


def multipart_parts(body: bytes, content_type: str) -> list[Message]:
    header = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    return list(message.iter_parts())


def test_post_upload_file_is_multipart_with_token_last_field(
    driver: Driver, wiki: FakeWiki
) -> None:
    wiki.queue(api_json({"upload": {"result": "Success"}}))
    driver.post(
        upload_file=b"\x89PNG bytes",
        action="upload",
        filename="A.png",
        token="+\\",
        comment="c",
        ignorewarnings=True,
    )
    sent = wiki.last
    assert sent.method == "POST"
    assert urlsplit(sent.url).query == ""
    content_type = sent.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    parts = multipart_parts(sent.body, content_type)
    names = [part.get_param("name", header="content-disposition") for part in parts]
    assert names == [
        "action",
        "format",
        "formatversion",
        "errorformat",
        "filename",
        "comment",
        "ignorewarnings",
        "token",  # the last field: a truncated body loses the token and fails
        "file",
    ]
    file_part = parts[-1]
    assert file_part.get_filename() == "A.png"
    assert file_part.get_payload(decode=True) == b"\x89PNG bytes"
    fields = {n: p.get_payload(decode=True) for n, p in zip(names, parts, strict=True)}
    assert fields["token"] == b"+\\"
    assert fields["ignorewarnings"] == b""


def test_request_accepts_lower_case_method(driver: Driver, wiki: FakeWiki) -> None:
    wiki.queue(api_json(OK), api_json(OK))
    assert driver.request("get", {"action": "query"}) == OK
    assert wiki.last.method == "GET"
    assert driver.request("post", {"action": "query"}) == OK
    assert wiki.last.method == "POST"


def test_request_refuses_other_methods(driver: Driver, wiki: FakeWiki) -> None:
    with pytest.raises(ValueError, match="method must be 'GET' or 'POST'"):
        driver.request("PUT", {"action": "query"})
    assert wiki.requests == []


def test_auth_per_call(driver: Driver, wiki: FakeWiki) -> None:
    wiki.queue(api_json(OK), api_json(OK))
    driver.get(auth=("user", "pass"), action="query")
    assert wiki.last.headers["authorization"] == "Basic dXNlcjpwYXNz"
    driver.get(action="query")
    assert "authorization" not in wiki.last.headers


# -- public surface ----------------------------------------------------------------------------


def public_names(module: Any) -> set[str]:
    return {
        name
        for name in dir(module)
        if not name.startswith("_") and not inspect.ismodule(getattr(module, name))
    }


def test_package_all_is_exactly_the_public_surface() -> None:
    exported = set(mwtyped.__all__)
    assert len(exported) == len(mwtyped.__all__)
    assert public_names(mwtyped) == exported - {"__version__"}
    assert "__version__" in exported
    for name in mwtyped.__all__:
        assert hasattr(mwtyped, name), name


def test_errors_all_is_exactly_what_the_module_defines() -> None:
    module = mwtyped.errors
    defined = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ == module.__name__
    }
    assert set(module.__all__) == defined
    for name in module.__all__:
        assert hasattr(module, name), name
    classes = {name for name in defined if inspect.isclass(getattr(module, name))}
    assert classes <= set(mwtyped.__all__)  # every error class is importable from mwtyped
