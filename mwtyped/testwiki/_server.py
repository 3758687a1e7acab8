"""Run the wiki under PHP's built-in web server: start, health check, find and stop its PIDs."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path

from ._config import HOST, MEDIAWIKI_DIR, WikiLayout
from ._create import php_executable
from ._errors import TestWikiError

__all__ = [
    "api_answers",
    "free_port",
    "port_is_free",
    "server_pids",
    "start_server",
    "stop_server",
]

log = logging.getLogger("mwtyped.testwiki")

_START_TIMEOUT_SECONDS = 20.0
_STOP_TIMEOUT_SECONDS = 5.0
_KILL_TIMEOUT_SECONDS = 2.0
_LOG_TAIL_LINES = 20
_HEALTH_QUERY = "?action=query&meta=siteinfo&siprop=general&format=json"


class _DetachedPopen(subprocess.Popen[bytes]):
    """A Popen for a server meant to outlive this Python process.

    Popen.__del__ warns "subprocess N is still running" (a ResourceWarning, an error under
    -W error) when the object goes away before the process: here that is the whole point.
    Reaping is done by _reap() instead.
    """

    def __del__(self) -> None:
        pass


# urllib would send 127.0.0.1 requests through $http_proxy.
_no_proxy_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class _Process:
    pid: int
    parent_pid: int
    state: str
    argv: tuple[str, ...]


def _read_process(pid: int) -> _Process | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
        raw_argv = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # gone, or not ours to look at
        return None
    # The command name in parentheses may itself contain spaces and ")": split at the last one.
    fields = stat.rpartition(")")[2].split()
    if len(fields) < 2:
        return None
    argv = tuple(os.fsdecode(part) for part in raw_argv.split(b"\0") if part)
    return _Process(pid=pid, parent_pid=int(fields[1]), state=fields[0], argv=argv)


def _all_processes() -> Iterator[_Process]:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            process = _read_process(int(entry))
            if process is not None:
                yield process


def _is_our_server(process: _Process, layout: WikiLayout) -> bool:
    """True for `php ... -S 127.0.0.1:PORT ... DIR/router.php` (parent or worker), alive."""
    argv = process.argv
    if process.state in ("Z", "X") or not argv or not os.path.basename(argv[0]).startswith("php"):
        return False
    try:
        address = argv[argv.index("-S") + 1]
    except (ValueError, IndexError):
        return False
    return address == f"{HOST}:{layout.port}" and str(layout.router) in argv


def _recorded_pid(layout: WikiLayout) -> int | None:
    try:
        text = layout.pid_file.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _our_processes(layout: WikiLayout) -> list[_Process]:
    """This wiki's php -S processes, the parent first.

    Workers (PHP_CLI_SERVER_WORKERS) are forked children with the parent's command line; they
    outlive a killed parent, so every process with our command line counts, not only the
    recorded PID and its children.
    """
    ours = [process for process in _all_processes() if _is_our_server(process, layout)]
    ours_pids = {process.pid for process in ours}
    recorded = _recorded_pid(layout)

    def parent_first(process: _Process) -> tuple[int, int]:
        if process.pid == recorded:
            return (0, process.pid)
        return (1 if process.parent_pid not in ours_pids else 2, process.pid)

    return sorted(ours, key=parent_first)


def server_pids(layout: WikiLayout) -> list[int]:
    """PIDs of this wiki's php -S processes, the parent first; [] when it is not running."""
    return [process.pid for process in _our_processes(layout)]


def _reap(pid: int) -> None:
    # A server this process started stays a zombie (still listed in /proc) until waited for.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _is_alive(pid: int, layout: WikiLayout) -> bool:
    process = _read_process(pid)
    if process is not None and process.state == "Z":
        _reap(pid)
    return process is not None and _is_our_server(process, layout)


