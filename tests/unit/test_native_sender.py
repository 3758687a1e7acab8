"""AsyncSession's own asyncio connections (mwtyped/_aio_sender.py, _aio_pool.py) against a
real HTTP/1.1 server on loopback: keep-alive, reconnects, every way an answer can fail,
cookies shared with the httpx client, TLS, and when the session sends with httpx instead."""

from __future__ import annotations

import asyncio
import gzip
import logging
import ssl
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest
import trustme

import mwtyped
from mwtyped.errors import (
    ConnectError,
    RequestTimeout,
    ResponseDecodeError,
    TransportError,
    WriteOutcomeUnknownError,
)
from tests.unit.wire_server import Reply, SeenRequest, WireServer

USER_AGENT = "mwtyped-tests/1 (https://example.org; tests@example.org)"
SITEINFO = {"batchcomplete": True, "query": {"general": {"sitename": "Wire"}}}
EDITED = {"edit": {"result": "Success", "pageid": 1, "title": "P"}}


def siteinfo(request: SeenRequest) -> Reply:
    return Reply.json(SITEINFO)


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(scenario())


def session_for(server: WireServer, **options: Any) -> mwtyped.AsyncSession:
    options.setdefault("retry", 0)
    return mwtyped.AsyncSession(server.url, user_agent=USER_AGENT, api_path="/api.php", **options)


async def query(session: mwtyped.AsyncSession) -> Any:
    return await session.get(action="query", meta="siteinfo")


def test_sends_what_httpx_would_and_reads_the_answer() -> None:
    async def scenario() -> None:
        async with WireServer(siteinfo) as server, session_for(server) as session:
            assert session._native is not None
            assert await query(session) == SITEINFO
            await session.post(action="query", meta="siteinfo", titles="Łódź|A&B")
            async with (
                httpx.AsyncClient() as client,
                mwtyped.AsyncSession(
                    server.url, user_agent=USER_AGENT, api_path="/api.php", session=client
                ) as through_httpx,
            ):
                assert through_httpx._native is None
                await query(through_httpx)
                await through_httpx.post(action="query", meta="siteinfo", titles="Łódź|A&B")
            ours, theirs = server.requests[:2], server.requests[2:]
            for mine, httpx_sent in zip(ours, theirs, strict=True):
                assert (mine.method, mine.target, mine.body) == (
                    httpx_sent.method,
                    httpx_sent.target,
                    httpx_sent.body,
                )
                assert mine.headers == httpx_sent.headers
            assert ours[0].headers["host"] == server.url.removeprefix("http://")
            assert ours[0].headers["user-agent"] == USER_AGENT
            assert "cookie" not in ours[0].headers

    run(scenario)


def test_post_sends_a_form_body_with_its_length() -> None:
    async def scenario() -> None:
        async with WireServer(siteinfo) as server, session_for(server) as session:
            await session.post(action="query", meta="siteinfo", titles="Łódź|A&B")
            seen = server.requests[0]
            assert seen.method == "POST"
            assert seen.target == "/api.php"
            assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
            assert int(seen.headers["content-length"]) == len(seen.body)
            assert seen.params["titles"] == "Łódź|A&B"

    run(scenario)


def test_keep_alive_reuses_one_connection_and_tasks_share_a_pool() -> None:
    async def scenario() -> None:
        async with WireServer(siteinfo) as server, session_for(server) as session:
            for _ in range(5):
                await query(session)
            assert server.connections_opened == 1
            await asyncio.gather(*(query(session) for _ in range(8)))
            assert server.connections_opened <= 8
            before = server.connections_opened
            for _ in range(5):
                await query(session)
            assert server.connections_opened == before  # idle ones were kept and reused

    run(scenario)


def test_connection_close_answers_get_a_new_connection_each() -> None:
    async def scenario() -> None:
        reply = Reply.json(SITEINFO, close=True)
        async with WireServer(lambda r: reply) as server, session_for(server) as session:
            for _ in range(3):
                assert await query(session) == SITEINFO
            assert server.connections_opened == 3

    run(scenario)


def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    async def scenario() -> None:
        # Answers keep-alive but closes right after: the client sees the close while idle.
        reply = Reply(Reply.json(SITEINFO).data, close=True)
        async with WireServer(lambda r: reply) as server, session_for(server) as session:
            await query(session)
            await asyncio.sleep(0.05)
            assert await query(session) == SITEINFO
            assert server.connections_opened == 2

    run(scenario)


