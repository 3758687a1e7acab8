"""The contenders: mwtyped, the raw httpx loops it is measured against, and the peers.

Each client class wraps one library the way its documentation shows, with the user agent
set, and exposes the same operations (small GETs, paging documents or items, the big
answer, error answers). Operations return a count (GETs made, titles seen, errors caught)
so a run that silently did nothing is caught. The peers (mwapi, its aiohttp
``AsyncSession``, mwclient) are imported only when a client is built: :func:`peer_missing`
says which are absent.

The raw httpx loops send exactly the parameters mwtyped sends (``format=json``,
``formatversion=2``, ``errorformat=plaintext``), so the wire is the same and only the
client-side work differs.

Example::

    client = RawHttpx(Endpoint("http://127.0.0.1:8080", "/w/api.php"))
    client.small_gets(100)    # 100
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

import mwtyped
from mwtyped.api import AllpagesParams, QueryParams, RevisionsParams, SiteinfoParams

__all__ = [
    "BASE_PARAMS",
    "BIG_PARAMS",
    "ERROR_PARAMS",
    "MAXLAG_PARAMS",
    "PEERS",
    "SITEINFO",
    "USER_AGENT",
    "Endpoint",
    "MwapiAsync",
    "MwapiSync",
    "Mwclient",
    "MwtypedAsync",
    "MwtypedSync",
    "RawHttpx",
    "RawHttpxAsync",
    "peer_missing",
]

USER_AGENT = "mwtyped-benchmark/1.0 (https://example.org/mwtyped-bench; bench@example.org)"
# What mwtyped adds to every request; the raw loops send the same.
BASE_PARAMS: dict[str, str] = {"format": "json", "formatversion": "2", "errorformat": "plaintext"}
SITEINFO: dict[str, str] = {"action": "query", "meta": "siteinfo"}
BIG_PARAMS: dict[str, Any] = {
    "action": "query",
    "prop": "revisions",
    "rvprop": "ids|timestamp|user|comment|content|flags",
    "rvslots": "main",
    "generator": "allpages",
    "gapprefix": "Big/",
    "gaplimit": "500",
}
ERROR_PARAMS: dict[str, str] = {"action": "bench-error"}
MAXLAG_PARAMS: dict[str, str] = {"action": "query", "meta": "siteinfo", "maxlag": "0"}
PEERS = ("mwapi", "aiohttp", "mwclient")


def peer_missing(*names: str) -> str | None:
    """``None`` if every named peer is importable, else a note naming the first missing."""
    for name in names:
        if importlib.util.find_spec(name) is None:
            return f"{name} is not installed here (it is in benchmarks/.venv)"
    return None


def _peer(name: str) -> Any:
    return importlib.import_module(name)


@dataclass(frozen=True)
class Endpoint:
    """Where ``api.php`` is: ``host`` is ``http://name:port``."""

    host: str
    api_path: str

    @property
    def url(self) -> str:
        return self.host + self.api_path

    @property
    def netloc(self) -> str:
        return self.host.split("://", 1)[1]


class APIFailure(Exception):
    """What the raw loops raise on an error document (the plain-dict check)."""


def typed_siteinfo() -> QueryParams:
    return QueryParams(meta=[SiteinfoParams()])


def typed_big() -> QueryParams:
    return QueryParams(
        generator=AllpagesParams(apprefix="Big/", aplimit=500),
        prop=[
            RevisionsParams(
                rvprop=["ids", "timestamp", "user", "comment", "content", "flags"],
                rvslots=["main"],
            )
        ],
    )


def typed_allpages(prefix: str, limit: int = 500) -> AllpagesParams:
    return AllpagesParams(apprefix=prefix, aplimit=limit)


def _check(document: dict[str, Any]) -> dict[str, Any]:
    if "errors" in document or "error" in document:
        raise APIFailure(document)
    return document


