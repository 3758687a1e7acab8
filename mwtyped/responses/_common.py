"""What every response model shares: forward-compatible TypedDicts.

Response models are ``TypedDict``\\ s validated by pydantic straight from the answer: they cost
almost nothing over ``json.loads`` (see docs/performance.md) and stay plain dicts, so code
written for mwapi's dicts keeps working. Unknown fields are kept (``extra="allow"``): a newer
MediaWiki never breaks a user. Tests check every model against real answers in a strict
mode that fails on fields a model does not declare (``mwtyped.responses.unknown_fields``).

Example::

    @response_model
    class TokensAnswer(TypedDict):
        csrftoken: NotRequired[str]
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import ConfigDict, with_config

__all__ = ["ALLOW_EXTRA", "UntypedItem", "UntypedResponse", "response_model"]

T = TypeVar("T")

UntypedResponse = dict[str, Any]
"""The answer of a module without a hand-written model: the JSON document as it is."""

UntypedItem = dict[str, Any]
"""One item of a list module without a hand-written model."""

ALLOW_EXTRA = ConfigDict(extra="allow")
_WITH_ALLOW_EXTRA = with_config(ALLOW_EXTRA)


def response_model(cls: type[T]) -> type[T]:
    """Mark a TypedDict as a response model: unknown fields are kept, never an error."""
    return _WITH_ALLOW_EXTRA(cls)