def test_idle_connections_expire() -> None:
    async def scenario() -> None:
        limits = httpx.Limits(keepalive_expiry=0.05)
        async with WireServer(siteinfo) as server, session_for(server, limits=limits) as session:
            await query(session)
            await asyncio.sleep(0.1)
            await query(session)
            assert server.connections_opened == 2

    run(scenario)


@pytest.mark.parametrize("encoding", ["gzip", "chunked", "close-delimited"])
def test_answer_framings_and_compression(encoding: str) -> None:
    body = Reply.json(SITEINFO).data.split(b"\r\n\r\n", 1)[1]
    if encoding == "gzip":
        reply = Reply.raw(gzip.compress(body), headers={"Content-Encoding": "gzip"})
    elif encoding == "chunked":
        chunks = b"".join(
            b"%x\r\n%s\r\n" % (len(body[i : i + 5]), body[i : i + 5])
            for i in range(0, len(body), 5)
        )
        reply = Reply(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n"
        )
    else:
        reply = Reply(
            b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + body, close=True
        )

    async def scenario() -> None:
        async with WireServer(lambda r: reply) as server, session_for(server) as session:
            assert await query(session) == SITEINFO
            assert await query(session) == SITEINFO

    run(scenario)


def test_a_big_answer_arrives_in_many_pieces() -> None:
    pages = [{"pageid": n, "title": f"Page {n}", "text": "Łódź " * 400} for n in range(500)]
    document = {"batchcomplete": True, "query": {"pages": pages}}

    async def scenario() -> None:
        async with WireServer(lambda r: Reply.json(document)) as server, session_for(server) as s:
            assert await s.get(action="query", prop="revisions") == document

    run(scenario)


def test_read_timeout_is_a_typed_timeout_after_the_request_went_out() -> None:
    async def scenario() -> None:
        async with (
            WireServer(lambda r: Reply(hang=True)) as server,
            session_for(server, timeout=0.2) as session,
        ):
            with pytest.raises(RequestTimeout) as caught:
                await query(session)
            assert caught.value.request_sent is True

    run(scenario)


def test_slow_but_steady_answer_is_not_a_timeout() -> None:
    async def scenario() -> None:
        reply = Reply.json(SITEINFO)
        reply.delay = 0.15
        async with (
            WireServer(lambda r: reply) as server,
            session_for(server, timeout=0.3) as session,
        ):
            for _ in range(3):  # the timer restarts with every request
                assert await query(session) == SITEINFO

    run(scenario)


def test_refused_connection_is_a_connect_error_nothing_sent() -> None:
    async def scenario() -> None:
        async with WireServer(siteinfo) as server:
            url = server.url
        async with mwtyped.AsyncSession(
            url, user_agent=USER_AGENT, api_path="/api.php", retry=0
        ) as session:
            with pytest.raises(ConnectError) as caught:
                await session.post(action="edit", title="P", text="x", token="+\\")
            assert caught.value.request_sent is False

    run(scenario)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(b"", close=True),
        Reply(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{", close=True),
        Reply(b"garbage, not HTTP\r\n\r\n"),
    ],
    ids=["dropped", "cut-short", "garbage"],
)
def test_broken_answers_are_transport_errors_and_writes_say_outcome_unknown(reply: Reply) -> None:
    async def scenario() -> None:
        async with WireServer(lambda r: reply) as server, session_for(server) as session:
            with pytest.raises(TransportError) as caught:
                await query(session)
            assert caught.value.request_sent is True
            with pytest.raises(WriteOutcomeUnknownError):
                await session.post(action="edit", title="P", text="x", token="+\\")

    run(scenario)


def test_reads_are_retried_over_a_broken_connection() -> None:
    answers = iter([Reply(b"", close=True), Reply.json(SITEINFO)])

    async def scenario() -> None:
        async with WireServer(lambda r: next(answers)) as server:
            async with session_for(server, retry=mwtyped.RetryPolicy(backoff_base=0.01)) as s:
                assert await query(s) == SITEINFO
            assert len(server.requests) == 2

    run(scenario)


