"""Turn Python parameter values into the strings MediaWiki reads, in one place.

The rules follow MediaWiki's own parser (``ParamValidator::explodeMultiValue``):

* ``str`` goes as it is (so ``"info|revisions"`` still means two values);
* ``True`` is sent as an empty value (presence means true: "false" would be true too),
  ``False`` and ``None`` leave the parameter out;
* ``int`` and finite ``float`` as decimal text; ``Enum`` members by their value;
* an aware ``datetime`` as ISO 8601 in UTC (``2026-01-02T03:04:05Z``);
* ``bytes`` as UTF-8 text (never as a list of numbers);
* lists, tuples, sets (and other iterables) are joined with ``|``, or, when any value
  contains ``|``, prefixed with U+001F and joined with U+001F. Sets are sorted so the same
  call always sends the same request. An empty collection leaves the parameter out.

``action`` goes first; token parameters go last, so a truncated POST body loses its token and
fails instead of half-acting.

Example::

    >>> encode_params({"titles": ["A|B", "C"], "redirects": True, "action": "query"})
    [('action', 'query'), ('titles', '\\x1fA|B\\x1fC'), ('redirects', '')]
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote_plus

from mwtyped.errors import ParamEncodeError

__all__ = [
    "TOKEN_PARAMS",
    "FileSpec",
    "MultiValueSeparator",
    "encode_params",
    "encode_value",
    "form_encode",
]

# A multipart file: (filename, content) or (filename, content, content type).
FileSpec = tuple[str, bytes] | tuple[str, bytes, str]

# Parameter names that carry a token. MediaWiki checks them last, and a truncated body must
# lose them first.
TOKEN_PARAMS = frozenset(
    {"token", "lgtoken", "logintoken", "createtoken", "changeauthtoken", "linktoken"}
)


class MultiValueSeparator:
    """The two ways MediaWiki splits a multi-value parameter."""

    PIPE = "|"
    UNIT = "\x1f"


def _encode_scalar(name: str, value: object) -> str:
    """Encode one value (not a collection); raise :class:`ParamEncodeError` if impossible."""
    if isinstance(value, enum.Enum):
        # Before str: a str-mixin member is a str whose str() is "Class.NAME" on 3.11+.
        return _encode_scalar(name, value.value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        # A boolean inside a list has no MediaWiki meaning; alone it is handled by the caller.
        raise ParamEncodeError(name, "a boolean cannot be one of several values")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParamEncodeError(name, f"{value!r} is not a finite number")
        return repr(value) if value != int(value) else str(int(value))
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ParamEncodeError(
                name,
                "naive datetime: give it a timezone (e.g. datetime.now(timezone.utc)) "
                "so the wiki gets the moment you mean",
            )
        try:
            utc = value.astimezone(dt.timezone.utc)
        except (OverflowError, ValueError) as err:
            raise ParamEncodeError(name, f"{value!r} has no UTC equivalent ({err})") from None
        # Not strftime: "%Y" drops leading zeros of years before 1000 on glibc.
        return (
            f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
            f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
        )
    if isinstance(value, dt.date):
        raise ParamEncodeError(name, "a date has no time of day; pass an aware datetime")
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError as err:
            raise ParamEncodeError(name, f"bytes that are not UTF-8 text ({err})") from None
    raise ParamEncodeError(name, f"cannot send a value of type {type(value).__name__}")


def _join_multi(name: str, values: Iterable[object]) -> str | None:
    parts = [_encode_scalar(name, v) for v in values]
    if not parts:
        return None
    if any("\x1f" in part for part in parts):
        raise ParamEncodeError(name, "a value contains U+001F, which MediaWiki uses to split")
    if parts == [""]:
        raise ParamEncodeError(name, "a single empty value cannot be told from no value")
    if any("|" in part for part in parts):
        return MultiValueSeparator.UNIT + MultiValueSeparator.UNIT.join(parts)
    return MultiValueSeparator.PIPE.join(parts)


def encode_value(name: str, value: object) -> str | None:
    """Encode one parameter's value; ``None`` means "leave the parameter out".

    Example: ``encode_value("rvprop", ["ids", "content"]) == "ids|content"``.
    """
    if value is None or value is False:
        return None
    if value is True:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, str | enum.Enum):
        return _encode_scalar(name, value)
    if isinstance(value, set | frozenset):
        encoded = sorted(_encode_scalar(name, v) for v in value)
        return _join_multi(name, encoded)
    if isinstance(value, list | tuple):
        return _join_multi(name, value)
    if isinstance(value, Mapping):
        raise ParamEncodeError(name, "a mapping cannot be sent as a parameter value")
    if isinstance(value, Iterable) and not isinstance(value, bytes | bytearray | memoryview):
        return _join_multi(name, list(value))
    return _encode_scalar(name, value)


def encode_params(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Encode a whole parameter mapping into ordered ``(name, value)`` pairs.

    ``action`` comes first, token parameters last, the rest in the caller's order.
    """
    head: list[tuple[str, str]] = []
    body: list[tuple[str, str]] = []
    tail: list[tuple[str, str]] = []
    for name, value in params.items():
        if not isinstance(name, str):
            raise ParamEncodeError(repr(name), "parameter names must be strings")
        encoded = encode_value(name, value)
        if encoded is None:
            continue
        if name == "action":
            head.append((name, encoded))
        elif name in TOKEN_PARAMS:
            tail.append((name, encoded))
        else:
            body.append((name, encoded))
    return head + body + tail


# Names and short values repeat on nearly every request (action=query, format=json, ...):
# quoting them once instead of every time takes urlencode's 16 us per small GET to ~2 us.
_QUOTED: dict[str, str] = {}
_QUOTED_MAX_LEN = 64
_QUOTED_MAX_ENTRIES = 4096


def _quoted(text: str) -> str:
    found = _QUOTED.get(text)
    if found is not None:
        return found
    quoted = quote_plus(text)
    if len(text) <= _QUOTED_MAX_LEN:
        if len(_QUOTED) >= _QUOTED_MAX_ENTRIES:
            _QUOTED.clear()
        _QUOTED[text] = quoted
    return quoted


def form_encode(pairs: Iterable[tuple[str, str]]) -> str:
    """``urllib.parse.urlencode(pairs)`` for string pairs, byte for byte, faster.

    Example: ``form_encode([("titles", "A B|Ł")]) == "titles=A+B%7C%C5%81"``.
    """
    return "&".join(f"{_quoted(name)}={_quoted(value)}" for name, value in pairs)
