"""Which parameters the next request of a continued query sends. No I/O here.

Modern continuation: the response's ``continue`` object is merged verbatim over the original
parameters, after dropping the keys the previous ``continue`` had added (a key that is no
longer continued must not be sent again). The query is done when an answer has no
``continue``. Answers with no data, only ``continue``, are legal and passed on as they are.

Legacy continuation (``rawcontinue``): ``query-continue`` maps modules to their continue
parameters. Property modules are continued first with the generator held where it is;
only when they are done does the generator move on, and the property positions reset.

Example::

    state = ContinuationState({"action": "query", "list": "allpages"}, None)
    params = state.params                        # first request
    params = state.advance(first_answer)         # next request, or None when done
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["ContinuationState"]


def _strings(value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in value.items()}


class ContinuationState:
    """Tracks one continued query: the parameters to send next, or ``None`` when done."""

    def __init__(self, params: Mapping[str, Any], query_continue: Mapping[str, Any] | None):
        self.original: dict[str, Any] = dict(params)
        # A boolean parameter: present means true, whatever its value ("" included).
        self.legacy = self.original.get("rawcontinue") not in (None, False)
        self._added: dict[str, Any] = _strings(query_continue)
        # Every key any continue object has set: from then on the original value is stale.
        self._continued_keys: set[str] = set()
        self._generator_keys: dict[str, Any] = {}
        self.params: dict[str, Any] | None = self._merge(self._added)
        self.requests = 0

    def _merge(self, added: Mapping[str, Any]) -> dict[str, Any]:
        self._continued_keys.update(added)
        merged = {k: v for k, v in self.original.items() if k not in self._continued_keys}
        merged.update(added)
        return merged

    def advance(self, document: Mapping[str, Any]) -> dict[str, Any] | None:
        """Given the answer to :attr:`params`, the next parameters, or ``None`` when done."""
        self.requests += 1
        modern = document.get("continue")
        if isinstance(modern, Mapping):
            self._added = _strings(modern)
            self.params = self._merge(self._added)
        elif self.legacy and isinstance(document.get("query-continue"), Mapping):
            self.params = self._advance_legacy(document["query-continue"])
        else:
            self.params = None
        return self.params

    def _advance_legacy(self, query_continue: Mapping[str, Any]) -> dict[str, Any] | None:
        generator = self.original.get("generator")
        generator_keys: dict[str, Any] = {}
        prop_keys: dict[str, Any] = {}
        for module, values in query_continue.items():
            target = generator_keys if module == generator else prop_keys
            target.update(_strings(values))
        if prop_keys:
            # Finish this generator batch's properties first, generator held in place.
            self._added = {**self._generator_keys, **prop_keys}
        elif generator_keys:
            self._generator_keys = generator_keys
            self._added = dict(generator_keys)
        else:
            return None
        return self._merge(self._added)
