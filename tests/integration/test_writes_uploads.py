"""Edits, their typed refusals, read-only mode and uploads on the real wiki, both sessions.

Files are ``.txt`` with random content, so no run warns about duplicates of an earlier one.
Read-only mode is switched on for a moment with ``mwtyped.testwiki.set_readonly`` and always
switched off again; retry waits run on a fake clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import mwtyped
from mwtyped import testwiki
from tests.integration.conftest import Live, LiveWiki, no_sleep, page_content, random_text

pytestmark = pytest.mark.integration

MB = 1024 * 1024


def read_page(live: Live, title: str) -> str | None:
    return page_content(
        live.get(action="query", titles=title, prop="revisions", rvprop="content", rvslots="main")
    )


def file_page(live: Live, name: str) -> dict[str, Any]:
    page: dict[str, Any] = live.get(
        action="query", titles=f"File:{name}", prop="imageinfo", iiprop="size|sha1|url"
    )["query"]["pages"][0]
    return page


def download(url: str) -> bytes:
    assert url.startswith("http://127.0.0.1:"), url
    return httpx.get(url, timeout=30).content


def assert_published(info: Any, data: bytes) -> None:
    """``imageinfo`` describes exactly ``data``, and the file's URL serves it."""
    assert info["size"] == len(data)
    assert info["sha1"] == hashlib.sha1(data).hexdigest()
    assert download(info["url"]) == data


def wait_for_the_next_second(timestamp: str) -> None:
    """Wait (well under a second) until the clock has left the second of ``timestamp``."""
    then = dt.datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    while dt.datetime.now(dt.timezone.utc).replace(microsecond=0) <= then:
        time.sleep(0.02)


# -- edits ---------------------------------------------------------------------------------
def test_create_then_edit_a_page_and_read_it_back(
    live: LiveWiki, unique: Callable[[str], str]
) -> None:
    session = live.session("bot")
    title = unique("Create")

    created = session.post(action="edit", title=title, text="first version", summary="create")
    edited = session.post(action="edit", title=title, text="second version", summary="edit")

    assert created["edit"]["result"] == "Success"
    assert created["edit"]["new"] is True
    assert created["edit"]["title"] == title
    assert edited["edit"]["result"] == "Success"
    assert edited["edit"]["oldrevid"] == created["edit"]["newrevid"]
    assert edited["edit"]["newrevid"] > created["edit"]["newrevid"]
    assert read_page(live.session("anon"), title) == "second version"


def test_edit_conflict_between_two_users(live: LiveWiki, unique: Callable[[str], str]) -> None:
    admin, tester = live.session("bot"), live.session("user")
    title = unique("Conflict")
    admin.post(action="edit", title=title, text="base text")
    seen = tester.get(action="query", titles=title, prop="revisions", rvprop="timestamp")
    base_timestamp = seen["query"]["pages"][0]["revisions"][0]["timestamp"]
    # MediaWiki detects conflicts by timestamp, to the second: Admin's edit must be later.
    wait_for_the_next_second(base_timestamp)
    admin.post(action="edit", title=title, text="Admin got there first")

    with pytest.raises(mwtyped.EditConflictError) as caught:
        tester.post(
            action="edit", title=title, text="Tester's late text", basetimestamp=base_timestamp
        )

    assert caught.value.code == "editconflict"
    assert caught.value.module == "edit"
    assert read_page(admin, title) == "Admin got there first"


def test_plain_user_may_not_delete(live: LiveWiki, unique: Callable[[str], str]) -> None:
    admin, tester = live.session("bot"), live.session("user")
    title = unique("Delete")
    admin.post(action="edit", title=title, text="keep me")

    with pytest.raises(mwtyped.PermissionDeniedError) as caught:
        tester.post(action="delete", title=title, reason="not allowed")

    assert caught.value.code == "permissiondenied"
    assert read_page(admin, title) == "keep me"


