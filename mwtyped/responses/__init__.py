"""Typed answers of the API modules, as TypedDicts (see ``_common`` for why).

``Session.request(QueryParams(...))`` returns a :class:`QueryResponse`; ``Session.pages``
yields :class:`Page`\\ s; list modules' items (``AllpagesItem``) come from ``Session.items``.
A module without a model here answers ``UntypedResponse`` (the plain document). The
generator (``python -m mwtyped.schema generate``) links a module to ``<Name>Response`` /
``<Name>Item`` when this package exports one.
"""

from mwtyped.responses._common import UntypedItem, UntypedResponse, response_model
from mwtyped.responses._strict import unknown_fields
from mwtyped.responses.query import (
    CategoryRef,
    ImageInfo,
    LangLink,
    NormalizedTitle,
    Page,
    PageProtection,
    PageRef,
    QueryResponse,
    QueryResult,
    RedirectedTitle,
    Revision,
    RevisionSlot,
)

__all__ = [
    "CategoryRef",
    "ImageInfo",
    "LangLink",
    "NormalizedTitle",
    "Page",
    "PageProtection",
    "PageRef",
    "QueryResponse",
    "QueryResult",
    "RedirectedTitle",
    "Revision",
    "RevisionSlot",
    "UntypedItem",
    "UntypedResponse",
    "response_model",
    "unknown_fields",
]
