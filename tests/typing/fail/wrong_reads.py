"""Reads of fields a response model does not have; mypy must reject them."""

from __future__ import annotations

import mwtyped
from mwtyped.api import AllpagesParams, QueryParams


def reads(session: mwtyped.Session) -> None:
    answer = session.request(QueryParams(titles=["A"]))
    answer["qurey"]  # E: TypedDict "QueryResponse" has no key "qurey"
    for page in session.pages(QueryParams(generator=AllpagesParams())):
        page["titel"]  # E: TypedDict "Page" has no key "titel"
    length: str = answer["query"]["pages"][0]["length"]  # E: Incompatible types in assignment
    del length
