"""Costs of the pieces a request goes through, each alone (microseconds per call).

These explain the gaps the scenarios show; every figure is the median over repeats of a
tight loop (:func:`~benchmarks.micro.per_call_us`), on the real answer bodies of the fake
server. They use the libraries' public APIs (httpx, httpcore, tenacity, pydantic); the few
that reach into mwtyped's private modules report ``error`` instead of failing when those
change.

Example::

    found = measure_components(Endpoint(host, "/w/api.php"))
    found["transport"]["sniffio_failed_import_us"]
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import json
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

import httpx

from benchmarks.answers import Answers
from benchmarks.clients import BASE_PARAMS, BIG_PARAMS, SITEINFO, USER_AGENT, Endpoint
from benchmarks.micro import aper_call_us, per_call_us

__all__ = ["measure_components"]


def _body(answers: Answers, params: dict[str, str]) -> bytes:
    return answers.respond({**BASE_PARAMS, **params}).split(b"\r\n\r\n", 1)[1]


def _guarded(func: Callable[[], float]) -> float | str:
    try:
        return func()
    except Exception as err:  # a private API of mwtyped changed, or a library is missing
        return f"error: {type(err).__name__}: {err}"[:200]


def _transport(endpoint: Endpoint, loops: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    url = endpoint.url
    params = {**SITEINFO, **BASE_PARAMS}
    full = f"{url}?{urlencode(params)}"
    client = httpx.Client(headers={"User-Agent": USER_AGENT})
    try:
        bare = per_call_us(lambda: client.build_request("GET", url), loops=loops)
        out["httpx_build_request_us"] = bare
        out["httpx_params_dict_encoding_us"] = (
            per_call_us(lambda: client.build_request("GET", url, params=params), loops=loops) - bare
        )
        out["httpx_full_url_parse_us"] = (
            per_call_us(lambda: client.build_request("GET", full), loops=loops) - bare
        )
        # httpx files every answer's cookies through the stdlib's CookieJar, which builds a
        # urllib.request.Request and an email.message.Message per response, cookies or not.
        request = client.build_request("GET", full)
        response = httpx.Response(
            200,
            headers={"Content-Type": "application/json; charset=utf-8", "Content-Length": "2"},
            content=b"{}",
            request=request,
        )
        out["httpx_cookie_extraction_us"] = per_call_us(
            lambda: client.cookies.extract_cookies(response), loops=loops
        )
        headers = {"User-Agent": USER_AGENT}
        out["httpx_per_request_headers_merge_us"] = per_call_us(
            lambda: client.build_request("GET", full, headers=headers), loops=loops
        ) - per_call_us(lambda: client.build_request("GET", full), loops=loops)
    finally:
        client.close()

    # httpcore asks "which async library?" with `import sniffio` at every lock and event it
    # makes; without sniffio installed each is a failed import (any missing module costs the
    # same search of sys.path). Count the checks per request and time one failed import.
    out["sniffio_installed"] = importlib.util.find_spec("sniffio") is not None

    def failed_import() -> None:
        with contextlib.suppress(ImportError):
            importlib.import_module("mwtyped_benchmark_no_such_module")

    out["failed_import_us"] = per_call_us(failed_import, loops=loops)
    out["async_library_checks_per_request"] = _guarded(lambda: _count_library_checks(endpoint))

    async def nothing() -> None:
        return None

    out["tenacity_sync_per_call_us"] = _guarded(lambda: _tenacity_sync(loops))
    out["tenacity_async_per_call_us"] = _guarded(lambda: _tenacity_async(loops, nothing))
    return out


def _count_library_checks(endpoint: Endpoint, requests: int = 50) -> float:
    sync_mod = importlib.import_module("httpcore._synchronization")
    auto_mod = importlib.import_module("httpcore._backends.auto")
    original: Callable[[], str] = getattr(sync_mod, "current_async_library")  # noqa: B009
    calls = 0

    def counting() -> str:
        nonlocal calls
        calls += 1
        result: str = original()
        return result

    params = {**SITEINFO, **BASE_PARAMS}

    async def run() -> None:
        async with httpx.AsyncClient(headers={"User-Agent": USER_AGENT}) as client:
            await client.get(endpoint.url, params=params)  # connection opened
            nonlocal calls
            calls = 0
            for _ in range(requests):
                await client.get(endpoint.url, params=params)

    setattr(sync_mod, "current_async_library", counting)  # noqa: B010
    auto_original = getattr(auto_mod, "current_async_library", None)
    if auto_original is not None:
        setattr(auto_mod, "current_async_library", counting)  # noqa: B010
    try:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(run())
        finally:
            loop.close()
    finally:
        setattr(sync_mod, "current_async_library", original)  # noqa: B010
        if auto_original is not None:
            setattr(auto_mod, "current_async_library", auto_original)  # noqa: B010
    return calls / requests


def _tenacity_sync(loops: int) -> float:
    tenacity = importlib.import_module("tenacity")

    def f() -> None:
        return None

    def wrapped() -> None:
        retrying = tenacity.Retrying(
            retry=lambda state: False,
            stop=lambda state: True,
            wait=lambda state: 0.0,
            reraise=True,
        )
        retrying(f)

    return per_call_us(wrapped, loops=loops) - per_call_us(f, loops=loops)


def _tenacity_async(loops: int, nothing: Callable[[], Any]) -> float:
    tenacity = importlib.import_module("tenacity")

    async def wrapped() -> None:
        retrying = tenacity.AsyncRetrying(
            retry=lambda state: False,
            stop=lambda state: True,
            wait=lambda state: 0.0,
            reraise=True,
        )
        await retrying(nothing)

    return aper_call_us(wrapped, loops=loops) - aper_call_us(nothing, loops=loops)


def _decoding(answers: Answers, loops: int) -> dict[str, Any]:
    from pydantic import TypeAdapter

    from mwtyped.responses import QueryResponse

    out: dict[str, Any] = {}
    adapter: TypeAdapter[Any] = TypeAdapter(QueryResponse)
    bodies = {
        "siteinfo": (_body(answers, SITEINFO), loops),
        "allpages_500": (
            _body(
                answers,
                {"action": "query", "list": "allpages", "apprefix": "Small/", "aplimit": "500"},
            ),
            max(10, loops // 20),
        ),
        "big_1.2MB": (_body(answers, dict(BIG_PARAMS)), max(3, loops // 400)),
    }
    for name, (body, n) in bodies.items():
        entry: dict[str, Any] = {"bytes": len(body)}
        entry["json_loads_us"] = per_call_us(partial(json.loads, body), loops=n, repeats=11)
        entry["loads_then_validate_python_us"] = per_call_us(
            partial(_loads_then_validate, adapter, body), loops=n, repeats=11
        )
        entry["validate_json_us"] = per_call_us(
            partial(adapter.validate_json, body), loops=n, repeats=11
        )
        out[name] = entry
    items_body = bodies["allpages_500"][0]
    items = json.loads(items_body)["query"]["allpages"]
    item_type = _item_type()
    plain: TypeAdapter[Any] = TypeAdapter(list[dict[str, Any]])
    out["allpages_500"]["items_validate_python_dict_us"] = per_call_us(
        lambda: plain.validate_python(items), loops=max(10, loops // 20)
    )
    if item_type is not None:
        typed: TypeAdapter[Any] = TypeAdapter(list[item_type])  # type: ignore[valid-type]
        out["allpages_500"]["item_type"] = getattr(item_type, "__name__", repr(item_type))
        out["allpages_500"]["items_validate_python_typed_us"] = per_call_us(
            lambda: typed.validate_python(items), loops=max(10, loops // 20)
        )
    error_body = _body(answers, {"action": "bench-error"})
    out["error"] = {"bytes": len(error_body)}
    out["error"]["json_loads_us"] = per_call_us(lambda: json.loads(error_body), loops=loops)
    out["error"]["mwtyped_error_from_document_us"] = _guarded(
        lambda: _error_from_document(error_body, loops)
    )
    return out


def _loads_then_validate(adapter: Any, body: bytes) -> Any:
    return adapter.validate_python(json.loads(body))


def _item_type() -> Any:
    from mwtyped.api import AllpagesParams

    return getattr(AllpagesParams, "item_type", None)


def _error_from_document(body: bytes, loops: int) -> float:
    envelope = importlib.import_module("mwtyped._envelope")
    headers = httpx.Headers({"MediaWiki-API-Error": "badvalue", "Content-Type": "application/json"})

    def build() -> Any:
        return envelope.error_from_document(json.loads(body), 200, headers)

    return per_call_us(build, loops=loops) - per_call_us(lambda: json.loads(body), loops=loops)


def typed_ab(endpoint: Endpoint, *, rounds: int = 15, per_round: int = 100) -> dict[str, float]:
    """CPU per small GET, in a live loop against the fake server: ``get()`` (dicts), typed
    with a new ``QueryParams`` per request, typed reusing one; median over ``rounds``
    rounds run round-robin."""
    import time

    from benchmarks.clients import MwtypedSync
    from mwtyped.api import QueryParams, SiteinfoParams

    client = MwtypedSync(endpoint)
    reused = QueryParams(meta=[SiteinfoParams()])
    session = client.session
    variants: dict[str, Callable[[], Any]] = {
        "dict_get_cpu_us": lambda: session.get(action="query", meta="siteinfo"),
        "typed_new_params_cpu_us": lambda: session.request(QueryParams(meta=[SiteinfoParams()])),
        "typed_reused_params_cpu_us": lambda: session.request(reused),
    }
    samples: dict[str, list[float]] = {name: [] for name in variants}
    try:
        for run in variants.values():
            for _ in range(per_round):
                run()
        for _ in range(rounds):
            for name, run in variants.items():
                started = time.process_time()
                for _ in range(per_round):
                    run()
                samples[name].append((time.process_time() - started) / per_round * 1e6)
    finally:
        client.close()
    return {name: sorted(values)[len(values) // 2] for name, values in samples.items()}


def measure_components(
    endpoint: Endpoint, answers: Answers | None = None, *, loops: int = 2000
) -> dict[str, Any]:
    """Every component figure; ``answers`` builds the bodies (a small one is made)."""
    answers = answers or Answers(small=1000, large=1000)
    return {
        "loops": loops,
        "transport": _transport(endpoint, loops),
        "decoding": _decoding(answers, loops),
        "typed_ab": _guarded_dict(lambda: typed_ab(endpoint)),
    }


def _guarded_dict(func: Callable[[], dict[str, float]]) -> dict[str, float] | str:
    try:
        return func()
    except Exception as err:  # mwtyped's surface changed under the benchmark
        return f"error: {type(err).__name__}: {err}"[:200]