def test_a_body_that_does_not_inflate_is_a_decode_error() -> None:
    reply = Reply.raw(b"not gzip", headers={"Content-Encoding": "gzip"})

    async def scenario() -> None:
        async with WireServer(lambda r: reply) as server, session_for(server) as session:
            with pytest.raises(ResponseDecodeError, match="decoded"):
                await query(session)

    run(scenario)


def test_http_errors_keep_status_and_headers() -> None:
    reply = Reply.raw(b"busy", status="503 Service Unavailable", headers={"Retry-After": "7"})

    async def scenario() -> None:
        async with WireServer(lambda r: reply) as server, session_for(server) as session:
            with pytest.raises(mwtyped.errors.HTTPStatusError) as caught:
                await query(session)
            assert caught.value.status_code == 503
            assert caught.value.retry_after == "7"

    run(scenario)


def test_cookies_are_shared_with_the_httpx_client() -> None:
    def respond(request: SeenRequest) -> Reply:
        if request.params.get("meta") == "tokens":
            return Reply.json(
                {"query": {"tokens": {"csrftoken": "abc+\\"}}},
                headers={"Set-Cookie": "wikiSession=s3cr3t; path=/; HttpOnly"},
            )
        return Reply.json(SITEINFO)

    async def scenario() -> None:
        async with WireServer(respond) as server, session_for(server) as session:
            await session.get(action="query", meta="tokens")
            assert session.client.cookies.get("wikiSession") == "s3cr3t"
            await query(session)
            assert server.requests[-1].headers["cookie"] == "wikiSession=s3cr3t"
            session.client.cookies.set("extra", "1", domain="127.0.0.1")
            await query(session)
            assert sorted(server.requests[-1].headers["cookie"].split("; ")) == [
                "extra=1",
                "wikiSession=s3cr3t",
            ]
            session.client.cookies.clear()
            await query(session)
            assert "cookie" not in server.requests[-1].headers

    run(scenario)


def test_cancelling_a_request_drops_its_connection_and_the_next_one_works() -> None:
    first = True

    def respond(request: SeenRequest) -> Reply:
        nonlocal first
        if first:
            first = False
            return Reply(hang=True)
        return Reply.json(SITEINFO)

    async def scenario() -> None:
        async with WireServer(respond) as server, session_for(server) as session:
            task = asyncio.ensure_future(query(session))
            while not server.requests:
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert await query(session) == SITEINFO
            assert server.connections_opened == 2
            await asyncio.sleep(0.05)
            assert server.connections_open == 1  # the cancelled one was closed

    run(scenario)


def test_the_pool_limit_holds_and_a_full_pool_times_out() -> None:
    slow = Reply.json(SITEINFO)
    slow.delay = 0.05

    async def scenario() -> None:
        limits = httpx.Limits(max_connections=2)
        async with WireServer(lambda r: slow) as server:
            async with session_for(server, limits=limits) as session:
                await asyncio.gather(*(query(session) for _ in range(6)))
                assert server.most_open == 2
            tight = httpx.Timeout(5.0, pool=0.05)
            async with session_for(
                server, limits=httpx.Limits(max_connections=1), timeout=tight
            ) as session:
                slow.delay = 0.5
                results = await asyncio.gather(
                    query(session), query(session), return_exceptions=True
                )
                assert results[0] == SITEINFO
                assert isinstance(results[1], RequestTimeout)
                assert results[1].request_sent is False

    run(scenario)


def test_one_session_across_two_event_loops() -> None:
    async def serve_twice(session: mwtyped.AsyncSession) -> None:
        assert await query(session) == SITEINFO

    async def scenario() -> None:
        async with WireServer(siteinfo) as server:
            session = session_for(server)
            await serve_twice(session)
            # A second loop in a worker thread, as a sync wrapper around async code does.
            await asyncio.to_thread(asyncio.run, serve_twice(session))
            await serve_twice(session)
            await session.aclose()

    run(scenario)


def test_oauth_bearer_token_is_sent() -> None:
    async def scenario() -> None:
        async with WireServer(siteinfo) as server:
            async with session_for(server, access_token="tok-123") as session:
                await query(session)
            assert server.requests[0].headers["authorization"] == "Bearer tok-123"

    run(scenario)


