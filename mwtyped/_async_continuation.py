"""The answers of a continued query in an :class:`~mwtyped.AsyncSession`, fetched as they
are iterated (``async for``); awaiting the stream first, as mwapi's async session wants,
works too.

Example::

    stream = session.get(action="query", list="allpages", continuation=True)
    async for batch in stream:
        ...
    await stream.aclose()   # stop early: the connection is released
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from typing import Any, TypeVar

__all__ = ["AsyncContinuation"]

D = TypeVar("D")


class AsyncContinuation(AsyncIterator[D]):
    """The answers of a continued query, fetched one at a time as you iterate.

    Use ``async for doc in stream``; ``await stream`` returns the stream itself (mwapi's
    spelling). ``await stream.aclose()`` stops early and releases the connection.
    """

    def __init__(self, documents: AsyncIterator[D]) -> None:
        self._documents = documents

    def __aiter__(self) -> AsyncContinuation[D]:
        return self

    async def __anext__(self) -> D:
        return await self._documents.__anext__()

    def __await__(self) -> Generator[Any, None, AsyncContinuation[D]]:
        return self._itself().__await__()

    async def _itself(self) -> AsyncContinuation[D]:
        return self

    async def aclose(self) -> None:
        closer = getattr(self._documents, "aclose", None)
        if closer is not None:
            await closer()
