"""The ``mwtyped`` command line, in-process, against a fake api.php (``httpx.MockTransport``).

``main(argv, _transport=...)`` runs exactly what the console script runs, with the network
replaced; ``sys.stdout``/``sys.stderr`` are swapped for terminals (``isatty() -> True``) where
the output format depends on it.
"""

from __future__ import annotations

import importlib
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

import mwtyped._base
from mwtyped.cli import main
from mwtyped.cli._arguments import ParamValue, UsageError, parse_key_values, parse_request_arguments
from mwtyped.cli._failures import ExitCode, describe_failure
from mwtyped.cli._http_log import mask_params, mask_url
from mwtyped.cli._typecheck import ParamsInvalid, checked_params, params_class
from mwtyped.errors import ErrorDetail, MaxLagError
from tests.unit.fakes import FakeClocks, FakeWiki, JSONObject, Recorded, api_json, raw_answer

HOST = "https://wiki.example.org"
BOT_USER = "Admin@clibot"
BOT_PASSWORD = "clibot0123456789abcdefghijklmnopq"
CSRF = "csrf-secret-4711+\\"
LOGIN_TOKEN = "login-secret-0815+\\"
BEARER = "oauth-secret-bearer-token"


class Terminal(io.StringIO):
    """A captured stream that claims to be a terminal."""

    def isatty(self) -> bool:
        return True


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    requests: list[Recorded]

    def params(self, index: int = -1) -> dict[str, str]:
        return self.requests[index].params


@dataclass
class FakeApi:
    """A small api.php: tokens, bot login, clientlogin, edit, allpages in pages of two,
    siteinfo; ``errors`` maps an action to the error document it answers with."""

    titles: list[str] = field(default_factory=lambda: [f"Page {n}" for n in range(5)])
    errors: dict[str, JSONObject] = field(default_factory=dict)
    clientlogin: JSONObject = field(default_factory=lambda: {"status": "PASS", "username": "U"})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(_recorded(request).params)
        action = params.get("action", "")
        if action in self.errors:
            return api_json(self.errors[action])
        if action == "query" and params.get("meta") == "tokens":
            kind = params.get("type", "csrf")
            value = CSRF if kind == "csrf" else LOGIN_TOKEN
            return api_json({"batchcomplete": True, "query": {"tokens": {f"{kind}token": value}}})
        if action == "login":
            if params.get("lgpassword") == BOT_PASSWORD:
                return api_json({"login": {"result": "Success", "lgusername": "Admin"}})
            return api_json({"login": {"result": "Failed", "reason": "Incorrect password."}})
        if action == "clientlogin":
            return api_json({"clientlogin": self.clientlogin})
        if action == "edit":
            return api_json({"edit": {"result": "Success", "title": params.get("title")}})
        if action == "query" and params.get("list") == "allpages":
            start = int(params.get("apcontinue", "0"))
            document: JSONObject = {
                "batchcomplete": True,
                "query": {"allpages": [{"title": t} for t in self.titles[start : start + 2]]},
            }
            if start + 2 < len(self.titles):
                document["continue"] = {"apcontinue": str(start + 2), "continue": "-||"}
            return api_json(document)
        return api_json({"batchcomplete": True, "query": {"general": {"sitename": "Fake"}}})


def _recorded(request: httpx.Request) -> Recorded:
    from urllib.parse import parse_qsl, urlsplit

    query = parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True)
    return Recorded(request.method, str(request.url), query, request.read(), request.headers)


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def run(
    wiki: FakeWiki,
    api: FakeApi,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., Outcome]:
    """``run("get", "action=query", ..., tty=False)``: main() on the fake api.php; retry
    waits go to a fake clock."""
    wiki.route = api
    monkeypatch.setattr(mwtyped._base, "SYSTEM_CLOCKS", FakeClocks().clocks())
    monkeypatch.delenv("MWTYPED_PASSWORD", raising=False)

    def run_main(*words: str, tty: bool = False, host: str = HOST, prompt: Any = None) -> Outcome:
        before = len(wiki.requests)
        argv = [words[0], "--host", host, *words[1:]] if words[0] in ("get", "post") else words
        transport = httpx.MockTransport(wiki)
        if not tty:
            code = main(list(argv), _transport=transport, _prompt=prompt)
            out, err = capsys.readouterr()
            return Outcome(code, out, err, wiki.requests[before:])
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = terminal_out, terminal_err = Terminal(), Terminal()
        try:
            code = main(list(argv), _transport=transport, _prompt=prompt)
        finally:
            sys.stdout, sys.stderr = saved
        return Outcome(
            code, terminal_out.getvalue(), terminal_err.getvalue(), wiki.requests[before:]
        )

    return run_main