def test_anonymous_edit_is_denied(live: LiveWiki, unique: Callable[[str], str]) -> None:
    anonymous = live.session("anon")
    title = unique("Anonymous")

    with pytest.raises(mwtyped.PermissionDeniedError) as caught:
        anonymous.post(action="edit", title=title, text="from an IP")

    assert caught.value.code == "permissiondenied"
    assert read_page(anonymous, title) is None


def test_createonly_on_an_existing_page(live: LiveWiki, unique: Callable[[str], str]) -> None:
    session = live.session("bot")
    title = unique("Createonly")
    session.post(action="edit", title=title, text="already here")

    with pytest.raises(mwtyped.ArticleExistsError) as caught:
        session.post(action="edit", title=title, text="replacement", createonly=True)

    assert caught.value.code == "articleexists"
    assert read_page(session, title) == "already here"


def test_nocreate_on_a_missing_page(live: LiveWiki, unique: Callable[[str], str]) -> None:
    session = live.session("bot")
    title = unique("Nocreate")

    with pytest.raises(mwtyped.MissingTitleError) as caught:
        session.post(action="edit", title=title, text="nothing to edit", nocreate=True)

    assert caught.value.code == "missingtitle"
    assert read_page(session, title) is None


def test_read_only_wiki_refuses_edits_after_the_resends(
    live: LiveWiki, unique: Callable[[str], str]
) -> None:
    policy = mwtyped.RetryPolicy(max_retries=2, jitter=0)
    session = live.session("bot", retry=policy)
    clock = no_sleep(session)
    title = unique("Read-only")
    session.token("csrf")
    log = session.record_requests()

    testwiki.set_readonly("testing mwtyped")
    try:
        assert session.get(action="query", meta="userinfo")["query"]["userinfo"]["name"] == "Admin"
        with pytest.raises(mwtyped.ReadOnlyError) as caught:
            session.post(action="edit", title=title, text="during maintenance")
    finally:
        testwiki.set_readonly(None)

    error = caught.value
    assert (error.code, error.reason, error.retries) == ("readonly", "testing mwtyped", 2)
    assert clock.sleeps == [30.0, 30.0]  # no Retry-After: the policy's readonly_wait
    assert log.actions() == ["GET query", "POST edit", "POST edit", "POST edit"]
    assert read_page(session, title) is None
    assert session.post(action="edit", title=title, text="writable again")["edit"]["new"] is True


# -- uploads -------------------------------------------------------------------------------
def test_upload_small_bytes(live: LiveWiki, unique_file: Callable[[str], str]) -> None:
    session = live.session("bot")
    name, data = unique_file("small"), random_text(5000)
    log = session.record_requests()

    result = session.upload(name, data, comment="small upload", text="a small text file")

    assert (result.result, result.filename, result.warnings) == ("Success", name, {})
    assert_published(result.imageinfo, data)
    uploads = [r for r in log.requests if r.params.get("action") == "upload"]
    assert len(uploads) == 1
    assert uploads[0].files == {"file": len(data)}
    assert "stash" not in uploads[0].params


def test_chunked_upload_of_three_megabytes(
    live: LiveWiki, unique_file: Callable[[str], str]
) -> None:
    session = live.session("bot")
    name, data = unique_file("chunked"), random_text(3 * MB)
    log = session.record_requests()

    result = session.upload(name, data, comment="chunked upload", chunk_size=1 * MB)

    assert (result.result, result.filename) == ("Success", name)
    assert_published(result.imageinfo, data)
    uploads = [r for r in log.requests if r.params.get("action") == "upload"]
    chunks, commit = uploads[:-1], uploads[-1]
    assert [r.params["offset"] for r in chunks] == ["0", str(MB), str(2 * MB)]
    assert [r.files for r in chunks] == [{"chunk": MB}] * 3
    assert all(r.params["filesize"] == str(3 * MB) for r in chunks)
    assert "filekey" not in chunks[0].params
    assert chunks[1].params["filekey"]
    assert chunks[2].params["filekey"]
    assert commit.files == {}
    assert commit.params["filekey"]
    assert "stash" not in commit.params
    assert commit.params["comment"] == "chunked upload"
    assert file_page(session, name)["imageinfo"][0]["sha1"] == hashlib.sha1(data).hexdigest()