# -- raw httpx ------------------------------------------------------------------------------
class RawHttpx:
    """``client.get(url, params=...)`` and ``json.loads``: the baseline of every figure."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.url = endpoint.url
        self.client = httpx.Client(headers={"User-Agent": USER_AGENT})

    def get(self, params: Mapping[str, Any]) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.client.get(self.url, params=params).content)
        return document

    def small_gets(self, n: int) -> int:
        params = {**SITEINFO, **BASE_PARAMS}
        for _ in range(n):
            self.get(params)
        return n

    def documents(self, prefix: str, limit: int = 500) -> Iterator[dict[str, Any]]:
        """A hand-written continue loop yielding each answer."""
        base = {"action": "query", "list": "allpages", "apprefix": prefix, "aplimit": str(limit)}
        base.update(BASE_PARAMS)
        params = base
        while True:
            document = self.get(params)
            yield document
            more = document.get("continue")
            if not more:
                return
            params = {**base, **more}

    def items(self, prefix: str, limit: int = 500) -> Iterator[dict[str, Any]]:
        for document in self.documents(prefix, limit):
            yield from document["query"]["allpages"]

    def big(self, n: int) -> int:
        params = {**BIG_PARAMS, **BASE_PARAMS}
        pages = 0
        for _ in range(n):
            pages += len(self.get(params)["query"]["pages"])
        return pages

    def errors(self, n: int, params: Mapping[str, str]) -> int:
        params = {**params, **BASE_PARAMS}
        caught = 0
        for _ in range(n):
            try:
                _check(self.get(params))
            except APIFailure:
                caught += 1
        return caught

    def close(self) -> None:
        self.client.close()


class RawHttpxAsync:
    """The same loops on ``httpx.AsyncClient``."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.url = endpoint.url
        self.client = httpx.AsyncClient(headers={"User-Agent": USER_AGENT})

    async def get(self, params: Mapping[str, Any]) -> dict[str, Any]:
        response = await self.client.get(self.url, params=params)
        document: dict[str, Any] = json.loads(response.content)
        return document

    async def small_gets(self, n: int) -> int:
        params = {**SITEINFO, **BASE_PARAMS}
        for _ in range(n):
            await self.get(params)
        return n

    async def documents(self, prefix: str, limit: int = 500) -> AsyncIterator[dict[str, Any]]:
        base = {"action": "query", "list": "allpages", "apprefix": prefix, "aplimit": str(limit)}
        base.update(BASE_PARAMS)
        params = base
        while True:
            document = await self.get(params)
            yield document
            more = document.get("continue")
            if not more:
                return
            params = {**base, **more}

    async def errors(self, n: int, params: Mapping[str, str]) -> int:
        params = {**params, **BASE_PARAMS}
        caught = 0
        for _ in range(n):
            try:
                _check(await self.get(params))
            except APIFailure:
                caught += 1
        return caught

    async def close(self) -> None:
        await self.client.aclose()


# -- mwtyped --------------------------------------------------------------------------------
class MwtypedSync:
    """``mwtyped.Session`` (default retry policy unless ``retry`` is given)."""

    def __init__(self, endpoint: Endpoint, *, retry: int | None = None) -> None:
        self.session = mwtyped.Session(
            endpoint.host, user_agent=USER_AGENT, api_path=endpoint.api_path, retry=retry
        )

    def small_gets(self, n: int) -> int:
        get = self.session.get
        for _ in range(n):
            get(action="query", meta="siteinfo")
        return n

    def small_gets_typed(self, n: int) -> int:
        request = self.session.request
        for _ in range(n):
            request(QueryParams(meta=[SiteinfoParams()]))
        return n

    def documents(self, prefix: str, limit: int = 500) -> Iterator[dict[str, Any]]:
        return self.session.get(
            action="query", list="allpages", apprefix=prefix, aplimit=limit, continuation=True
        )

    def typed_documents(self, prefix: str, limit: int = 500) -> Iterator[Any]:
        query = QueryParams(list=[typed_allpages(prefix, limit)])
        return self.session.request(query, continuation=True)

    def items(self, prefix: str, limit: int = 500) -> Iterator[Any]:
        return self.session.items(typed_allpages(prefix, limit))

    def big_typed(self, n: int) -> int:
        pages = 0
        for _ in range(n):
            answer = self.session.request(typed_big())
            pages += len(answer["query"]["pages"])
        return pages

    def big_dict(self, n: int) -> int:
        pages = 0
        for _ in range(n):
            pages += len(self.session.get(**BIG_PARAMS)["query"]["pages"])
        return pages

    def errors(self, n: int, params: Mapping[str, str]) -> int:
        kwargs: dict[str, Any] = dict(params)
        caught = 0
        for _ in range(n):
            try:
                self.session.get(**kwargs)
            except mwtyped.APIError:
                caught += 1
        return caught

    def close(self) -> None:
        self.session.close()


