"""Programs mypy must reject; each expected error is named at the end of its line."""

from __future__ import annotations

from mwtyped.api import AllpagesParams, CategoriesParams, EditParams, InfoParams, QueryParams

EditParams(titel="Sandbox")  # E: Unexpected keyword argument "titel"
AllpagesParams(aplimit="lots")  # E: Argument "aplimit" to "AllpagesParams" has incompatible type
AllpagesParams(apfilterredir="x")  # E: Argument "apfilterredir" to "AllpagesParams"
EditParams(title="A", minor="yes")  # E: Argument "minor" to "EditParams" has incompatible type
QueryParams(prop=[AllpagesParams()])  # E: List item 0 has incompatible type "AllpagesParams"
QueryParams(list=[InfoParams()])  # E: List item 0 has incompatible type "InfoParams"
QueryParams(generator=InfoParams())  # E: "generator" to "QueryParams" has incompatible type
QueryParams(prop=[CategoriesParams(aplimit=3)])  # E: Unexpected keyword argument "aplimit"
