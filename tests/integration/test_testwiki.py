"""mwtyped.testwiki against the real thing: php -S serving Debian's MediaWiki 1.39.

Every wiki here runs on a port picked by the OS, with its own data directory, so a wiki that
other tests use on port 8391 is never touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mwtyped.testwiki import TestWikiError, WikiInfo, down, status, up, wipe

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTED_KEYS = {
    "TESTWIKI_URL",
    "TESTWIKI_API",
    "TESTWIKI_API_PATH",
    "TESTWIKI_PORT",
    "TESTWIKI_ADMIN_USER",
    "TESTWIKI_ADMIN_PASSWORD",
    "TESTWIKI_BOT_USER",
    "TESTWIKI_BOT_PASSWORD",
    "TESTWIKI_USER",
    "TESTWIKI_USER_PASSWORD",
    "TESTWIKI_USER_BOT_USER",
    "TESTWIKI_USER_BOT_PASSWORD",
    "TESTWIKI_DIR",
    "TESTWIKI_PID",
}
_no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def run_cli(*arguments: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    """`python -m mwtyped.testwiki ARGUMENTS`, as a test fixture of another project would."""
    # The caller's TESTWIKI_* settings (e.g. a port for the shared wiki) must not leak in.
    env = {key: value for key, value in os.environ.items() if not key.startswith("TESTWIKI_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "mwtyped.testwiki", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def parse_key_lines(stdout: str) -> dict[str, str]:
    pairs = {}
    for line in stdout.splitlines():
        key, separator, value = line.partition("=")
        assert separator, f"not a KEY=value line: {line!r}"
        assert key.startswith("TESTWIKI_"), f"not a TESTWIKI_ variable: {line!r}"
        pairs[key] = value
    return pairs


def siteinfo_general(api_url: str) -> dict[str, Any]:
    query = "?action=query&meta=siteinfo&siprop=general&format=json&formatversion=2"
    with _no_proxy.open(api_url + query, timeout=10) as response:
        general: dict[str, Any] = json.load(response)["query"]["general"]
    return general


def process_state(pid: int) -> str | None:
    """The /proc state letter of *pid* ("S", "R", "Z", ...), None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()[0]


def children_of(pid: int) -> list[int]:
    children = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat_file.read_text().rpartition(")")[2].split()
            if int(fields[1]) == pid:
                children.append(int(stat_file.parent.name))
    return children


def is_stopped(pid: int) -> bool:
    if process_state(pid) == "Z":
        # A server started by this very process stays a zombie until we wait for it.
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        return True
    return process_state(pid) is None


