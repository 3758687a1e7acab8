"""Turning documents into typed results: response validation, list items, merged pages.

Validation uses one cached pydantic ``TypeAdapter`` per type. Response models keep unknown
fields; a field whose *type* changed raises :class:`~mwtyped.ResponseValidationError`
(with the document, so nothing is lost).

Example::

    validate(EditParams.response_type, document)      # -> EditResponse
    listed_items(AllpagesParams(), document)          # -> [AllpagesItem, ...] (validated)
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Mapping
from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypedDict

from mwtyped._api_warnings import APIWarning, parse_api_warnings
from mwtyped._envelope import decode_body, error_from_document
from mwtyped._typed import ActionParams, ListParams, QueryModuleParams, WireRequest
from mwtyped.errors import ResponseValidationError
from mwtyped.responses._common import ALLOW_EXTRA

__all__ = [
    "adapter_for",
    "decode_typed_body",
    "limited",
    "list_answer_model",
    "list_query",
    "listed_items",
    "typed_request",
    "validate",
]


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


def decode_typed_body(
    model: Any,
    status_code: int,
    headers: Mapping[str, str],
    content: bytes,
    method: str,
    url: str,
) -> tuple[Any, list[APIWarning]]:
    """Decode an answer straight into ``model`` (pydantic parses the bytes: no ``json.loads``
    first). Anything unusual (an error document, a body that is not JSON, a field of the
    wrong type) takes the untyped path, so it gets the same typed errors."""
    if 200 <= status_code < 300:
        try:
            document = adapter_for(model).validate_json(content)
        except ValidationError:
            pass
        else:
            if isinstance(document, dict):
                error = error_from_document(document, status_code, headers)
                if error is not None:
                    raise error
                raw = document.get("warnings")
                return document, parse_api_warnings(raw) if raw is not None else []
    document, found = decode_body(
        status_code, headers, content, method=method, url=url, array_answer=True
    )
    return validate(model, document), found


@lru_cache(maxsize=256)
def list_answer_model(module: type[ListParams[Any]]) -> Any:
    """A model of ``action=query`` answers of one ``list=`` module, so each batch is
    validated from its bytes: ``{"query": {<name>: [Item, ...]}, ...}`` (or wherever the
    module's ``items_path`` says its items are)."""
    item = item_type(module)
    node: Any = list.__class_getitem__(item if item is not None else dict[str, Any])
    make_typeddict: Any = TypedDict  # built at run time: one per list module in use
    for depth, key in enumerate(reversed(module.items_path)):
        node = make_typeddict(f"{module.__name__}Answer{depth}", {key: node}, total=False)
        node.__pydantic_config__ = ALLOW_EXTRA
    return node


def listed_items(module: ListParams[Any], document: Mapping[str, Any]) -> list[Any]:
    """The (already validated) items a ``list=`` module contributed to one answer."""
    node: Any = document
    for key in module.items_path:
        node = node.get(key) if isinstance(node, Mapping) else None
    if isinstance(node, Mapping):  # formatversion 1 keys some lists by id
        return list(node.values())
    return list(node) if isinstance(node, list) else []


def item_type(module: type[QueryModuleParams]) -> Any:
    return getattr(module, "item_type", None)


def limited(items: Iterable[Any], limit: int | None) -> Generator[Any, None, None]:
    """At most ``limit`` items (all when ``None``); stops pulling once reached."""
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be an int >= 0 or None, got {limit!r}")
    if limit == 0:
        return
    for count, item in enumerate(items, start=1):
        yield item
        if limit is not None and count >= limit:
            return
