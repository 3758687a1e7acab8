"""Strict mode for tests: which fields of a real answer a response model does not declare.

In normal use unknown fields are kept silently (a newer MediaWiki must never break a user).
Tests instead check each model against real answers with :func:`unknown_fields`, so a model
that misses a field the wiki sends fails loudly.

Example::

    assert unknown_fields(EditResponse, session.post(action="edit", ...)) == []
    # ['edit.contentmodel'] would mean EditResponse lacks that field
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin, get_type_hints

from typing_extensions import NotRequired, Required, is_typeddict

__all__ = ["unknown_fields"]


def _strip(annotation: Any) -> Any:
    while get_origin(annotation) in (NotRequired, Required):
        annotation = get_args(annotation)[0]
    return annotation


def _walk(annotation: Any, value: Any, path: str, found: list[str]) -> None:
    annotation = _strip(annotation)
    origin = get_origin(annotation)
    if annotation is Any or value is None:
        return
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        best: list[str] | None = None
        for option in options:
            attempt: list[str] = []
            _walk(option, value, path, attempt)
            if best is None or len(attempt) < len(best):
                best = attempt
        found.extend(best or [])
        return
    if is_typeddict(annotation) and isinstance(value, Mapping):
        hints = get_type_hints(annotation, include_extras=True)
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if key not in hints:
                found.append(where)
            else:
                _walk(hints[key], item, where, found)
        return
    if origin is list and isinstance(value, list):
        (element,) = get_args(annotation) or (Any,)
        for index, item in enumerate(value):
            _walk(element, item, f"{path}[{index}]", found)
        return
    if origin is dict and isinstance(value, Mapping):
        args = get_args(annotation)
        element = args[1] if len(args) == 2 else Any
        for key, item in value.items():
            _walk(element, item, f"{path}.{key}", found)


def unknown_fields(model: Any, document: Any) -> list[str]:
    """Paths (``query.pages[0].foo``) of every field in ``document`` that ``model`` lacks."""
    found: list[str] = []
    _walk(model, document, "", found)
    return sorted(set(found))
