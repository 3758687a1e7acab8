"""What a typed request costs before anything is sent: validating the parameter object,
turning it into wire parameters, and encoding the query string.

Measured for three requests a user makes (siteinfo, a 500-title allpages batch, the
revisions-with-content query), each as:

* ``construct``: ``QueryParams(...)`` with its submodules (pydantic validation);
* ``wire``: ``.wire_request()`` (wire names, module expansion, method);
* ``encode``: the query string mwtyped sends (``encode_params`` + ``urlencode``, through the
  session's own preparation step when it is reachable);
* ``httpx_params``: for comparison, what the raw httpx loop pays to encode the same
  parameters as a dict (``client.build_request(url, params=...)`` minus the bare request).

The share of a small GET is taken against the raw httpx small GET of the same run.

Example::

    costs = measure_params_cost(loops=2000)
    costs["cases"]["siteinfo"]["total_us"]
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

import httpx

import mwtyped
from benchmarks.clients import BASE_PARAMS, USER_AGENT
from benchmarks.micro import per_call_us
from mwtyped.api import AllpagesParams, QueryParams, RevisionsParams, SiteinfoParams

__all__ = ["measure_params_cost"]

_CASES: dict[str, Callable[[], QueryParams]] = {
    "siteinfo": lambda: QueryParams(meta=[SiteinfoParams()]),
    "allpages": lambda: QueryParams(list=[AllpagesParams(apprefix="Small/", aplimit=500)]),
    "revisions": lambda: QueryParams(
        titles=["Main Page", "Zürich", "Kraków (album)"],
        prop=[
            RevisionsParams(
                rvprop=["ids", "timestamp", "user", "comment", "content", "flags"],
                rvslots=["main"],
            )
        ],
        redirects=True,
    ),
}


def _encoder(session: mwtyped.Session) -> tuple[str, Callable[[str, dict[str, Any]], Any]]:
    """How to encode: the session's own step if its private API is still there, else the
    public encoder plus ``urlencode`` (what that step does)."""
    core = getattr(session, "_core", None)
    prepare = getattr(core, "prepare", None)
    if callable(prepare):
        try:
            prepare("GET", {"action": "query"})
        except Exception:  # the private API changed: fall back
            pass
        else:
            return "session._core.prepare", prepare
    from mwtyped._encoding import encode_params

    def encode(method: str, params: dict[str, Any]) -> str:
        return urlencode(encode_params({**BASE_PARAMS, **params}))

    return "encode_params + urlencode", encode


def measure_params_cost(*, loops: int = 2000, repeats: int = 7) -> dict[str, Any]:
    session = mwtyped.Session(
        "http://127.0.0.1:9", user_agent=USER_AGENT, api_path="/w/api.php", retry=0
    )
    client = httpx.Client(headers={"User-Agent": USER_AGENT})
    url = "http://127.0.0.1:9/w/api.php"
    try:
        how, encode = _encoder(session)
        bare = per_call_us(lambda: client.build_request("GET", url), loops=loops, repeats=repeats)
        cases: dict[str, Any] = {}
        for name, build in _CASES.items():
            built = build()
            wire = built.wire_request()
            params = {**wire.params}
            construct = per_call_us(build, loops=loops, repeats=repeats)
            to_wire = per_call_us(built.wire_request, loops=loops, repeats=repeats)
            encoded = per_call_us(
                partial(encode, wire.method, wire.params), loops=loops, repeats=repeats
            )
            # What raw httpx pays for the same parameters, given as a dict of strings.
            strings = {k: str(v) for k, v in _flat(params).items()}
            strings.update(BASE_PARAMS)
            with_params = per_call_us(
                partial(client.build_request, "GET", url, params=strings),
                loops=loops,
                repeats=repeats,
            )
            cases[name] = {
                "construct_us": construct,
                "wire_us": to_wire,
                "encode_us": encoded,
                "total_us": construct + to_wire + encoded,
                "httpx_params_us": max(0.0, with_params - bare),
                "wire_params": {k: repr(v) for k, v in params.items()},
            }
        return {"encoder": how, "loops": loops, "repeats": repeats, "cases": cases}
    finally:
        session.close()
        client.close()


def _flat(params: dict[str, Any]) -> dict[str, Any]:
    """List values joined with ``|``, as a raw loop would write them."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, list | tuple):
            out[key] = "|".join(str(v) for v in value)
        elif value is True:
            out[key] = ""
        else:
            out[key] = value
    return out
