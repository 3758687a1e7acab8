"""The interleaved scenarios: which contenders run, on what, and what is comparable.

Each ``*_scenario`` function builds its contenders on a :class:`~benchmarks.harness.Bench`
(the baseline first: the raw ``httpx.Client`` loop), runs them interleaved and returns a
:class:`~benchmarks.harness.ScenarioResult`. ``peers=False`` leaves mwapi and mwclient out
(the test suite's smoke run); absent peers are skipped with a note either way.

Example::

    result = small_get_scenario(endpoint, n=2000, reps=5, peers=True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from benchmarks.answers import LARGE_PREFIX, SMALL_PREFIX
from benchmarks.clients import (
    ERROR_PARAMS,
    MAXLAG_PARAMS,
    Endpoint,
    MwapiAsync,
    MwapiSync,
    Mwclient,
    MwtypedAsync,
    MwtypedSync,
    RawHttpx,
    RawHttpxAsync,
    acount,
    acount_pages,
    concurrently,
    count,
    count_pages,
    peer_missing,
)
from benchmarks.harness import Bench, Contender, ScenarioResult, run_interleaved

__all__ = [
    "LABELS",
    "big_scenario",
    "error_scenario",
    "maxlag_scenario",
    "paging_documents_scenario",
    "paging_items_scenario",
    "small_get_scenario",
]

Progress = Callable[[str], None] | None


class LABELS:
    """Row labels the targets and the report refer to."""

    RAW = "raw httpx.Client"
    RAW_ASYNC = "raw httpx.AsyncClient"
    DICT = "mwtyped Session get() (dict)"
    DICT_RETRY0 = "mwtyped Session get(), retry=0"
    TYPED = "mwtyped Session request(QueryParams) (typed)"
    ITEMS = "mwtyped Session items(AllpagesParams) (typed)"
    TYPED_DOCS = "mwtyped Session request(QueryParams, continuation=True) (typed)"
    ASYNC = "mwtyped AsyncSession get()"
    ASYNC_TYPED = "mwtyped AsyncSession request(QueryParams) (typed)"
    ASYNC_ITEMS = "mwtyped AsyncSession items(AllpagesParams) (typed)"
    MWAPI = "mwapi Session"
    MWAPI_ASYNC = "mwapi AsyncSession (aiohttp)"
    MWCLIENT = "mwclient Site"


def _seq(label: str) -> str:
    return f"{label}, sequential"


def _tasks(label: str, tasks: int) -> str:
    return f"{label}, {tasks} tasks"


def _peers(bench: Bench, peers: bool, label: str, *names: str) -> bool:
    """Whether the peer contender ``label`` can run; records why not."""
    if not peers:
        bench.skip(label, "peers not requested (mwtyped-only run)")
        return False
    missing = peer_missing(*names)
    if missing:
        bench.skip(label, missing)
        return False
    return True


def _warm(run: Callable[[int], int], n: int) -> Callable[[], int]:
    return partial(run, min(n, 50))


def small_get_scenario(
    endpoint: Endpoint,
    *,
    n: int,
    reps: int,
    peers: bool,
    chunks: int = 10,
    tasks: int = 8,
    concurrent: bool = True,
    progress: Progress = None,
) -> ScenarioResult:
    """``n`` GETs of the siteinfo answer, sync and async, in ``chunks`` interleaved slices
    (``concurrent=False``: without the ``tasks``-task variants)."""
    per = max(1, n // chunks)
    n = per * chunks
    bench = Bench()
    try:
        out: list[Contender] = []

        def add(label: str, family: str, op: Callable[[int], int], note: str = "") -> None:
            out.append(Contender(label, family, partial(op, per), _warm(op, per), note))

        raw = bench.sync(lambda: RawHttpx(endpoint), RawHttpx.close)
        add(LABELS.RAW, "baseline", raw.small_gets)
        mt = bench.sync(lambda: MwtypedSync(endpoint), MwtypedSync.close)
        add(LABELS.DICT, "mwtyped", mt.small_gets)
        add(LABELS.TYPED, "mwtyped", mt.small_gets_typed, "QueryParams built per request")

        async def make_raw_async() -> RawHttpxAsync:
            return RawHttpxAsync(endpoint)

        araw = bench.aio(make_raw_async, RawHttpxAsync.close)

        def araw_seq(k: int) -> int:
            return bench.loop.run_until_complete(araw.small_gets(k))

        def araw_conc(k: int) -> int:
            return bench.loop.run_until_complete(concurrently(tasks, k, araw.small_gets))

        add(_seq(LABELS.RAW_ASYNC), "baseline", araw_seq)
        if concurrent:
            add(_tasks(LABELS.RAW_ASYNC, tasks), "baseline", araw_conc)

        async def make_mt_async() -> MwtypedAsync:
            return MwtypedAsync(endpoint)

        amt = bench.aio(make_mt_async, MwtypedAsync.close)

        def amt_seq(k: int) -> int:
            return bench.loop.run_until_complete(amt.small_gets(k))

        def amt_conc(k: int) -> int:
            return bench.loop.run_until_complete(concurrently(tasks, k, amt.small_gets))

        add(_seq(LABELS.ASYNC), "mwtyped", amt_seq)
        if concurrent:
            add(_tasks(LABELS.ASYNC, tasks), "mwtyped", amt_conc)
        if _peers(bench, peers, LABELS.MWAPI, "mwapi"):
            mw = bench.sync(lambda: MwapiSync(endpoint), MwapiSync.close)
            add(LABELS.MWAPI, "peer", mw.small_gets)
        if _peers(bench, peers, LABELS.MWAPI_ASYNC, "mwapi", "aiohttp"):
            amw = bench.aio(lambda: MwapiAsync.create(endpoint), MwapiAsync.close)

            def amw_seq(k: int) -> int:
                return bench.loop.run_until_complete(amw.small_gets(k))

            def amw_conc(k: int) -> int:
                return bench.loop.run_until_complete(concurrently(tasks, k, amw.small_gets))

            add(_seq(LABELS.MWAPI_ASYNC), "peer", amw_seq, "no errorformat sent")
            if concurrent:
                add(_tasks(LABELS.MWAPI_ASYNC, tasks), "peer", amw_conc)
        if _peers(bench, peers, LABELS.MWCLIENT, "mwclient"):
            mc = bench.sync(lambda: Mwclient(endpoint), Mwclient.close)
            add(
                LABELS.MWCLIENT,
                "peer",
                mc.small_gets,
                "site.get(); adds meta=userinfo (bigger answer), formatversion 1",
            )
        return run_interleaved(
            "small_get",
            f"{n:,} small GETs (meta=siteinfo)",
            out,
            reps=reps,
            ops=n,
            unit="request",
            chunks=chunks,
            expected=n,
            skipped=bench.skipped,
            progress=progress,
        )
    finally:
        bench.close()


def _paging_prefix(titles: int) -> str:
    return SMALL_PREFIX if titles <= 10_000 else LARGE_PREFIX


def paging_documents_scenario(
    endpoint: Endpoint,
    *,
    titles: int,
    reps: int,
    peers: bool,
    passes: int = 1,
    prefix: str | None = None,
    limit: int = 500,
    progress: Progress = None,
) -> ScenarioResult:
    """Every answer of ``list=allpages`` (``limit`` a batch) over ``titles`` titles (the
    ``prefix`` data set); a repetition is ``passes`` interleaved passes."""
    prefix = prefix or _paging_prefix(titles)
    bench = Bench()
    try:
        out: list[Contender] = []

        def add(label: str, family: str, run: Callable[[], int], note: str = "") -> None:
            out.append(Contender(label, family, run, None, note))

        raw = bench.sync(lambda: RawHttpx(endpoint), RawHttpx.close)
        add(LABELS.RAW, "baseline", lambda: count_pages(raw.documents(prefix, limit)))
        mt = bench.sync(lambda: MwtypedSync(endpoint), MwtypedSync.close)
        add(
            "mwtyped Session get(continuation=True) (dict)",
            "mwtyped",
            lambda: count_pages(mt.documents(prefix, limit)),
        )

        def typed_docs() -> int:
            documents: Iterator[Any] = mt.typed_documents(prefix, limit)
            return count_pages(documents)

        add(LABELS.TYPED_DOCS, "mwtyped", typed_docs, "each answer validated as QueryResponse")

        async def make_raw_async() -> RawHttpxAsync:
            return RawHttpxAsync(endpoint)

        araw = bench.aio(make_raw_async, RawHttpxAsync.close)
        add(
            LABELS.RAW_ASYNC,
            "baseline",
            bench.arun(lambda: acount_pages(araw.documents(prefix, limit))),
        )

        async def make_mt_async() -> MwtypedAsync:
            return MwtypedAsync(endpoint)

        amt = bench.aio(make_mt_async, MwtypedAsync.close)
        add(
            "mwtyped AsyncSession get(continuation=True)",
            "mwtyped",
            bench.arun(lambda: acount_pages(amt.documents(prefix, limit))),
        )
        if _peers(bench, peers, LABELS.MWAPI, "mwapi"):
            mw = bench.sync(lambda: MwapiSync(endpoint), MwapiSync.close)
            add(
                "mwapi Session get(continuation=True)",
                "peer",
                lambda: count_pages(mw.documents(prefix, limit)),
            )
        if _peers(bench, peers, LABELS.MWAPI_ASYNC, "mwapi", "aiohttp"):
            amw = bench.aio(lambda: MwapiAsync.create(endpoint), MwapiAsync.close)
            add(
                "mwapi AsyncSession get(continuation=True)",
                "peer",
                bench.arun(lambda: acount_pages(amw.documents(prefix, limit))),
            )
        return run_interleaved(
            "paging_documents",
            f"paging {titles:,} titles (list=allpages, {limit} a batch): answers as documents",
            out,
            reps=reps,
            ops=titles * passes,
            unit="title",
            chunks=passes,
            expected=titles * passes,
            skipped=bench.skipped,
            progress=progress,
        )
    finally:
        bench.close()


def paging_items_scenario(
    endpoint: Endpoint,
    *,
    titles: int,
    reps: int,
    peers: bool,
    passes: int = 1,
    prefix: str | None = None,
    limit: int = 500,
    progress: Progress = None,
) -> ScenarioResult:
    """The same paging, one item at a time: the raw loop yields plain dicts."""
    prefix = prefix or _paging_prefix(titles)
    bench = Bench()
    try:
        out: list[Contender] = []

        def add(label: str, family: str, run: Callable[[], int], note: str = "") -> None:
            out.append(Contender(label, family, run, None, note))

        raw = bench.sync(lambda: RawHttpx(endpoint), RawHttpx.close)
        add(LABELS.RAW, "baseline", lambda: count(raw.items(prefix, limit)), "yields plain dicts")
        mt = bench.sync(lambda: MwtypedSync(endpoint), MwtypedSync.close)
        add(LABELS.ITEMS, "mwtyped", lambda: count(mt.items(prefix, limit)))

        async def make_mt_async() -> MwtypedAsync:
            return MwtypedAsync(endpoint)

        amt = bench.aio(make_mt_async, MwtypedAsync.close)
        add(LABELS.ASYNC_ITEMS, "mwtyped", bench.arun(lambda: acount(amt.items(prefix, limit))))
        if _peers(bench, peers, LABELS.MWAPI, "mwapi"):
            mw = bench.sync(lambda: MwapiSync(endpoint), MwapiSync.close)
            add(
                "mwapi Session (continuation, items flattened)",
                "peer",
                lambda: count(mw.items(prefix, limit)),
            )
        if _peers(bench, peers, LABELS.MWCLIENT, "mwclient"):
            mc = bench.sync(lambda: Mwclient(endpoint), Mwclient.close)
            add(
                "mwclient allpages(generator=False) (titles)",
                "peer",
                lambda: count(mc.titles(prefix, limit)),
                "list=allpages; yields title strings; formatversion 1 + meta=userinfo",
            )
            add(
                "mwclient allpages() (Page objects)",
                "peer",
                lambda: count(mc.page_objects(prefix, limit)),
                "not like for like: generator=allpages&prop=info|imageinfo (3x bigger answers)",
            )
        return run_interleaved(
            "paging_items",
            f"paging {titles:,} titles (list=allpages, {limit} a batch): one item at a time",
            out,
            reps=reps,
            ops=titles * passes,
            unit="title",
            chunks=passes,
            expected=titles * passes,
            skipped=bench.skipped,
            progress=progress,
        )
    finally:
        bench.close()


def big_scenario(
    endpoint: Endpoint,
    *,
    n: int,
    pages: int,
    reps: int,
    peers: bool,
    chunks: int = 5,
    progress: Progress = None,
) -> ScenarioResult:
    """The ~1.2 MB ``prop=revisions`` answer (``pages`` pages with content), ``n`` times."""
    per = max(1, n // chunks)
    n = per * chunks
    bench = Bench()
    try:
        out: list[Contender] = []

        def add(label: str, family: str, op: Callable[[int], int], note: str = "") -> None:
            out.append(Contender(label, family, partial(op, per), partial(op, 1), note))

        raw = bench.sync(lambda: RawHttpx(endpoint), RawHttpx.close)
        add(LABELS.RAW, "baseline", raw.big, "json.loads only")
        mt = bench.sync(lambda: MwtypedSync(endpoint), MwtypedSync.close)
        add(LABELS.TYPED, "mwtyped", mt.big_typed, "validated as QueryResponse (TypedDicts)")
        add(LABELS.DICT, "mwtyped", mt.big_dict)

        async def make_mt_async() -> MwtypedAsync:
            return MwtypedAsync(endpoint)

        amt = bench.aio(make_mt_async, MwtypedAsync.close)

        def amt_typed(k: int) -> int:
            return bench.loop.run_until_complete(amt.big_typed(k))

        add(LABELS.ASYNC_TYPED, "mwtyped", amt_typed)
        if _peers(bench, peers, LABELS.MWAPI, "mwapi"):
            mw = bench.sync(lambda: MwapiSync(endpoint), MwapiSync.close)
            add(LABELS.MWAPI, "peer", mw.big, "untyped dicts")
        if _peers(bench, peers, LABELS.MWCLIENT, "mwclient"):
            mc = bench.sync(lambda: Mwclient(endpoint), Mwclient.close)
            add(LABELS.MWCLIENT, "peer", mc.big, "untyped OrderedDicts, formatversion 1")
        return run_interleaved(
            "big",
            f"the ~1.2 MB prop=revisions answer ({pages} pages with content), {n} times",
            out,
            reps=reps,
            ops=n,
            unit="fetch",
            chunks=chunks,
            expected=n * pages,
            skipped=bench.skipped,
            progress=progress,
        )
    finally:
        bench.close()


def error_scenario(
    endpoint: Endpoint,
    *,
    n: int,
    reps: int,
    peers: bool,
    chunks: int = 3,
    progress: Progress = None,
) -> ScenarioResult:
    """``n`` error answers (``badvalue``), each raised and caught as the client's error."""
    per = max(1, n // chunks)
    n = per * chunks
    bench = Bench()
    try:
        out: list[Contender] = []

        def add(label: str, family: str, op: Callable[[int], int], note: str = "") -> None:
            out.append(Contender(label, family, partial(op, per), _warm(op, per), note))

        raw = bench.sync(lambda: RawHttpx(endpoint), RawHttpx.close)
        add(LABELS.RAW, "baseline", partial(raw.errors, params=ERROR_PARAMS), "dict check")
        mt = bench.sync(lambda: MwtypedSync(endpoint), MwtypedSync.close)
        add(LABELS.DICT, "mwtyped", partial(mt.errors, params=ERROR_PARAMS), "typed APIError")
        mt0 = bench.sync(lambda: MwtypedSync(endpoint, retry=0), MwtypedSync.close)
        add(LABELS.DICT_RETRY0, "mwtyped", partial(mt0.errors, params=ERROR_PARAMS), "diagnostic")

        async def make_raw_async() -> RawHttpxAsync:
            return RawHttpxAsync(endpoint)

        araw = bench.aio(make_raw_async, RawHttpxAsync.close)

        def araw_errors(k: int) -> int:
            return bench.loop.run_until_complete(araw.errors(k, ERROR_PARAMS))

        add(LABELS.RAW_ASYNC, "baseline", araw_errors)

        async def make_mt_async() -> MwtypedAsync:
            return MwtypedAsync(endpoint)

        amt = bench.aio(make_mt_async, MwtypedAsync.close)

        def amt_errors(k: int) -> int:
            return bench.loop.run_until_complete(amt.errors(k, ERROR_PARAMS))

        add(LABELS.ASYNC, "mwtyped", amt_errors)
        if _peers(bench, peers, LABELS.MWAPI, "mwapi"):
            mw = bench.sync(lambda: MwapiSync(endpoint), MwapiSync.close)
            add(LABELS.MWAPI, "peer", partial(mw.errors, params=ERROR_PARAMS), "errorformat=bc")
        if _peers(bench, peers, LABELS.MWAPI_ASYNC, "mwapi", "aiohttp"):
            amw = bench.aio(lambda: MwapiAsync.create(endpoint), MwapiAsync.close)

            def amw_errors(k: int) -> int:
                return bench.loop.run_until_complete(amw.errors(k, ERROR_PARAMS))

            add(LABELS.MWAPI_ASYNC, "peer", amw_errors, "errorformat=bc; raises RequestError")
        if _peers(bench, peers, LABELS.MWCLIENT, "mwclient"):
            mc = bench.sync(lambda: Mwclient(endpoint), Mwclient.close)
            add(LABELS.MWCLIENT, "peer", partial(mc.errors, params=ERROR_PARAMS), "errorformat=bc")
        return run_interleaved(
            "errors",
            f"{n} error answers (badvalue) raised and caught",
            out,
            reps=reps,
            ops=n,
            unit="error",
            chunks=chunks,
            expected=n,
            skipped=bench.skipped,
            progress=progress,
        )
    finally:
        bench.close()


def maxlag_scenario(
    endpoint: Endpoint,
    *,
    n: int,
    reps: int,
    peers: bool,
    chunks: int = 3,
    progress: Progress = None,
) -> ScenarioResult:
    """``n`` maxlag answers (``Retry-After: 5``), retries off, raised and caught."""
    per = max(1, n // chunks)
    n = per * chunks
    bench = Bench()
    try:
        out: list[Contender] = []

        def add(label: str, family: str, op: Callable[[int], int], note: str = "") -> None:
            out.append(Contender(label, family, partial(op, per), _warm(op, per), note))

        raw = bench.sync(lambda: RawHttpx(endpoint), RawHttpx.close)
        add(LABELS.RAW, "baseline", partial(raw.errors, params=MAXLAG_PARAMS), "dict check")
        mt0 = bench.sync(lambda: MwtypedSync(endpoint, retry=0), MwtypedSync.close)
        add(
            LABELS.DICT_RETRY0,
            "mwtyped",
            partial(mt0.errors, params=MAXLAG_PARAMS),
            "MaxLagError",
        )

        async def make_mt_async() -> MwtypedAsync:
            return MwtypedAsync(endpoint, retry=0)

        amt = bench.aio(make_mt_async, MwtypedAsync.close)

        def amt_errors(k: int) -> int:
            return bench.loop.run_until_complete(amt.errors(k, MAXLAG_PARAMS))

        add("mwtyped AsyncSession get(), retry=0", "mwtyped", amt_errors)
        if _peers(bench, peers, LABELS.MWAPI, "mwapi"):
            mw = bench.sync(lambda: MwapiSync(endpoint), MwapiSync.close)
            add(LABELS.MWAPI, "peer", partial(mw.errors, params=MAXLAG_PARAMS), "no retry")
        if peers:
            bench.skip(LABELS.MWCLIENT, "not comparable: sleeps Retry-After and resends (25x)")
        return run_interleaved(
            "maxlag",
            f"{n} maxlag answers (Retry-After: 5), retries off, raised and caught",
            out,
            reps=reps,
            ops=n,
            unit="error",
            chunks=chunks,
            expected=n,
            skipped=bench.skipped,
            progress=progress,
        )
    finally:
        bench.close()
