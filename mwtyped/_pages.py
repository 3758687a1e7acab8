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


def _merged(have: Any, value: Any) -> Any:
    """``have`` and ``value`` combined into new containers (the answers stay untouched)."""
    if isinstance(have, list) and isinstance(value, list):
        return have + value
    if isinstance(have, Mapping) and isinstance(value, Mapping):
        combined = dict(have)
        for name, item in value.items():
            combined[name] = _merged(combined[name], item) if name in combined else item
        return combined
    return value


def _legacy_batch_goes_on(query_continue: Mapping[str, Any], generator: str | None) -> bool:
    """Whether a ``rawcontinue`` answer's batch continues: some non-generator module still
    has pages to fill. The generator is the module named ``generator`` or, when unknown,
    the one whose continue parameters all carry the ``g`` prefix."""
    for module, values in query_continue.items():
        if module == generator:
            continue
        guessed = (
            generator is None
            and isinstance(values, Mapping)
            and bool(values)
            and all(str(key).startswith("g") for key in values)
        )
        if not guessed:
            return True
    return False


class PageMerger:
    """Feed answers with :meth:`add`; it returns the pages completed by each answer.

    ``generator`` names the query's generator module; it is only needed to tell batches
    apart in legacy (``rawcontinue``) answers, and guessed when not given.
    """

    def __init__(self, generator: str | None = None) -> None:
        self._batch: dict[tuple[str, object], JSONObject] = {}
        self._generator = generator

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
            have = self._batch.get(key)
            self._batch[key] = _merged(have, page) if have is not None else dict(page)
        legacy = document.get("query-continue")
        if isinstance(legacy, Mapping):
            complete = not _legacy_batch_goes_on(legacy, self._generator)
        else:
            # Without batchcomplete the batch goes on; an answer without continue ends it.
            complete = "batchcomplete" in document or "continue" not in document
        return self.flush() if complete else []

    def flush(self) -> list[JSONObject]:
        """The pages of the batch in progress (when the answers ended without closing it)."""
        done = list(self._batch.values())
        self._batch = {}
        return done


def merge_pages(
    documents: Iterable[Mapping[str, Any]], generator: str | None = None
) -> Iterator[JSONObject]:
    """Every page of a continued query once, with its properties merged across answers."""
    merger = PageMerger(generator)
    for document in documents:
        yield from merger.add(document)
    yield from merger.flush()


async def amerge_pages(
    documents: AsyncIterable[Mapping[str, Any]], generator: str | None = None
) -> AsyncIterator[JSONObject]:
    """:func:`merge_pages` for an :class:`~mwtyped.AsyncSession` continuation."""
    merger = PageMerger(generator)
    async for document in documents:
        for page in merger.add(document):
            yield page
    for page in merger.flush():
        yield page
