"""Decode one HTTP answer of api.php into a JSON document, or a typed exception.

Handles both error shapes (``error`` for ``errorformat=bc``, ``errors[]`` for the others) in
formatversion 1 and 2, every warning shape, bodies that are not JSON, and non-2xx statuses.

Example::

    doc, found = decode_body(200, headers, b'{"batchcomplete": true}', label="GET query")
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mwtyped._api_warnings import APIWarning, parse_api_warnings
from mwtyped.errors import (
    BODY_PREFIX_BYTES,
    APIError,
    ErrorDetail,
    HTTPStatusError,
    ResponseDecodeError,
    api_error_class,
)

__all__ = ["JSONObject", "decode_body", "error_from_document"]

JSONObject = dict[str, Any]

# Keys of a bc-format error object that are not extra data.
_BC_ERROR_KEYS = frozenset({"code", "info", "*", "docref", "module"})


def _detail_from_bc(error: Mapping[str, Any]) -> ErrorDetail:
    code = error.get("code")
    info = error.get("info")
    module = error.get("module")
    return ErrorDetail(
        code=str(code) if code is not None else "unknownerror",
        text=info if isinstance(info, str) else None,
        module=module if isinstance(module, str) else None,
        data={k: v for k, v in error.items() if k not in _BC_ERROR_KEYS},
    )


def _detail_from_item(item: object) -> ErrorDetail:
    if not isinstance(item, Mapping):
        return ErrorDetail(code="unknownerror", text=str(item))
    code = item.get("code")
    text = next(
        (item[k] for k in ("text", "html", "*") if isinstance(item.get(k), str)),
        None,
    )
    data = item.get("data")
    module = item.get("module")
    key = item.get("key")
    params = item.get("params")
    return ErrorDetail(
        code=str(code) if code is not None else "unknownerror",
        text=text,
        module=module if isinstance(module, str) else None,
        data=data if isinstance(data, Mapping) else {},
        key=key if isinstance(key, str) else None,
        params=tuple(params) if isinstance(params, list) else (),
    )


def error_from_document(
    document: JSONObject, status_code: int, headers: Mapping[str, str]
) -> APIError | None:
    """The typed :class:`APIError` a document carries, or ``None`` if it carries none."""
    if "error" in document:
        raw = document["error"]
        details = [_detail_from_bc(raw) if isinstance(raw, Mapping) else _detail_from_item(raw)]
        docref = raw.get("docref", raw.get("*")) if isinstance(raw, Mapping) else None
    elif isinstance(document.get("errors"), list):
        details = [_detail_from_item(item) for item in document["errors"]]
        docref = document.get("docref", document.get("*"))
    else:
        return None
    servedby = document.get("servedby")
    cls = api_error_class(details[0].code) if details else APIError
    return cls(
        details,
        docref=docref if isinstance(docref, str) else None,
        servedby=servedby if isinstance(servedby, str) else None,
        status_code=status_code,
        headers=headers,
        document=document,
    )


def _content_type(headers: Mapping[str, str]) -> str | None:
    return headers.get("content-type")


def decode_body(
    status_code: int,
    headers: Mapping[str, str],
    content: bytes,
    *,
    method: str,
    url: str,
    array_answer: bool = False,
) -> tuple[Any, list[APIWarning]]:
    """Parse an answer; return the document and its warnings or raise a typed error.

    ``headers`` must look names up case-insensitively (``httpx.Headers`` does). ``url`` is
    the api.php address without the query string (which may be long, never secret-free).
    ``array_answer``: the module answers a JSON array (``opensearch``), which is then valid.
    """
    well_formed = False
    try:
        document = json.loads(content)
    except (ValueError, RecursionError) as err:
        document = None
        problem = f"the answer is not JSON ({type(err).__name__}: {str(err)[:80]})"
    else:
        well_formed = True
        problem = "the answer is JSON but not an object"
    if array_answer and isinstance(document, list) and 200 <= status_code < 300:
        return document, []
    if not isinstance(document, dict):
        prefix = content[:BODY_PREFIX_BYTES]
        if not 200 <= status_code < 300:
            raise HTTPStatusError(
                status_code,
                headers,
                prefix,
                method=method,
                url=url,
                content_type=_content_type(headers),
            )
        raise ResponseDecodeError(
            f"{method} {url}: {problem}",
            status_code=status_code,
            content_type=_content_type(headers),
            body_prefix=prefix,
            headers=headers,
            well_formed=well_formed,
        )
    error = error_from_document(document, status_code, headers)
    if error is not None:
        raise error
    if not 200 <= status_code < 300:
        raise HTTPStatusError(
            status_code,
            headers,
            content[:BODY_PREFIX_BYTES],
            method=method,
            url=url,
            content_type=_content_type(headers),
        )
    raw_warnings = document.get("warnings")
    return document, parse_api_warnings(raw_warnings) if raw_warnings is not None else []
