"""Each fault kind on its own, aimed at one request, with the exact outcome it must have.

The random workload of ``test_faults.py`` shows that nothing goes wrong in bulk; these
tests pin down *what* happens per kind (the proxy's ``script`` faults exactly the first
attempt of the targeted call), for the sync and the async session:

* an edit: a refusal (429/503 with or without ``Retry-After``, ``maxlag``) is waited for and
  resent once; a lost or garbled answer is never resent and raises
  :class:`~mwtyped.WriteOutcomeUnknownError`; the page then exists once if the wiki acted
  and not at all if the request never reached it;
* a read: every kind is resent once and succeeds;
* the wait before each resend is what the policy says (on a fake clock);
* a chunked upload whose chunk answer is lost resumes (the stash's offset check), a lost
  answer to the publishing request raises WriteOutcomeUnknownError (and the file is whole).
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

import mwtyped
from mwtyped.testing import USER_AGENT
from mwtyped.testwiki import WikiInfo
from tests.integration.conftest import Live, random_text
from tests.reliability.conftest import ProxyFactory
from tests.reliability.faultproxy import FAULTS, FaultProxy
from tests.reliability.support import (
    POLICY,
    TIMEOUT,
    CallClocks,
    direct_session,
    file_versions,
    revisions_of,
)

pytestmark = pytest.mark.integration

REFUSALS = {k for k, spec in FAULTS.items() if not spec.forwards or k == "maxlag"} - {
    "reset_before",
    "html_200",
}
# What an edit whose first attempt meets the fault ends as: (outcome, requests, revisions).
EDIT_OUTCOME: dict[str, tuple[str, int, int]] = {
    kind: ("ok", 2, 1) if kind in REFUSALS else ("unknown", 1, int(spec.may_act))
    for kind, spec in FAULTS.items()
}
JITTER = POLICY.jitter
BACKOFF = (POLICY.backoff(1), POLICY.backoff(1) + JITTER)


def expected_wait(kind: str, retry_after: int) -> tuple[float, float]:
    """The range the wait before the resend must fall in."""
    if kind == "maxlag":  # MediaWiki's own Retry-After for maxlag
        return (5.0, 5.0 + JITTER)
    if kind.endswith("_ra_seconds"):
        return (retry_after, retry_after + JITTER)
    if kind.endswith("_ra_date"):  # now + retry_after + 1 s, at one-second resolution
        return (retry_after - 0.1, retry_after + 1.0 + JITTER)
    return BACKOFF


class Target:
    """A proxy script: the first request carrying an armed marker gets the armed fault."""

    def __init__(self) -> None:
        self.armed: dict[str, str] = {}

    def arm(self, marker: str, fault: str) -> None:
        self.armed[marker] = fault

    def __call__(self, number: int, params: Mapping[str, str]) -> str | None:
        for key in ("title", "requestid"):
            value = params.get(key)
            if value is not None and value in self.armed:
                return self.armed.pop(value)
        return None


def _live(kind: str, proxy: FaultProxy, clocks: CallClocks, info: WikiInfo) -> Iterator[Live]:
    loop = asyncio.new_event_loop() if kind == "async" else None
    options: dict[str, Any] = {
        "user_agent": USER_AGENT,
        "api_path": info.api_path,
        "retry": POLICY,
        "timeout": TIMEOUT,
    }
    session: mwtyped.Session | mwtyped.AsyncSession
    if loop is not None:
        session = mwtyped.AsyncSession(proxy.url, **options)
    else:
        session = mwtyped.Session(proxy.url, **options)
    session._clocks = clocks.clocks()
    live = Live(session, loop)
    try:
        live.login(info.bot_user, info.bot_password)
        live.token("csrf")
        proxy.enabled = True
        yield live
    finally:
        if isinstance(session, mwtyped.AsyncSession):
            live.wait(session.aclose())
        else:
            session.close()
        if loop is not None:
            loop.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_each_fault_kind_on_an_edit_and_on_a_read(
    testwiki: WikiInfo, fault_proxy: ProxyFactory, run_id: str, kind: str
) -> None:
    target = Target()
    proxy = fault_proxy(script=target, stall_seconds=TIMEOUT + 6)
    clocks = CallClocks()
    results: dict[str, tuple[str, int, list[float]]] = {}
    reads: dict[str, tuple[int, list[float]]] = {}
    for live in _live(kind, proxy, clocks, testwiki):
        for fault in FAULTS:
            title = f"Rel kind {run_id} {kind} {fault}"
            target.arm(title, fault)
            waited = len(clocks.sleeps(None))
            try:
                live.post(action="edit", title=title, text=fault, summary=fault, createonly=True)
                outcome = "ok"
            except mwtyped.WriteOutcomeUnknownError:
                outcome = "unknown"
            edits = [r for r in proxy.snapshot() if r.params.get("title") == title]
            results[fault] = (outcome, len(edits), clocks.sleeps(None)[waited:])

            marker = f"read-{run_id}-{kind}-{fault}"
            target.arm(marker, fault)
            waited = len(clocks.sleeps(None))
            document = live.get(action="query", meta="userinfo", requestid=marker)
            assert document["requestid"] == marker
            queries = [r for r in proxy.snapshot() if r.params.get("requestid") == marker]
            reads[fault] = (len(queries), clocks.sleeps(None)[waited:])
    assert not target.armed, f"faults never injected: {target.armed}"
    with direct_session(testwiki) as direct:
        for fault, (outcome, sent, waits) in results.items():
            want_outcome, want_sent, want_revisions = EDIT_OUTCOME[fault]
            revisions = revisions_of(direct, f"Rel kind {run_id} {kind} {fault}")
            assert (outcome, sent, len(revisions)) == (want_outcome, want_sent, want_revisions), (
                fault
            )
            if outcome == "ok":
                low, high = expected_wait(fault, proxy.retry_after_seconds)
                assert len(waits) == 1, (fault, waits)
                assert low <= waits[0] <= high, (fault, waits, (low, high))
            else:
                assert waits == [], (fault, waits)
    for fault, (sent_reads, waits) in reads.items():
        assert sent_reads == 2, (fault, sent_reads)  # resent once, whatever the fault
        low, high = expected_wait(fault, proxy.retry_after_seconds)
        assert len(waits) == 1, (fault, waits)
        assert low <= waits[0] <= high, (fault, waits, (low, high))


# -- chunked uploads ---------------------------------------------------------------------------
CHUNK = 4_096
SIZE = 10_000  # chunks at offsets 0, 4096, 8192


def _upload_target(where: str, name: str) -> Any:
    """A script faulting (reset after the wiki acted) the first request at ``where``."""
    state = {"done": False}
    offsets = {"first-chunk": "0", "middle-chunk": str(CHUNK), "last-chunk": str(2 * CHUNK)}

    def script(number: int, params: Mapping[str, str]) -> str | None:
        if state["done"] or params.get("action") != "upload" or params.get("filename") != name:
            return None
        if where in offsets:
            hit = "stash" in params and params.get("offset") == offsets[where]
        else:  # the publishing request: the commit of the stash, or a single-shot upload
            hit = "stash" not in params
        if hit:
            state["done"] = True
            return "reset_after"
        return None

    return script


def _upload(
    kind: str, info: WikiInfo, fault_proxy: ProxyFactory, where: str
) -> tuple[str, bytes, BaseException | None, FaultProxy]:
    name = f"Rel-kind-{where}-{uuid.uuid4().hex[:10]}.txt"
    data = random_text(3_000 if where == "single-shot" else SIZE)
    proxy = fault_proxy(script=_upload_target(where, name))
    error: BaseException | None = None
    for live in _live(kind, proxy, CallClocks(), info):
        try:
            live.upload(
                name, data, comment=where, chunk_size=CHUNK if where != "single-shot" else 1 << 20
            )
        except mwtyped.MWTypedError as err:
            error = err
    assert any(r.fault for r in proxy.snapshot()), "the fault was never injected"
    return name, data, error, proxy


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    "where", ["first-chunk", "middle-chunk", "last-chunk", "commit", "single-shot"]
)
def test_a_lost_answer_during_an_upload(
    testwiki: WikiInfo, fault_proxy: ProxyFactory, kind: str, where: str
) -> None:
    name, data, error, proxy = _upload(kind, testwiki, fault_proxy, where)
    with direct_session(testwiki) as direct:
        versions = file_versions(direct, name)
    whole = {"sha1": hashlib.sha1(data).hexdigest(), "size": len(data)}
    assert all({k: v[k] for k in whole} == whole for v in versions), versions
    assert len(versions) <= 1
    publishes = [
        r
        for r in proxy.snapshot()
        if r.params.get("action") == "upload" and "stash" not in r.params
    ]
    assert len(publishes) <= 1  # a publishing request is never resent
    if where in ("first-chunk", "middle-chunk", "last-chunk"):
        # The chunk was resent and the upload resumed (after the last chunk: from the start).
        assert error is None, repr(error)
        assert len(versions) == 1
        assert len(publishes) == 1
    elif where in ("commit", "single-shot"):
        assert isinstance(error, mwtyped.WriteOutcomeUnknownError), error
        assert len(versions) == 1  # the wiki had acted: the file is there, whole
    else:
        raise AssertionError(where)


def test_a_lost_answer_to_the_last_chunk_is_recovered(
    testwiki: WikiInfo, fault_proxy: ProxyFactory
) -> None:
    name, data, error, _ = _upload("sync", testwiki, fault_proxy, "last-chunk")
    assert error is None, repr(error)
    with direct_session(testwiki) as direct:
        versions = file_versions(direct, name)
    assert [v["sha1"] for v in versions] == [hashlib.sha1(data).hexdigest()]