# -- KEY=VALUE and options -----------------------------------------------------------------


def test_key_values_keep_order_pipes_and_collect_repeated_keys() -> None:
    words = ["action=query", "titles=A|B", "titles=C", "text=x=y", "empty="]
    assert parse_key_values(words) == {
        "action": "query",
        "titles": ["A|B", "C"],
        "text": "x=y",
        "empty": "",
    }


@pytest.mark.parametrize("word", ["noequals", "=value", " key=v", "two words=v"])
def test_a_word_that_is_not_key_value_is_a_usage_error(word: str) -> None:
    with pytest.raises(UsageError, match="is not KEY=VALUE"):
        parse_key_values([word])


def test_options_may_follow_the_parameters() -> None:
    options = parse_request_arguments(
        "post", ["action=edit", "--host", HOST, "title=A", "--maxlag", "5", "--continue"]
    )
    assert options.method == "POST"
    assert options.host == HOST
    assert options.api_path == "/w/api.php"
    assert options.params == {"action": "edit", "title": "A"}
    assert options.maxlag == 5
    assert options.follow_continuation
    assert options.password_env == "MWTYPED_PASSWORD"
    assert "mwtyped" in options.user_agent


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["action=query"], "--host"),
        (["--host", HOST], "KEY=VALUE"),
        (["--host", HOST, "--retries", "-1", "a=b"], "--retries"),
        (["--host", HOST, "--timeout", "0", "a=b"], "--timeout"),
        (["--host", HOST, "--limit", "3", "a=b"], "--limit needs --continue"),
        (["--host", HOST, "--user", "U", "--oauth-token-env", "T", "a=b"], "not allowed"),
        (["--host", HOST, "--formatversion", "3", "a=b"], "--formatversion"),
        (["--host", HOST, "--items", "query..x", "a=b"], "dotted path"),
    ],
)
def test_bad_options_are_usage_errors(words: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace(".", r"\.")):
        parse_request_arguments("get", words)


@pytest.mark.parametrize("argv", [[], ["bogus"], ["get", "--host", HOST, "nokv"], ["get"]])
def test_usage_errors_exit_2_with_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == ExitCode.USAGE
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("mwtyped: error: usage: ")
    assert "Traceback" not in err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "testwiki" in capsys.readouterr().out
    assert main(["get", "--help"]) == 0
    assert "--continue" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("mwtyped ")


# -- typed validation ----------------------------------------------------------------------


def test_module_paths_find_their_generated_classes() -> None:
    assert params_class("query+allpages").__name__ == "AllpagesParams"  # type: ignore[union-attr]
    assert params_class("import").__name__ == "ImportParams"  # type: ignore[union-attr]
    assert params_class("nosuchmodule") is None


def test_a_bad_value_is_rejected_with_pydantics_message() -> None:
    with pytest.raises(ParamsInvalid) as caught:
        checked_params("GET", {"action": "query", "list": "allpages", "aplimit": "lots"})
    assert str(caught.value).startswith("query+allpages: aplimit='lots': Input should be")
    assert caught.value.hint == "see action=help modules=query+allpages"


def test_an_unknown_name_is_rejected_with_a_suggestion() -> None:
    with pytest.raises(
        ParamsInvalid, match=r"Extra inputs are not permitted.*did you mean aplimit"
    ):
        checked_params("GET", {"action": "query", "list": "allpages", "aplimt": "5"})


def test_multi_values_are_checked_one_by_one_and_sent_as_typed() -> None:
    params: dict[str, ParamValue] = {
        "action": "query",
        "prop": "revisions|info",
        "titles": ["A|B", "C"],
        "rvprop": "ids|content",
    }
    assert checked_params("GET", params) == {**params, "titles": ["A", "B", "C"]}
    with pytest.raises(ParamsInvalid, match=r"query\+revisions: rvprop=.*\[1\] Input should be"):
        checked_params("GET", {**params, "rvprop": "ids|bogus"})


