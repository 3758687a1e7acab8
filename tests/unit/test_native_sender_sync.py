"""Session's own blocking connections (mwtyped/_sync_sender.py, _sync_pool.py) against a
real HTTP/1.1 server on loopback: keep-alive shared by threads, stale connections, every way
an answer can fail, cookies shared with the httpx client, hooks, TLS, and when the session
sends with httpx instead. The asyncio twin is tested in test_native_sender.py."""

from __future__ import annotations

import gzip
import ssl
import threading
import time
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
from tests.unit.wire_server import Reply, SeenRequest, ThreadedWireServer, WireServer

USER_AGENT = "mwtyped-tests/1 (https://example.org; tests@example.org)"
SITEINFO = {"batchcomplete": True, "query": {"general": {"sitename": "Wire"}}}


def siteinfo(request: SeenRequest) -> Reply:
    return Reply.json(SITEINFO)


def session_for(server: WireServer, **options: Any) -> mwtyped.Session:
    options.setdefault("retry", 0)
    return mwtyped.Session(server.url, user_agent=USER_AGENT, api_path="/api.php", **options)


def query(session: mwtyped.Session) -> Any:
    return session.get(action="query", meta="siteinfo")


def edit(session: mwtyped.Session) -> Any:
    return session.post(action="edit", title="P", text="x", token="+\\")


def test_sends_byte_for_byte_what_httpx_sends() -> None:
    with ThreadedWireServer(siteinfo) as server:
        with session_for(server) as session:
            assert session._native is not None
            assert query(session) == SITEINFO
            session.post(action="query", meta="siteinfo", titles="Łódź|A&B")
        with (
            httpx.Client() as client,
            mwtyped.Session(
                server.url, user_agent=USER_AGENT, api_path="/api.php", session=client
            ) as through_httpx,
        ):
            assert through_httpx._native is None
            query(through_httpx)
            through_httpx.post(action="query", meta="siteinfo", titles="Łódź|A&B")
    ours, theirs = server.requests[:2], server.requests[2:]
    for mine, httpx_sent in zip(ours, theirs, strict=True):
        assert (mine.method, mine.target, mine.body) == (
            httpx_sent.method,
            httpx_sent.target,
            httpx_sent.body,
        )
        assert mine.headers == httpx_sent.headers


