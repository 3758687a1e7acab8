"""Async transports an ``AsyncSession`` could send with, side by side on the small GET.

The small-GET scenario shows ``httpx.AsyncClient`` several times slower than both the sync
client and aiohttp. This measures, interleaved, what each candidate costs per GET of the
siteinfo answer (``json.loads`` included), as a ratio to the sync ``httpx.Client``:

* ``httpx.AsyncClient`` as installed (httpcore's anyio backend); where ``sniffio`` is not
  installed, every lock and event httpcore makes pays a failed ``import sniffio``, and the
  same client is also run with a stub ``sniffio`` in ``sys.modules`` (the cost of those
  failed imports alone);
* the sync ``httpx.Client`` in a worker thread (``asyncio.to_thread``);
* ``httpx.AsyncClient`` over a minimal transport that sends with aiohttp (the httpx API
  kept, aiohttp's I/O underneath);
* aiohttp itself (``session.get`` + ``json.loads``), the floor;
* mwtyped's ``AsyncSession`` as it is (its own asyncio HTTP/1.1 connections), handed a plain
  ``httpx.AsyncClient`` (``session=``: the httpx path), and handed one on that aiohttp
  transport, next to mwapi's ``AsyncSession`` (the target).

Example::

    found = measure_transports(endpoint, n=400, reps=3)
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import json
import sys
import types
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx

import mwtyped
from benchmarks.clients import BASE_PARAMS, SITEINFO, USER_AGENT, Endpoint, MwapiAsync, RawHttpx
from benchmarks.harness import Bench, Contender, ScenarioResult, run_interleaved

__all__ = ["AiohttpTransport", "measure_transports"]


class AiohttpTransport(httpx.AsyncBaseTransport):
    """The least an httpx transport over aiohttp needs for api.php GETs and POSTs."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        async with self.session.request(
            request.method,
            str(request.url),
            headers=[(k, v) for k, v in request.headers.items() if k != "host"],
            data=body or None,
            allow_redirects=False,
            auto_decompress=True,
        ) as answer:
            content = await answer.read()
            headers = [
                (k, v)
                for k, v in answer.headers.items()
                if k.lower() not in ("content-encoding", "transfer-encoding")
            ]
            return httpx.Response(answer.status, headers=headers, content=content, request=request)

    async def aclose(self) -> None:
        await self.session.close()


@contextlib.contextmanager
def sniffio_importable() -> Iterator[None]:
    """``import sniffio`` succeeds (a stub answering "asyncio") while inside."""
    if importlib.util.find_spec("sniffio") is not None or "sniffio" in sys.modules:
        yield
        return
    stub = types.ModuleType("sniffio")
    stub.current_async_library = lambda: "asyncio"  # type: ignore[attr-defined]
    sys.modules["sniffio"] = stub
    try:
        yield
    finally:
        del sys.modules["sniffio"]