def test_generator_parameters_carry_the_g_prefix() -> None:
    params = {"action": "query", "generator": "allpages", "gaplimit": "max", "gapprefix": "A"}
    assert checked_params("GET", params) == params
    with pytest.raises(ParamsInvalid, match="query\\+allpages: aplimit='0'"):
        checked_params("GET", {**params, "gaplimit": "0"})


def test_repeated_keys_send_every_value_joined(run: Callable[..., Outcome]) -> None:
    result = run(
        "get", "action=query", "list=extension", "titles=A|B", "titles=C", "ext=1", "ext=2|3"
    )
    assert result.params()["titles"] == "A|B|C"
    assert result.params()["ext"] == "1|2|3"  # an extension's parameter: joined the same
    unit = run("get", "action=query", "titles=\x1fA|B\x1fC", "titles=D")
    assert unit.params()["titles"] == "\x1fA|B\x1fC\x1fD"


def test_booleans_are_sent_as_presence_or_left_out() -> None:
    sent = checked_params(
        "GET", {"action": "query", "titles": "A", "redirects": "", "indexpageids": "0"}
    )
    assert sent == {"action": "query", "titles": "A", "redirects": ""}


def test_a_single_value_parameter_given_twice_is_rejected() -> None:
    with pytest.raises(ParamsInvalid, match="aplimit is given 2 times"):
        checked_params("GET", {"action": "query", "list": "allpages", "aplimit": ["1", "2"]})


def test_unknown_modules_are_sent_untyped() -> None:
    extension = {"action": "query", "list": "extensionlist", "exfoo": "1", "titles": "A"}
    assert checked_params("GET", extension) == extension
    action = {"action": "wbgetentities", "ids": "Q1|Q2"}
    assert checked_params("GET", action) == action


def test_a_post_only_module_sent_with_get_is_a_usage_error() -> None:
    with pytest.raises(ParamsInvalid, match="only takes POST") as caught:
        checked_params("GET", {"action": "edit", "title": "A", "text": "x"})
    assert caught.value.hint == "send it with 'mwtyped post'"


def test_invalid_parameters_exit_2_before_anything_is_sent(run: Callable[..., Outcome]) -> None:
    result = run("get", "action=query", "list=allpages", "aplimit=lots")
    assert result.code == ExitCode.USAGE
    assert result.requests == []
    assert result.err.startswith("mwtyped: error: invalid parameters: query+allpages: aplimit=")
    assert result.err.count("\n") == 1


# -- output --------------------------------------------------------------------------------


def test_one_answer_is_one_line_on_a_pipe(run: Callable[..., Outcome]) -> None:
    result = run("get", "action=query", "meta=siteinfo")
    assert result.code == 0
    assert result.out.count("\n") == 1
    assert json.loads(result.out)["query"]["general"]["sitename"] == "Fake"
    assert result.err == ""
    assert result.params()["meta"] == "siteinfo"


def test_one_answer_is_indented_on_a_terminal(run: Callable[..., Outcome]) -> None:
    result = run("get", "action=query", "meta=siteinfo", tty=True)
    assert result.code == 0
    assert result.out.startswith('{\n  "batchcomplete": true,\n  "query": {')
    assert json.loads(result.out)["query"]["general"]["sitename"] == "Fake"


def test_continue_prints_one_document_per_line(run: Callable[..., Outcome]) -> None:
    result = run("get", "--continue", "action=query", "list=allpages", "aplimit=2")
    documents = [json.loads(line) for line in result.out.splitlines()]
    assert [len(d["query"]["allpages"]) for d in documents] == [2, 2, 1]
    assert [r.params.get("apcontinue") for r in result.requests] == [None, "2", "4"]


def test_items_prints_one_item_per_line_and_limit_stops_sending(
    run: Callable[..., Outcome],
) -> None:
    every = run("get", "--continue", "--items", "query.allpages", "action=query", "list=allpages")
    assert [json.loads(line)["title"] for line in every.out.splitlines()] == [
        f"Page {n}" for n in range(5)
    ]
    limited = run(
        "get", "--continue", "--items", "query.allpages", "--limit", "3", "action=query",
        "list=allpages",
    )  # fmt: skip
    assert len(limited.out.splitlines()) == 3
    assert len(limited.requests) == 2  # the third answer is never asked for


