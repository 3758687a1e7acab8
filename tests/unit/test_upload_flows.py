"""Uploads on the fake wiki: single shot, chunks, resume, warnings, unreadable sources."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

import mwtyped
from tests.unit.fakes import Driver, FakeClocks, FakeWiki, JSONObject, api_json, make_driver


def multipart_fields(request: httpx.Request) -> dict[str, bytes]:
    """The parts of a multipart body by field name (enough for these small bodies)."""
    boundary = request.headers["content-type"].split("boundary=")[1].encode()
    found: dict[str, bytes] = {}
    for part in request.content.split(b"--" + boundary):
        match = re.match(
            rb'\r\nContent-Disposition: form-data; name="([^"]+)"[^\r]*\r\n(?:[^\r]+\r\n)*\r\n',
            part,
        )
        if match:
            found[match.group(1).decode()] = part[match.end() : -2]
    return found


@dataclass
class StashWiki:
    """Keeps a stash like MediaWiki: chunks must arrive at the stash's offset."""

    stash: bytearray = field(default_factory=bytearray)
    lose_answer_once_at: int | None = None
    warnings_on_commit: JSONObject | None = None
    published: list[bytes] = field(default_factory=list)
    seen_offsets: list[int] = field(default_factory=list)
    assembled: bool = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return api_json({"query": {"tokens": {"csrftoken": "csrf+\\"}}})
        parts = multipart_fields(request) if "multipart" in request.headers["content-type"] else {}
        fields = {
            k: v.decode(errors="replace") for k, v in parts.items() if k not in ("chunk", "file")
        }
        if not parts:
            fields = dict(httpx.QueryParams(request.content.decode()))
        if "chunk" in parts:
            offset = int(fields["offset"])
            self.seen_offsets.append(offset)
            if "filekey" not in fields:
                self.stash = bytearray()  # a new stash entry
                self.assembled = False
            elif self.assembled:
                # MediaWiki has moved the assembled file to a new filekey: the old one is gone.
                return api_json(
                    {
                        "errors": [
                            {
                                "code": "uploadstash-file-not-found",
                                "text": "Key not found in stash",
                                "module": "upload",
                            }
                        ]
                    }
                )
            if offset != len(self.stash):
                return api_json(
                    {
                        "errors": [
                            {
                                "code": "stashfailed",
                                "text": "Invalid chunk offset",
                                "data": {"offset": str(len(self.stash))},
                                "module": "upload",
                            }
                        ]
                    }
                )
            self.stash += parts["chunk"]
            self.assembled = len(self.stash) >= int(fields["filesize"])
            if self.lose_answer_once_at == offset:
                self.lose_answer_once_at = None
                raise httpx.RemoteProtocolError("Server disconnected without sending a response")
            done = len(self.stash) >= int(fields["filesize"])
            return api_json(
                {
                    "upload": {
                        "result": "Success" if done else "Continue",
                        "offset": len(self.stash),
                        "filekey": "key.1.txt",
                    }
                }
            )
        if self.warnings_on_commit is not None:
            return api_json(
                {
                    "upload": {
                        "result": "Warning",
                        "warnings": self.warnings_on_commit,
                        "filekey": "key.2.txt",
                    }
                }
            )
        content = parts["file"] if "file" in parts else bytes(self.stash)
        self.published.append(content)
        return api_json(
            {
                "upload": {
                    "result": "Success",
                    "filename": fields["filename"],
                    "imageinfo": {"size": len(content)},
                }
            }
        )


@pytest.fixture(params=["sync", "async"])
def upload_driver(
    request: pytest.FixtureRequest, clock: FakeClocks
) -> Iterator[tuple[Driver, StashWiki, FakeWiki]]:
    stash = StashWiki()
    wiki = FakeWiki(route=stash)
    made = make_driver(request.param, wiki, clock)
    yield made, stash, wiki
    made.close()


DATA = bytes(range(256)) * 40  # 10,240 bytes


def test_small_file_goes_in_one_multipart_request(
    upload_driver: tuple[Driver, StashWiki, FakeWiki],
) -> None:
    driver, stash, wiki = upload_driver
    result = driver.call("upload", "A.txt", DATA, comment="c", text="t")
    assert result == mwtyped.UploadResult(
        "Success", "A.txt", {"size": len(DATA)}, {}, result.document
    )
    assert stash.published == [DATA]
    assert [r.method for r in wiki.requests] == ["GET", "POST"]
    assert b'name="token"' in wiki.last.body