def measure_transports(endpoint: Endpoint, *, n: int, reps: int, chunks: int = 5) -> ScenarioResult:
    per = max(1, n // chunks)
    n = per * chunks
    params = {**SITEINFO, **BASE_PARAMS}
    url = endpoint.url
    bench = Bench()
    try:
        out: list[Contender] = []

        def add(label: str, op: Callable[[int], Awaitable[int]], note: str = "") -> None:
            out.append(
                Contender(
                    label,
                    "transport",
                    lambda: bench.loop.run_until_complete(op(per)),
                    lambda: bench.loop.run_until_complete(op(min(per, 20))),
                    note,
                )
            )

        raw = bench.sync(lambda: RawHttpx(endpoint), RawHttpx.close)
        out.append(
            Contender(
                "httpx.Client (sync), the baseline",
                "baseline",
                lambda: raw.small_gets(per),
                lambda: raw.small_gets(20),
            )
        )

        async def make_async() -> httpx.AsyncClient:
            return httpx.AsyncClient(headers={"User-Agent": USER_AGENT})

        async def aclose(client: httpx.AsyncClient) -> None:
            await client.aclose()

        plain = bench.aio(make_async, aclose)

        async def gets(client: httpx.AsyncClient, k: int) -> int:
            for _ in range(k):
                json.loads((await client.get(url, params=params)).content)
            return k

        if importlib.util.find_spec("sniffio") is not None:
            add("httpx.AsyncClient", lambda k: gets(plain, k), "sniffio installed")
            bench.skip("httpx.AsyncClient without sniffio", "sniffio is installed here")
        else:
            add("httpx.AsyncClient", lambda k: gets(plain, k), "as installed: no sniffio")

            async def gets_sniffio(k: int) -> int:
                with sniffio_importable():
                    return await gets(plain, k)

            add("httpx.AsyncClient, sniffio importable", gets_sniffio, "stub in sys.modules")

        async def threaded(k: int) -> int:
            for _ in range(k):
                await asyncio.to_thread(raw.get, params)
            return k

        add("httpx.Client in asyncio.to_thread", threaded, "one worker thread at a time")

        async def make_mwtyped() -> mwtyped.AsyncSession:
            return mwtyped.AsyncSession(
                endpoint.host, user_agent=USER_AGENT, api_path=endpoint.api_path
            )

        async def close_mwtyped(session: mwtyped.AsyncSession) -> None:
            await session.aclose()

        mt_plain = bench.aio(make_mwtyped, close_mwtyped)

        async def mt_gets(k: int) -> int:
            for _ in range(k):
                await mt_plain.get(action="query", meta="siteinfo")
            return k

        add("mwtyped AsyncSession (default: own asyncio HTTP/1.1 connections)", mt_gets)

        async def make_mwtyped_httpx() -> mwtyped.AsyncSession:
            return mwtyped.AsyncSession(
                endpoint.host,
                user_agent=USER_AGENT,
                api_path=endpoint.api_path,
                session=httpx.AsyncClient(),
            )

        async def close_mwtyped_httpx(session: mwtyped.AsyncSession) -> None:
            await session.client.aclose()

        mt_httpx = bench.aio(make_mwtyped_httpx, close_mwtyped_httpx)

        async def mt_httpx_gets(k: int) -> int:
            for _ in range(k):
                await mt_httpx.get(action="query", meta="siteinfo")
            return k

        add(
            "mwtyped AsyncSession(session=httpx.AsyncClient())",
            mt_httpx_gets,
            "sends with httpx's async stack",
        )
        if importlib.util.find_spec("aiohttp") is None:
            bench.skip("aiohttp transports", "aiohttp is not installed here")
        else:
            aiohttp = importlib.import_module("aiohttp")

            async def make_bridged() -> httpx.AsyncClient:
                transport = AiohttpTransport(aiohttp.ClientSession())
                return httpx.AsyncClient(headers={"User-Agent": USER_AGENT}, transport=transport)

            bridged = bench.aio(make_bridged, aclose)
            add("httpx.AsyncClient over an aiohttp transport", lambda k: gets(bridged, k))

            async def make_session() -> Any:
                return aiohttp.ClientSession(headers={"User-Agent": USER_AGENT})

            async def close_session(session: Any) -> None:
                await session.close()

            session = bench.aio(make_session, close_session)

            async def bare(k: int) -> int:
                for _ in range(k):
                    async with session.get(url, params=params) as answer:
                        json.loads(await answer.read())
                return k

            add("aiohttp ClientSession", bare, "the floor")

            # mwtyped itself on that transport: no change to mwtyped, a client handed in.
            async def make_mwtyped_bridged() -> mwtyped.AsyncSession:
                client = httpx.AsyncClient(transport=AiohttpTransport(aiohttp.ClientSession()))
                return mwtyped.AsyncSession(
                    endpoint.host,
                    user_agent=USER_AGENT,
                    api_path=endpoint.api_path,
                    session=client,
                )

            async def close_mwtyped_bridged(session: mwtyped.AsyncSession) -> None:
                await session.client.aclose()

            mt_bridged = bench.aio(make_mwtyped_bridged, close_mwtyped_bridged)

            async def mt_bridged_gets(k: int) -> int:
                for _ in range(k):
                    await mt_bridged.get(action="query", meta="siteinfo")
                return k

            add(
                "mwtyped AsyncSession(session=httpx.AsyncClient(transport=aiohttp))",
                mt_bridged_gets,
                "no change to mwtyped",
            )
            if importlib.util.find_spec("mwapi") is not None:
                amw = bench.aio(lambda: MwapiAsync.create(endpoint), MwapiAsync.close)
                add("mwapi AsyncSession (aiohttp)", amw.small_gets, "the target")
        return run_interleaved(
            "transports",
            f"async transports: {n:,} small GETs each",
            out,
            reps=reps,
            ops=n,
            unit="request",
            chunks=chunks,
            expected=n,
            skipped=bench.skipped,
        )
    finally:
        bench.close()
