"""Bad input from both sides: property tests (hypothesis) of decoding and encoding.

From the wiki's side: :func:`mwtyped._envelope.decode_body`, and whole sessions on an
``httpx.MockTransport``, are fed arbitrary bytes, arbitrary JSON values and real answers of
the test wiki (captured once per module) mutated at random: keys dropped, values changed to
other types, containers emptied or wrapped, keys duplicated in the JSON text, the body
truncated. The only acceptable outcomes are a result or a :class:`mwtyped.MWTypedError`.

From the user's side, against the REAL wiki: every value the client accepts reaches
MediaWiki unchanged (``requestid`` is echoed verbatim, ``action=parse&prop=wikitext`` returns
its ``text`` verbatim, ``titles`` come back as page titles or as ``normalized[].from``).
The strategies are restricted to what MediaWiki itself preserves: NFC-normalised text (it
normalises everything else), no C0 control characters but TAB, LF and CR (it replaces them
with U+FFFD), no U+FFFE/U+FFFF, no unassigned code points; titles without ``%`` (MediaWiki
percent-decodes titles). Every value the client rejects raises a ``TypeError`` (or pydantic
``ValidationError``) naming the parameter, with zero requests sent (httpx event hooks).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import json
import unicodedata
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import httpx
import pydantic
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import mwtyped
from mwtyped._envelope import decode_body
from mwtyped.api import AllpagesParams, QueryParams, RevisionsParams, SiteinfoParams
from mwtyped.testing import USER_AGENT
from mwtyped.testwiki import WikiInfo
from tests.integration.conftest import random_text
from tests.reliability.faultproxy import multipart_fields
from tests.reliability.support import direct_session, file_versions
from tests.unit.fakes import FakeClocks

pytestmark = pytest.mark.integration

HOST = "http://wiki.example.org"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LIVE = settings(max_examples=40, deadline=None, database=None)
STATUSES = (200, 201, 204, 301, 302, 400, 403, 404, 429, 500, 502, 503, 504)

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=25,
)
# Keys MediaWiki answers use, so arbitrary documents also hit the interesting branches.
MW_KEYS = st.sampled_from(
    [
        "error",
        "errors",
        "warnings",
        "code",
        "info",
        "text",
        "data",
        "module",
        "query",
        "continue",
        "batchcomplete",
        "pages",
        "allpages",
        "tokens",
        "csrftoken",
        "logintoken",
        "login",
        "result",
        "upload",
        "offset",
        "filekey",
        "edit",
        "title",
        "pageid",
        "*",
    ]
)
MW_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(MW_KEYS, inner, max_size=5),
    max_leaves=30,
)


# -- the corpus of real answers ---------------------------------------------------------------
@dataclass(frozen=True)
class Captured:
    """One real answer of the wiki (``Set-Cookie`` left out)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes

    @property
    def document(self) -> Any:
        return json.loads(self.content)

    def response(self, content: bytes | None = None, status: int | None = None) -> httpx.Response:
        return httpx.Response(
            self.status if status is None else status,
            headers=list(self.headers),
            content=self.content if content is None else content,
        )


@dataclass
class Recorder:
    name: str = ""
    captured: dict[str, Captured] = field(default_factory=dict)

    def hook(self, response: httpx.Response) -> None:
        response.read()
        headers = tuple(
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("set-cookie", "content-encoding", "content-length")
        )
        key = self.name
        n = 1
        while key in self.captured:
            n += 1
            key = f"{self.name}#{n}"
        self.captured[key] = Captured(response.status_code, headers, response.content)