def test_big_file_goes_in_chunks_then_a_commit(
    upload_driver: tuple[Driver, StashWiki, FakeWiki], tmp_path: Path
) -> None:
    driver, stash, _ = upload_driver
    path = tmp_path / "big.bin"
    path.write_bytes(DATA)
    result = driver.call("upload", "B.txt", path, chunk_size=4096)
    assert stash.seen_offsets == [0, 4096, 8192]
    assert stash.published == [DATA]
    assert result.imageinfo["size"] == len(DATA)


def test_a_chunk_whose_answer_was_lost_is_resent_and_resumes_at_the_stash_offset(
    upload_driver: tuple[Driver, StashWiki, FakeWiki],
) -> None:
    driver, stash, _ = upload_driver
    stash.lose_answer_once_at = 4096
    driver.call("upload", "C.txt", io.BytesIO(DATA), chunk_size=4096)
    # The lost chunk had arrived: the resend at 4096 is refused with the stash's offset.
    assert stash.seen_offsets == [0, 4096, 4096, 8192]
    assert stash.published == [DATA]


def test_a_lost_answer_to_the_last_chunk_restarts_the_chunks_once(
    upload_driver: tuple[Driver, StashWiki, FakeWiki],
) -> None:
    driver, stash, _ = upload_driver
    stash.lose_answer_once_at = 8192
    result = driver.call("upload", "D.txt", io.BytesIO(DATA), chunk_size=4096)
    # The resend of the last chunk is refused (its filekey is gone): start again, once.
    assert stash.seen_offsets == [0, 4096, 8192, 8192, 0, 4096, 8192]
    assert stash.published == [DATA]
    assert result.imageinfo["size"] == len(DATA)


def test_warnings_raise_upload_warning_error_with_the_filekey(
    upload_driver: tuple[Driver, StashWiki, FakeWiki],
) -> None:
    driver, stash, _ = upload_driver
    stash.warnings_on_commit = {"exists": "D.txt", "duplicate": ["Other.txt"]}
    with pytest.raises(mwtyped.UploadWarningError) as caught:
        driver.call("upload", "D.txt", DATA, chunk_size=4096)
    assert caught.value.warnings == {"exists": "D.txt", "duplicate": ["Other.txt"]}
    assert caught.value.filekey == "key.2.txt"
    assert "exists" in str(caught.value)
    assert stash.published == []


class Unreadable(io.RawIOBase):
    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return 100 if whence == io.SEEK_END else 0

    def read(self, size: int = -1) -> bytes:
        raise OSError("disk on fire")


class Unseekable(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (Unreadable(), "disk on fire"),
        (Unseekable(), "seekable"),
        (Path("/nonexistent/file.bin"), "cannot open"),
    ],
)
def test_unreadable_sources_raise_before_anything_is_published(
    upload_driver: tuple[Driver, StashWiki, FakeWiki], source: object, message: str
) -> None:
    driver, stash, wiki = upload_driver
    with pytest.raises(mwtyped.UploadSourceError, match=message):
        driver.call("upload", "E.txt", source)
    assert stash.published == []
    assert all(r.method == "GET" for r in wiki.requests)


def test_bad_arguments_are_value_errors(upload_driver: tuple[Driver, StashWiki, FakeWiki]) -> None:
    driver, _, wiki = upload_driver
    with pytest.raises(ValueError, match="filename"):
        driver.call("upload", " ", DATA)
    with pytest.raises(ValueError, match="chunk_size"):
        driver.call("upload", "F.txt", DATA, chunk_size=10)
    with pytest.raises(TypeError, match="upload source"):
        driver.call("upload", "F.txt", 12345)
    assert wiki.requests == []


def test_post_upload_file_sends_the_file_part(wiki: FakeWiki, clock: FakeClocks) -> None:
    wiki.route = StashWiki()
    for kind in ("sync", "async"):
        driver = make_driver(kind, wiki, clock)
        driver.post(action="upload", filename="G.txt", upload_file=DATA, comment="c")
        parts = multipart_fields(
            httpx.Request("POST", "https://x", headers=wiki.last.headers, content=wiki.last.body)
        )
        assert parts["file"] == DATA
        assert parts["filename"] == b"G.txt"
        driver.close()
