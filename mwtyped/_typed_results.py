"""Turning documents into typed results: response validation, list items, merged pages.

Validation uses one cached pydantic ``TypeAdapter`` per type. Response models keep unknown
fields; a field whose *type* changed raises :class:`~mwtyped.ResponseValidationError`
(with the document, so nothing is lost).

Example::

    validate(EditParams.response_type, document)      # -> EditResponse
    list(items_of(AllpagesParams, document))          # -> [AllpagesItem, ...]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from mwtyped._envelope import JSONObject
from mwtyped._typed import ActionParams, ListParams, QueryModuleParams, WireRequest
from mwtyped.errors import ResponseValidationError

__all__ = ["adapter_for", "items_of", "validate"]


@lru_cache(maxsize=512)
def adapter_for(model: Any) -> TypeAdapter[Any]:
    """The (cached) pydantic adapter validating ``model``."""
    return TypeAdapter(model)


def validate(model: Any, document: Any, *, what: str = "answer") -> Any:
    """``document`` validated as ``model``; a typed error (keeping the document) if not."""
    if model is None:
        return document
    try:
        return adapter_for(model).validate_python(document)
    except ValidationError as err:
        raise ResponseValidationError(what, err, document) from None


def typed_request(
    typed: ActionParams[Any],
    params: Mapping[str, Any] | None,
    files: Mapping[str, Any] | None,
) -> WireRequest:
    """What a typed params object sends; raw ``params``/``files`` cannot be mixed in."""
    if params is not None or files is not None:
        raise TypeError("with a typed parameter object, pass no params or files besides it")
    return typed.wire_request()


def list_query(module: ListParams[Any], query: Mapping[str, Any] | None) -> dict[str, Any]:
    """``action=query`` parameters running one ``list=`` module."""
    if not isinstance(module, ListParams):
        raise TypeError(f"items() takes a list= module's params, got {type(module).__name__}")
    return {
        "action": "query",
        "list": module.module_name,
        **module._own_wire_params(),
        **(query or {}),
    }


def item_type(module: type[QueryModuleParams]) -> Any:
    return getattr(module, "item_type", None)


def items_of(module: ListParams[Any], document: Mapping[str, Any]) -> list[Any]:
    """The items a ``list=`` module contributed to one answer, validated."""
    query = document.get("query")
    raw = query.get(module.module_name, []) if isinstance(query, Mapping) else []
    if isinstance(raw, Mapping):  # formatversion 1 keys some lists by id
        raw = list(raw.values())
    model = item_type(type(module))
    if model is None:
        return list(raw)
    listed: list[Any] = validate(list[model], raw, what=f"{module.module_path} items")  # type: ignore[valid-type]
    return listed


def limited(items: Iterable[Any], limit: int | None) -> Iterator[Any]:
    """At most ``limit`` items (all when ``None``); stops pulling once reached."""
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be an int >= 0 or None, got {limit!r}")
    if limit == 0:
        return
    for count, item in enumerate(items, start=1):
        yield item
        if limit is not None and count >= limit:
            return


def merged_page_model() -> Any:
    from mwtyped.responses import Page

    return Page


def validate_pages(pages: Iterable[JSONObject]) -> Iterator[Any]:
    model = merged_page_model()
    for page in pages:
        yield validate(model, page, what="page")