def test_requests_are_logged_like_httpx_does(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        async with WireServer(siteinfo) as server, session_for(server) as session:
            with caplog.at_level(logging.INFO, logger="mwtyped.http"):
                await query(session)

    run(scenario)
    (record,) = [r for r in caplog.records if r.name == "mwtyped.http"]
    assert record.getMessage().startswith("HTTP Request: GET http://127.0.0.1:")
    assert record.getMessage().endswith('"200"')


def test_tls_with_a_trusted_certificate_and_refusal_without() -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)

    async def scenario() -> None:
        async with WireServer(siteinfo, ssl_context=server_context) as server:
            async with session_for(server, verify=client_context) as session:
                assert session._native is not None
                for _ in range(3):
                    assert await query(session) == SITEINFO
            assert server.connections_opened == 1
            async with session_for(server) as untrusting:
                with pytest.raises(ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                    await query(untrusting)

    run(scenario)


@pytest.mark.parametrize(
    "options",
    [
        {"transport": httpx.AsyncHTTPTransport()},
        {"http2": True},
        {"proxy": "http://127.0.0.1:9"},
        {"auth": ("user", "pass")},
    ],
    ids=["transport", "http2", "proxy", "auth"],
)
def test_options_only_httpx_honours_make_the_session_send_with_httpx(
    options: dict[str, Any],
) -> None:
    async def scenario() -> None:
        try:
            session = mwtyped.AsyncSession("http://127.0.0.1:1", user_agent=USER_AGENT, **options)
        except ImportError:  # http2 needs the h2 package
            return
        assert session._native is None
        await session.aclose()

    run(scenario)


def test_a_proxy_in_the_environment_makes_the_session_send_with_httpx(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")

    async def scenario() -> None:
        proxied = mwtyped.AsyncSession("http://127.0.0.1:1", user_agent=USER_AGENT)
        ignored = mwtyped.AsyncSession("http://127.0.0.1:1", user_agent=USER_AGENT, trust_env=False)
        assert proxied._native is None
        assert ignored._native is not None
        await proxied.aclose()
        await ignored.aclose()

    run(scenario)


def test_a_client_of_the_users_own_or_auth_set_later_goes_through_httpx() -> None:
    async def scenario() -> None:
        async with WireServer(siteinfo) as server:
            client = httpx.AsyncClient()
            async with mwtyped.AsyncSession(
                server.url, user_agent=USER_AGENT, api_path="/api.php", session=client
            ) as session:
                assert session._native is None
                assert await query(session) == SITEINFO
            await client.aclose()
            async with session_for(server) as session:
                assert session._native is not None
                session.client.auth = httpx.BasicAuth("u", "p")
                assert not session._native.usable(session.client)
                await query(session)
                assert server.requests[-1].headers["authorization"].startswith("Basic ")

    run(scenario)


def test_event_hooks_run_as_httpx_runs_them() -> None:
    body = Reply.json(SITEINFO).data.split(b"\r\n\r\n", 1)[1]
    packed = Reply.raw(gzip.compress(body), headers={"Content-Encoding": "gzip"})
    seen: list[str] = []

    async def tag(request: httpx.Request) -> None:
        request.headers["X-Tag"] = "tagged"
        seen.append(f"request {request.method} {request.url.params['meta']}")

    async def look(response: httpx.Response) -> None:
        await response.aread()
        seen.append(f"response {response.status_code} {response.json()['query']['general']}")

    async def scenario() -> None:
        async with (
            WireServer(lambda r: packed) as server,
            session_for(server, event_hooks={"request": [tag], "response": [look]}) as session,
        ):
            assert session._native is not None
            assert await query(session) == SITEINFO
            assert server.requests[0].headers["x-tag"] == "tagged"
            session.client.event_hooks["request"].clear()
            session.client.event_hooks["response"].clear()
            await query(session)
            assert "x-tag" not in server.requests[1].headers
            assert server.connections_opened == 1

    run(scenario)
    assert seen == ["request GET siteinfo", "response 200 {'sitename': 'Wire'}"]


def test_a_hook_that_moves_the_request_elsewhere_is_refused() -> None:
    async def elsewhere(request: httpx.Request) -> None:
        request.url = httpx.URL("http://example.org/api.php")

    async def scenario() -> None:
        async with (
            WireServer(siteinfo) as server,
            session_for(server, event_hooks={"request": [elsewhere]}) as session,
        ):
            with pytest.raises(ValueError, match="moved the request"):
                await query(session)
            assert server.requests == []

    run(scenario)
