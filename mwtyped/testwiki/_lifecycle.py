"""The public verbs: up, down, status, wipe, run_jobs, set_readonly."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from pathlib import Path

from . import _datadir
from ._config import (
    DEFAULT_PORT,
    HOST,
    Accounts,
    WikiInfo,
    WikiLayout,
    parse_port,
    resolve_directory,
    resolve_workers,
)
from ._create import create_wiki, is_created, run_maintenance, write_runtime_files
from ._errors import TestWikiError
from ._packages import ensure_packages
from ._server import api_answers, free_port, port_is_free, server_pids, start_server, stop_server

__all__ = ["down", "run_jobs", "set_readonly", "status", "up", "wipe"]

log = logging.getLogger("mwtyped.testwiki")


def _port_from_env_or_default() -> int:
    from_env = os.environ.get("TESTWIKI_PORT", "").strip()
    return parse_port(from_env, source="TESTWIKI_PORT") if from_env else DEFAULT_PORT


def _port_for_up(port: int | None, directory: Path | str | None) -> int:
    if port is not None:
        port = parse_port(port, source="port")
    elif os.environ.get("TESTWIKI_PORT", "").strip():
        port = _port_from_env_or_default()
    else:
        # Nobody asked for a port: 8391 if it is free or already ours, else any free port
        # (the caller learns it from WikiInfo / the printed TESTWIKI_PORT).
        default = WikiLayout(DEFAULT_PORT, resolve_directory(DEFAULT_PORT, directory))
        if port_is_free(DEFAULT_PORT) or server_pids(default):
            return DEFAULT_PORT
        port = 0
        log.info("port %d is taken by another process; picking a free one", DEFAULT_PORT)
    return free_port() if port == 0 else port


def _layout(port: int | None, directory: Path | str | None) -> WikiLayout:
    """The layout of an existing wiki (commands other than `up`: port 0 means nothing)."""
    port = _port_from_env_or_default() if port is None else parse_port(port, source="port")
    if port == 0:
        raise TestWikiError("port 0 (pick a free port) only makes sense for `up`")
    return WikiLayout(port, resolve_directory(port, directory))


def _accounts_of(layout: WikiLayout) -> Accounts:
    saved = Accounts.load(layout.directory)
    return saved if saved is not None else Accounts.from_env()


def _warn_if_readonly(layout: WikiLayout) -> None:
    # A test that died between `readonly --reason` and `readonly --off` leaves the flag behind,
    # and every later write would fail with "readonly": say so where people look.
    with contextlib.suppress(OSError):
        reason = layout.readonly_flag.read_text(encoding="utf-8").strip()
        log.warning("the wiki is read-only (%s): %s", layout.readonly_flag, reason)


def _running_info(layout: WikiLayout) -> WikiInfo | None:
    pids = server_pids(layout)
    if pids and api_answers(layout.api_url):
        return WikiInfo.build(layout, _accounts_of(layout), pids[0])
    return None


def _port_busy_error(port: int) -> TestWikiError:
    return TestWikiError(
        f"port {port} on {HOST} is in use by another process (not this test wiki); "
        "choose another port, or port 0 for a free one"
    )


def up(
    port: int | None = None,
    directory: Path | str | None = None,
    workers: int | None = None,
) -> WikiInfo:
    """Make sure a test wiki runs on 127.0.0.1:*port*, creating it if needed; return its info.

    *port*: None = $TESTWIKI_PORT, else 8391 (or a free port if 8391 belongs to someone else);
    0 = a free port. *directory*: None = $TESTWIKI_DIR, else /tmp/mwtyped-testwiki-PORT.
    *workers*: php -S processes, None = $TESTWIKI_WORKERS, else 4.
    Installs the Debian packages when missing (root or sudo), creates the wiki once (~2 s),
    starts the server (~0.5 s); returns at once when it already runs.

    >>> info = up()  # doctest: +SKIP
    >>> info.api_url, info.bot_user  # doctest: +SKIP
    ('http://127.0.0.1:8391/api.php', 'Admin@testbot')
    """
    started = time.monotonic()
    worker_count = resolve_workers(workers)
    chosen_port = _port_for_up(port, directory)
    layout = WikiLayout(chosen_port, resolve_directory(chosen_port, directory))
    running = _running_info(layout)
    if running is not None:
        log.info("already running on %s (pid %d)", layout.url, running.pid)
        _warn_if_readonly(layout)
        return running
    env_accounts = Accounts.from_env()
    # Fail fast, before any package installation or wiki creation.
    if not server_pids(layout) and not port_is_free(layout.port):
        raise _port_busy_error(layout.port)
    _datadir.claim(layout.directory)
    ensure_packages()
    with _datadir.locked(layout.directory):
        running = _running_info(layout)  # a parallel `up` may have won the race for the lock
        if running is not None:
            log.info("started meanwhile by another `up` (pid %d)", running.pid)
            return running
        stop_server(layout)  # leftovers that run but do not answer
        if not port_is_free(layout.port):
            raise _port_busy_error(layout.port)
        if is_created(layout):
            write_runtime_files(layout)  # the overrides may be newer than the wiki
            accounts = _accounts_of(layout)
            if accounts != env_accounts:
                log.warning(
                    "%s keeps the passwords it was created with; wipe it to apply "
                    "changed TESTWIKI_*_PASSWORD variables",
                    layout.directory,
                )
        else:
            create_wiki(layout, env_accounts)
            accounts = env_accounts
        pid = start_server(layout, worker_count)
    log.info("up on %s in %.2f s", layout.url, time.monotonic() - started)
    _warn_if_readonly(layout)
    return WikiInfo.build(layout, accounts, pid)


def down(port: int | None = None, directory: Path | str | None = None) -> bool:
    """Stop the test wiki's server (parent and workers); True if something was stopped.

    The data stays; the next `up` serves it again in about half a second.

    >>> down()  # doctest: +SKIP
    True
    """
    layout = _layout(port, directory)
    if not _datadir.is_ours(layout.directory):
        return stop_server(layout)  # no lock to take; only strays with our command line
    with _datadir.locked(layout.directory):
        return stop_server(layout)


def status(port: int | None = None, directory: Path | str | None = None) -> WikiInfo | None:
    """The running wiki's info, or None if it is not running (or does not answer).

    >>> status() is None  # doctest: +SKIP
    False
    """
    return _running_info(_layout(port, directory))


def wipe(port: int | None = None, directory: Path | str | None = None) -> None:
    """Stop the wiki and delete its data directory (only if the directory is one of ours).

    >>> wipe(port=8391)  # doctest: +SKIP
    """
    layout = _layout(port, directory)
    if not _datadir.is_ours(layout.directory):
        stop_server(layout)
        _datadir.remove(layout.directory)  # refuses anything but an empty directory
        return
    with _datadir.locked(layout.directory):
        stop_server(layout)
        _datadir.remove(layout.directory)
    log.info("removed %s", layout.directory)


def _existing_wiki(port: int | None, directory: Path | str | None) -> WikiLayout:
    layout = _layout(port, directory)
    if not _datadir.is_ours(layout.directory) or not is_created(layout):
        raise TestWikiError(f"no test wiki in {layout.directory}; run `up` first")
    return layout


def run_jobs(port: int | None = None, directory: Path | str | None = None) -> None:
    """Run the wiki's job queue now (api.php never runs jobs by itself).

    Needed before asserting on job-driven data, e.g. categorymembers after a template edit.

    >>> run_jobs()  # doctest: +SKIP
    """
    layout = _existing_wiki(port, directory)
    started = time.monotonic()
    run_maintenance(layout, "runJobs", ["--quiet"])
    log.info("ran the job queue in %.2f s", time.monotonic() - started)


def set_readonly(
    reason: str | None,
    port: int | None = None,
    directory: Path | str | None = None,
) -> None:
    """Make the wiki read-only with *reason* (API error code "readonly"); None = writable.

    Takes effect with the next request; the server keeps running.

    >>> set_readonly("maintenance test")  # doctest: +SKIP
    >>> set_readonly(None)  # doctest: +SKIP
    """
    layout = _existing_wiki(port, directory)
    flag = layout.readonly_flag
    try:
        if reason is None:
            flag.unlink(missing_ok=True)
            log.info("%s is writable", layout.url)
            return
        partial = flag.with_name(flag.name + ".partial")
        partial.write_text(reason.strip() + "\n", encoding="utf-8")
        partial.replace(flag)
    except OSError as error:
        raise TestWikiError(f"cannot change the read-only flag {flag}: {error}") from None
    log.info("%s is read-only: %s", layout.url, reason.strip() or "(default reason)")
