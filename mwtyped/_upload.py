"""File uploads as flows: one request for small files, chunks through the stash for big ones.

Chunked: ``stash=1`` + ``filesize`` + ``offset`` + a ``chunk`` part, answered ``Continue``
with the next ``offset`` and a ``filekey``, until ``Success`` gives the final ``filekey``;
then a commit (``filekey`` + ``comment``/``text``) publishes the file. A chunk whose answer
was lost is sent again at the same offset: if it had arrived, the wiki answers
``stashfailed`` with the offset it has, and the upload resumes from there. The last chunk
is different: once it arrives the stash assembles the file under a new filekey (the one in
the lost answer) and forgets the old one, so the resend is refused; then the chunks are sent
again from the start under a fresh stash entry (once), since nothing was published.

Warnings (``exists``, ``duplicate``, ``nochange``, ...) are never dropped: without
``ignore_warnings`` they raise :class:`~mwtyped.UploadWarningError`, whose ``filekey`` lets
the caller publish anyway; with it they stay on the result's ``warnings``.

Example::

    result = session.upload("Chart.png", Path("chart.png"), comment="update", chunk_size=1 << 20)
    result.imageinfo["sha1"]
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from mwtyped._envelope import JSONObject
from mwtyped._flows import Flow, Step, member, unexpected_answer
from mwtyped.errors import (
    APIError,
    HTTPStatusError,
    TransportError,
    UploadSourceError,
    UploadWarningError,
    WriteOutcomeUnknownError,
)

__all__ = ["DEFAULT_CHUNK_SIZE", "UploadResult", "UploadSource", "upload_flow"]

DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024
# How often one chunk may be sent again after a lost answer or an offset mismatch.
_CHUNK_RESENDS = 5

UploadSource = bytes | bytearray | str | os.PathLike[str] | IO[bytes]


@dataclass(frozen=True)
class UploadResult:
    """A finished upload: the wiki's ``result``, file name, ``imageinfo`` and ``warnings``."""

    result: str
    filename: str
    imageinfo: Mapping[str, Any] = field(default_factory=dict)
    warnings: Mapping[str, Any] = field(default_factory=dict)
    document: JSONObject = field(default_factory=dict, repr=False)


class _Reader:
    """Reads a source by offset: bytes in memory, a path, or a binary file object."""

    def __init__(self, source: UploadSource) -> None:
        self._owned: IO[bytes] | None = None
        if isinstance(source, bytes | bytearray):
            self._file: IO[bytes] = io.BytesIO(bytes(source))
        elif isinstance(source, str | os.PathLike):
            try:
                self._owned = self._file = open(source, "rb")  # noqa: SIM115 (closed in close())
            except OSError as err:
                raise UploadSourceError(f"cannot open {os.fspath(source)!r}: {err}") from err
        elif hasattr(source, "read"):
            self._file = source
        else:
            raise TypeError(
                f"upload source must be bytes, a path or a binary file, got {type(source).__name__}"
            )
        self._position = self._tell()
        self.size = self._measure()

    def _tell(self) -> int:
        try:
            return self._file.tell() if self._file.seekable() else 0
        except (OSError, ValueError) as err:
            raise UploadSourceError(f"cannot read the upload source: {err}") from err

    def _measure(self) -> int:
        try:
            if self._file.seekable():
                end = self._file.seek(0, io.SEEK_END)
                self._file.seek(self._position)
                return end - self._position
        except (OSError, ValueError) as err:
            raise UploadSourceError(f"cannot read the upload source: {err}") from err
        raise UploadSourceError("the upload source must be seekable (its size is sent first)")

    def read(self, offset: int, length: int) -> bytes:
        try:
            self._file.seek(self._position + offset)
            data = self._file.read(length)
        except Exception as err:  # any failure of the user's file object is theirs to see
            raise UploadSourceError(f"reading the upload source failed: {err!r}") from err
        if not isinstance(data, bytes):
            raise UploadSourceError(f"the upload source gave {type(data).__name__}, not bytes")
        return data

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()


