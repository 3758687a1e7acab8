"""Merge the pages of a continued ``action=query`` until each batch is complete.

While property modules continue (``clcontinue``, ``rvcontinue``, ...) the same pages come
back in several answers, each with part of their property lists; ``batchcomplete`` marks
the answer after which a batch's pages are whole. :func:`merge_pages` folds those answers
and yields every page once, complete, as soon as its batch is done, in the order the wiki
listed them. Memory holds one batch of pages, never the whole result.

Works for formatversion 2 (``pages`` is a list) and 1 (an object keyed by page id).

Example::

    docs = session.get(action="query", generator="allpages", gaplimit=50,
                       prop="categories", cllimit="max", continuation=True)
    for page in merge_pages(docs):
        print(page["title"], [c["title"] for c in page.get("categories", [])])
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any

__all__ = ["PageMerger", "amerge_pages", "merge_pages"]

JSONObject = dict[str, Any]


def _page_key(page: Mapping[str, Any]) -> tuple[str, object]:
    if "pageid" in page:
        return ("id", page["pageid"])
    return ("title", page.get("title"))


def _merge_into(target: JSONObject, part: Mapping[str, Any]) -> None:
    for name, value in part.items():
        have = target.get(name)
        if isinstance(have, list) and isinstance(value, list):
            have.extend(value)
        elif isinstance(have, dict) and isinstance(value, Mapping):
            _merge_into(have, value)
        else:
            target[name] = value


class PageMerger:
    """Feed answers with :meth:`add`; it returns the pages completed by each answer."""

    def __init__(self) -> None:
        self._batch: dict[tuple[str, object], JSONObject] = {}

    def add(self, document: Mapping[str, Any]) -> list[JSONObject]:
        query = document.get("query")
        pages: Iterable[Any] = ()
        if isinstance(query, Mapping):
            raw = query.get("pages")
            pages = (
                raw.values() if isinstance(raw, Mapping) else raw if isinstance(raw, list) else ()
            )
        for page in pages:
            if not isinstance(page, Mapping):
                continue
            key = _page_key(page)
            if key in self._batch:
                _merge_into(self._batch[key], page)
            else:
                self._batch[key] = {
                    k: (list(v) if isinstance(v, list) else v) for k, v in page.items()
                }
        # Without batchcomplete the batch continues; an answer with no continue ends it too.
        if "batchcomplete" in document or "continue" not in document:
            done = list(self._batch.values())
            self._batch = {}
            return done
        return []


def merge_pages(documents: Iterable[Mapping[str, Any]]) -> Iterator[JSONObject]:
    """Every page of a continued query once, with its properties merged across answers."""
    merger = PageMerger()
    for document in documents:
        yield from merger.add(document)


async def amerge_pages(documents: AsyncIterable[Mapping[str, Any]]) -> AsyncIterator[JSONObject]:
    """:func:`merge_pages` for an :class:`~mwtyped.AsyncSession` continuation."""
    merger = PageMerger()
    async for document in documents:
        for page in merger.add(document):
            yield page