def _capture(info: WikiInfo) -> dict[str, Captured]:
    recorder = Recorder()
    run = uuid.uuid4().hex[:10]

    def session(**options: Any) -> mwtyped.Session:
        made = direct_session(info, retry=0, **options)
        made.client.event_hooks["response"].append(recorder.hook)
        return made

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with session() as plain, session(errorformat="bc") as bc, session() as bot:
            steps: list[tuple[str, Callable[[], object]]] = [
                ("siteinfo", lambda: plain.get(action="query", meta="siteinfo")),
                ("allpages", lambda: plain.get(action="query", list="allpages", aplimit=2)),
                (
                    "pages",
                    lambda: plain.get(
                        action="query",
                        generator="allpages",
                        gaplimit=3,
                        prop="info|revisions",
                        rvprop="ids|timestamp",
                    ),
                ),
                ("error_plaintext", lambda: plain.get(action="nosuchaction")),
                ("error_bc", lambda: bc.get(action="nosuchaction")),
                ("maxlag", lambda: plain.get(action="query", meta="userinfo", maxlag=-2)),
                (
                    "warnings_plaintext",
                    lambda: plain.get(action="query", list="allpages", aplimit=1, bogus=1),
                ),
                (
                    "warnings_bc",
                    lambda: bc.get(action="query", list="allpages", aplimit=1, bogus=1),
                ),
                ("toomany", lambda: plain.get(action="query", titles=[str(n) for n in range(60)])),
                ("login", lambda: bot.login(info.bot_user, info.bot_password)),
                ("tokens", lambda: bot.get(action="query", meta="tokens", type="csrf|login")),
                (
                    "edit",
                    lambda: bot.post(
                        action="edit", title=f"Rel input {run}", text="x", createonly=True
                    ),
                ),
                (
                    "upload",
                    lambda: bot.upload(
                        f"Rel-input-{run}.txt", random_text(2_500), chunk_size=1_024
                    ),
                ),
                (
                    "clientlogin_fail",
                    lambda: plain.login(info.user, "wrong-password-for-the-corpus"),
                ),
            ]
            for name, step in steps:
                recorder.name = name
                with contextlib.suppress(mwtyped.MWTypedError):  # errors are corpus too
                    step()
    return recorder.captured


@pytest.fixture(scope="module")
def corpus(testwiki: WikiInfo) -> dict[str, Captured]:
    captured = _capture(testwiki)
    for must in ("siteinfo", "allpages", "error_bc", "maxlag", "tokens", "edit", "upload#3"):
        assert must in captured, sorted(captured)
    assert "continue" in captured["allpages"].document
    assert captured["maxlag"].document["errors"][0]["code"] == "maxlag"
    return captured


# -- mutations ------------------------------------------------------------------------------
Path = tuple[str | int, ...]


def _paths(node: Any, here: Path = ()) -> Iterator[Path]:
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*here, index))


def _get(node: Any, path: Path) -> Any:
    for step in path:
        node = node[step]
    return node


def _replace(root: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    parent = _get(root, path[:-1])
    parent[path[-1]] = value
    return root


def _dump(node: Any, duplicate: tuple[Path, str, Any] | None, here: Path = ()) -> str:
    """JSON text; at ``duplicate``'s path the dict gets ``key`` twice (JSON allows it,
    ``json.loads`` keeps the last one)."""
    if isinstance(node, dict):
        items = [f"{json.dumps(k)}: {_dump(v, duplicate, (*here, k))}" for k, v in node.items()]
        if duplicate is not None and duplicate[0] == here:
            _, key, value = duplicate
            items.insert(0, f"{json.dumps(key)}: {json.dumps(value)}")
            items.append(f"{json.dumps(key)}: {json.dumps(value)}")
        return "{" + ", ".join(items) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(_dump(v, duplicate, (*here, i)) for i, v in enumerate(node)) + "]"
    return json.dumps(node)


MUTATIONS = ("drop", "retype", "wrap", "swap_container", "to_scalar", "duplicate_key")


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> bytes:
    """``document`` mutated 1-3 times, serialised, and maybe truncated."""
    doc = json.loads(json.dumps(document))
    duplicate: tuple[Path, str, Any] | None = None
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(doc))
        path = draw(st.sampled_from(paths))
        operation = draw(st.sampled_from(MUTATIONS))
        node = _get(doc, path)
        if operation == "drop" and path:
            parent = _get(doc, path[:-1])
            del parent[path[-1]]
        elif operation == "retype":
            doc = _replace(doc, path, draw(MW_VALUES))
        elif operation == "wrap":
            doc = _replace(doc, path, draw(st.sampled_from([[node], {"*": node}])))
        elif operation == "swap_container":
            swapped: Any = list(node.values()) if isinstance(node, dict) else {"0": node}
            doc = _replace(doc, path, swapped)
        elif operation == "to_scalar":
            doc = _replace(doc, path, draw(JSON_SCALARS))
        elif operation == "duplicate_key" and isinstance(node, dict):
            duplicate = (
                path,
                draw(MW_KEYS | st.sampled_from(list(node) or ["x"])),
                draw(MW_VALUES),
            )
    text = _dump(doc, duplicate).encode()
    if draw(st.booleans()) and len(text) > 1:
        text = text[: draw(st.integers(0, len(text) - 1))]
    return text


