"""HTTP/1.1 on the wire, without I/O: the bytes of a request, and an answer read from the
bytes as they arrive. :mod:`mwtyped._aio_pool` drives it over asyncio connections.

It reads what web servers send api.php answers with: a ``Content-Length`` body, a
``chunked`` one (trailers skipped) or one that ends when the server closes; ``1xx``
interim answers are skipped, ``gzip``/``deflate`` bodies inflated. Anything malformed raises
:class:`WireProtocolError` (the sender maps it to ``httpx.RemoteProtocolError``).

Example::

    reader = AnswerReader()
    reader.feed(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\n{}")   # True: complete
    reader.status_code, reader.headers["content-length"], reader.content()   # 200, '2', b'{}'
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping

__all__ = [
    "MAX_HEAD_BYTES",
    "Answer",
    "AnswerDecodingError",
    "AnswerReader",
    "WireProtocolError",
    "request_head",
]

# Far above any api.php answer's headers (a few hundred bytes), far below a memory problem.
MAX_HEAD_BYTES = 64 * 1024
_MAX_CHUNK_LINE = 4096

_HEAD, _LENGTH, _CHUNK_SIZE, _CHUNK_DATA, _CHUNK_END, _TRAILERS, _UNTIL_CLOSE, _DONE = range(8)


class WireProtocolError(Exception):
    """The server's bytes are not a valid HTTP/1.1 answer."""


class AnswerDecodingError(Exception):
    """The body could not be inflated as its ``Content-Encoding`` says."""


