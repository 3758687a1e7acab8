"""A workload through the fault proxy, then the wiki's REAL state read straight from it.

For each session kind (sync ``Session``, async ``AsyncSession``): 150 ``createonly`` edits of
fresh pages, three continued ``list=allpages`` listings over them (``aplimit=7``), and four
uploads (two single-shot, two chunked), with the proxy faulting ~30 % of the requests
(see :mod:`tests.reliability.faultproxy` for the kinds). Retry waits run on a fake clock.

Then, reading the wiki directly (127.0.0.1, no proxy):

* an edit the client reported done exists with exactly one revision (made by that call);
* an edit that raised :class:`~mwtyped.WriteOutcomeUnknownError` exists at most once;
* an edit that raised any other mwtyped error does not exist at all;
* nothing raised anything but a mwtyped error;
* a completed listing returned every page that exists, each exactly once;
* a reported upload is whole (sha1 and size of the one file version match what was sent);
  an outcome-unknown one is absent or whole; a failed one is absent;
* no logical call was attempted more than ``max_retries + 1`` times, no write was resent
  after the wiki may have acted on it, and every wait happened on the fake clock, within the
  policy's budget.

The figures are printed (``pytest -s``) and recorded in ``docs/reliability.md``.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest

import mwtyped
from mwtyped.testing import USER_AGENT
from mwtyped.testwiki import WikiInfo
from tests.integration.conftest import closed_port, random_text
from tests.reliability.conftest import ProxyFactory
from tests.reliability.faultproxy import FAULTS, FaultProxy, ProxyRecord
from tests.reliability.support import (
    POLICY,
    TIMEOUT,
    CallClocks,
    RetryLog,
    all_titles,
    calling,
    direct_session,
    file_versions,
    revisions_of,
    tag_requests,
)

pytestmark = pytest.mark.integration

Kind = Literal["sync", "async"]

FAULT_RATE = 0.3
EDITS = 150
LISTINGS = 3
APLIMIT = 7
MAX_LISTING_STEPS = 200
UPLOADS = (  # (size, chunk_size): two single-shot, two chunked
    (3_000, 1 << 20),
    (5_000, 1 << 20),
    (20_000, 4_096),
    (24_000, 4_096),
)
CHUNK_RESENDS = 5  # mwtyped._upload._CHUNK_RESENDS
ASYNC_CONCURRENCY = 4
WORKLOAD_DEADLINE = 240.0


@dataclass
class Outcome:
    """What one logical call reported."""

    call: str
    what: Literal["edit", "listing", "upload"]
    key: str
    error: BaseException | None = None
    titles: list[str] = field(default_factory=list)
    data: bytes = b""
    steps: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def unknown(self) -> bool:
        return isinstance(self.error, mwtyped.WriteOutcomeUnknownError)


@dataclass
class Plan:
    kind: Kind
    run: str
    titles: list[str]
    uploads: list[tuple[str, bytes, int]]

    @property
    def prefix(self) -> str:
        return f"Rel {self.kind} {self.run} "

    @classmethod
    def make(cls, kind: Kind, run: str) -> Plan:
        titles = [f"Rel {kind} {run} {n:03d}" for n in range(EDITS)]
        uploads = [
            (f"Rel-{kind}-{run}-{n}.txt", random_text(size), chunk)
            for n, (size, chunk) in enumerate(UPLOADS)
        ]
        return cls(kind, run, titles, uploads)


def _edit_params(plan: Plan, n: int) -> dict[str, Any]:
    call = f"edit-{n:03d}"
    return {
        "action": "edit",
        "title": plan.titles[n],
        "text": f"Written by the reliability workload, call {call}.",
        "summary": f"rel {plan.run} {call}",
        "createonly": True,
    }


def _record(outcome: Outcome, err: BaseException) -> None:
    outcome.error = err


# -- the sync workload -------------------------------------------------------------------
def _sync_workload(session: mwtyped.Session, plan: Plan) -> list[Outcome]:
    outcomes: list[Outcome] = []
    deadline = time.monotonic() + WORKLOAD_DEADLINE
    for n in range(EDITS):
        assert time.monotonic() < deadline, "the sync workload ran out of time"
        outcome = Outcome(f"edit-{n:03d}", "edit", plan.titles[n])
        with calling(outcome.call):
            try:
                session.post(**_edit_params(plan, n))
            except Exception as err:
                _record(outcome, err)
        outcomes.append(outcome)
    for n in range(LISTINGS):
        outcome = Outcome(f"list-{n}", "listing", plan.prefix)
        stream = session.get(
            continuation=True,
            action="query",
            list="allpages",
            apprefix=plan.prefix,
            aplimit=APLIMIT,
        )
        try:
            for step in range(MAX_LISTING_STEPS):
                outcome.steps.append(f"{outcome.call}-{step:03d}")
                with calling(outcome.steps[-1]):
                    document = next(stream, None)
                if document is None:
                    break
                outcome.titles.extend(p["title"] for p in document["query"]["allpages"])
            else:
                raise AssertionError("a listing did not end")
        except mwtyped.MWTypedError as err:
            _record(outcome, err)
        finally:
            if isinstance(stream, Generator):
                stream.close()
        outcomes.append(outcome)
    for n, (name, data, chunk) in enumerate(plan.uploads):
        outcome = Outcome(f"upload-{n}", "upload", name, data=data)
        with calling(outcome.call):
            try:
                session.upload(
                    name, data, comment=f"rel {plan.run} {outcome.call}", chunk_size=chunk
                )
            except Exception as err:
                _record(outcome, err)
        outcomes.append(outcome)
    return outcomes


# -- the async workload ------------------------------------------------------------------
async def _async_workload(session: mwtyped.AsyncSession, plan: Plan) -> list[Outcome]:
    gate = asyncio.Semaphore(ASYNC_CONCURRENCY)

    async def edit(n: int) -> Outcome:
        outcome = Outcome(f"edit-{n:03d}", "edit", plan.titles[n])
        async with gate:
            with calling(outcome.call):
                try:
                    await session.post(**_edit_params(plan, n))
                except Exception as err:
                    _record(outcome, err)
        return outcome

    async def listing(n: int) -> Outcome:
        outcome = Outcome(f"list-{n}", "listing", plan.prefix)
        stream = session.get(
            continuation=True,
            action="query",
            list="allpages",
            apprefix=plan.prefix,
            aplimit=APLIMIT,
        )
        try:
            for step in range(MAX_LISTING_STEPS):
                outcome.steps.append(f"{outcome.call}-{step:03d}")
                with calling(outcome.steps[-1]):
                    try:
                        document = await stream.__anext__()
                    except StopAsyncIteration:
                        break
                outcome.titles.extend(p["title"] for p in document["query"]["allpages"])
            else:
                raise AssertionError("a listing did not end")
        except mwtyped.MWTypedError as err:
            _record(outcome, err)
        finally:
            await stream.aclose()
        return outcome

    async def upload(n: int, name: str, data: bytes, chunk: int) -> Outcome:
        outcome = Outcome(f"upload-{n}", "upload", name, data=data)
        with calling(outcome.call):
            try:
                await session.upload(
                    name, data, comment=f"rel {plan.run} {outcome.call}", chunk_size=chunk
                )
            except Exception as err:
                _record(outcome, err)
        return outcome

    async def everything() -> list[Outcome]:
        edits = await asyncio.gather(*(edit(n) for n in range(EDITS)))
        rest = await asyncio.gather(
            *(listing(n) for n in range(LISTINGS)),
            *(upload(n, *spec) for n, spec in enumerate(plan.uploads)),
        )
        return [*edits, *rest]

    return await asyncio.wait_for(everything(), WORKLOAD_DEADLINE)


# -- checks --------------------------------------------------------------------------------
def _is_publish(record: ProxyRecord) -> bool:
    """An upload request that publishes (single-shot file, or the commit of a filekey)."""
    return record.action == "upload" and "stash" not in record.params


def _check_attempts(
    outcomes: list[Outcome], proxy: FaultProxy, figures: dict[str, Any]
) -> dict[str, list[ProxyRecord]]:
    """Attempts per call from the proxy's log: bounded, and no write resent after the wiki
    may have acted on it."""
    by_call = proxy.by_call()
    most = POLICY.max_retries + 1
    single_send_calls = [o.call for o in outcomes if o.what == "edit"]
    single_send_calls += [step for o in outcomes if o.what == "listing" for step in o.steps]
    worst = 0
    for call in single_send_calls:
        attempts = by_call.get(call, [])
        worst = max(worst, len(attempts))
        assert len(attempts) <= most, (call, [(r.number, r.fault) for r in attempts])
    figures["max_attempts_per_call"] = worst
    resent_after_acting = []
    for outcome in outcomes:
        records = by_call.get(outcome.call, [])
        writes = [r for r in records if r.action == "edit" or _is_publish(r)]
        for earlier, later in itertools.pairwise(writes):
            if earlier.fault is not None and earlier.may_have_acted:
                resent_after_acting.append((outcome.call, earlier.fault, later.number))
        if outcome.what == "upload":
            chunks = -(-len(outcome.data) // 4_096)
            bound = (chunks + 2) * (CHUNK_RESENDS + 1) * most
            assert len(records) <= bound, (outcome.call, len(records))
    assert resent_after_acting == [], resent_after_acting
    return by_call


def _check_retry_log(log: RetryLog, clocks: CallClocks, figures: dict[str, Any]) -> None:
    """Every resend within max_retries, every wait on the fake clock and within budget."""
    sequences: list[list[float]] = []
    for call, records in log.by_call().items():
        for record in records:
            assert 1 <= record.resend <= POLICY.max_retries, record
            assert record.of_at_most == POLICY.max_retries, record
            assert record.delay <= POLICY.max_retry_after + POLICY.jitter, record
            if record.resend == 1:
                sequences.append([])
            sequences[-1].append(record.delay)
        logged = sum(r.delay for r in records)
        slept = sum(clocks.sleeps(call))
        # The clock receives each wait unrounded, the log shows it as %.1f.
        assert abs(logged - slept) <= 0.05 * len(records) + 1e-6, (call, logged, slept)
    longest = max((sum(s) for s in sequences), default=0.0)
    assert longest <= POLICY.budget, longest
    figures["resends"] = len(log.retries)
    figures["resend_reasons"] = dict(Counter(r.reason.split(" (")[0] for r in log.retries))
    figures["fake_wait_total_s"] = round(clocks.total(), 1)
    figures["fake_wait_max_per_send_s"] = round(longest, 1)


def _check_wiki_state(
    info: WikiInfo, plan: Plan, outcomes: list[Outcome], figures: dict[str, Any]
) -> None:
    """Read the wiki directly and hold every outcome to what it claimed."""
    with direct_session(info) as direct:
        existing = set(all_titles(direct, plan.prefix))
        assert existing <= set(plan.titles), existing - set(plan.titles)
        duplicates = 0
        unknown_present = unknown_absent = 0
        writes_checked = 0
        for outcome in outcomes:
            if outcome.what == "edit":
                revisions = revisions_of(direct, outcome.key)
                writes_checked += 1
                duplicates += max(0, len(revisions) - 1)
                assert (outcome.key in existing) == bool(revisions), outcome.key
                if outcome.ok:
                    assert len(revisions) == 1, (outcome.key, revisions)
                    assert revisions[0]["comment"] == f"rel {plan.run} {outcome.call}"
                elif outcome.unknown:
                    assert len(revisions) <= 1, (outcome.key, revisions)
                    if revisions:
                        unknown_present += 1
                    else:
                        unknown_absent += 1
                else:
                    assert revisions == [], (outcome.key, repr(outcome.error), revisions)
            elif outcome.what == "upload":
                versions = file_versions(direct, outcome.key)
                writes_checked += 1
                duplicates += max(0, len(versions) - 1)
                whole = [
                    v["sha1"] == hashlib.sha1(outcome.data).hexdigest()
                    and v["size"] == len(outcome.data)
                    for v in versions
                ]
                if outcome.ok:
                    assert whole == [True], (outcome.key, versions)
                elif outcome.unknown:
                    assert whole in ([], [True]), (outcome.key, versions)
                    if versions:
                        unknown_present += 1
                    else:
                        unknown_absent += 1
                else:
                    assert versions == [], (outcome.key, repr(outcome.error), versions)
            else:  # a listing
                if outcome.ok:
                    counts = Counter(outcome.titles)
                    repeated = {t: c for t, c in counts.items() if c > 1}
                    assert repeated == {}, repeated
                    assert set(outcome.titles) == existing, set(outcome.titles) ^ existing
        figures["writes_checked"] = writes_checked
        figures["duplicates_found"] = duplicates
        figures["outcome_unknown_present_on_wiki"] = unknown_present
        figures["outcome_unknown_absent_from_wiki"] = unknown_absent
        figures["pages_on_wiki"] = len(existing)
    assert duplicates == 0


def _summarise(
    plan: Plan,
    outcomes: list[Outcome],
    proxy: FaultProxy,
    first_faultable: int,
    by_call: dict[str, list[ProxyRecord]],
    figures: dict[str, Any],
) -> None:
    records = [r for r in proxy.snapshot() if r.number >= first_faultable]
    faults = [r for r in records if r.fault is not None]
    figures["requests"] = len(records)
    figures["faults_injected"] = len(faults)
    figures["fault_share"] = round(len(faults) / max(1, len(records)), 3)
    figures["faults_by_kind"] = proxy.fault_counts()
    maxlag = [r for r in faults if r.fault == "maxlag"]
    figures["maxlag_answered_by_wiki"] = sum(r.upstream_error == "maxlag" for r in maxlag)
    assert all(r.upstream_error == "maxlag" for r in maxlag), "the wiki did not answer maxlag"
    assert all(r.proxy_error is None for r in records), [r for r in records if r.proxy_error]

    def faulted(outcome: Outcome) -> bool:
        calls = [outcome.call, *outcome.steps]
        return any(r.fault is not None for c in calls for r in by_call.get(c, []))

    figures["calls"] = dict(Counter(o.what for o in outcomes))
    figures["calls_ok"] = sum(o.ok for o in outcomes)
    figures["calls_survived_faults"] = sum(o.ok and faulted(o) for o in outcomes)
    figures["errors_by_type"] = dict(
        Counter(
            type(o.error).__name__
            + (
                f"({type(o.error.error).__name__})"
                if isinstance(o.error, mwtyped.WriteOutcomeUnknownError)
                else ""
            )
            for o in outcomes
            if o.error is not None
        )
    )
    figures["outcome_unknown"] = sum(o.unknown for o in outcomes)
    figures["uploads"] = dict(
        Counter(
            "ok" if o.ok else "outcome_unknown" if o.unknown else type(o.error).__name__
            for o in outcomes
            if o.what == "upload"
        )
    )
    figures["listings_complete"] = sum(o.ok for o in outcomes if o.what == "listing")


def _check_types(outcomes: list[Outcome]) -> None:
    untyped = [
        (o.call, repr(o.error))
        for o in outcomes
        if o.error is not None and not isinstance(o.error, mwtyped.MWTypedError)
    ]
    assert untyped == [], untyped
    for outcome in outcomes:
        err = outcome.error
        if isinstance(err, mwtyped.TransportError):
            # A write's lost answer must have become WriteOutcomeUnknownError.
            assert outcome.what == "listing" or not err.request_sent, (outcome.call, err)


def _connect_refused(kind: Kind, info: WikiInfo, run: str, figures: dict[str, Any]) -> None:
    """Writes to a port nobody listens on: ConnectError(request_sent=False), retried up to
    the policy, and (checked on the wiki) never written."""
    host = f"http://127.0.0.1:{closed_port()}"
    titles = [f"Rel {kind} {run} refused {n}" for n in range(3)]
    clocks = CallClocks()
    errors: list[BaseException] = []

    def params(title: str) -> dict[str, Any]:
        # A token given explicitly: the edit itself is what fails to connect.
        return {"action": "edit", "title": title, "text": "x", "token": "+\\"}

    if kind == "sync":
        with mwtyped.Session(
            host, user_agent=USER_AGENT, api_path="/api.php", retry=POLICY, timeout=TIMEOUT
        ) as session:
            session._clocks = clocks.clocks()
            for title in titles:
                with pytest.raises(mwtyped.ConnectError) as caught:
                    session.post(**params(title))
                errors.append(caught.value)
    else:

        async def run_async() -> None:
            async with mwtyped.AsyncSession(
                host, user_agent=USER_AGENT, api_path="/api.php", retry=POLICY, timeout=TIMEOUT
            ) as session:
                session._clocks = clocks.clocks()
                for title in titles:
                    with pytest.raises(mwtyped.ConnectError) as caught:
                        await session.post(**params(title))
                    errors.append(caught.value)

        asyncio.run(run_async())
    for err in errors:
        assert isinstance(err, mwtyped.ConnectError)
        assert err.request_sent is False
        assert err.retries == POLICY.max_retries
    with direct_session(info) as direct:
        assert all(revisions_of(direct, t) == [] for t in titles)
    figures["connect_refused_writes_checked_absent"] = len(titles)


def _report(kind: Kind, figures: dict[str, Any]) -> None:
    print(f"\nRELIABILITY FIGURES ({kind}): " + json.dumps(figures, sort_keys=True))


# -- the tests -----------------------------------------------------------------------------
def _run(
    kind: Kind,
    info: WikiInfo,
    fault_proxy: ProxyFactory,
    run_id: str,
    seed: int,
    drive: Callable[[FaultProxy, Plan, CallClocks], list[Outcome]],
) -> None:
    started = time.monotonic()
    proxy = fault_proxy(seed=seed, rate=FAULT_RATE, stall_seconds=TIMEOUT + 6)
    plan = Plan.make(kind, run_id)
    clocks = CallClocks(seed)
    figures: dict[str, Any] = {"seed": seed, "fault_rate_setting": FAULT_RATE}
    with RetryLog() as log:
        outcomes = drive(proxy, plan, clocks)
    figures["workload_s"] = round(time.monotonic() - started, 1)
    first_faultable = min((r.number for r in proxy.snapshot() if r.call is not None), default=1)
    _check_types(outcomes)
    by_call = _check_attempts(outcomes, proxy, figures)
    _check_retry_log(log, clocks, figures)
    _summarise(plan, outcomes, proxy, first_faultable, by_call, figures)
    checking = time.monotonic()
    _check_wiki_state(info, plan, outcomes, figures)
    _connect_refused(kind, info, run_id, figures)
    figures["check_s"] = round(time.monotonic() - checking, 1)
    assert figures["fault_share"] >= 0.2, figures
    assert figures["listings_complete"] >= 1, figures
    assert set(figures["faults_by_kind"]) == set(FAULTS), figures["faults_by_kind"]
    figures["runtime_s"] = round(time.monotonic() - started, 1)
    _report(kind, figures)


def _proxied_options() -> dict[str, Any]:
    return {
        "user_agent": USER_AGENT,
        "api_path": "/api.php",
        "retry": POLICY,
        "timeout": TIMEOUT,
    }


def test_sync_session_under_faults(
    testwiki: WikiInfo, fault_proxy: ProxyFactory, run_id: str
) -> None:
    def drive(proxy: FaultProxy, plan: Plan, clocks: CallClocks) -> list[Outcome]:
        with mwtyped.Session(proxy.url, **_proxied_options()) as session:
            session._clocks = clocks.clocks()
            assert session._native is not None  # mwtyped's own connections under test
            session.login(testwiki.bot_user, testwiki.bot_password)
            session.token("csrf")
            tag_requests(session)
            proxy.enabled = True
            return _sync_workload(session, plan)

    _run("sync", testwiki, fault_proxy, run_id, 101, drive)


def test_async_session_under_faults(
    testwiki: WikiInfo, fault_proxy: ProxyFactory, run_id: str
) -> None:
    def drive(proxy: FaultProxy, plan: Plan, clocks: CallClocks) -> list[Outcome]:
        async def main() -> list[Outcome]:
            async with mwtyped.AsyncSession(proxy.url, **_proxied_options()) as session:
                session._clocks = clocks.clocks()
                assert session._native is not None  # mwtyped's own connections under test
                await session.login(testwiki.bot_user, testwiki.bot_password)
                await session.token("csrf")
                tag_requests(session)
                proxy.enabled = True
                return await _async_workload(session, plan)

        return asyncio.run(main())

    _run("async", testwiki, fault_proxy, run_id, 202, drive)