@pytest.fixture(scope="module")
def wiki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A wiki started with `up --port 0`; wiped at the end of the module."""
    directory = tmp_path_factory.mktemp("testwiki")
    started = time.monotonic()
    result = run_cli("up", "--port", "0", "--dir", str(directory), "--workers", "2")
    assert result.returncode == 0, result.stderr
    lines = parse_key_lines(result.stdout)
    lines["_seconds"] = f"{time.monotonic() - started:.2f}"
    yield lines
    wiped = run_cli("wipe", "--port", lines["TESTWIKI_PORT"], "--dir", str(directory))
    assert wiped.returncode == 0, wiped.stderr


def cli_target(wiki: dict[str, str]) -> list[str]:
    return ["--port", wiki["TESTWIKI_PORT"], "--dir", wiki["TESTWIKI_DIR"]]


def test_up_prints_only_key_lines_and_serves_mediawiki_1_39(wiki: dict[str, str]) -> None:
    assert set(wiki) - {"_seconds"} == EXPECTED_KEYS
    port = wiki["TESTWIKI_PORT"]
    assert wiki["TESTWIKI_URL"] == f"http://127.0.0.1:{port}"
    assert wiki["TESTWIKI_API"] == wiki["TESTWIKI_URL"] + wiki["TESTWIKI_API_PATH"]
    assert wiki["TESTWIKI_BOT_USER"] == "Admin@testbot"
    assert wiki["TESTWIKI_USER_BOT_USER"] == "Tester@testbot"
    general = siteinfo_general(wiki["TESTWIKI_API"])
    assert general["generator"].startswith("MediaWiki 1.39")
    assert general["phpsapi"] == "cli-server"
    assert general["readonly"] is False
    # Returning at all proves the server did not inherit the captured pipes.
    assert float(wiki["_seconds"]) < 30


def test_up_again_is_fast_and_keeps_the_running_server(wiki: dict[str, str]) -> None:
    started = time.monotonic()
    result = run_cli("up", *cli_target(wiki))
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert parse_key_lines(result.stdout) == {k: v for k, v in wiki.items() if k != "_seconds"}
    assert "already running" in result.stderr
    assert elapsed < 5


def test_status_reports_the_running_wiki(wiki: dict[str, str]) -> None:
    result = run_cli("status", *cli_target(wiki))
    assert result.returncode == 0, result.stderr
    assert parse_key_lines(result.stdout)["TESTWIKI_PID"] == wiki["TESTWIKI_PID"]

    info = status(int(wiki["TESTWIKI_PORT"]), wiki["TESTWIKI_DIR"])
    assert info is not None
    assert info.as_env() == parse_key_lines(result.stdout)
    assert info.pid == int(wiki["TESTWIKI_PID"])
    assert wiki["TESTWIKI_ADMIN_PASSWORD"] not in repr(info)
    assert wiki["TESTWIKI_BOT_PASSWORD"] not in repr(info)


def test_readonly_flag_shows_in_siteinfo_and_can_be_cleared(wiki: dict[str, str]) -> None:
    reason = "Integration test of the read-only flag"
    result = run_cli("readonly", "--reason", reason, *cli_target(wiki))
    assert result.returncode == 0, result.stderr
    try:
        general = siteinfo_general(wiki["TESTWIKI_API"])
        assert general["readonly"] is True
        assert general["readonlyreason"] == reason
    finally:
        cleared = run_cli("readonly", "--off", *cli_target(wiki))
    assert cleared.returncode == 0, cleared.stderr
    assert siteinfo_general(wiki["TESTWIKI_API"])["readonly"] is False


def test_runjobs_runs_the_job_queue(wiki: dict[str, str]) -> None:
    result = run_cli("runjobs", *cli_target(wiki))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_down_stops_parent_and_workers_and_wipe_removes_the_directory(tmp_path: Path) -> None:
    directory = tmp_path / "wiki"
    info = up(port=0, directory=directory, workers=2)
    workers = children_of(info.pid)
    assert len(workers) == 2
    port = str(info.port)

    result = run_cli("down", "--port", port, "--dir", str(directory))
    assert result.returncode == 0, result.stderr
    assert all(is_stopped(pid) for pid in [info.pid, *workers])

    result = run_cli("status", "--port", port, "--dir", str(directory))
    assert result.returncode == 1
    assert "not running" in result.stderr
    assert result.stdout == ""
    assert status(info.port, directory) is None
    assert down(info.port, directory) is False

    result = run_cli("wipe", "--port", port, "--dir", str(directory))
    assert result.returncode == 0, result.stderr
    assert not directory.exists()


def test_a_port_held_by_another_process_fails_fast(tmp_path: Path) -> None:
    directory = tmp_path / "wiki"
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = str(squatter.getsockname()[1])
        started = time.monotonic()
        result = run_cli("up", "--port", port, "--dir", str(directory))
        elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"testwiki: error: port {port} on 127.0.0.1 is in use")
    assert elapsed < 5
    assert not directory.exists()


@pytest.mark.parametrize(
    "arguments",
    [
        ["up", "--port", "http"],
        ["up", "--port", "70000"],
        ["up", "--port=-1"],
        ["status", "--port", "0"],
        ["readonly", "--port", "8391"],
        ["launch"],
    ],
)
def test_bad_arguments_exit_with_status_2(arguments: list[str]) -> None:
    result = run_cli(*arguments)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "usage:" in result.stderr


def test_wipe_refuses_a_directory_that_is_not_a_test_wiki(tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    result = run_cli("wipe", "--port", "18999", "--dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith(f"testwiki: error: refusing to delete {tmp_path}")
    with pytest.raises(TestWikiError, match="refusing to delete"):
        wipe(18999, tmp_path)
    assert precious.read_text() == "keep me"


def test_wiki_info_round_trips_through_env_and_hides_passwords(tmp_path: Path) -> None:
    env = {key: f"value-{key}" for key in EXPECTED_KEYS}
    env.update(TESTWIKI_PORT="8391", TESTWIKI_PID="1234", TESTWIKI_DIR=str(tmp_path))
    info = WikiInfo.from_env(env)
    assert info.as_env() == env
    assert info.dir == tmp_path
    assert "value-TESTWIKI_BOT_PASSWORD" not in repr(info)
    assert "value-TESTWIKI_BOT_USER" in repr(info)
    with pytest.raises(TestWikiError, match="TESTWIKI_PID"):
        WikiInfo.from_env({key: value for key, value in env.items() if key != "TESTWIKI_PID"})