def request_head(
    method: str, target: str, host: str, headers: Iterable[tuple[bytes, bytes]]
) -> bytes:
    """The request line and headers, ready to write (the body follows them)."""
    lines = [f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n".encode("ascii")]
    for name, value in headers:
        if b"\r" in value or b"\n" in value or b"\r" in name or b"\n" in name:
            raise ValueError(f"header {name!r} contains a line break")
        lines.append(b"%s: %s\r\n" % (name, value))
    lines.append(b"\r\n")
    return b"".join(lines)


class Answer:
    """What :meth:`SessionCore.decode <mwtyped._core.SessionCore.decode>` reads from an
    answer: the parts of ``httpx.Response`` it uses."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: Mapping[str, str], content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content


class AnswerReader:
    """One answer, read incrementally: :meth:`feed` every chunk, :meth:`feed_eof` when the
    connection ends. Both return ``True`` once the answer is complete."""

    __slots__ = (
        "_body",
        "_buffer",
        "_remaining",
        "_state",
        "headers",
        "keep_alive",
        "raw_headers",
        "status_code",
        "trailing_bytes",
    )

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._body = bytearray()
        self._state = _HEAD
        self._remaining = 0
        self.status_code = 0
        # Lower-cased names; repeated headers joined with ", " (as httpx.Headers.get does).
        self.headers: dict[str, str] = {}
        self.raw_headers: list[tuple[str, str]] = []
        self.keep_alive = True
        # Bytes after the end of the answer: the connection cannot be trusted for another.
        self.trailing_bytes = False

    def feed(self, data: bytes) -> bool:
        if self._state == _LENGTH and not self._buffer:
            # The common case for bodies: straight into the body, no re-scanning.
            take = self._remaining
            if len(data) < take:
                self._body += data
                self._remaining -= len(data)
                return False
            self._body += data[:take]
            self._remaining = 0
            self._state = _DONE
            if len(data) > take:
                self.trailing_bytes = True
            return True
        if self._state == _DONE:
            self.trailing_bytes = True
            return True
        self._buffer += data
        return self._advance()

    def feed_eof(self) -> bool:
        """The server closed the connection: complete if the body ends at the close."""
        if self._state == _UNTIL_CLOSE:
            self._body += self._buffer
            self._buffer.clear()
            self._state = _DONE
            self.keep_alive = False
            return True
        if self._state == _DONE:
            return True
        if self._state == _HEAD and not self._buffer and self.status_code == 0:
            raise WireProtocolError("Server disconnected without sending a response.")
        raise WireProtocolError("Server disconnected before the answer was complete.")

    def raw_body(self) -> bytes:
        """The body as it came (still compressed, if it was)."""
        return bytes(self._body)

    def content(self) -> bytes:
        """The body, inflated as ``Content-Encoding`` says (raises :class:`AnswerDecodingError`)."""
        body = bytes(self._body)
        coding = self.headers.get("content-encoding")
        if not coding or not body:
            return body
        for name in reversed([part.strip().lower() for part in coding.split(",")]):
            body = _inflate(name, body)
        return body

    def _advance(self) -> bool:
        while True:
            state = self._state
            if state == _HEAD:
                if not self._read_head():
                    return False
            elif state == _LENGTH:
                if not self._move_body_bytes():
                    return False
                self._state = _DONE
            elif state == _CHUNK_SIZE:
                line = self._line(_MAX_CHUNK_LINE, "chunk size line")
                if line is None:
                    return False
                size_text = line.split(b";", 1)[0].strip()
                try:
                    size = int(size_text, 16)
                except ValueError:
                    raise WireProtocolError(f"bad chunk size {size_text[:20]!r}") from None
                if size < 0:
                    raise WireProtocolError("negative chunk size")
                if size == 0:
                    self._state = _TRAILERS
                else:
                    self._remaining = size
                    self._state = _CHUNK_DATA
            elif state == _CHUNK_DATA:
                if not self._move_body_bytes():
                    return False
                self._state = _CHUNK_END
            elif state == _CHUNK_END:
                if len(self._buffer) < 2:
                    return False
                if self._buffer[:2] != b"\r\n":
                    raise WireProtocolError("chunk not followed by CRLF")
                del self._buffer[:2]
                self._state = _CHUNK_SIZE
            elif state == _TRAILERS:
                line = self._line(MAX_HEAD_BYTES, "trailer")
                if line is None:
                    return False
                if not line:
                    self._state = _DONE
            elif state == _UNTIL_CLOSE:
                self._body += self._buffer
                self._buffer.clear()
                return False
            else:
                if self._buffer:
                    self.trailing_bytes = True
                return True

    def _move_body_bytes(self) -> bool:
        """Move up to ``_remaining`` buffered bytes into the body; ``True`` once all came."""
        buffer = self._buffer
        take = min(self._remaining, len(buffer))
        self._body += buffer[:take]
        del buffer[:take]
        self._remaining -= take
        return not self._remaining

    def _line(self, limit: int, what: str) -> bytes | None:
        end = self._buffer.find(b"\r\n")
        if end < 0:
            if len(self._buffer) > limit:
                raise WireProtocolError(f"{what} too long")
            return None
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 2]
        return line

    def _read_head(self) -> bool:
        buffer = self._buffer
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(buffer) > MAX_HEAD_BYTES:
                raise WireProtocolError(f"answer headers longer than {MAX_HEAD_BYTES} bytes")
            return False
        head = buffer[:end].decode("latin-1")
        del buffer[: end + 4]
        lines = head.split("\r\n")
        version, _, rest = lines[0].partition(" ")
        code_text = rest[:3]
        if version not in ("HTTP/1.1", "HTTP/1.0") or not code_text.isdigit():
            raise WireProtocolError(f"not an HTTP/1.1 status line: {lines[0][:80]!r}")
        status = int(code_text)
        headers: dict[str, str] = {}
        raw: list[tuple[str, str]] = []
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip():
                raise WireProtocolError(f"malformed header line {line[:80]!r}")
            value = value.strip()
            key = name.lower()
            raw.append((name, value))
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        if 100 <= status < 200:
            return True  # an interim answer (100 Continue, 103 Early Hints): read on
        self.status_code = status
        self.headers = headers
        self.raw_headers = raw
        tokens = headers.get("connection", "").lower()
        self.keep_alive = "keep-alive" in tokens if version == "HTTP/1.0" else "close" not in tokens
        self._state = self._body_state(status, headers)
        return True

    def _body_state(self, status: int, headers: dict[str, str]) -> int:
        if status in (204, 304):
            return _DONE
        coding = headers.get("transfer-encoding")
        if coding is not None:
            if coding.lower().rsplit(",", 1)[-1].strip() == "chunked":
                return _CHUNK_SIZE
            self.keep_alive = False
            return _UNTIL_CLOSE
        length = headers.get("content-length")
        if length is None:
            self.keep_alive = False
            return _UNTIL_CLOSE
        values = {part.strip() for part in length.split(",")}
        if len(values) != 1 or not next(iter(values)).isdigit():
            raise WireProtocolError(f"bad Content-Length {length[:40]!r}")
        self._remaining = int(next(iter(values)))
        return _LENGTH if self._remaining else _DONE


def _inflate(coding: str, body: bytes) -> bytes:
    try:
        if coding in ("gzip", "x-gzip"):
            return _decompress(body, zlib.MAX_WBITS | 16)
        if coding == "deflate":
            try:
                return _decompress(body, zlib.MAX_WBITS)
            except zlib.error:
                return _decompress(body, -zlib.MAX_WBITS)  # raw deflate, as some servers send
    except zlib.error as err:
        raise AnswerDecodingError(f"{coding} body could not be inflated: {err}") from None
    if coding in ("identity", ""):
        return body
    raise AnswerDecodingError(f"unsupported Content-Encoding {coding!r}")


def _decompress(body: bytes, wbits: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(body) + inflater.flush()
    if not inflater.eof:
        raise zlib.error("the compressed body is truncated")
    return out
