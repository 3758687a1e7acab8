"""The I/O-free HTTP/1.1 reader and request writer behind AsyncSession's own connections."""

from __future__ import annotations

import gzip
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mwtyped._http1 import (
    MAX_HEAD_BYTES,
    AnswerDecodingError,
    AnswerReader,
    WireProtocolError,
    request_head,
)

BODY = b'{"batchcomplete":true,"query":{"general":{"sitename":"T\xc3\xa9st"}}}'


def read_all(*chunks: bytes, eof: bool = False) -> AnswerReader:
    reader = AnswerReader()
    done = False
    for chunk in chunks:
        done = reader.feed(chunk)
    if eof:
        done = reader.feed_eof()
    assert done
    return reader


def length_answer(body: bytes = BODY, extra: bytes = b"") -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
        + extra
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )


def chunked_answer(body: bytes = BODY, size: int = 7) -> bytes:
    parts = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"]
    for start in range(0, len(body), size):
        piece = body[start : start + size]
        parts.append(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece))
    parts.append(b"0\r\nX-Trailer: yes\r\n\r\n")
    return b"".join(parts)


def close_answer(body: bytes = BODY) -> bytes:
    return b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + body


ANSWERS = {"length": length_answer(), "chunked": chunked_answer()}


def test_content_length_answer() -> None:
    reader = read_all(length_answer())
    assert reader.status_code == 200
    assert reader.headers["content-type"] == "application/json; charset=utf-8"
    assert reader.content() == BODY
    assert reader.keep_alive
    assert not reader.trailing_bytes


def test_chunked_answer_with_extensions_and_trailers() -> None:
    reader = read_all(chunked_answer())
    assert reader.content() == BODY
    assert reader.keep_alive


def test_close_delimited_answer_ends_at_eof() -> None:
    reader = AnswerReader()
    assert not reader.feed(close_answer())
    assert reader.feed_eof()
    assert reader.content() == BODY
    assert not reader.keep_alive


@pytest.mark.parametrize(
    ("head", "keep_alive"),
    [
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\n", False),
        (b"HTTP/1.1 200 OK\r\nConnection: Keep-Alive\r\n", True),
        (b"HTTP/1.0 200 OK\r\n", False),
        (b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n", True),
    ],
)
def test_connection_reuse_follows_version_and_header(head: bytes, keep_alive: bool) -> None:
    reader = read_all(head + b"Content-Length: 2\r\n\r\n{}")
    assert reader.keep_alive is keep_alive


@given(cuts=st.lists(st.integers(min_value=0, max_value=len(chunked_answer())), max_size=8))
def test_any_split_of_the_bytes_reads_the_same(cuts: list[int]) -> None:
    for whole in ANSWERS.values():
        points = sorted({min(cut, len(whole)) for cut in cuts})
        pieces = [whole[a:b] for a, b in zip([0, *points], [*points, len(whole)], strict=True)]
        reader = read_all(*[piece for piece in pieces if piece])
        assert reader.status_code == 200
        assert reader.content() == BODY


def test_interim_answers_are_skipped() -> None:
    reader = read_all(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n", length_answer()
    )
    assert reader.status_code == 200
    assert "link" not in reader.headers
    assert reader.content() == BODY


@pytest.mark.parametrize("status", [204, 304])
def test_bodiless_statuses_complete_at_the_head(status: int) -> None:
    reader = read_all(b"HTTP/1.1 %d No Content\r\n\r\n" % status)
    assert reader.status_code == status
    assert reader.content() == b""


def test_repeated_headers_are_joined_and_kept_raw() -> None:
    reader = read_all(
        length_answer(extra=b"Set-Cookie: a=1; path=/\r\nSet-Cookie: b=2; path=/\r\n")
    )
    assert reader.headers["set-cookie"] == "a=1; path=/, b=2; path=/"
    assert [v for k, v in reader.raw_headers if k == "Set-Cookie"] == ["a=1; path=/", "b=2; path=/"]


def test_bytes_after_the_answer_mark_the_connection_untrustworthy() -> None:
    reader = read_all(length_answer() + b"HTTP/1.1 200 OK\r\n")
    assert reader.trailing_bytes
    assert reader.content() == BODY


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_bodies_are_inflated(coding: str) -> None:
    if coding == "gzip":
        packed = gzip.compress(BODY)
    elif coding == "deflate":
        packed = zlib.compress(BODY)
    else:
        squeezer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        packed = squeezer.compress(BODY) + squeezer.flush()
    name = b"deflate" if coding == "raw-deflate" else coding.encode()
    reader = read_all(length_answer(packed, extra=b"Content-Encoding: " + name + b"\r\n"))
    assert reader.content() == BODY


@pytest.mark.parametrize(
    ("coding", "body"),
    [("gzip", b"not gzip at all"), ("gzip", gzip.compress(BODY)[:-12]), ("br", b"\x0b\x02")],
)
def test_bodies_that_do_not_inflate_raise_a_decoding_error(coding: str, body: bytes) -> None:
    reader = read_all(length_answer(body, extra=f"Content-Encoding: {coding}\r\n".encode()))
    with pytest.raises(AnswerDecodingError):
        reader.content()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"SSH-2.0-OpenSSH\r\n\r\n", "status line"),
        (b"HTTP/1.1 abc OK\r\n\r\n", "status line"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header"),
        (b"HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", "malformed header"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n", "Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY", "CRLF"),
    ],
)
def test_malformed_answers_raise_protocol_errors(data: bytes, message: str) -> None:
    with pytest.raises(WireProtocolError, match=message):
        AnswerReader().feed(data)


def test_endless_headers_are_refused() -> None:
    reader = AnswerReader()
    reader.feed(b"HTTP/1.1 200 OK\r\n")
    filler = b"X-Filler: " + b"y" * 990 + b"\r\n"
    for _ in range(MAX_HEAD_BYTES // len(filler)):
        reader.feed(filler)
    with pytest.raises(WireProtocolError, match="longer than"):
        reader.feed(filler)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "without sending a response"),
        (b"HTTP/1.1 200 OK\r\nContent-Le", "before the answer was complete"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}", "before the answer was complete"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}", "before the answer"),
    ],
)
def test_early_close_is_a_protocol_error(data: bytes, message: str) -> None:
    reader = AnswerReader()
    if data:
        assert not reader.feed(data)
    with pytest.raises(WireProtocolError, match=message):
        reader.feed_eof()


def test_request_head_writes_host_and_headers_in_order() -> None:
    head = request_head(
        "POST", "/api.php", "127.0.0.1:8080", [(b"User-Agent", b"bot/1"), (b"Content-Length", b"2")]
    )
    assert head == (
        b"POST /api.php HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: bot/1\r\n"
        b"Content-Length: 2\r\n\r\n"
    )


@pytest.mark.parametrize("value", [b"evil\r\nX-Injected: 1", b"evil\nX: 1"])
def test_request_head_refuses_line_breaks_in_headers(value: bytes) -> None:
    with pytest.raises(ValueError, match="line break"):
        request_head("GET", "/", "h", [(b"X-Custom", value)])