class MwtypedAsync:
    """``mwtyped.AsyncSession``."""

    def __init__(self, endpoint: Endpoint, *, retry: int | None = None) -> None:
        self.session = mwtyped.AsyncSession(
            endpoint.host, user_agent=USER_AGENT, api_path=endpoint.api_path, retry=retry
        )

    async def small_gets(self, n: int) -> int:
        for _ in range(n):
            await self.session.get(action="query", meta="siteinfo")
        return n

    async def small_gets_typed(self, n: int) -> int:
        for _ in range(n):
            await self.session.request(QueryParams(meta=[SiteinfoParams()]))
        return n

    def documents(self, prefix: str, limit: int = 500) -> AsyncIterator[dict[str, Any]]:
        return self.session.get(
            action="query", list="allpages", apprefix=prefix, aplimit=limit, continuation=True
        )

    def items(self, prefix: str, limit: int = 500) -> AsyncIterator[Any]:
        return self.session.items(typed_allpages(prefix, limit))

    async def big_typed(self, n: int) -> int:
        pages = 0
        for _ in range(n):
            answer = await self.session.request(typed_big())
            pages += len(answer["query"]["pages"])
        return pages

    async def errors(self, n: int, params: Mapping[str, str]) -> int:
        kwargs: dict[str, Any] = dict(params)
        caught = 0
        for _ in range(n):
            try:
                await self.session.get(**kwargs)
            except mwtyped.APIError:
                caught += 1
        return caught

    async def close(self) -> None:
        await self.session.aclose()


# -- peers ----------------------------------------------------------------------------------
class MwapiSync:
    """``mwapi.Session`` (requests); no ``errorformat`` sent, so errors come as ``error``."""

    def __init__(self, endpoint: Endpoint) -> None:
        mwapi = _peer("mwapi")
        self.errors_module = _peer("mwapi.errors")
        self.session = mwapi.Session(
            endpoint.host, user_agent=USER_AGENT, formatversion=2, api_path=endpoint.api_path
        )

    def small_gets(self, n: int) -> int:
        for _ in range(n):
            self.session.get(action="query", meta="siteinfo")
        return n

    def documents(self, prefix: str, limit: int = 500) -> Iterator[dict[str, Any]]:
        documents: Iterator[dict[str, Any]] = self.session.get(
            action="query", list="allpages", apprefix=prefix, aplimit=limit, continuation=True
        )
        return documents

    def items(self, prefix: str, limit: int = 500) -> Iterator[dict[str, Any]]:
        for document in self.documents(prefix, limit):
            yield from document["query"]["allpages"]

    def big(self, n: int) -> int:
        pages = 0
        for _ in range(n):
            pages += len(self.session.get(**BIG_PARAMS)["query"]["pages"])
        return pages

    def errors(self, n: int, params: Mapping[str, str]) -> int:
        caught = 0
        for _ in range(n):
            try:
                self.session.get(**params)
            except self.errors_module.APIError:
                caught += 1
        return caught

    def close(self) -> None:
        self.session.session.close()


