"""Response models of the file actions against the test wiki: every shape of ``upload``
(published, warned, with warnings ignored, stashed, chunked, status checks), ``filerevert``
and ``imagerotate`` (which fails on a wiki without an image scaler).

Files are ``.txt`` with random content, so no run warns about a file of an earlier one.
Helpers are in ``test_responses_actions``.
"""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any

import pytest

import mwtyped
from mwtyped import api
from mwtyped.responses import actions_files as files
from tests.integration.test_responses_actions import strict, typed

pytestmark = pytest.mark.integration


def file_name(what: str) -> str:
    return f"Mwtyped-actions-{what}-{uuid.uuid4().hex[:10]}.txt"


def random_bytes(size: int) -> bytes:
    return secrets.token_hex(size)[:size].encode()


def test_upload_response_published_then_warned(bot_session: mwtyped.Session) -> None:
    name, data = file_name("upload"), random_bytes(300)
    published = typed(
        bot_session,
        api.UploadParams(filename=name, file=data, comment="first", text="the page"),
        files.UploadResponse,
    )
    upload = strict(files.UploadResponse, published)["upload"]
    assert (upload["result"], upload.get("filename")) == ("Success", name)
    info = upload.get("imageinfo", {})
    assert (info.get("size"), info.get("mime"), info.get("comment")) == (300, "text/plain", "first")

    again = bot_session.post(upload_file=data, action="upload", filename=name, comment="same")
    warned = strict(files.UploadResponse, again)["upload"]
    assert warned["result"] == "Warning"
    assert warned.get("warnings", {}).get("exists") == name
    assert set(warned.get("warnings", {}).get("nochange", {})) == {"timestamp"}
    assert warned.get("filekey") == warned.get("sessionkey")

    copy = file_name("copy")
    duplicate = bot_session.post(upload_file=data, action="upload", filename=copy)
    assert strict(files.UploadResponse, duplicate)["upload"].get("warnings") == {
        "duplicate": [name]
    }
    forced = bot_session.post(upload_file=data, action="upload", filename=copy, ignorewarnings=1)
    forced_upload = strict(files.UploadResponse, forced)["upload"]
    assert (forced_upload["result"], forced_upload.get("warnings")) == (
        "Success",
        {"duplicate": [name]},
    )


def test_upload_response_stashed_then_published(bot_session: mwtyped.Session) -> None:
    name = file_name("stash")
    stashed = typed(
        bot_session,
        api.UploadParams(filename=name, file=random_bytes(200), stash=True),
        files.UploadResponse,
    )
    upload = strict(files.UploadResponse, stashed)["upload"]
    assert upload["result"] == "Success"
    assert "filename" not in upload
    assert "Special:UploadStash/file/" in upload.get("imageinfo", {}).get("url", "")

    published = bot_session.post(
        action="upload", filename=name, filekey=upload.get("filekey"), comment="from the stash"
    )
    assert strict(files.UploadResponse, published)["upload"].get("filename") == name


def test_upload_response_of_chunks_and_status_checks(bot_session: mwtyped.Session) -> None:
    name, data = file_name("chunks"), random_bytes(2500)
    first = typed(
        bot_session,
        api.UploadParams(
            filename=name, stash=True, filesize=len(data), offset=0, chunk=data[:1024]
        ),
        files.UploadResponse,
    )
    assert strict(files.UploadResponse, first)["upload"]["result"] == "Continue"
    assert first["upload"].get("offset") == 1024
    key = first["upload"].get("filekey")

    status = bot_session.post(action="upload", filekey=key, checkstatus=1)
    assert strict(files.UploadResponse, status)["upload"] == {
        "result": "Continue",
        "stage": "uploading",
        "offset": 1024,
    }

    offset, last = 1024, dict[str, Any](first)  # the last chunk answers Success
    while offset < len(data):
        last = bot_session.request(
            "POST",
            {
                "action": "upload",
                "filename": name,
                "stash": 1,
                "filesize": len(data),
                "offset": offset,
                "filekey": key,
            },
            files={"chunk": (name, data[offset : offset + 1024])},
        )
        strict(files.UploadResponse, last)
        offset += 1024
    assert last["upload"]["result"] == "Success"
    assert last["upload"].get("filekey") not in (None, key)
    assert last["upload"].get("imageinfo", {}).get("size") == 2500


def test_filerevert_response(bot_session: mwtyped.Session) -> None:
    name = file_name("revert")
    bot_session.post(upload_file=random_bytes(100), action="upload", filename=name)
    time.sleep(1.1)  # old versions are archived under the second they were replaced in
    bot_session.post(
        upload_file=random_bytes(120), action="upload", filename=name, ignorewarnings=1
    )
    versions = bot_session.get(
        action="query", titles=f"File:{name}", prop="imageinfo", iiprop="archivename", iilimit=2
    )["query"]["pages"][0]["imageinfo"]
    archived = versions[1]["archivename"]
    time.sleep(1.1)  # reverting archives the current version: not in the same second
    reverted = typed(
        bot_session,
        api.FilerevertParams(filename=name, archivename=archived, comment="back"),
        files.FilerevertResponse,
    )
    assert strict(files.FilerevertResponse, reverted) == {"filerevert": {"result": "Success"}}
    sizes = bot_session.get(action="query", titles=f"File:{name}", prop="imageinfo", iiprop="size")
    assert sizes["query"]["pages"][0]["imageinfo"][0]["size"] == 100

    # At once again: the version to archive now usually collides with the archive made by
    # the first revert in the same second (a Failure); past that second it works.
    again = bot_session.post(action="filerevert", filename=name, archivename=archived)
    outcome = strict(files.FilerevertResponse, again)["filerevert"]
    codes = [error["code"] for error in outcome.get("errors", [])]
    assert (outcome["result"], codes) in [
        ("Failure", ["backend-fail-alreadyexists"]),
        ("Success", []),
    ]


def test_imagerotate_response_without_an_image_scaler(bot_session: mwtyped.Session) -> None:
    name = file_name("rotate")
    bot_session.post(upload_file=random_bytes(50), action="upload", filename=name)
    answer = typed(
        bot_session,
        api.ImagerotateParams(
            titles=[f"File:{name}", "File:Mwtyped no such file.png", "Bad[title]"],
            rotation="90",
        ),
        files.ImagerotateResponse,
    )
    by_title = {
        entry.get("title"): entry
        for entry in strict(files.ImagerotateResponse, answer)["imagerotate"]
    }
    found = by_title[f"File:{name}"]
    assert found.get("result") == "Failure"
    assert [error["code"] for error in found.get("errors", [])] == ["filetypecannotberotated"]
    assert found.get("id", 0) > 0
    missing = by_title["File:Mwtyped no such file.png"]
    assert (missing.get("id"), missing.get("missing")) == (0, True)
    assert by_title["Bad[title]"].get("invalid") is True
