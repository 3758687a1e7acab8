"""Multi-request procedures written once, as generators, and driven by either session.

A flow yields :class:`Step` objects (one API request each) and receives each answer's
document back; errors are thrown into it, so it can handle the ones it expects. Its
``return`` value is the procedure's result. ``Session`` drives a flow with plain calls,
``AsyncSession`` with ``await``, so login, tokens and uploads exist only once.

Example::

    def siteinfo_flow() -> Flow[str]:
        doc = yield Step("GET", {"action": "query", "meta": "siteinfo"})
        return doc["query"]["general"]["sitename"]
"""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mwtyped._encoding import FileSpec
from mwtyped._envelope import JSONObject
from mwtyped.errors import ResponseDecodeError

__all__ = ["Flow", "Step", "member", "unexpected_answer"]

T = TypeVar("T")


@dataclass(frozen=True)
class Step:
    """One request a flow wants sent; ``files`` makes it multipart."""

    method: str
    params: Mapping[str, Any]
    files: Mapping[str, FileSpec] | None = field(default=None)


Flow = Generator[Step, JSONObject, T]


def unexpected_answer(document: Mapping[str, Any], expected: str) -> ResponseDecodeError:
    """The error for a JSON answer that lacks what the request must produce."""
    prefix = json.dumps(document)[:200].encode()
    return ResponseDecodeError(
        f"the answer has no {expected}",
        status_code=200,
        content_type="application/json",
        body_prefix=prefix,
    )


def member(document: Mapping[str, Any], *path: str) -> Any:
    """``document[path[0]][path[1]]...``, or :func:`unexpected_answer` if any step is missing.

    Example: ``member(doc, "query", "tokens", "csrftoken")``.
    """
    node: Any = document
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            raise unexpected_answer(document, "/".join(path))
        node = node[key]
    return node
