"""Warnings the API sends with a successful answer, as typed Python warnings.

Every warning of every shape (``errorformat=bc`` in formatversion 1 and 2, and the
``warnings[]`` list of the other errorformats) becomes one :class:`APIWarning`. They are
emitted through :mod:`warnings`, so they can be filtered or turned into errors, and logged
on the ``mwtyped.warnings`` logger.

Example::

    import warnings, mwtyped
    warnings.simplefilter("error", mwtyped.APIWarning)   # make every API warning fatal
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", mwtyped.APIWarning)
        session.get(action="query", list="allpages", bogusparam=1)
    print(caught[0].message.code)   # "unrecognizedparams" (errorformat=plaintext)
"""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Mapping
from typing import Any

__all__ = [
    "APIWarning",
    "ApiDeprecationWarning",
    "InsecureLoginWarning",
    "UserAgentWarning",
    "emit_api_warnings",
    "parse_api_warnings",
    "warn_at_caller",
]

logger = logging.getLogger("mwtyped.warnings")

_OUR_FRAMES = ("mwtyped.", "tenacity", "asyncio", "pydantic")


class APIWarning(UserWarning):
    """One warning from the API: ``module``, ``text``, and with errorformat other than
    ``bc`` also ``code`` and ``data``."""

    def __init__(
        self,
        module: str,
        text: str,
        code: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.module = module
        self.text = text
        self.code = code
        self.data: Mapping[str, Any] = dict(data or {})
        label = f"{code}: " if code else ""
        super().__init__(f"[{module}] {label}{text}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, APIWarning):
            return NotImplemented
        return (self.module, self.text, self.code, self.data) == (
            other.module,
            other.text,
            other.code,
            other.data,
        )

    def __hash__(self) -> int:
        return hash((self.module, self.text, self.code))


class ApiDeprecationWarning(DeprecationWarning):
    """A parameter or value MediaWiki marks deprecated was sent (it still works, for now)."""


class InsecureLoginWarning(UserWarning):
    """Credentials are about to travel over plain ``http://`` to a host that is not this
    machine: anyone on the way can read them."""


class UserAgentWarning(UserWarning):
    """No ``user_agent`` was given: wiki operators require a way to contact the bot's owner."""


def _message_text(item: Mapping[str, Any]) -> str:
    for name in ("text", "html", "*", "warnings"):
        value = item.get(name)
        if isinstance(value, str):
            return value
    key = item.get("key")
    if isinstance(key, str):
        params = item.get("params")
        return f"{key} {params!r}" if params else key
    return ""


def parse_api_warnings(raw: object) -> list[APIWarning]:
    """Parse a document's ``warnings`` member, whatever its shape; never raises.

    ``errorformat=bc`` joins several warnings of one module with newlines: they are split
    back into one warning each.
    """
    found: list[APIWarning] = []
    if isinstance(raw, Mapping):
        for module, body in raw.items():
            text = _message_text(body) if isinstance(body, Mapping) else str(body)
            lines = [line for line in text.split("\n") if line] or [text]
            found.extend(APIWarning(str(module), line) for line in lines)
    elif isinstance(raw, list):
        for item in raw:
            if not isinstance(item, Mapping):
                found.append(APIWarning("unknown", str(item)))
                continue
            code = item.get("code")
            data = item.get("data")
            found.append(
                APIWarning(
                    str(item.get("module", "main")),
                    _message_text(item),
                    code if isinstance(code, str) else None,
                    data if isinstance(data, Mapping) else None,
                )
            )
    elif raw is not None:
        found.append(APIWarning("unknown", str(raw)))
    return found


def _caller_stacklevel() -> int:
    """The stack level of the first frame outside mwtyped (and the tenacity loop driving it),
    so a warning points at the user's call."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_OUR_FRAMES):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def warn_at_caller(warning: Warning) -> None:
    """Emit ``warning`` pointing at the first frame outside mwtyped."""
    warnings.warn(warning, stacklevel=_caller_stacklevel())


def emit_api_warnings(found: list[APIWarning], request_label: str) -> None:
    """Log each warning and emit it through :mod:`warnings` at the user's call site."""
    if not found:
        return
    stacklevel = _caller_stacklevel()
    for warning in found:
        logger.warning("API warning for %s: %s", request_label, warning)
        warnings.warn(warning, stacklevel=stacklevel)