def _finish(document: Mapping[str, Any], filename: str) -> UploadResult:
    answer = member(document, "upload")
    result = answer.get("result") if isinstance(answer, Mapping) else None
    warnings = answer.get("warnings", {}) if isinstance(answer, Mapping) else {}
    warnings = warnings if isinstance(warnings, Mapping) else {"warning": warnings}
    if result == "Warning":
        filekey = answer.get("filekey")
        raise UploadWarningError(
            filename, warnings, filekey if isinstance(filekey, str) else None, dict(document)
        )
    if result != "Success":
        raise unexpected_answer(document, f"upload result Success (got {result!r})")
    info = answer.get("imageinfo", {})
    return UploadResult(
        "Success",
        str(answer.get("filename", filename)),
        info if isinstance(info, Mapping) else {},
        warnings,
        dict(document),
    )


def _server_offset(err: APIError) -> int | None:
    """The offset the stash holds, from a ``stashfailed`` "Invalid chunk offset" error."""
    if err.code != "stashfailed":
        return None
    try:
        return int(err.data.get("offset"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _chunks(reader: _Reader, filename: str, chunk_size: int, ignore_warnings: bool) -> Flow[str]:
    """Send every chunk to the stash; return the final filekey."""
    offset, filekey, resends = 0, None, 0
    answer_lost = restarted = False
    while True:
        chunk = reader.read(offset, chunk_size)
        params: dict[str, Any] = {
            "action": "upload",
            "stash": True,
            "filename": filename,
            "filesize": reader.size,
            "offset": offset,
            "filekey": filekey,
            "ignorewarnings": ignore_warnings,
        }
        try:
            document = yield Step("POST", params, {"chunk": (filename, chunk)})
        except (TransportError, HTTPStatusError, WriteOutcomeUnknownError) as err:
            # The chunk may or may not have arrived: send it again; an offset mismatch
            # answer then says where the stash is.
            resends += 1
            if resends > _CHUNK_RESENDS:
                raise err from None
            answer_lost = True
            continue
        except APIError as err:
            server_offset = _server_offset(err)
            resends += 1
            if server_offset is None and answer_lost and not restarted:
                # The lost answer was to the last chunk: its filekey is gone (see above).
                offset, filekey, resends, restarted = 0, None, 0, True
                answer_lost = False
                continue
            if server_offset is None or resends > _CHUNK_RESENDS:
                raise
            offset = server_offset
            answer_lost = False
            continue
        answer_lost = False
        answer = member(document, "upload")
        result = answer.get("result") if isinstance(answer, Mapping) else None
        if result == "Continue":
            offset = _continue_position(document, answer)
            filekey = str(member(document, "upload", "filekey"))
            resends = 0
        elif result == "Success":
            return str(member(document, "upload", "filekey"))
        else:
            _finish(document, filename)  # raises: Warning or an unexpected result
            raise unexpected_answer(document, "a chunk result")


def _continue_position(document: Mapping[str, Any], answer: Mapping[str, Any]) -> int:
    """The next chunk's offset from a ``Continue`` answer (a typed error if it makes none)."""
    offset = answer.get("offset")
    if isinstance(offset, bool) or not isinstance(offset, int | str):
        raise unexpected_answer(document, "upload.offset")
    try:
        return int(offset)
    except ValueError:
        raise unexpected_answer(document, "a numeric upload.offset") from None


def upload_flow(
    filename: str,
    source: UploadSource,
    *,
    comment: str = "",
    text: str | None = None,
    ignore_warnings: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    extra: Mapping[str, Any] | None = None,
) -> Flow[UploadResult]:
    """Upload ``source`` as ``File:filename``: one request up to ``chunk_size`` bytes, the
    chunked stash protocol above it."""
    if not isinstance(filename, str) or not filename.strip():
        raise ValueError("filename must be a non-empty string")
    if not isinstance(chunk_size, int) or chunk_size < 1024:
        raise ValueError(f"chunk_size must be an int >= 1024, got {chunk_size!r}")
    reader = _Reader(source)
    try:
        publish: dict[str, Any] = {
            "action": "upload",
            "filename": filename,
            "comment": comment,
            "text": text,
            "ignorewarnings": ignore_warnings,
            **(extra or {}),
        }
        if reader.size <= chunk_size:
            content = reader.read(0, reader.size)  # read fully before anything is sent
            document: JSONObject = yield Step("POST", publish, {"file": (filename, content)})
        else:
            filekey = yield from _chunks(reader, filename, chunk_size, ignore_warnings)
            document = yield Step("POST", {**publish, "filekey": filekey})
    finally:
        reader.close()
    return _finish(document, filename)