def test_items_of_query_pages_are_merged_across_answers(
    run: Callable[..., Outcome], wiki: FakeWiki
) -> None:
    first = {"continue": {"clcontinue": "1|B", "continue": "||"}, "query": {"pages": [
        {"pageid": 1, "title": "A", "categories": [{"title": "Category:A"}]}]}}  # fmt: skip
    last = {"batchcomplete": True, "query": {"pages": [
        {"pageid": 1, "title": "A", "categories": [{"title": "Category:B"}]}]}}  # fmt: skip
    wiki.queue(api_json(first), api_json(last))
    result = run(
        "get", "--continue", "--items", "query.pages", "action=query", "titles=A",
        "prop=categories", "cllimit=1",
    )  # fmt: skip
    pages = [json.loads(line) for line in result.out.splitlines()]
    assert pages == [
        {
            "pageid": 1,
            "title": "A",
            "categories": [{"title": "Category:A"}, {"title": "Category:B"}],
        }
    ]


def test_a_path_no_answer_has_is_warned_about(run: Callable[..., Outcome]) -> None:
    result = run("get", "--items", "query.nothing", "action=query", "meta=siteinfo")
    assert result.code == 0
    assert result.out == ""
    assert result.err.startswith("mwtyped: warning: no answer had query.nothing")


def test_progress_line_only_on_a_terminal(run: Callable[..., Outcome]) -> None:
    words = ("get", "--continue", "--items", "query.allpages", "action=query", "list=allpages")
    on_terminal = run(*words, tty=True)
    assert re.search(r"\rmwtyped: 3 requests, [45] items, 0 retries, \d+\.\d s", on_terminal.err)
    assert on_terminal.err.endswith("\r")  # cleared: spaces over it, cursor back
    assert on_terminal.err.rstrip("\r ").count("\n") == 0
    assert len(on_terminal.out.splitlines()) == 5  # items stay one per line on a terminal
    on_pipe = run(*words)
    assert on_pipe.err == ""


def test_progress_counts_retries(run: Callable[..., Outcome], wiki: FakeWiki) -> None:
    lagged = {"error": {"code": "maxlag", "info": "lagged", "lag": 1}}
    wiki.queue(api_json(lagged, headers={"Retry-After": "0"}))
    result = run("get", "--retries", "2", "action=query", "meta=siteinfo", tty=True)
    assert result.code == 0
    assert re.search(r"\rmwtyped: 2 requests, [01] documents, 1 retries", result.err)


# -- login and options sent ----------------------------------------------------------------


