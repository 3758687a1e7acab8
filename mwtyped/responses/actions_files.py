"""Answers of the file actions: upload (whole, chunked, stashed), filerevert, imagerotate.

``action=upload`` answers one :class:`UploadResult` whose ``result`` says what happened:

* ``Success``: published (``filename``, ``imageinfo``), or stashed with ``stash=1`` or after
  the last chunk (``filekey`` to publish it later, ``imageinfo`` of the stashed file);
* ``Warning``: not published because of ``warnings`` (``exists``, ``duplicate``,
  ``nochange``...); the file is stashed under ``filekey`` to publish it with
  ``ignorewarnings=1`` without sending it again;
* ``Continue``: a chunk was stored: send the next one at ``offset`` with ``filekey``;
* ``Poll``: ``async=1`` work is queued (``stage``); ask again with ``checkstatus=1``.

Example::

    answer = session.request(UploadParams(filename="Notes.txt", file=data, comment="notes"))
    upload = answer["upload"]
    if upload["result"] == "Warning":
        print(sorted(upload["warnings"]), upload["filekey"])
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import ALLOW_EXTRA, response_model
from mwtyped.responses.actions import PageSetEntry, StatusMessage
from mwtyped.responses.props import ImageInfo

__all__ = [
    "FilerevertResponse",
    "FilerevertResult",
    "ImagerotatePage",
    "ImagerotateResponse",
    "UploadResponse",
    "UploadResult",
]


@response_model
class UploadResult(TypedDict):
    """``action=upload`` (see the module doc for each ``result``).

    ``warnings`` maps a warning's name to its detail, whose shape depends on the warning
    (``{"exists": "A.txt", "duplicate": ["B.txt"], "nochange": {"timestamp": ...}}``);
    ``sessionkey`` repeats ``filekey`` for old clients; ``stasherrors`` say why a file
    with warnings could not be stashed. ``checkstatus=1`` answers ``result``, ``stage``
    and ``offset`` of an upload in progress.
    """

    result: str
    filename: NotRequired[str]
    filekey: NotRequired[str]
    sessionkey: NotRequired[str]
    offset: NotRequired[int]
    stage: NotRequired[str]
    warnings: NotRequired[dict[str, Any]]
    stasherrors: NotRequired[list[StatusMessage]]
    imageinfo: NotRequired[ImageInfo]


@response_model
class UploadResponse(TypedDict):
    """The whole answer of ``action=upload``."""

    upload: UploadResult


@response_model
class FilerevertResult(TypedDict):
    """``action=filerevert``: ``Success``, or ``Failure`` with the ``errors``."""

    result: str
    errors: NotRequired[list[StatusMessage]]


@response_model
class FilerevertResponse(TypedDict):
    """The whole answer of ``action=filerevert``."""

    filerevert: FilerevertResult


@response_model
class ImagerotatePage(PageSetEntry):
    """A file of ``action=imagerotate``: its page ``id`` (0 when missing), ``result``
    ``Success`` or ``Failure`` with ``errors`` (a wiki without an image scaler cannot rotate
    anything: ``filetypecannotberotated``)."""

    id: NotRequired[int]
    result: NotRequired[str]
    errors: NotRequired[list[StatusMessage]]


ImagerotateResponse = TypedDict(
    "ImagerotateResponse",
    {
        "imagerotate": list[ImagerotatePage],
        "batchcomplete": NotRequired[bool],
        "continue": NotRequired[dict[str, Any]],
    },
)
"""The whole answer of ``action=imagerotate``: one entry per file."""
ImagerotateResponse.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]