def port_is_free(port: int) -> bool:
    """True if nothing listens on 127.0.0.1:*port* (so php -S can bind it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # php -S sets SO_REUSEADDR too, so connections in TIME_WAIT do not make a port busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port on 127.0.0.1 that is free right now, chosen by the OS."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


def api_answers(api_url: str, timeout: float = 2.0) -> bool:
    """True if api.php answers siteinfo as JSON from MediaWiki.

    A misconfigured wiki answers HTTP 200 with an HTML page, hence the look at the body.
    """
    try:
        with _no_proxy_opener.open(api_url + _HEALTH_QUERY, timeout=timeout) as response:
            body = response.read(1_000_000)
        generator = json.loads(body)["query"]["general"]["generator"]
    except (OSError, HTTPException, ValueError, KeyError, TypeError):
        return False
    return isinstance(generator, str) and generator.startswith("MediaWiki ")


def log_tail(path: Path, start: int = 0) -> str:
    """The last lines of *path* from byte offset *start*, for error messages."""
    try:
        with path.open("rb") as file:
            file.seek(start)
            text = file.read().decode("utf-8", errors="replace")
    except OSError:
        return f"(no {path})"
    lines = text.strip().splitlines()[-_LOG_TAIL_LINES:]
    return "\n".join(lines) if lines else f"({path} is empty)"


def start_server(layout: WikiLayout, workers: int) -> int:
    """Start php -S for the wiki, wait until api.php answers; return the parent PID."""
    command = [
        php_executable(),
        # Notices on stderr (server.log), never inside a JSON body.
        *("-d", "display_errors=stderr", "-d", "log_errors=Off"),
        # Debian's php.ini allows 2 MB uploads; tests upload up to 50 MB.
        *("-d", "upload_max_filesize=100M", "-d", "post_max_size=110M"),
        *("-d", "memory_limit=512M"),
        *("-S", f"{HOST}:{layout.port}", "-t", str(MEDIAWIKI_DIR), str(layout.router)),
    ]
    env = dict(os.environ, MW_CONFIG_FILE=str(layout.local_settings))
    env.pop("PHP_CLI_SERVER_WORKERS", None)
    if workers > 1:
        env["PHP_CLI_SERVER_WORKERS"] = str(workers)
    with layout.server_log.open("ab") as server_log:
        log_start = server_log.tell()
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        server_log.write(f"== {stamp} starting on port {layout.port}, workers={workers}\n".encode())
        server_log.flush()
        log.info("starting php -S %s:%d, workers=%d", HOST, layout.port, workers)
        try:
            # A new session and no inherited pipes: the server outlives us, and a caller reading
            # our stdout/stderr (subprocess.run(capture_output=True)) is not kept waiting.
            server = _DetachedPopen(
                command,
                cwd=layout.directory,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=server_log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as error:
            raise TestWikiError(f"cannot start {command[0]}: {error}") from None
    layout.pid_file.write_text(f"{server.pid}\n", encoding="utf-8")
    started = time.monotonic()
    deadline = started + _START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if api_answers(layout.api_url):
            log.info(
                "api.php answered after %.2f s (pid %d)", time.monotonic() - started, server.pid
            )
            return server.pid
        if server.poll() is not None:
            layout.pid_file.unlink(missing_ok=True)
            raise TestWikiError(
                f"php -S exited with code {server.returncode}; end of {layout.server_log}:\n"
                + log_tail(layout.server_log, log_start)
            )
        time.sleep(0.1)
    stop_server(layout)
    raise TestWikiError(
        f"{layout.api_url} did not answer within {_START_TIMEOUT_SECONDS:.0f} s; "
        f"end of {layout.server_log}:\n" + log_tail(layout.server_log, log_start)
    )


def _signal_if_ours(pid: int, layout: WikiLayout, signal_number: int) -> None:
    # Re-checked right before each signal: the PID may have been reused since we listed it.
    if not _is_alive(pid, layout):
        return
    try:
        os.kill(pid, signal_number)
    except ProcessLookupError:
        pass
    except PermissionError:
        raise TestWikiError(f"not allowed to stop php -S process {pid}") from None


def _is_gone(pid: int) -> bool:
    # Not the full _is_alive check: an exiting process has an empty command line already.
    process = _read_process(pid)
    if process is not None and process.state == "Z":
        _reap(pid)
        return True
    return process is None or process.state == "X"


def _wait_until_gone(pids: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    alive = [pid for pid in pids if not _is_gone(pid)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.02)
        alive = [pid for pid in alive if not _is_gone(pid)]
    return alive


def stop_server(layout: WikiLayout) -> bool:
    """Stop the wiki's php -S parent and workers (KILL after 5 s); True if any was running."""
    processes = _our_processes(layout)
    if not processes:
        layout.pid_file.unlink(missing_ok=True)
        return False
    pids = [process.pid for process in processes]
    parents = {process.parent_pid for process in processes} & set(pids)
    log.info("stopping php -S on port %d (pids %s)", layout.port, " ".join(map(str, pids)))
    for pid in pids:
        # SIGINT makes PHP's server parent shut down cleanly, which includes reaping its
        # workers; SIGTERM would kill it outright and orphan them (left as zombies where PID 1
        # does not reap). The workers get SIGTERM: they keep serving the port otherwise.
        _signal_if_ours(pid, layout, signal.SIGINT if pid in parents else signal.SIGTERM)
    alive = _wait_until_gone(pids, _STOP_TIMEOUT_SECONDS)
    if alive:
        log.info("still running after 5 s, sending SIGKILL: %s", " ".join(map(str, alive)))
        for pid in alive:
            _signal_if_ours(pid, layout, signal.SIGKILL)
        alive = _wait_until_gone(alive, _KILL_TIMEOUT_SECONDS)
    with contextlib.suppress(OSError):
        layout.pid_file.unlink(missing_ok=True)
    if alive:
        raise TestWikiError(f"php -S processes survived SIGKILL: {' '.join(map(str, alive))}")
    return True