def test_bot_login_from_the_environment_then_a_write(
    run: Callable[..., Outcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_SECRET", BOT_PASSWORD)
    result = run(
        "post", "--user", BOT_USER, "--password-env", "BOT_SECRET", "action=edit", "title=A",
        "text=x",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert json.loads(result.out)["edit"]["result"] == "Success"
    login = next(r.params for r in result.requests if r.params.get("action") == "login")
    assert login["lgname"] == BOT_USER
    edit = result.params()
    assert edit["token"] == CSRF
    assert edit["assert"] == "user"  # assert_on_write after login


def test_the_password_is_asked_for_on_a_terminal(
    run: Callable[..., Outcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return BOT_PASSWORD

    monkeypatch.setattr(sys, "stdin", Terminal())
    result = run("get", "--user", BOT_USER, "action=query", "meta=siteinfo", prompt=prompt)
    assert result.code == 0, result.err
    assert asked == [f"Password for {BOT_USER} on {HOST}: "]


def test_no_password_and_no_terminal_is_a_usage_error(run: Callable[..., Outcome]) -> None:
    result = run("get", "--user", BOT_USER, "action=query", "meta=siteinfo")
    assert result.code == ExitCode.USAGE
    assert "$MWTYPED_PASSWORD is not set" in result.err
    assert result.requests == []


def test_oauth_token_assert_user_and_maxlag_go_with_the_request(
    run: Callable[..., Outcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTH", BEARER)
    result = run(
        "get", "--oauth-token-env", "OAUTH", "--assert-user", "--maxlag", "5",
        "--user-agent", "CliTest/1 (me@example.org)", "action=query", "meta=userinfo",
    )  # fmt: skip
    assert result.code == 0, result.err
    sent = result.requests[-1]
    assert sent.headers["authorization"] == f"Bearer {BEARER}"
    assert sent.headers["user-agent"] == "CliTest/1 (me@example.org)"
    assert sent.params["assert"] == "user"
    assert sent.params["maxlag"] == "5"


# -- failures and exit codes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected_line"),
    [
        ("maxlag", "maxlag: Waiting. — the wiki is lagged; retry later or raise --retries"),
        ("badtoken", "badtoken: Waiting. — the wiki refused the token twice"),
        ("permissiondenied", "permissiondenied: Waiting. — log in with --user as an account"),
        ("assertuserfailed", "assertuserfailed: Waiting. — the request is not logged in"),
        ("readonly", "readonly: Waiting. — the wiki is read-only"),
        ("ratelimited", "ratelimited: Waiting. — you hit the wiki's rate limit"),
        ("someextensioncode", "someextensioncode: Waiting.\n"),
    ],
)
def test_api_errors_exit_3_with_code_text_and_advice(
    run: Callable[..., Outcome], api: FakeApi, code: str, expected_line: str
) -> None:
    api.errors["purge"] = {"errors": [{"code": code, "text": "Waiting.", "module": "main"}]}
    result = run("post", "--retries", "0", "action=purge", "titles=A")
    assert result.code == ExitCode.API_ERROR
    assert result.err.startswith(f"mwtyped: error: {expected_line}")
    assert result.err.count("\n") == 1


def test_wrong_password_exits_4(
    run: Callable[..., Outcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MWTYPED_PASSWORD", "not-the-password")
    result = run("get", "--user", BOT_USER, "action=query", "meta=siteinfo")
    assert result.code == ExitCode.LOGIN_FAILED
    assert result.err.startswith("mwtyped: error: login failed: Failed: Incorrect password.")
    assert "not-the-password" not in result.err


def test_a_login_needing_a_browser_step_exits_4(
    run: Callable[..., Outcome], api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.clientlogin = {"status": "UI", "message": "Enter the 2FA code.", "requests": []}
    monkeypatch.setenv("MWTYPED_PASSWORD", "main-account-password")
    result = run("get", "--user", "Someone", "action=query", "meta=siteinfo")
    assert result.code == ExitCode.LOGIN_FAILED
    assert "login needs another step: Enter the 2FA code." in result.err
    assert "browser, two-factor or captcha step is needed" in result.err


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.ConnectError("refused"), "connection failed: ConnectError: refused"),
        (httpx.ReadTimeout("slow"), "timeout: ReadTimeout: slow"),
        (raw_answer(b"<html>bad gateway</html>", status=502), "HTTP 502: GET "),
        (raw_answer(b"<html>not the api</html>"), "not an API answer: "),
    ],
)
def test_network_failures_exit_5(
    run: Callable[..., Outcome], wiki: FakeWiki, answer: Any, expected: str
) -> None:
    wiki.queue(answer)
    result = run("get", "--retries", "0", "action=query", "meta=siteinfo")
    assert result.code == ExitCode.NETWORK
    assert result.err.startswith(f"mwtyped: error: {expected}")
    assert result.err.count("\n") == 1


def test_a_lost_write_answer_says_the_outcome_is_unknown(
    run: Callable[..., Outcome], wiki: FakeWiki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MWTYPED_PASSWORD", BOT_PASSWORD)
    wiki.route = lambda request: (
        raw_answer(b"oops", status=500)
        if _recorded(request).params.get("action") == "edit"
        else FakeApi()(request)
    )
    result = run("post", "--user", BOT_USER, "action=edit", "title=A", "text=x")
    assert result.code == ExitCode.NETWORK
    assert "write outcome unknown" in result.err
    assert "check the wiki before sending it again" in result.err


def test_a_bug_exits_1_and_shows_the_traceback_only_with_debug(
    run: Callable[..., Outcome], wiki: FakeWiki
) -> None:
    wiki.queue(RuntimeError("boom"))
    quiet = run("get", "action=query", "meta=siteinfo")
    assert quiet.code == ExitCode.UNEXPECTED
    assert quiet.err.startswith("mwtyped: error: internal error: RuntimeError: boom")
    assert "Traceback" not in quiet.err
    wiki.queue(RuntimeError("boom"))
    loud = run("get", "--debug", "action=query", "meta=siteinfo")
    assert "Traceback (most recent call last)" in loud.err
    assert loud.err.splitlines()[-1].startswith("mwtyped: error: internal error")


def test_failures_map_to_distinct_exit_codes() -> None:
    lagged = MaxLagError([ErrorDetail("maxlag", "lagged")])
    assert describe_failure(lagged).exit_code == ExitCode.API_ERROR
    assert describe_failure(UsageError("x")).exit_code == ExitCode.USAGE
    assert describe_failure(KeyboardInterrupt()).exit_code == ExitCode.INTERRUPTED
    codes = {ExitCode.USAGE, ExitCode.API_ERROR, ExitCode.LOGIN_FAILED, ExitCode.NETWORK}
    assert [int(c) for c in sorted(codes)] == [2, 3, 4, 5]


# -- --debug and secrets -------------------------------------------------------------------


def test_mask_params_and_urls() -> None:
    assert mask_params("action=login&lgname=A%40b&lgpassword=pw&lgtoken=t%2B") == (
        "action=login&lgname=A%40b&lgpassword=***&lgtoken=***"
    )
    assert mask_url("https://u:p@w.example/api.php?action=x&token=abc&retype=pw") == (
        "https://w.example/api.php?action=x&token=***&retype=***"
    )


def test_debug_logs_every_request_with_secrets_masked(
    run: Callable[..., Outcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MWTYPED_PASSWORD", BOT_PASSWORD)
    result = run("post", "--debug", "--user", BOT_USER, "action=edit", "title=A", "text=x")
    assert result.code == 0, result.err
    lines = result.err.splitlines()
    sent = [line for line in lines if line.startswith("mwtyped: debug: > ")]
    answered = [line for line in lines if line.startswith("mwtyped: debug: < 200 OK")]
    assert len(sent) == len(answered) == len(result.requests) == 4
    assert "lgpassword=***&lgtoken=***" in result.err
    assert "&token=***" in result.err
    for secret in (BOT_PASSWORD, "login-secret", "csrf-secret", "4711"):
        assert secret not in result.err


def test_debug_masks_the_bearer_header(
    run: Callable[..., Outcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTH", BEARER)
    result = run("get", "--debug", "--oauth-token-env", "OAUTH", "action=query", "meta=userinfo")
    assert "[authorization: ***]" in result.err
    assert BEARER not in result.err


# -- delegated commands --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["schema", "testwiki"])
def test_schema_and_testwiki_run_their_modules_main(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []

    def fake_main(argv: list[str] | None = None) -> int:
        seen.append(list(argv or []))
        return 7

    module = importlib.import_module(f"mwtyped.{command}.__main__")
    monkeypatch.setattr(module, "main", fake_main)
    assert main([command, "status", "--port", "1"]) == 7
    assert seen == [["status", "--port", "1"]]


def test_delegated_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--help"]) == 0
    assert "generate" in capsys.readouterr().out
    assert main(["testwiki", "--help"]) == 0
    assert "runjobs" in capsys.readouterr().out
    assert main(["testwiki", "nosuchverb"]) == ExitCode.USAGE


def test_python_dash_m_mwtyped_is_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mwtyped", "get", "--host", HOST, "no-kv"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.startswith("mwtyped: error: usage: 'no-kv' is not KEY=VALUE — write")
    assert done.stderr.count("\n") == 1
    assert done.stdout == ""


class ClosedPipe(io.StringIO):
    """stdout of ``mwtyped ... | head -1`` once head has exited."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_ends_quietly(
    wiki: FakeWiki,
    api: FakeApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wiki.route = api
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    argv = ["get", "--host", HOST, "--continue", "action=query", "list=allpages"]
    assert main(argv, _transport=httpx.MockTransport(wiki)) == ExitCode.OK
    assert capsys.readouterr().err == ""
    assert len(wiki.requests) == 1  # stopped at the first line that could not be written


def test_ctrl_c_exits_130(run: Callable[..., Outcome], wiki: FakeWiki) -> None:
    def interrupted(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    wiki.queue(interrupted)
    result = run("get", "action=query", "meta=siteinfo")
    assert result.code == ExitCode.INTERRUPTED
    assert result.err == "mwtyped: error: interrupted: stopped by Ctrl-C\n"
