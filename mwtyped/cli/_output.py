"""What ``mwtyped get|post`` prints on stdout: JSON, one answer or one line per result.

* One request: the answer, indented for a terminal, on one line for a pipe.
* ``--continue``: every answer, one compact JSON document per line (JSON lines).
* ``--items PATH``: one item per line from ``PATH`` of each answer (a list's elements, an
  object's values); ``query.pages`` merges each page's properties across answers first
  (:func:`mwtyped.merge_pages`).

Streams stay lazy: each line is printed (and flushed) as its answer arrives, nothing is kept,
and ``--limit`` stops before the next request is sent.

Example::

    >>> list(items_at({"query": {"allpages": [{"title": "A"}, {"title": "B"}]}}, "query.allpages"))
    [{'title': 'A'}, {'title': 'B'}]
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

from mwtyped import merge_pages
from mwtyped.cli._console import Console

__all__ = ["PAGES_PATH", "JsonWriter", "items_at", "print_stream", "stream_items"]

PAGES_PATH = "query.pages"
_MISSING = object()


class JsonWriter:
    """Writes JSON to stdout, pretty or compact, flushing every line."""

    def __init__(self, stream: TextIO, *, pretty: bool) -> None:
        self.stream = stream
        self.pretty = pretty

    def document(self, value: Any) -> None:
        """One whole answer: indented on a terminal, one line otherwise."""
        if self.pretty:
            self.stream.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
            self.stream.flush()
        else:
            self.line(value)

    def line(self, value: Any) -> None:
        """One JSON value on one line (JSON lines), whatever stdout is."""
        self.stream.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.stream.flush()


def _lookup(document: Mapping[str, Any], path: str) -> Any:
    value: Any = document
    for name in path.split("."):
        if isinstance(value, Mapping) and name in value:
            value = value[name]
        elif isinstance(value, list) and name.isdigit() and int(name) < len(value):
            value = value[int(name)]
        else:
            return _MISSING
    return value


def items_at(document: Mapping[str, Any], path: str) -> Iterator[Any]:
    """The items at a dotted ``path`` of one answer: a list's elements, an object's values
    (formatversion 1 keys pages by id), or the value itself; nothing when it is absent."""
    value = _lookup(document, path)
    if value is _MISSING:
        return
    if isinstance(value, list):
        yield from value
    elif isinstance(value, Mapping):
        yield from value.values()
    else:
        yield value


class _PathSeen:
    """Remembers whether any answer had the ``--items`` path, to warn about a typo."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found = False

    def watch(self, documents: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
        for document in documents:
            if not self.found and _lookup(document, self.path) is not _MISSING:
                self.found = True
            yield document


def stream_items(
    documents: Iterable[Mapping[str, Any]],
    path: str,
    *,
    generator: str | None,
) -> tuple[Iterator[Any], _PathSeen]:
    """The items at ``path`` across ``documents``, lazily; ``query.pages`` merged.

    Also returns the watcher telling afterwards whether any answer had ``path``.
    """
    seen = _PathSeen(path)
    watched = seen.watch(documents)
    if path == PAGES_PATH:
        return merge_pages(watched, generator=generator), seen
    return (item for document in watched for item in items_at(document, path)), seen


def print_stream(
    values: Iterator[Any], writer: JsonWriter, console: Console, limit: int | None
) -> int:
    """Print each value on its own line, at most ``limit``; return how many were printed.

    The iterator is closed when the limit is reached, so no further request is sent.
    """
    printed = 0
    try:
        for value in itertools.islice(values, limit):
            writer.line(value)
            printed += 1
            console.count_item()
    finally:
        close = getattr(values, "close", None)
        if close is not None:
            close()
    return printed
