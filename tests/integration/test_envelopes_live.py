"""Error and warning envelopes as the real wiki sends them, in every formatversion and
errorformat, plus maxlag retries and answers that are not the API's (HTML, 404, no server).
"""

from __future__ import annotations

import warnings

import pytest

import mwtyped
from tests.integration.conftest import LiveWiki, closed_port, no_sleep

pytestmark = pytest.mark.integration

FORMATVERSIONS = [1, 2]
ERRORFORMATS = ["bc", "plaintext", "wikitext", "html", "raw", "none"]
# errorformat -> does the error/warning carry its message text?
HAS_TEXT = {"bc": True, "plaintext": True, "wikitext": True, "html": True, "raw": False}
DOCREF_START = "See http://127.0.0.1:"
BADVALUE_TEXT = 'Unrecognized value for parameter "action": nosuchaction.'
TOOMANY_TEXT = 'Too many values supplied for parameter "titles". The limit is 50.'
UNKNOWN_PARAM_TEXT = "Unrecognized parameter: bogusparam."
OUTOFRANGE_TEXT = 'The value "100000" for parameter "aplimit" must be between 1 and 500.'


@pytest.mark.parametrize("errorformat", ERRORFORMATS)
@pytest.mark.parametrize("formatversion", FORMATVERSIONS)
def test_unknown_action_is_badvalue(live: LiveWiki, formatversion: int, errorformat: str) -> None:
    session = live.session("anon", formatversion=formatversion, errorformat=errorformat)

    with pytest.raises(mwtyped.APIError) as caught:
        session.get(action="nosuchaction")

    error = caught.value
    assert type(error) is mwtyped.APIError
    assert error.code == "badvalue"
    assert error.text == (BADVALUE_TEXT if HAS_TEXT.get(errorformat) else None)
    assert error.info == error.text
    assert error.module == (None if errorformat == "bc" else "main")
    assert error.data == {}
    assert error.docref is not None
    assert error.docref.startswith(DOCREF_START)
    assert len(error.errors) == 1
    assert error.errors[0].key == (
        "paramvalidator-badvalue-enumnotmulti" if errorformat == "raw" else None
    )
    if errorformat == "raw":
        assert error.errors[0].params[:2] == (
            {"plaintext": "action"},
            {"plaintext": "nosuchaction"},
        )
    assert error.status_code == 200
    assert error.headers["mediawiki-api-error"] == "badvalue"
    assert ("error" if errorformat == "bc" else "errors") in error.document
    assert str(error) == (f"badvalue: {BADVALUE_TEXT}" if error.text else "badvalue")


@pytest.mark.parametrize("errorformat", ERRORFORMATS)
@pytest.mark.parametrize("formatversion", FORMATVERSIONS)
def test_sixty_titles_are_too_many_values(
    live: LiveWiki, formatversion: int, errorformat: str
) -> None:
    session = live.session("anon", formatversion=formatversion, errorformat=errorformat)

    with pytest.raises(mwtyped.TooManyValuesError) as caught:
        session.get(action="query", titles=[f"Title {n}" for n in range(60)])

    error = caught.value
    assert error.code == "toomanyvalues"
    assert error.text == (TOOMANY_TEXT if HAS_TEXT.get(errorformat) else None)
    assert error.module == (None if errorformat == "bc" else "query")
    assert error.data == {"limit": 50, "lowlimit": 50, "highlimit": 500}
    assert error.docref is not None
    assert error.docref.startswith(DOCREF_START)
    assert error.errors[0].key == ("paramvalidator-toomanyvalues" if errorformat == "raw" else None)
    assert error.headers["mediawiki-api-error"] == "toomanyvalues"