def test_threads_share_keep_alive_connections() -> None:
    slow = Reply.json(SITEINFO)
    slow.delay = 0.02
    results: list[Any] = []
    with ThreadedWireServer(lambda r: slow) as server, session_for(server) as session:
        for _ in range(3):
            query(session)
        assert server.connections_opened == 1
        threads = [
            threading.Thread(target=lambda: results.extend(query(session) for _ in range(5)))
            for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [SITEINFO] * 30
        assert server.connections_opened <= 1 + 6
        opened = server.connections_opened
        for _ in range(5):
            query(session)
        assert server.connections_opened == opened


def test_the_pool_limit_holds_and_a_full_pool_times_out() -> None:
    slow = Reply.json(SITEINFO)
    slow.delay = 0.05
    with ThreadedWireServer(lambda r: slow) as server:
        with session_for(server, limits=httpx.Limits(max_connections=2)) as session:
            threads = [threading.Thread(target=query, args=(session,)) for _ in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert server.most_open == 2
        slow.delay = 0.5
        tight = httpx.Timeout(5.0, pool=0.05)
        outcomes: list[Any] = []

        def attempt(session: mwtyped.Session) -> None:
            try:
                outcomes.append(query(session))
            except mwtyped.MWTypedError as err:
                outcomes.append(err)

        with session_for(server, limits=httpx.Limits(max_connections=1), timeout=tight) as s:
            threads = [threading.Thread(target=attempt, args=(s,)) for _ in range(2)]
            for thread in threads:
                thread.start()
                time.sleep(0.05)
            for thread in threads:
                thread.join()
    assert outcomes[1] == SITEINFO
    assert isinstance(outcomes[0], RequestTimeout)
    assert outcomes[0].request_sent is False


def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    reply = Reply(Reply.json(SITEINFO).data, close=True)  # keep-alive answer, then a close
    with ThreadedWireServer(lambda r: reply) as server, session_for(server) as session:
        query(session)
        time.sleep(0.05)
        assert query(session) == SITEINFO
        assert server.connections_opened == 2


def test_idle_connections_expire() -> None:
    limits = httpx.Limits(keepalive_expiry=0.05)
    with ThreadedWireServer(siteinfo) as server, session_for(server, limits=limits) as session:
        query(session)
        time.sleep(0.1)
        query(session)
        assert server.connections_opened == 2


@pytest.mark.parametrize("framing", ["gzip", "chunked", "close-delimited", "connection-close"])
def test_answer_framings_and_compression(framing: str) -> None:
    body = Reply.json(SITEINFO).data.split(b"\r\n\r\n", 1)[1]
    if framing == "gzip":
        reply = Reply.raw(gzip.compress(body), headers={"Content-Encoding": "gzip"})
    elif framing == "chunked":
        pieces = [body[i : i + 5] for i in range(0, len(body), 5)]
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces)
        reply = Reply(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n"
        )
    elif framing == "close-delimited":
        reply = Reply(
            b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + body, close=True
        )
    else:
        reply = Reply.json(SITEINFO, close=True)
    with ThreadedWireServer(lambda r: reply) as server, session_for(server) as session:
        assert query(session) == SITEINFO
        assert query(session) == SITEINFO


def test_a_big_answer_arrives_in_many_pieces() -> None:
    pages = [{"pageid": n, "title": f"Page {n}", "text": "Łódź " * 400} for n in range(500)]
    document = {"batchcomplete": True, "query": {"pages": pages}}
    with ThreadedWireServer(lambda r: Reply.json(document)) as server, session_for(server) as s:
        assert s.get(action="query", prop="revisions") == document


def test_read_timeout_is_a_typed_timeout_after_the_request_went_out() -> None:
    with (
        ThreadedWireServer(lambda r: Reply(hang=True)) as server,
        session_for(server, timeout=0.2) as session,
    ):
        with pytest.raises(RequestTimeout) as caught:
            query(session)
        assert caught.value.request_sent is True
        with pytest.raises(WriteOutcomeUnknownError):
            edit(session)


def test_refused_connection_is_a_connect_error_nothing_sent() -> None:
    with ThreadedWireServer(siteinfo) as server:
        url = server.url
    with mwtyped.Session(url, user_agent=USER_AGENT, api_path="/api.php", retry=0) as session:
        with pytest.raises(ConnectError) as caught:
            edit(session)
        assert caught.value.request_sent is False


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
    with ThreadedWireServer(lambda r: reply) as server, session_for(server) as session:
        with pytest.raises(TransportError) as caught:
            query(session)
        assert caught.value.request_sent is True
        with pytest.raises(WriteOutcomeUnknownError):
            edit(session)


def test_reads_are_retried_over_a_broken_connection() -> None:
    answers = iter([Reply(b"", close=True), Reply.json(SITEINFO)])
    policy = mwtyped.RetryPolicy(backoff_base=0.01)
    with ThreadedWireServer(lambda r: next(answers)) as server:
        with session_for(server, retry=policy) as session:
            assert query(session) == SITEINFO
        assert len(server.requests) == 2


def test_a_body_that_does_not_inflate_is_a_decode_error() -> None:
    reply = Reply.raw(b"not gzip", headers={"Content-Encoding": "gzip"})
    with (
        ThreadedWireServer(lambda r: reply) as server,
        session_for(server) as session,
        pytest.raises(ResponseDecodeError, match="decoded"),
    ):
        query(session)


def test_cookies_and_hooks_live_on_the_httpx_client() -> None:
    seen: list[str] = []

    def respond(request: SeenRequest) -> Reply:
        if request.params.get("meta") == "tokens":
            return Reply.json(
                {"query": {"tokens": {"csrftoken": "abc+\\"}}},
                headers={"Set-Cookie": "wikiSession=s3cr3t; path=/; HttpOnly"},
            )
        return Reply.json(SITEINFO)

    def tag(request: httpx.Request) -> None:
        request.headers["X-Tag"] = "tagged"

    def look(response: httpx.Response) -> None:
        seen.append(f"{response.status_code} {response.read()[:1]!r}")

    with ThreadedWireServer(respond) as server, session_for(server) as session:
        session.get(action="query", meta="tokens")
        assert session.client.cookies.get("wikiSession") == "s3cr3t"
        session.client.event_hooks = {"request": [tag], "response": [look]}
        query(session)
        assert server.requests[-1].headers["cookie"] == "wikiSession=s3cr3t"
        assert server.requests[-1].headers["x-tag"] == "tagged"
        assert seen == ["200 b'{'"]
        session.client.cookies.clear()
        session.client.event_hooks = {"request": [], "response": []}
        query(session)
        assert "cookie" not in server.requests[-1].headers
        assert server.connections_opened == 1


def test_tls_with_a_trusted_certificate_and_refusal_without() -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    with ThreadedWireServer(siteinfo, ssl_context=server_context) as server:
        with session_for(server, verify=client_context) as session:
            for _ in range(3):
                assert query(session) == SITEINFO
        assert server.connections_opened == 1
        with session_for(server) as untrusting, pytest.raises(ConnectError, match="CERTIFICATE"):
            query(untrusting)


def test_options_only_httpx_honours_and_auth_set_later_go_through_httpx(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with mwtyped.Session("http://127.0.0.1:1", user_agent=USER_AGENT, proxy="http://x:9") as s:
        assert s._native is None
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    with mwtyped.Session("https://127.0.0.1:1", user_agent=USER_AGENT) as s:
        assert s._native is None
    with ThreadedWireServer(siteinfo) as server, session_for(server) as session:
        assert session._native is not None
        session.client.auth = httpx.BasicAuth("u", "p")
        query(session)
        assert server.requests[-1].headers["authorization"].startswith("Basic ")