def test_post_with_upload_file_is_a_single_shot_upload(
    live: LiveWiki, unique_file: Callable[[str], str]
) -> None:
    session = live.session("bot")
    name, data = unique_file("post"), random_text(2000)

    answer = session.post(action="upload", filename=name, upload_file=data, comment="via post")

    assert answer["upload"]["result"] == "Success"
    assert answer["upload"]["filename"] == name
    assert_published(answer["upload"]["imageinfo"], data)


def test_same_bytes_under_a_new_name_warn_duplicate(
    live: LiveWiki, unique_file: Callable[[str], str]
) -> None:
    session = live.session("bot")
    original, copy, data = unique_file("original"), unique_file("copy"), random_text(3000)
    session.upload(original, data)

    with pytest.raises(mwtyped.UploadWarningError) as caught:
        session.upload(copy, data)

    assert caught.value.warnings == {"duplicate": [original]}
    assert caught.value.filename == copy
    assert isinstance(caught.value.filekey, str)
    assert file_page(session, copy).get("missing") is True

    # The stashed file can still be published with its filekey.
    published = session.post(
        action="upload", filename=copy, filekey=caught.value.filekey, ignorewarnings=True
    )
    assert published["upload"]["result"] == "Success"
    assert published["upload"]["warnings"] == {"duplicate": [original]}
    assert_published(published["upload"]["imageinfo"], data)


def test_same_name_warns_exists_until_warnings_are_ignored(
    live: LiveWiki, unique_file: Callable[[str], str]
) -> None:
    session = live.session("bot")
    name, first, second = unique_file("exists"), random_text(3000), random_text(3000)
    session.upload(name, first)

    with pytest.raises(mwtyped.UploadWarningError) as caught:
        session.upload(name, second)
    assert caught.value.warnings == {"exists": name}
    assert file_page(session, name)["imageinfo"][0]["sha1"] == hashlib.sha1(first).hexdigest()

    result = session.upload(name, second, ignore_warnings=True, comment="new version")

    assert result.result == "Success"
    assert result.warnings == {"exists": name}
    assert_published(result.imageinfo, second)


class BrokenFile(io.BytesIO):
    """A seekable binary file whose ``fail_at``-th read raises."""

    def __init__(self, data: bytes, fail_at: int) -> None:
        super().__init__(data)
        self.reads = 0
        self.fail_at = fail_at

    def read(self, size: int | None = -1, /) -> bytes:
        self.reads += 1
        if self.reads >= self.fail_at:
            raise OSError("the disk went away")
        return super().read(size)


@pytest.mark.parametrize(
    ("size", "fail_at", "requests_sent"),
    [(4000, 1, 0), (3 * MB, 2, 1)],
    ids=["single-shot-first-read", "chunked-second-chunk"],
)
def test_unreadable_source_publishes_nothing(
    live: LiveWiki,
    unique_file: Callable[[str], str],
    size: int,
    fail_at: int,
    requests_sent: int,
) -> None:
    session = live.session("bot")
    session.token("csrf")
    name = unique_file("broken")
    source = BrokenFile(random_text(size), fail_at)
    log = session.record_requests()

    with pytest.raises(mwtyped.UploadSourceError) as caught:
        session.upload(name, source, chunk_size=1 * MB)

    assert isinstance(caught.value.__cause__, OSError)
    assert "the disk went away" in str(caught.value)
    assert len([r for r in log.requests if r.params.get("action") == "upload"]) == requests_sent
    page = file_page(session, name)
    assert page.get("missing") is True
    assert "imageinfo" not in page
