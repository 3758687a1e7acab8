"""Every answer shape of api.php -> a document, APIWarnings, or one precise mwtyped exception.

One scenario table, run through both sessions by the ``driver`` fixture. The fake wiki gives
the same answer to every request, so retried failures (maxlag, 5xx on a GET, ...) end with
the same error once the retries (on the fake clock) are used up.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

import mwtyped
from mwtyped import APIError, ErrorDetail, HTTPStatusError, MWTypedError, ResponseDecodeError
from tests.unit.fakes import Driver, FakeWiki, api_json, raw_answer

DOCREF = (
    "See http://127.0.0.1:8391/api.php for API usage. Subscribe to the mediawiki-api-announce "
    "mailing list at &lt;https://lists.wikimedia.org/postorius/lists/mediawiki-api-announce"
    ".lists.wikimedia.org/&gt; for notice of API deprecations and breaking changes."
)
SERVEDBY = "mw1234"
BADVALUE = 'Unrecognized value for parameter "action": nosuchaction.'
BADVALUE_WIKI = "Unrecognized value for parameter <var>action</var>: <kbd>nosuchaction</kbd>."
LAGGED = "Waiting for a database server: -1 second lagged."
LAG_DATA = {"host": "", "lag": -1, "type": "db"}
READONLY = "The wiki is currently in read-only mode."
TOOMANY = 'Too many values supplied for parameter "titles". The limit is 50.'
LIMITS = {"limit": 50, "lowlimit": 50, "highlimit": 500}
DENIED = "The action you have requested is limited to users in the group: [[TestWiki:Users|Users]]."
RATELIMITED = (
    "As an anti-abuse measure, you are limited from performing this action too many times in "
    "a short space of time, and you have exceeded this limit. Please try again in a few minutes."
)
UNRECOGNIZED = "Unrecognized parameter: bogusparam."
OUTOFRANGE = 'The value "100000" for parameter "aplimit" must be between 1 and 500.'
SUBSCRIBE = "Subscribe to the mediawiki-api-announce mailing list for notice of API deprecations."
DEPRECATED_LOGIN = (
    'Main-account login via "action=login" is deprecated and may stop working without warning.'
)
RANGE_DATA = {"min": 1, "curmax": 500, "max": 500, "highmax": 5000}
HTML_PAGE = b"<!DOCTYPE html>\n<html><head><title>MediaWiki API help</title></head><body>" + (
    b"<p>This is an auto-generated MediaWiki API documentation page.</p>" * 12
)
PROXY_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>"
COMMON_HEADERS = {"Set-Cookie": "testwiki_session=s3cr3t; path=/; HttpOnly", "X-Request-Id": "r1"}
GET_PARAMS = {"action": "query", "titles": "Sandbox"}
EDIT_PARAMS = {"action": "edit", "title": "Sandbox", "text": "x", "token": "+\\"}
LOGIN_PARAMS = {"action": "login", "lgname": "Admin", "lgpassword": "pw", "lgtoken": "t+\\"}
QUERY = {"pages": [{"ns": 0, "title": "Sandbox", "missing": True}]}

Warned = tuple[str, str, str | None, Mapping[str, Any]]


@dataclass(frozen=True)
class Case:
    body: object  # a JSON value, or bytes sent as they are
    raises: type[MWTypedError] | None = None
    errors: tuple[ErrorDetail, ...] = ()  # every error of an APIError, first one first
    docref: str | None = None
    servedby: str | None = None
    status: int = 200
    content_type: str = "application/json; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    method: str = "GET"
    params: Mapping[str, Any] = field(default_factory=lambda: GET_PARAMS)
    expect: Mapping[str, object] = field(default_factory=dict)  # more exception attributes
    warned: tuple[Warned, ...] = ()
    message_has: str = ""

    def answer(self, request: httpx.Request | None = None) -> httpx.Response:
        headers = {**COMMON_HEADERS, **self.headers}
        if isinstance(self.body, bytes):
            return raw_answer(self.body, self.status, self.content_type, **headers)
        return api_json(self.body, self.status, headers)


def bc(fv: int, code: str, info: str, **data: object) -> dict[str, Any]:
    """An errorformat=bc error document (fv1 puts the docref under ``*``)."""
    error = {"code": code, "info": info, **data, ("*" if fv == 1 else "docref"): DOCREF}
    return {"error": error, "servedby": SERVEDBY}


def errs(fv: int, *items: dict[str, Any]) -> dict[str, Any]:
    """An ``errors[]`` document of any other errorformat."""
    return {"errors": list(items), ("*" if fv == 1 else "docref"): DOCREF, "servedby": SERVEDBY}


def api(body: dict[str, Any], cls: type[APIError], *errors: ErrorDetail, **kw: Any) -> Case:
    """An error row whose document carries the usual docref and servedby."""
    kw.setdefault("docref", DOCREF)
    kw.setdefault("servedby", SERVEDBY)
    return Case(body, cls, errors, **kw)


def warned(body: dict[str, Any], *found: Warned, **kw: Any) -> Case:
    return Case(body, warned=found, **kw)


def decode_error(body: bytes | object, cls: type[MWTypedError], **kw: Any) -> Case:
    status = kw.pop("status", 200)
    content_type = kw.pop("content_type", "application/json; charset=utf-8")
    sent = body if isinstance(body, bytes) else json.dumps(body).encode()
    expect = {"status_code": status, "content_type": content_type, "body_prefix": sent[:500]}
    return Case(body, cls, status=status, content_type=content_type, expect=expect, **kw)


D = ErrorDetail
POST: dict[str, Any] = {"method": "POST", "params": EDIT_PARAMS}
# A POST of a read module: its lost or garbled answers surface as they are (a write's would
# become WriteOutcomeUnknownError, tested in test_retry.py).
POST_READ: dict[str, Any] = {"method": "POST", "params": {"action": "query", "meta": "siteinfo"}}

# fmt: off
CASES = [
    # errorformat x formatversion, one unknown code (-> exactly APIError)
    pytest.param(api(bc(1, "badvalue", BADVALUE), APIError, D("badvalue", BADVALUE)), id="bc-fv1"),
    pytest.param(api(bc(2, "badvalue", BADVALUE), APIError, D("badvalue", BADVALUE)), id="bc-fv2"),
    pytest.param(
        api(errs(2, {"code": "badvalue", "text": BADVALUE, "module": "main"}), APIError,
            D("badvalue", BADVALUE, "main")), id="plaintext-fv2"),
    pytest.param(
        api(errs(1, {"code": "badvalue", "module": "main", "*": BADVALUE}), APIError,
            D("badvalue", BADVALUE, "main")), id="plaintext-fv1"),
    pytest.param(
        api(errs(2, {"code": "badvalue", "text": BADVALUE_WIKI, "module": "main"}), APIError,
            D("badvalue", BADVALUE_WIKI, "main")), id="wikitext-fv2"),
    pytest.param(
        api(errs(1, {"code": "badvalue", "*": BADVALUE_WIKI, "module": "main"}), APIError,
            D("badvalue", BADVALUE_WIKI, "main")), id="wikitext-fv1"),
    pytest.param(
        api(errs(2, {"code": "badvalue", "html": BADVALUE_WIKI, "module": "main"}), APIError,
            D("badvalue", BADVALUE_WIKI, "main")), id="html-fv2"),
    pytest.param(
        api(errs(1, {"code": "badvalue", "*": BADVALUE_WIKI, "module": "main"}), APIError,
            D("badvalue", BADVALUE_WIKI, "main")), id="html-fv1"),
    pytest.param(
        api(errs(2, {"code": "badvalue", "key": "paramvalidator-badvalue-enumnotmulti",
                     "params": [{"plaintext": "action"}, {"plaintext": "nosuchaction"}],
                     "module": "main"}), APIError,
            D("badvalue", None, "main", {}, "paramvalidator-badvalue-enumnotmulti",
              ({"plaintext": "action"}, {"plaintext": "nosuchaction"}))), id="raw-fv2"),
    pytest.param(
        api(errs(1, {"code": "badvalue", "key": "apierror-nosuchaction", "params": ["x"],
                     "module": "main"}), APIError,
            D("badvalue", None, "main", {}, "apierror-nosuchaction", ("x",))), id="raw-fv1"),
    pytest.param(
        api(errs(2, {"code": "badvalue", "module": "main"}), APIError,
            D("badvalue", None, "main"), message_has="badvalue"), id="none-fv2"),
    pytest.param(
        api(errs(1, {"code": "badvalue", "module": "main"}), APIError,
            D("badvalue", None, "main")), id="none-fv1"),
    pytest.param(
        api(bc(2, "multisource", "Cannot use titles with pageids."), APIError,
            D("multisource", "Cannot use titles with pageids.")), id="unknown-code"),
    # codes with their own class (maxlag/readonly/ratelimited are retried, then raised)
    pytest.param(
        api(bc(2, "maxlag", LAGGED, **LAG_DATA), mwtyped.MaxLagError,
            D("maxlag", LAGGED, None, LAG_DATA),
            headers={"Retry-After": "5", "X-Database-Lag": "-1"},
            expect={"lag": -1.0, "retry_after": "5"}), id="maxlag-bc-fv2"),
    pytest.param(
        api(bc(1, "maxlag", LAGGED, **LAG_DATA), mwtyped.MaxLagError,
            D("maxlag", LAGGED, None, LAG_DATA), headers={"Retry-After": "5"},
            expect={"lag": -1.0}), id="maxlag-bc-fv1"),
    pytest.param(
        api(errs(2, {"code": "maxlag", "text": LAGGED, "data": LAG_DATA, "module": "main"}),
            mwtyped.MaxLagError, D("maxlag", LAGGED, "main", LAG_DATA),
            headers={"Retry-After": "5"}, expect={"lag": -1.0}), id="maxlag-plaintext"),
    pytest.param(
        api(bc(2, "readonly", READONLY, readonlyreason="Upgrade"), mwtyped.ReadOnlyError,
            D("readonly", READONLY, None, {"readonlyreason": "Upgrade"}),
            expect={"reason": "Upgrade"}), id="readonly-bc"),
    pytest.param(
        api(errs(1, {"code": "readonly", "*": READONLY, "data": {"readonlyreason": "Upgrade"},
                     "module": "main"}), mwtyped.ReadOnlyError,
            D("readonly", READONLY, "main", {"readonlyreason": "Upgrade"}),
            expect={"reason": "Upgrade"}), id="readonly-plaintext-fv1"),
    pytest.param(
        api(errs(2, {"code": "ratelimited", "text": RATELIMITED, "module": "edit"}),
            mwtyped.RateLimitedError, D("ratelimited", RATELIMITED, "edit"), **POST),
        id="ratelimited"),
    pytest.param(
        api(bc(2, "badtoken", "Invalid CSRF token."), mwtyped.BadTokenError,
            D("badtoken", "Invalid CSRF token."), **POST), id="badtoken-fv2"),
    pytest.param(
        api(bc(1, "badtoken", "Invalid CSRF token."), mwtyped.BadTokenError,
            D("badtoken", "Invalid CSRF token."), **POST), id="badtoken-fv1"),
    pytest.param(
        api(errs(2, {"code": "assertuserfailed", "text": "You are no longer logged in.",
                     "module": "main"}), mwtyped.AssertFailedError,
            D("assertuserfailed", "You are no longer logged in.", "main"), **POST),
        id="assertuserfailed"),
    pytest.param(
        api(bc(1, "assertbotfailed", 'You do not have the "bot" right.'),
            mwtyped.AssertFailedError, D("assertbotfailed", 'You do not have the "bot" right.'),
            **POST), id="assertbotfailed"),
    pytest.param(
        api(errs(2, {"code": "assertnameduserfailed", "html": "Not &quot;Someone&quot;.",
                     "module": "main"}), mwtyped.AssertFailedError,
            D("assertnameduserfailed", "Not &quot;Someone&quot;.", "main"), **POST),
        id="assertnameduserfailed"),
    pytest.param(
        api(bc(2, "permissiondenied", DENIED), mwtyped.PermissionDeniedError,
            D("permissiondenied", DENIED), **POST), id="permissiondenied"),
    pytest.param(
        api(errs(2, {"code": "editconflict", "text": "Edit conflict.", "module": "edit"}),
            mwtyped.EditConflictError, D("editconflict", "Edit conflict.", "edit"), **POST),
        id="editconflict"),
    pytest.param(
        api(bc(1, "missingtitle", "The page you specified doesn't exist."),
            mwtyped.MissingTitleError, D("missingtitle", "The page you specified doesn't exist."),
            **POST), id="missingtitle"),
    pytest.param(
        api(errs(2, {"code": "articleexists", "text": "The article exists.", "module": "edit"}),
            mwtyped.ArticleExistsError, D("articleexists", "The article exists.", "edit"),
            **POST), id="articleexists"),
    pytest.param(
        api(bc(2, "toomanyvalues", TOOMANY, **LIMITS), mwtyped.TooManyValuesError,
            D("toomanyvalues", TOOMANY, None, LIMITS)), id="toomanyvalues-bc"),
    pytest.param(
        api(errs(2, {"code": "toomanyvalues", "text": TOOMANY, "data": LIMITS,
                     "module": "query"}), mwtyped.TooManyValuesError,
            D("toomanyvalues", TOOMANY, "query", LIMITS)), id="toomanyvalues-plaintext"),
    # several errors: the first picks the class, all are kept
    pytest.param(
        api(errs(2, {"code": "missingtitle", "text": "No page.", "module": "edit"},
                 {"code": "permissiondenied", "text": "No right.", "module": "edit"},
                 {"code": "badvalue", "module": "main"}), mwtyped.MissingTitleError,
            D("missingtitle", "No page.", "edit"), D("permissiondenied", "No right.", "edit"),
            D("badvalue", None, "main"), message_has="+2 more", **POST), id="several-errors"),
    pytest.param(
        api(errs(2, {"code": "badvalue", "text": BADVALUE, "module": "main"},
                 {"code": "maxlag", "text": LAGGED, "data": LAG_DATA, "module": "main"}),
            APIError, D("badvalue", BADVALUE, "main"), D("maxlag", LAGGED, "main", LAG_DATA)),
        id="several-errors-first-unknown"),
    # an API error at HTTP 500 is still the API error
    pytest.param(
        api(bc(2, "internal_api_error_Error", "[Zx1] Exception caught: boom", errorclass="Error"),
            APIError, D("internal_api_error_Error", "[Zx1] Exception caught: boom", None,
                        {"errorclass": "Error"}), status=500), id="api-error-at-500"),
    pytest.param(
        api(bc(2, "permissiondenied", DENIED), mwtyped.PermissionDeniedError,
            D("permissiondenied", DENIED), status=500), id="permissiondenied-at-500"),
    # malformed error documents
    pytest.param(Case({"error": "Something broke"}, APIError,
                      (D("unknownerror", "Something broke"),)), id="error-is-a-string"),
    pytest.param(Case({"errors": [1, "x"]}, APIError,
                      (D("unknownerror", "1"), D("unknownerror", "x"))), id="errors-not-objects"),
    pytest.param(Case({"error": {"info": "No code."}}, APIError, (D("unknownerror", "No code."),)),
                 id="error-without-code"),
    pytest.param(Case({"errors": [{"text": "No code.", "data": [1], "params": "p"}]}, APIError,
                      (D("unknownerror", "No code."),)), id="errors-item-without-code"),
    pytest.param(Case({"errors": []}, APIError,
                      (D("unknownerror", "The API reported an error"),)), id="errors-empty"),
    pytest.param(Case({"error": {"code": 7, "info": ["x"]}}, APIError, (D("7"),)),
                 id="error-fields-of-wrong-types"),
    pytest.param(Case({"error": {"code": "maxlag", "info": "lagged", "lag": "soon"}},
                      mwtyped.MaxLagError, (D("maxlag", "lagged", None, {"lag": "soon"}),),
                      expect={"lag": None}), id="maxlag-without-numeric-lag"),
    # warnings: every shape, each one an APIWarning; the document is still returned
    pytest.param(warned({"batchcomplete": "", "warnings": {"main": {"*": UNRECOGNIZED}}},
                        ("main", UNRECOGNIZED, None, {})), id="warning-bc-fv1"),
    pytest.param(warned({"batchcomplete": True, "warnings": {"main": {"warnings": UNRECOGNIZED}},
                         "query": QUERY}, ("main", UNRECOGNIZED, None, {})), id="warning-bc-fv2"),
    pytest.param(
        warned({"warnings": {"main": {"*": f"{UNRECOGNIZED}\nSecond warning."},
                             "query": {"*": 'Unrecognized value for parameter "prop": bogus'}}},
               ("main", UNRECOGNIZED, None, {}), ("main", "Second warning.", None, {}),
               ("query", 'Unrecognized value for parameter "prop": bogus', None, {})),
        id="warning-bc-fv1-newline-joined"),
    pytest.param(
        warned({"warnings": {"query+allpages": {"warnings": f"{OUTOFRANGE}\n{UNRECOGNIZED}"}}},
               ("query+allpages", OUTOFRANGE, None, {}),
               ("query+allpages", UNRECOGNIZED, None, {})), id="warning-bc-fv2-newline-joined"),
    pytest.param(
        warned({"warnings": {"main": {"*": SUBSCRIBE}, "login": {"*": DEPRECATED_LOGIN}},
                "login": {"result": "Success", "lguserid": 1, "lgusername": "Admin"}},
               ("main", SUBSCRIBE, None, {}), ("login", DEPRECATED_LOGIN, None, {}),
               method="POST", params=LOGIN_PARAMS), id="warning-login-deprecated"),
    pytest.param(
        warned({"warnings": [
            {"code": "unrecognizedparams", "text": UNRECOGNIZED, "module": "main"},
            {"code": "outofrange", "text": OUTOFRANGE, "data": RANGE_DATA,
             "module": "query+allpages"}], "query": QUERY},
               ("main", UNRECOGNIZED, "unrecognizedparams", {}),
               ("query+allpages", OUTOFRANGE, "outofrange", RANGE_DATA)),
        id="warning-plaintext-fv2"),
    pytest.param(
        warned({"warnings": [{"code": "unrecognizedparams", "*": UNRECOGNIZED, "module": "main"}]},
               ("main", UNRECOGNIZED, "unrecognizedparams", {})), id="warning-plaintext-fv1"),
    pytest.param(
        warned({"warnings": [{"code": "unrecognizedparams", "html": "<kbd>bogus</kbd>",
                              "module": "main"}]},
               ("main", "<kbd>bogus</kbd>", "unrecognizedparams", {})), id="warning-html"),
    pytest.param(
        warned({"warnings": [{"code": "unrecognizedparams", "key": "apiwarn-unrecognizedparams",
                              "params": [["bogus"], 1], "module": "main"}]},
               ("main", "apiwarn-unrecognizedparams [['bogus'], 1]", "unrecognizedparams", {})),
        id="warning-raw"),
    pytest.param(warned({"warnings": [{"code": "unrecognizedparams", "module": "main"}]},
                        ("main", "", "unrecognizedparams", {})), id="warning-none"),
    pytest.param(warned({"warnings": {"main": "Plain text."}}, ("main", "Plain text.", None, {})),
                 id="warning-module-body-not-object"),
    pytest.param(warned({"warnings": [3, {"text": "No module."}]}, ("unknown", "3", None, {}),
                        ("main", "No module.", None, {})), id="warning-items-malformed"),
    # bodies that are not the JSON object the API sends
    pytest.param(decode_error(HTML_PAGE, ResponseDecodeError,
                              content_type="text/html; charset=UTF-8", message_has="not JSON"),
                 id="html-page-200"),
    pytest.param(decode_error(b'{"batchcomplete":true,"query":{"pa', ResponseDecodeError),
                 id="truncated-json"),
    pytest.param(decode_error([{"code": "x"}], ResponseDecodeError, message_has="not an object"),
                 id="json-list"),
    pytest.param(decode_error("error", ResponseDecodeError), id="json-string"),
    pytest.param(decode_error(None, ResponseDecodeError), id="json-null"),
    pytest.param(decode_error(b"", ResponseDecodeError), id="empty-body"),
    pytest.param(decode_error(b"\x80\xff{}", ResponseDecodeError), id="invalid-utf8"),
    pytest.param(decode_error(b"[" * 100_000 + b"]" * 100_000, ResponseDecodeError),
                 id="deeply-nested-json"),
    pytest.param(decode_error(PROXY_502, HTTPStatusError, status=502, content_type="text/html",
                              message_has="HTTP 502"), id="proxy-502-get"),
    pytest.param(decode_error(PROXY_502, HTTPStatusError, status=502, content_type="text/html",
                              **POST_READ), id="proxy-502-post"),
    pytest.param(decode_error({"batchcomplete": True}, HTTPStatusError, status=500),
                 id="json-without-error-500"),
    pytest.param(decode_error({"message": "Not found"}, HTTPStatusError, status=404),
                 id="json-without-error-404"),
    pytest.param(decode_error(b"Service Unavailable", HTTPStatusError, status=503,
                              content_type="text/plain", headers={"Retry-After": "1"},
                              message_has="HTTP 503"), id="plain-503"),
    pytest.param(
        decode_error(b"<html>Moved Permanently</html>", HTTPStatusError, status=301,
                     content_type="text/html",
                     headers={"Location": "https://www.example.org/w/api.php"},
                     message_has="redirected to https://www.example.org/w/api.php"),
        id="redirect-301"),
]
# fmt: on


@pytest.mark.parametrize("case", CASES)
def test_answer(
    driver: Driver, wiki: FakeWiki, case: Case, caplog: pytest.LogCaptureFixture
) -> None:
    wiki.route = case.answer
    caplog.set_level(logging.WARNING, logger="mwtyped.warnings")
    err: MWTypedError | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.raises is None:
            assert driver.request(case.method, case.params) == case.body
        else:
            with pytest.raises(case.raises) as info:
                driver.request(case.method, case.params)
            err = info.value

    assert wiki.requests
    assert all(issubclass(w.category, mwtyped.APIWarning) for w in caught), caught
    found = [w.message for w in caught if isinstance(w.message, mwtyped.APIWarning)]
    assert [(w.module, w.text, w.code, w.data) for w in found] == list(case.warned)
    for w in caught:  # the warning points at the caller, not at mwtyped or tenacity
        assert Path(w.filename).name in {"test_envelope.py", "fakes.py"}, w.filename
    logged = [r for r in caplog.records if r.name == "mwtyped.warnings"]
    assert len(logged) == len(case.warned)
    for record, (_, text, _, _) in zip(logged, case.warned, strict=True):
        assert record.levelno == logging.WARNING
        assert text in record.getMessage()

    if case.raises is None:
        return
    assert type(err) is case.raises
    assert not isinstance(err, json.JSONDecodeError | KeyError | TypeError | ValueError)
    assert case.message_has in str(err)
    headers: Mapping[str, str] = getattr(err, "headers")  # noqa: B009
    assert "set-cookie" not in headers
    assert all(name == name.lower() for name in headers)
    assert headers["x-request-id"] == "r1"
    for name, value in case.expect.items():
        assert getattr(err, name) == value, name
    if isinstance(err, APIError):
        first = case.errors[0]
        assert err.errors == case.errors
        assert (err.code, err.text, err.info, err.module) == (
            first.code,
            first.text,
            first.text,
            first.module,
        )
        assert err.data == first.data
        assert (err.docref, err.servedby) == (case.docref, case.servedby)
        assert err.status_code == case.status
        assert err.document == case.body
        assert headers.get("mediawiki-api-error") == case.answer().headers.get(
            "MediaWiki-API-Error"
        )


def test_api_warning_filter_error_turns_warnings_into_exceptions(
    driver: Driver, wiki: FakeWiki
) -> None:
    wiki.route = Case({"warnings": {"main": {"warnings": UNRECOGNIZED}}}).answer
    with warnings.catch_warnings():
        warnings.simplefilter("error", mwtyped.APIWarning)
        with pytest.raises(mwtyped.APIWarning) as info:
            driver.get(action="query", bogusparam=1)
    assert (info.value.module, info.value.text) == ("main", UNRECOGNIZED)
    assert len(wiki.requests) == 1


def test_pytest_warns_sees_api_warnings(driver: Driver, wiki: FakeWiki) -> None:
    body = {"warnings": [{"code": "unrecognizedparams", "text": UNRECOGNIZED, "module": "main"}]}
    wiki.route = Case(body).answer
    with pytest.warns(mwtyped.APIWarning, match=r"\[main\] unrecognizedparams: Unrecognized"):
        assert driver.get(action="query", bogusparam=1) == body