class MwapiAsync:
    """``mwapi.AsyncSession`` (aiohttp). Build it inside the running loop: :meth:`create`."""

    def __init__(self, session: Any, errors_module: Any) -> None:
        self.session = session
        self.errors_module = errors_module

    @classmethod
    async def create(cls, endpoint: Endpoint) -> MwapiAsync:
        mwapi = _peer("mwapi")
        session = mwapi.AsyncSession(
            endpoint.host, user_agent=USER_AGENT, formatversion=2, api_path=endpoint.api_path
        )
        return cls(session, _peer("mwapi.errors"))

    async def small_gets(self, n: int) -> int:
        for _ in range(n):
            await self.session.get(action="query", meta="siteinfo")
        return n

    async def documents(self, prefix: str, limit: int = 500) -> AsyncIterator[dict[str, Any]]:
        stream = await self.session.get(
            action="query", list="allpages", apprefix=prefix, aplimit=limit, continuation=True
        )
        async for document in stream:
            yield document

    async def errors(self, n: int, params: Mapping[str, str]) -> int:
        # mwapi 0.6's async session wraps its own APIError in a RequestError (its catch-all
        # ``except Exception`` sees it): the user has to catch that.
        wrapped = (self.errors_module.APIError, self.errors_module.RequestError)
        caught = 0
        for _ in range(n):
            try:
                await self.session.get(**params)
            except wrapped:
                caught += 1
        return caught

    async def close(self) -> None:
        await self.session.session.close()


class Mwclient:
    """``mwclient.Site`` (requests). Not like for like: it reads formatversion 1 into
    ``OrderedDict``\\ s, and adds ``meta=userinfo`` to every query (the answers grow by it);
    its constructor asks for siteinfo and userinfo first."""

    def __init__(self, endpoint: Endpoint) -> None:
        mwclient = _peer("mwclient")
        self.errors_module = _peer("mwclient.errors")
        path = endpoint.api_path.rsplit("/", 1)[0] + "/"  # mwclient appends "api.php"
        self.site = mwclient.Site(
            endpoint.netloc, path=path, scheme="http", clients_useragent=USER_AGENT
        )

    def small_gets(self, n: int) -> int:
        for _ in range(n):
            self.site.get("query", meta="siteinfo")
        return n

    def titles(self, prefix: str, limit: int = 500) -> Iterator[str]:
        """``site.allpages(generator=False)``: ``list=allpages``, titles as strings."""
        titles: Iterator[str] = self.site.allpages(
            prefix=prefix, generator=False, api_chunk_size=limit
        )
        return titles

    def page_objects(self, prefix: str, limit: int = 500) -> Iterator[Any]:
        """``site.allpages()``: ``generator=allpages&prop=info|imageinfo``, Page objects."""
        pages: Iterator[Any] = self.site.allpages(prefix=prefix, api_chunk_size=limit)
        return pages

    def big(self, n: int) -> int:
        params = {k: v for k, v in BIG_PARAMS.items() if k != "action"}
        pages = 0
        for _ in range(n):
            pages += len(self.site.get("query", **params)["query"]["pages"])
        return pages

    def errors(self, n: int, params: Mapping[str, str]) -> int:
        rest = {k: v for k, v in params.items() if k != "action"}
        caught = 0
        for _ in range(n):
            try:
                self.site.get(params["action"], **rest)
            except self.errors_module.APIError:
                caught += 1
        return caught

    def close(self) -> None:
        self.site.connection.close()


# -- helpers --------------------------------------------------------------------------------
def count(iterable: Iterator[Any]) -> int:
    """Consume ``iterable`` keeping nothing; the number of elements."""
    n = 0
    for _ in iterable:
        n += 1
    return n


def count_pages(documents: Iterator[Mapping[str, Any]], member: str = "allpages") -> int:
    """Titles seen across answers (each answer looked into, as a user would)."""
    n = 0
    for document in documents:
        n += len(document["query"][member])
    return n


async def acount(iterable: AsyncIterator[Any]) -> int:
    n = 0
    async for _ in iterable:
        n += 1
    return n


async def acount_pages(documents: AsyncIterator[Mapping[str, Any]]) -> int:
    n = 0
    async for document in documents:
        n += len(document["query"]["allpages"])
    return n


async def concurrently(tasks: int, total: int, run: Callable[[int], Awaitable[int]]) -> int:
    """``run`` in ``tasks`` concurrent tasks sharing ``total`` operations."""
    shares = [total // tasks + (1 if i < total % tasks else 0) for i in range(tasks)]
    results = await asyncio.gather(*(run(share) for share in shares if share))
    return sum(results)