def _outcome(call: Callable[[], object]) -> object:
    """Run ``call``; only a result or a mwtyped error may come out (API warnings are
    recorded, as the warnings module is the channel for them)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
        except mwtyped.MWTypedError as err:
            result = err
    for warning in caught:
        assert issubclass(warning.category, UserWarning), warning
    return result


def _decode(status: int, content: bytes, headers: Mapping[str, str] | None = None) -> object:
    sent = httpx.Headers(headers or {"content-type": "application/json; charset=utf-8"})
    result = _outcome(
        lambda: decode_body(status, sent, content, method="GET", url="http://x/api.php")
    )
    if not isinstance(result, mwtyped.MWTypedError):
        assert isinstance(result, tuple)
        document, found = result
        assert isinstance(document, dict)
        assert all(isinstance(w, mwtyped.APIWarning) for w in found)
        assert 200 <= status < 300
    return result


# -- decode_body ------------------------------------------------------------------------------
@FUZZ
@given(content=st.binary(max_size=3_000), status=st.sampled_from(STATUSES))
@example(content=b"[" * 100_000 + b"]" * 100_000, status=200)
@example(content=b'{"error": ' + b"[" * 5_000 + b"]" * 5_000 + b"}", status=200)
@example(content=b"\xef\xbb\xbf{}", status=200)
@example(content=b'{"a": 1}\x00', status=200)
@example(content=b"", status=204)
def test_decode_body_arbitrary_bytes(content: bytes, status: int) -> None:
    _decode(status, content)


@FUZZ
@given(value=JSON_VALUES | MW_VALUES, status=st.sampled_from(STATUSES))
def test_decode_body_arbitrary_json(value: Any, status: int) -> None:
    _decode(status, json.dumps(value).encode())


@FUZZ
@given(data=st.data())
def test_decode_body_mutated_real_answers(corpus: dict[str, Captured], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(corpus)))
    captured = corpus[name]
    content = data.draw(mutated(captured.document))
    status = data.draw(st.sampled_from((captured.status, *STATUSES)))
    _decode(status, content, dict(captured.headers))


def test_the_real_answers_decode(corpus: dict[str, Captured]) -> None:
    for name, captured in corpus.items():
        result = _decode(captured.status, captured.content, dict(captured.headers))
        is_error = name.startswith(("error", "maxlag", "toomany"))
        assert isinstance(result, mwtyped.APIError) == is_error, (name, result)


# -- whole sessions on a MockTransport ------------------------------------------------------
class FakeApi:
    """Answers like the real wiki (from the corpus), except request number ``target`` (0-based),
    which gets ``replacement``; records every request. Chunk answers follow the request's
    offset; after ``MAX_REQUESTS`` requests every answer ends the query (no ``continue``),
    so a mutated answer that keeps a continuation going cannot run the test forever."""

    def __init__(self, corpus: dict[str, Captured]) -> None:
        self.corpus = corpus
        self.target = -1
        self.replacement: Callable[[Captured], httpx.Response] | None = None
        self.requests: list[httpx.Request] = []

    def reset(self, target: int, replacement: Callable[[Captured], httpx.Response] | None) -> None:
        self.target = target
        self.replacement = replacement
        self.requests.clear()

    def real(self, request: httpx.Request) -> Captured:
        params = dict(request.url.params)
        body = request.content
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            params.update(httpx.QueryParams(body.decode()))
        content_type = request.headers.get("content-type", "")
        files: dict[str, int] = {}
        if content_type.startswith("multipart/form-data"):
            fields, files = multipart_fields(body, content_type)
            params.update(fields)
        action = params.get("action")
        if params.get("meta") == "tokens":
            return self.corpus["tokens"]
        if action == "login":
            return self.corpus["login#2"]
        if action == "edit":
            return self.corpus["edit"]  # login() left the csrf token cached: no fetch first
        if action == "upload" and "stash" in params:
            return self._chunk_answer(params, files.get("chunk", 0))
        if action == "upload":
            return self.corpus["upload#4"]
        if params.get("list") == "allpages":
            return self.corpus["allpages"]
        if params.get("generator") == "allpages":
            return self.corpus["pages"]
        return self.corpus["siteinfo"]

    def _chunk_answer(self, params: Mapping[str, str], chunk: int) -> Captured:
        """The real Continue (or, for the last chunk, Success) answer, at this offset."""
        end = int(params.get("offset", "0")) + chunk
        if end >= int(params.get("filesize", "0")):
            return self.corpus["upload#3"]
        template = self.corpus["upload"]
        document = template.document
        document["upload"]["offset"] = end
        return Captured(template.status, template.headers, json.dumps(document).encode())

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        number = len(self.requests)
        self.requests.append(request)
        if number >= MAX_REQUESTS:
            return httpx.Response(200, json={"batchcomplete": True, "query": {}})
        real = self.real(request)
        if number == self.target and self.replacement is not None:
            return self.replacement(real)
        return real.response()


Operation = Callable[[mwtyped.Session], object]
AsyncOperation = Callable[[mwtyped.AsyncSession], Any]

MAX_ITEMS = 12
MAX_REQUESTS = 25


def _sync_operations() -> dict[str, Operation]:
    return {
        "get": lambda s: s.get(action="query", meta="siteinfo"),
        "continuation": lambda s: list(
            islice(s.get(continuation=True, action="query", list="allpages", aplimit=2), 4)
        ),
        "items": lambda s: list(islice(s.items(AllpagesParams(aplimit=2)), MAX_ITEMS)),
        "pages": lambda s: list(
            islice(
                s.pages(
                    QueryParams(
                        generator=AllpagesParams(aplimit=3),
                        prop=[RevisionsParams(rvprop=["ids", "timestamp"])],
                    )
                ),
                MAX_ITEMS,
            )
        ),
        "typed": lambda s: s.request(QueryParams(meta=[SiteinfoParams()])),
        "token": lambda s: s.token("csrf"),
        "login": lambda s: s.login("Admin@testbot", "x" * 32),
        "edit": lambda s: s.post(action="edit", title="A", text="b"),
    }


async def _take(stream: Any, count: int) -> list[Any]:
    taken: list[Any] = []
    try:
        async for item in stream:
            taken.append(item)
            if len(taken) >= count:
                break
    finally:
        await stream.aclose()
    return taken


def _async_operations() -> dict[str, AsyncOperation]:
    return {
        "get": lambda s: s.get(action="query", meta="siteinfo"),
        "continuation": lambda s: _take(
            s.get(continuation=True, action="query", list="allpages", aplimit=2), 4
        ),
        "items": lambda s: _take(s.items(AllpagesParams(aplimit=2)), MAX_ITEMS),
        "pages": lambda s: _take(
            s.pages(
                QueryParams(
                    generator=AllpagesParams(aplimit=3),
                    prop=[RevisionsParams(rvprop=["ids", "timestamp"])],
                )
            ),
            MAX_ITEMS,
        ),
        "typed": lambda s: s.request(QueryParams(meta=[SiteinfoParams()])),
        "token": lambda s: s.token("csrf"),
        "login": lambda s: s.login("Admin@testbot", "x" * 32),
        "edit": lambda s: s.post(action="edit", title="A", text="b"),
    }


@dataclass
class Sessions:
    api: FakeApi
    sync: mwtyped.Session
    asynchronous: mwtyped.AsyncSession
    loop: asyncio.AbstractEventLoop

    def fresh(self) -> None:
        """Forget what the previous example left: tokens, login, cookies."""
        for session in (self.sync, self.asynchronous):
            session._core.logged_out()
            session.client.cookies.clear()


@pytest.fixture(scope="module")
def sessions(corpus: dict[str, Captured]) -> Iterator[Sessions]:
    api = FakeApi(corpus)
    transport = httpx.MockTransport(api)
    sync = mwtyped.Session(HOST, user_agent=USER_AGENT, retry=0, transport=transport)
    loop = asyncio.new_event_loop()
    asynchronous = mwtyped.AsyncSession(HOST, user_agent=USER_AGENT, retry=0, transport=transport)
    yield Sessions(api, sync, asynchronous, loop)
    sync.close()
    loop.run_until_complete(asynchronous.aclose())
    loop.close()


def _both(sessions: Sessions, operation: str) -> tuple[object, object]:
    """Run ``operation`` on the sync and the async session (each from a fresh state, with
    the same fault), returning both outcomes."""
    target, replacement = sessions.api.target, sessions.api.replacement
    sessions.fresh()
    sync_result = _outcome(lambda: _sync_operations()[operation](sessions.sync))
    sessions.api.reset(target, replacement)
    sessions.fresh()

    def run_async() -> object:
        return sessions.loop.run_until_complete(
            _async_operations()[operation](sessions.asynchronous)
        )

    async_result = _outcome(run_async)
    return sync_result, async_result


def test_the_real_answers_drive_every_operation(sessions: Sessions) -> None:
    for operation in _sync_operations():
        sessions.api.reset(-1, None)
        for result in _both(sessions, operation):
            assert not isinstance(result, mwtyped.MWTypedError), (operation, result)


@FUZZ
@given(data=st.data())
def test_sessions_survive_mutated_real_answers(sessions: Sessions, data: st.DataObject) -> None:
    operation = data.draw(st.sampled_from(sorted(_sync_operations())))
    target = data.draw(st.integers(0, 3))
    choice = data.draw(st.sampled_from(["mutated", "bytes", "json", "deep"]))
    status = data.draw(st.sampled_from((None, *STATUSES)))

    def replacement(real: Captured) -> httpx.Response:
        if choice == "mutated":
            body = data.draw(mutated(real.document))
        elif choice == "bytes":
            body = data.draw(st.binary(max_size=500))
        elif choice == "deep":  # nesting close to (and past) the recursion limit
            depth = data.draw(st.sampled_from([500, 900, 990, 1_500, 50_000]))
            key = data.draw(MW_KEYS)
            body = (f'{{"{key}": ' + "[" * depth + "]" * depth + "}").encode()
        else:
            body = json.dumps(data.draw(MW_VALUES)).encode()
        return real.response(body, status)

    sessions.api.reset(target, replacement)
    _both(sessions, operation)


@FUZZ
@given(
    retry_after=st.one_of(
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)).map(
            lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT")
        ),
    ),
    status=st.sampled_from((429, 503)),
)
@example(retry_after="Mon, 01 Jan 0001 00:00:00 -2359", status=429)
@example(retry_after="Fri, 31 Dec 9999 23:59:59 +2359", status=503)
@example(retry_after="1e400", status=503)
def test_any_retry_after_header_is_survived(
    corpus: dict[str, Captured], retry_after: str, status: int
) -> None:
    """A 429/503 with any ``Retry-After`` value, then a good answer: a result or a typed
    error, never a crash, and never a real sleep (the fake clock would be bypassed)."""
    answers = [
        httpx.Response(status, headers={"Retry-After": retry_after}, content=b"busy"),
        corpus["siteinfo"].response(),
    ]
    clock = FakeClocks()
    with mwtyped.Session(
        HOST,
        user_agent=USER_AGENT,
        retry=mwtyped.RetryPolicy(max_retries=2),
        transport=httpx.MockTransport(lambda request: answers.pop(0)),
    ) as session:
        session._clocks = clock.clocks()
        result = _outcome(lambda: session.get(action="query", meta="siteinfo"))
    assert isinstance(result, dict | mwtyped.HTTPStatusError), result
    assert all(0 <= s <= mwtyped.RetryPolicy().max_retry_after + 1 for s in clock.sleeps)


# -- upload flows (BUG: crash on malformed chunk answers) --------------------------------------
UPLOAD_BUG = (
    "BUG: mwtyped/_upload.py _chunks() reads a chunk answer unchecked: "
    "`result = answer.get('result')` raises AttributeError when 'upload' is not an object, "
    "and `int(answer['offset']), str(answer['filekey'])` raise KeyError/ValueError/TypeError "
    "when a 'Continue' answer lacks them or has a non-numeric offset; expected "
    "ResponseDecodeError (as member() gives elsewhere)"
)


def _chunked_upload(session: mwtyped.Session) -> object:
    return session.upload("Chunked.txt", b"0123456789abcdef" * 300, chunk_size=1_024)


@pytest.mark.parametrize(
    "answer",
    [
        {"upload": []},
        {"upload": {"result": "Continue"}},
        {"upload": {"result": "Continue", "offset": "abc", "filekey": "k"}},
        {"upload": {"result": "Continue", "offset": None, "filekey": "k"}},
    ],
    ids=["upload-not-an-object", "continue-without-offset", "offset-not-a-number", "offset-null"],
)
def test_malformed_chunk_answers_raise_typed_errors(
    corpus: dict[str, Captured], answer: dict[str, Any]
) -> None:
    api = FakeApi(corpus)
    api.reset(1, lambda real: real.response(json.dumps(answer).encode()))
    with mwtyped.Session(
        HOST, user_agent=USER_AGENT, retry=0, transport=httpx.MockTransport(api)
    ) as session:
        try:
            _chunked_upload(session)
        except mwtyped.MWTypedError:
            pass
        except Exception as err:
            raise AssertionError(f"{type(err).__name__}: {err}") from err


@settings(FUZZ, report_multiple_bugs=False)
@given(data=st.data())
def test_upload_flows_survive_mutated_real_answers(
    corpus: dict[str, Captured], data: st.DataObject
) -> None:
    api = FakeApi(corpus)
    target = data.draw(st.integers(0, 4))
    api.reset(target, lambda real: real.response(data.draw(mutated(real.document))))
    with mwtyped.Session(
        HOST, user_agent=USER_AGENT, retry=0, transport=httpx.MockTransport(api)
    ) as session:
        try:
            _outcome(lambda: _chunked_upload(session))
        except Exception as err:
            raise AssertionError(f"{type(err).__name__}: {err}") from err


# -- values reach MediaWiki unchanged ---------------------------------------------------------
# C0 controls but TAB/LF/CR are replaced by U+FFFD, U+FFFE/U+FFFF too; unassigned code points
# and surrogates are left out; and MediaWiki NFC-normalises every value it receives.
_PRESERVED = st.characters(
    codec="utf-8",
    exclude_categories=("Cs", "Cn"),
    exclude_characters="".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
    + "\ufffe\uffff",
)


def _nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


PRESERVED_TEXT = st.text(_PRESERVED, min_size=1, max_size=300).filter(_nfc)
TITLE_TEXT = st.text(
    st.characters(
        codec="utf-8",
        categories=("Lu", "Ll", "Lo", "Nd", "Zs", "Pd", "Po"),
        exclude_characters="%#<>[]{}|\u00a0",
    )
    | st.sampled_from(list(" |_:-.,'!?()&+=~")),
    min_size=1,
    max_size=40,
).filter(lambda t: _nfc(t) and any(c.isalnum() for c in t))


@pytest.fixture(scope="module")
def reader(testwiki: WikiInfo) -> Iterator[mwtyped.Session]:
    with direct_session(testwiki, retry=0) as session:
        yield session


@LIVE
@given(value=PRESERVED_TEXT, method=st.sampled_from(["GET", "POST"]))
@example(value="a|b", method="GET")
@example(value=" lead and trail \t\r\n", method="POST")
@example(
    value="\U0001f600 \u00e9 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u4e2d\u6587", method="GET"
)
def test_requestid_is_echoed_verbatim(reader: mwtyped.Session, value: str, method: str) -> None:
    document = reader.request(method, {"action": "query", "requestid": value})
    assert document.get("requestid") == value


@LIVE
@given(value=st.text(_PRESERVED, min_size=1, max_size=2_000).filter(_nfc))
@example(value="{{PAGENAME}} <nowiki>[[x]]</nowiki>\r\n  trailing  \n\n")
def test_parse_returns_the_text_verbatim(reader: mwtyped.Session, value: str) -> None:
    document = reader.post(
        action="parse", text=value, prop="wikitext", contentmodel="wikitext", title="Echo"
    )
    assert document["parse"]["wikitext"] == value


def test_a_100_kb_value_goes_through_post_unchanged(reader: mwtyped.Session) -> None:
    value = ("Zeile \u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9 \U0001f600 | x\t\r\n" * 4_000)[:100_000]
    assert len(value.encode()) > 100_000
    parsed = reader.post(
        action="parse", text=value, prop="wikitext", contentmodel="wikitext", title="Echo"
    )
    assert parsed["parse"]["wikitext"] == value
    echoed = reader.post(action="query", requestid=value)
    assert echoed["requestid"] == value


@LIVE
@given(values=st.lists(TITLE_TEXT, min_size=1, max_size=8, unique=True))
@example(values=["A|B", "C"])
@example(values=["a|b|c", "\u00e9t\u00e9", "Talk:x y", "x_y"])
def test_titles_reach_the_wiki_as_separate_values(
    reader: mwtyped.Session, values: list[str]
) -> None:
    document = _outcome(lambda: reader.get(action="query", titles=values))
    assert isinstance(document, dict), document
    query = document.get("query", {})
    echoed = {page.get("title") for page in query.get("pages", [])}
    echoed |= {entry.get("from") for entry in query.get("normalized", [])}
    echoed |= {entry.get("title") for entry in query.get("interwiki", [])}
    missing = [v for v in values if v not in echoed]
    assert missing == [], (missing, document)


# -- values the client refuses ------------------------------------------------------------------
class NeverSent:
    """A session pair whose transport fails the test if anything is sent; event hooks count."""

    def __init__(self) -> None:
        self.hooked = 0

        def refuse(request: httpx.Request) -> httpx.Response:
            raise AssertionError(f"a request was sent: {request.method} {request.url}")

        transport = httpx.MockTransport(refuse)
        self.sync = mwtyped.Session(HOST, user_agent=USER_AGENT, retry=0, transport=transport)
        self.sync.client.event_hooks["request"].append(self._count)
        self.asynchronous = mwtyped.AsyncSession(
            HOST, user_agent=USER_AGENT, retry=0, transport=transport
        )
        self.asynchronous.client.event_hooks["request"].append(self._acount)
        self.loop = asyncio.new_event_loop()

    def _count(self, request: httpx.Request) -> None:
        self.hooked += 1

    async def _acount(self, request: httpx.Request) -> None:
        self.hooked += 1

    def close(self) -> None:
        self.sync.close()
        self.loop.run_until_complete(self.asynchronous.aclose())
        self.loop.close()


@pytest.fixture(scope="module")
def never_sent() -> Iterator[NeverSent]:
    made = NeverSent()
    yield made
    made.close()


class _Opaque:
    def __repr__(self) -> str:
        return "<opaque>"


REJECTED = st.one_of(
    st.builds(_Opaque),
    st.dictionaries(st.text(max_size=3), st.integers(), min_size=1, max_size=2),
    st.sampled_from([float("nan"), float("inf"), float("-inf")]),
    st.datetimes(timezones=st.none()),
    st.dates(),
    st.binary(min_size=1, max_size=8).filter(lambda b: not _is_utf8(b)),
    st.text(max_size=5).map(lambda t: t + "\ud800"),
    st.lists(st.text(max_size=5), max_size=3).map(lambda v: [*v, "a\u001fb"]),
    st.just([""]),
    st.lists(st.booleans(), min_size=1, max_size=3),
    st.lists(st.builds(_Opaque), min_size=1, max_size=2),
)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@FUZZ
@given(
    # ``format`` is mwtyped's own (always json): anything else there is a ValueError.
    name=st.from_regex(r"[a-z]{1,12}", fullmatch=True).filter(
        lambda n: n not in ("action", "format")
    ),
    value=REJECTED,
    method=st.sampled_from(["GET", "POST"]),
)
def test_rejected_values_name_the_parameter_and_send_nothing(
    never_sent: NeverSent, name: str, value: Any, method: str
) -> None:
    params = {"action": "query", name: value}
    before = never_sent.hooked
    with pytest.raises(TypeError) as sync_error:
        never_sent.sync.request(method, params)
    with pytest.raises(TypeError) as async_error:
        never_sent.loop.run_until_complete(never_sent.asynchronous.request(method, params))
    with pytest.raises(TypeError) as stream_error:
        never_sent.sync.get(continuation=True, **params)
    for caught in (sync_error, async_error, stream_error):
        assert isinstance(caught.value, mwtyped.ParamEncodeError), caught.value
        assert caught.value.param == name
        assert repr(name) in str(caught.value)
    assert never_sent.hooked == before


@FUZZ
@given(
    limit=st.one_of(
        st.integers(max_value=0), st.integers(min_value=5001), st.sampled_from(["many", "-1"])
    )
)
def test_a_typed_limit_out_of_range_is_refused_before_sending(
    never_sent: NeverSent, limit: Any
) -> None:
    before = never_sent.hooked
    with pytest.raises(pydantic.ValidationError) as caught:
        AllpagesParams(aplimit=limit)
    assert "aplimit" in str(caught.value)
    assert never_sent.hooked == before


def test_a_naive_datetime_is_refused_before_sending(never_sent: NeverSent) -> None:
    naive = dt.datetime(2026, 1, 2, 3, 4, 5)
    with pytest.raises(mwtyped.ParamEncodeError) as caught:
        never_sent.sync.get(action="query", prop="revisions", titles="A", rvstart=naive)
    assert caught.value.param == "rvstart"
    assert "naive datetime" in str(caught.value)
    with pytest.raises(mwtyped.ParamEncodeError):
        never_sent.loop.run_until_complete(
            never_sent.asynchronous.get(action="query", list="recentchanges", rcstart=naive)
        )
    with pytest.raises(pydantic.ValidationError) as typed:
        RevisionsParams(rvstart=naive)
    assert "rvstart" in str(typed.value)
    assert never_sent.hooked == 0


def test_a_unit_separator_in_a_multi_value_is_refused(never_sent: NeverSent) -> None:
    """U+001F is MediaWiki's own separator for values containing ``|``: a value holding it
    cannot be sent as one value, so it is refused, naming the parameter."""
    with pytest.raises(mwtyped.ParamEncodeError) as caught:
        never_sent.sync.get(action="query", titles=["A|B", "C\u001fD"])
    assert caught.value.param == "titles"
    assert "U+001F" in str(caught.value)
    assert never_sent.hooked == 0


# -- oversized input ----------------------------------------------------------------------------
HUGE_TITLES = [f"Title number {n:07d}" for n in range(500_000)]  # ~10.5 MB once joined


def test_a_10_mb_title_list_by_post_is_one_request_and_a_typed_error(
    testwiki: WikiInfo,
) -> None:
    with direct_session(testwiki, retry=0) as session:
        sent: list[int] = []
        session.client.event_hooks["request"].append(lambda r: sent.append(len(r.read())))
        with pytest.raises(mwtyped.TooManyValuesError) as caught:
            session.post(action="query", titles=HUGE_TITLES)
    assert caught.value.data["limit"] == 50
    assert len(sent) == 1
    assert sent[0] > 10_000_000


def test_a_10_mb_title_list_by_get_is_a_typed_error_before_sending(
    never_sent: NeverSent,
) -> None:
    before = never_sent.hooked
    try:
        never_sent.sync.get(action="query", titles=HUGE_TITLES)
    except mwtyped.MWTypedError:
        pass
    except Exception as err:
        raise AssertionError(f"{type(err).__module__}.{type(err).__name__}: {err}") from err
    assert never_sent.hooked == before


# -- a file object that fails ------------------------------------------------------------------
class FailingFile(io.BytesIO):
    """A seekable file whose ``read`` fails after ``good_reads`` successful reads."""

    def __init__(self, data: bytes, good_reads: int) -> None:
        super().__init__(data)
        self.good_reads = good_reads

    def read(self, size: int | None = -1) -> bytes:
        if self.good_reads <= 0:
            raise OSError("the disk went away")
        self.good_reads -= 1
        return super().read(size)


@pytest.mark.parametrize(
    ("size", "chunk_size", "good_reads"),
    [(3_000, 1 << 20, 0), (20_000, 4_096, 2)],
    ids=["single-shot", "chunked-fails-midway"],
)
def test_a_failing_file_object_publishes_nothing(
    testwiki: WikiInfo, size: int, chunk_size: int, good_reads: int
) -> None:
    name = f"Rel-failing-{uuid.uuid4().hex[:10]}.txt"
    sent: list[str] = []
    with direct_session(testwiki, retry=0) as session:
        session.login(testwiki.bot_user, testwiki.bot_password)

        def note(request: httpx.Request) -> None:
            body = request.read()
            if b'name="action"\r\n\r\nupload' in body:
                sent.append("chunk" if b'name="stash"' in body else "publish")

        session.client.event_hooks["request"].append(note)
        source = FailingFile(random_text(size), good_reads)
        with pytest.raises(mwtyped.UploadSourceError) as caught:
            session.upload(name, source, comment="must not appear", chunk_size=chunk_size)
        assert "the disk went away" in str(caught.value)
        assert "publish" not in sent
        assert sent.count("chunk") == good_reads
        assert file_versions(session, name) == []
