"""The installed ``mwtyped`` console script, end to end against the real test wiki.

Every test runs the command in a subprocess, as a shell would: stdout a pipe (so answers are
one JSON line), stdin not a terminal (so no password prompt). The progress line is checked
with stderr on a pseudo terminal.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mwtyped.testwiki import WikiInfo
from tests.integration.conftest import CONT_PREFIX, closed_port

pytestmark = pytest.mark.integration

USER_AGENT = "mwtyped-cli-tests/1 (https://pypi.org/project/mwtyped; test suite)"


def _console_script() -> str:
    beside_python = Path(sys.executable).with_name("mwtyped")
    found = str(beside_python) if beside_python.exists() else shutil.which("mwtyped")
    assert found, "the mwtyped console script is not installed (pip install -e .)"
    return found


@dataclass
class Ran:
    code: int
    out: str
    err: str

    def lines(self) -> list[Any]:
        return [json.loads(line) for line in self.out.splitlines()]


@pytest.fixture
def mwtyped_cli(testwiki: WikiInfo) -> Callable[..., Ran]:
    """``mwtyped_cli("get", "action=query", ..., env={...})``: the console script pointed at
    the test wiki (``--host``/``--api-path``/``--user-agent`` added after the command)."""
    script = _console_script()

    def run(
        *words: str,
        env: dict[str, str] | None = None,
        host: str | None = None,
        command: Sequence[str] = (script,),
    ) -> Ran:
        target = ["--host", host or testwiki.url, "--api-path", testwiki.api_path]
        argv = [*command, words[0], *target, "--user-agent", USER_AGENT, *words[1:]]
        environment = {k: v for k, v in os.environ.items() if k != "MWTYPED_PASSWORD"}
        environment.update(env or {})
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            env=environment,
            timeout=120,
        )
        return Ran(done.returncode, done.stdout, done.stderr)

    return run


def _run_with_terminal_stderr(argv: Sequence[str]) -> tuple[int, bytes, bytes]:
    """Run ``argv`` with stderr on a pseudo terminal; return (exit code, stdout, stderr)."""
    master, slave = os.openpty()
    captured = bytearray()
    with tempfile.TemporaryFile() as stdout:
        try:
            with subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=slave
            ) as process:
                os.close(slave)
                slave = -1
                while True:
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:  # EIO: the child (the only writer) has exited
                        break
                    if not chunk:
                        break
                    captured += chunk
                code = process.wait(timeout=120)
        finally:
            os.close(master)
            if slave >= 0:
                os.close(slave)
        stdout.seek(0)
        return code, stdout.read(), bytes(captured)


def _allpages_titles(mwtyped_cli: Callable[..., Ran]) -> list[str]:
    """Every ``Cont`` page title in one answer (aplimit=max), to compare with."""
    ran = mwtyped_cli("get", "action=query", "list=allpages", "apprefix=Cont", "aplimit=max")
    assert ran.code == 0, ran.err
    answer = ran.lines()[0]
    assert "continue" not in answer
    return [page["title"] for page in answer["query"]["allpages"]]


@pytest.mark.parametrize("how", ["console script", "python -m mwtyped"])
def test_get_siteinfo(mwtyped_cli: Callable[..., Ran], how: str) -> None:
    command = (_console_script(),) if how == "console script" else (sys.executable, "-m", "mwtyped")
    ran = mwtyped_cli("get", "action=query", "meta=siteinfo", "siprop=general", command=command)
    assert ran.code == 0, ran.err
    assert ran.err == ""
    assert ran.out.count("\n") == 1  # stdout is a pipe: one compact line
    general = json.loads(ran.out)["query"]["general"]
    assert general["sitename"] == "TestWiki"
    assert general["generator"].startswith("MediaWiki 1.39")


def test_continue_items_prints_one_line_per_page(
    mwtyped_cli: Callable[..., Ran], cont_pages: list[str]
) -> None:
    expected = _allpages_titles(mwtyped_cli)
    ran = mwtyped_cli(
        "get", "--continue", "--items", "query.allpages", "action=query", "list=allpages",
        f"apprefix={CONT_PREFIX.strip()}", "aplimit=7",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    assert ran.err == ""
    titles = [item["title"] for item in ran.lines()]
    assert titles == expected
    assert set(cont_pages) <= set(titles)
    assert len(titles) == len(set(titles)) >= len(cont_pages)


def test_continue_prints_documents_and_limit_stops(
    mwtyped_cli: Callable[..., Ran], cont_pages: list[str]
) -> None:
    listing = ("action=query", "list=allpages", "apprefix=Cont", "aplimit=50")
    documents = mwtyped_cli("get", "--continue", *listing)
    assert documents.code == 0, documents.err
    pages = [p["title"] for d in documents.lines() for p in d["query"]["allpages"]]
    assert len(documents.lines()) == -(-len(pages) // 50)
    limited = mwtyped_cli(
        "get", "--continue", "--items", "query.allpages", "--limit", "10", *listing
    )
    assert [item["title"] for item in limited.lines()] == pages[:10]


def test_bot_login_and_edit(
    mwtyped_cli: Callable[..., Ran], testwiki: WikiInfo, unique: Callable[[str], str]
) -> None:
    title = unique("CLI edit")
    password = {"MWTYPED_PASSWORD": testwiki.bot_password}
    ran = mwtyped_cli(
        "post", "--user", testwiki.bot_user, "--assert-user", "action=edit", f"title={title}",
        "text=written by the mwtyped command line", "summary=cli test", env=password,
    )  # fmt: skip
    assert ran.code == 0, ran.err
    edit = json.loads(ran.out)["edit"]
    assert edit["result"] == "Success"
    assert edit["title"] == title
    read = mwtyped_cli(
        "get", "--items", "query.pages", "action=query", "prop=revisions", f"titles={title}",
        "rvprop=content|user", "rvslots=main",
    )  # fmt: skip
    page = read.lines()[0]
    assert page["revisions"][0]["slots"]["main"]["content"] == "written by the mwtyped command line"
    assert page["revisions"][0]["user"] == "Admin"


def test_wrong_password_exits_4(mwtyped_cli: Callable[..., Ran], testwiki: WikiInfo) -> None:
    ran = mwtyped_cli(
        "get", "--user", testwiki.bot_user, "action=query", "meta=userinfo",
        env={"MWTYPED_PASSWORD": "not-the-bot-password"},
    )  # fmt: skip
    assert ran.code == 4
    assert ran.out == ""
    assert ran.err.startswith("mwtyped: error: login failed: Failed")
    assert ran.err.count("\n") == 1
    assert "not-the-bot-password" not in ran.err


def test_api_error_exits_3(mwtyped_cli: Callable[..., Ran], unique: Callable[[str], str]) -> None:
    ran = mwtyped_cli("post", "action=edit", f"title={unique('CLI anon')}", "text=x")
    assert ran.code == 3
    assert ran.err.startswith("mwtyped: error: permissiondenied: ")
    assert ran.err.rstrip("\n").endswith("log in with --user as an account that may do this")
    assert ran.err.count("\n") == 1


def test_closed_port_exits_5(mwtyped_cli: Callable[..., Ran]) -> None:
    host = f"http://127.0.0.1:{closed_port()}"
    ran = mwtyped_cli("get", "--retries", "0", "action=query", "meta=siteinfo", host=host)
    assert ran.code == 5
    assert ran.err.startswith("mwtyped: error: connection failed: ")
    assert "Traceback" not in ran.err


def test_bad_parameter_exits_2(mwtyped_cli: Callable[..., Ran]) -> None:
    ran = mwtyped_cli("get", "--debug", "action=query", "list=allpages", "aplimit=lots")
    assert ran.code == 2
    assert ran.err.startswith("mwtyped: error: invalid parameters: query+allpages: aplimit='lots'")
    assert "> GET" not in ran.err  # nothing was sent


def test_debug_shows_requests_but_no_secret(
    mwtyped_cli: Callable[..., Ran], testwiki: WikiInfo, unique: Callable[[str], str]
) -> None:
    ran = mwtyped_cli(
        "post", "--debug", "--user", testwiki.bot_user, "action=edit",
        f"title={unique('CLI debug')}", "text=x",
        env={"MWTYPED_PASSWORD": testwiki.bot_password},
    )  # fmt: skip
    assert ran.code == 0, ran.err
    assert testwiki.bot_password not in ran.err
    assert "lgpassword=***&lgtoken=***" in ran.err
    assert re.findall(r"token=([^&\s]*)", ran.err) == ["***"] * len(re.findall("token=", ran.err))
    assert "&token=***" in ran.err  # the edit's csrf token
    assert "[cookie: ***]" in ran.err
    assert "[set-cookie: ***]" in ran.err
    assert len(re.findall(r"^mwtyped: debug: > (GET|POST) ", ran.err, re.MULTILINE)) == 4


def test_progress_line_on_a_terminal_only(
    mwtyped_cli: Callable[..., Ran], testwiki: WikiInfo, cont_pages: list[str]
) -> None:
    words = [
        "get", "--host", testwiki.url, "--api-path", testwiki.api_path, "--user-agent",
        USER_AGENT, "--continue", "--items", "query.allpages", "action=query", "list=allpages",
        "apprefix=Cont", "aplimit=25",
    ]  # fmt: skip
    code, out, err = _run_with_terminal_stderr([_console_script(), *words])
    assert code == 0, err
    assert len(out.splitlines()) >= len(cont_pages)
    assert b"\r" in err
    assert re.search(rb"\rmwtyped: \d+ requests, \d+ items, 0 retries, \d+\.\d s", err)
    assert err.endswith(b"\r")  # cleared at the end
    assert b"\n" not in err
    piped = subprocess.run(
        [_console_script(), *words], capture_output=True, stdin=subprocess.DEVNULL, timeout=120
    )
    assert piped.returncode == 0
    assert piped.stderr == b""
    assert piped.stdout == out