@pytest.mark.parametrize("errorformat", ERRORFORMATS)
@pytest.mark.parametrize("formatversion", FORMATVERSIONS)
def test_warnings_of_every_shape_become_api_warnings(
    live: LiveWiki, formatversion: int, errorformat: str
) -> None:
    session = live.session("anon", formatversion=formatversion, errorformat=errorformat)

    with pytest.warns(mwtyped.APIWarning) as record:
        answer = session.get(
            action="query",
            list="allpages",
            apprefix="Mwtyped no such page",
            aplimit=100000,
            bogusparam=1,
        )

    assert answer["query"]["allpages"] == []  # the answer still arrives
    found = [w.message for w in record]
    assert all(isinstance(w, mwtyped.APIWarning) for w in found)
    by_module = {w.module: w for w in found if isinstance(w, mwtyped.APIWarning)}
    assert len(found) == 2
    if errorformat == "bc":
        assert set(by_module) == {"main", "allpages"}
        main, limit = by_module["main"], by_module["allpages"]
        assert (main.code, main.data, main.text) == (None, {}, UNKNOWN_PARAM_TEXT)
        assert (limit.code, limit.data, limit.text) == (None, {}, OUTOFRANGE_TEXT)
        return
    assert set(by_module) == {"main", "query+allpages"}
    main, limit = by_module["main"], by_module["query+allpages"]
    assert (main.code, main.data) == ("unrecognizedparams", {})
    assert limit.code == "outofrange"
    assert limit.data == {"min": 1, "curmax": 500, "max": 500, "highmax": 5000}
    if errorformat == "raw":  # only a message key and its parameters
        assert main.text.startswith("apierror-unrecognizedparams")
        assert limit.text.startswith("paramvalidator-outofrange-minmax")
    elif errorformat == "none":  # no message at all
        assert (main.text, limit.text) == ("", "")
    else:
        assert (main.text, limit.text) == (UNKNOWN_PARAM_TEXT, OUTOFRANGE_TEXT)


def test_warnings_can_be_made_fatal(live: LiveWiki) -> None:
    session = live.session("anon")

    with warnings.catch_warnings():
        warnings.simplefilter("error", mwtyped.APIWarning)
        with pytest.raises(mwtyped.APIWarning) as caught:
            session.get(action="query", meta="siteinfo", bogusparam=1)

    assert (caught.value.module, caught.value.code) == ("main", "unrecognizedparams")


def test_maxlag_is_resent_with_retry_after_then_raised(live: LiveWiki) -> None:
    policy = mwtyped.RetryPolicy(max_retries=2, jitter=0)
    session = live.session("anon", retry=policy)
    clock = no_sleep(session)
    log = session.record_requests()

    with pytest.raises(mwtyped.MaxLagError) as caught:
        session.get(action="query", meta="siteinfo", maxlag=-2)

    error = caught.value
    assert len(log) == 3
    assert [r.params["maxlag"] for r in log.requests] == ["-2", "-2", "-2"]
    assert len({r.url for r in log.requests}) == 1  # resent unchanged
    assert clock.sleeps == [5.0, 5.0]  # Retry-After: 5
    assert error.retries == 2
    assert error.code == "maxlag"
    assert error.lag == -1.0
    assert error.retry_after == "5"
    assert error.headers["x-database-lag"] == "-1"
    assert error.data == {"host": "", "lag": -1, "type": "db"}


def test_maxlag_without_retries_raises_at_once(live: LiveWiki) -> None:
    session = live.session("anon", retry=0)
    log = session.record_requests()

    with pytest.raises(mwtyped.MaxLagError) as caught:
        session.get(action="query", meta="siteinfo", maxlag=-2)

    assert (len(log), caught.value.retries) == (1, 0)


def test_html_answer_is_a_response_decode_error(live: LiveWiki) -> None:
    session = live.session("anon", api_path="/index.php", retry=0)

    with pytest.raises(mwtyped.ResponseDecodeError) as caught:
        session.get(action="view", title="Main Page")

    error = caught.value
    assert error.status_code == 200
    assert error.content_type is not None
    assert error.content_type.startswith("text/html")
    assert error.body_prefix.lstrip().lower().startswith(b"<!doctype html>")
    assert "not JSON" in str(error)


def test_missing_script_is_http_404(live: LiveWiki) -> None:
    session = live.session("anon", api_path="/nope.php", retry=0)
    log = session.record_requests()

    with pytest.raises(mwtyped.HTTPStatusError) as caught:
        session.get(action="query", meta="siteinfo")

    error = caught.value
    assert error.status_code == 404
    assert error.method == "GET"
    assert error.url.endswith("/nope.php")
    assert error.content_type is not None
    assert error.content_type.startswith("text/html")
    assert b"404 Not Found" in error.body_prefix
    assert len(log) == 1


def test_closed_port_is_a_connect_error_never_sent(live: LiveWiki) -> None:
    port = closed_port()
    session = live.session("anon", host=f"http://127.0.0.1:{port}", retry=0)

    with pytest.raises(mwtyped.ConnectError) as caught:
        session.get(action="query", meta="siteinfo")

    error = caught.value
    assert error.request_sent is False
    assert error.method == "GET"
    assert error.url == f"http://127.0.0.1:{port}/api.php"
    assert isinstance(error, mwtyped.TransportError)
