"""Every code example of README.md and docs/*.md, run against the real test wiki.

How the examples run (the rules of :mod:`tests.docs.blocks` decide *what* runs):

* **One page, one namespace.** A page's blocks run in order in one namespace, like a
  notebook: a page may build up state (a session opened in its first block is used by the
  next ones). Each page gets a fresh temporary directory, which is the working directory
  and first on ``sys.path`` (so ``python -m mwtyped.schema generate ... --out mywiki_api``
  in a shell block can be followed by ``import mywiki_api`` in a Python block). Sessions
  and httpx clients a page leaves open are closed after it.
* **Async.** A block with top-level ``await`` / ``async with`` / ``async for`` is compiled
  with ``PyCF_ALLOW_TOP_LEVEL_AWAIT`` and its coroutine run by ``asyncio.run``; its
  assignments land in the page's namespace like any other block's.
* **pytest modules.** A Python block that defines top-level ``test_*`` functions (the
  examples of mwtyped's pytest plugin) is written to the page's directory and run by
  ``python -m pytest -W error`` in a subprocess, which must pass.
* **Shell.** ``mwtyped ...`` / ``python -m mwtyped...`` commands run with bash in the page's
  directory, the venv's ``bin`` first on ``PATH``; each must exit 0, or the code its
  trailing ``# exit code N`` comment gives.
* **Placeholders.** :data:`SUBSTITUTIONS` (applied to the code text, in order) and
  :data:`ENVIRONMENT` (set for Python and shell blocks) point the examples, which are
  written for ``https://test.wikipedia.org``, at the test wiki. Every page and file an
  example writes is named ``Sandbox...``, which becomes ``Sandbox-<8 hex digits>`` per
  page run, so reruns never meet an earlier run's pages or files.
* **Warnings are errors** (``filterwarnings = error``): an example that triggers a warning
  fails unless it handles it (every example names a ``user_agent``). Logger levels an
  example sets are restored after its page.

A failure names the page, the block number, the file line and shows the traceback, whose
lines point into the markdown file.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import logging
import os
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import pytest

import mwtyped
from mwtyped.testwiki import WikiInfo
from tests.docs.blocks import (
    ROOT,
    Block,
    Command,
    defines_tests,
    doc_pages,
    page_blocks,
    refused_reason,
    shell_commands,
)

pytestmark = pytest.mark.integration

# placeholder in the docs -> its value for this run (applied in this order)
SUBSTITUTIONS: tuple[tuple[str, Callable[[WikiInfo, str], str]], ...] = (
    ("https://test.wikipedia.org", lambda wiki, run: wiki.url),
    ("/w/api.php", lambda wiki, run: wiki.api_path),
    ("MyUser@MyBot", lambda wiki, run: wiki.bot_user),  # a bot password's login name
    ('"MyUser"', lambda wiki, run: f'"{wiki.user}"'),  # a main account (clientlogin)
    ("Sandbox", lambda wiki, run: f"Sandbox-{run}"),  # every page and file examples write
)
# environment variable the examples read -> its value
ENVIRONMENT: tuple[tuple[str, Callable[[WikiInfo], str]], ...] = (
    ("BOT_PASSWORD", lambda wiki: wiki.bot_password),
    ("USER_PASSWORD", lambda wiki: wiki.user_password),
    ("MWTYPED_PASSWORD", lambda wiki: wiki.bot_password),  # the command line's default
    ("WIKI_ACCESS_TOKEN", lambda wiki: "not-a-real-oauth-token"),  # the test wiki has no OAuth
)

SHELL_TIMEOUT = 300.0


def substitute(code: str, wiki: WikiInfo, run: str) -> str:
    for placeholder, value in SUBSTITUTIONS:
        code = code.replace(placeholder, value(wiki, run))
    return code


def _page_ids() -> list[str]:
    return [page.relative_to(ROOT).as_posix() for page in doc_pages()]


def _failure(block: Block, error: BaseException) -> str:
    """The traceback of a failed block, starting at the block's own frame."""
    tb: TracebackType | None = error.__traceback__
    filename = str(ROOT / block.page)
    walk = tb
    while walk is not None and walk.tb_frame.f_code.co_filename != filename:
        walk = walk.tb_next
    shown = "".join(traceback.format_exception(type(error), error, walk or tb))
    return f"{block.where} failed:\n{shown}"


def _run_python(block: Block, code: str, namespace: dict[str, Any]) -> None:
    # Blank lines in front: line numbers in tracebacks are the markdown file's.
    source = "\n" * (block.line - 1) + code
    compiled = compile(
        source,
        str(ROOT / block.page),
        "exec",
        flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
        dont_inherit=True,
    )
    result = eval(compiled, namespace)  # the docs' own examples
    if inspect.iscoroutine(result):
        asyncio.run(result)


def _run_pytest_module(block: Block, code: str, workdir: Path, env: Mapping[str, str]) -> None:
    module = workdir / f"test_docs_block_{block.number}.py"
    module.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", module],
        cwd=workdir,
        env=dict(env),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=SHELL_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"{block.where}: its tests failed (pytest exit code {done.returncode}):\n"
            f"{done.stdout[-4000:]}\n{done.stderr[-2000:]}",
            pytrace=False,
        )


def _run_command(
    block: Block, command: Command, text: str, workdir: Path, env: Mapping[str, str]
) -> None:
    done = subprocess.run(
        ["bash", "-c", text],
        cwd=workdir,
        env=dict(env),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=SHELL_TIMEOUT,
        check=False,
    )
    if done.returncode != command.expected_exit:
        pytest.fail(
            f"{block.where}, line {command.line}: `{text}` exited {done.returncode}, "
            f"not {command.expected_exit}\nstdout: {done.stdout[-2000:]}\n"
            f"stderr: {done.stderr[-2000:]}",
            pytrace=False,
        )


def _close_leftovers(namespace: Mapping[str, Any]) -> None:
    """Close the sync sessions and clients a page left open (async ones close themselves
    in their ``async with``: their event loop is gone by now)."""
    for value in list(namespace.values()):
        if isinstance(value, mwtyped.Session | httpx.Client):
            value.close()


def _logger_levels() -> dict[str, int]:
    """The level of every logger, to undo an example's ``setLevel`` (and ``basicConfig``)
    after its page."""
    levels = {"": logging.getLogger().level}
    for name, logger in logging.Logger.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            levels[name] = logger.level
    return levels


def _restore_logger_levels(levels: Mapping[str, int]) -> None:
    for name, level in levels.items():
        logging.getLogger(name or None).setLevel(level)
    for name, logger in logging.Logger.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and name not in levels:
            logger.setLevel(logging.NOTSET)


def _forget_modules_under(directory: Path) -> None:
    """Drop modules imported from the page's directory (e.g. a generated package)."""
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None)
        if origin and Path(origin).is_relative_to(directory):
            del sys.modules[name]


@pytest.mark.parametrize("page", _page_ids())
def test_page_examples(
    page: str, testwiki: WikiInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's examples run, in order, against the test wiki."""
    blocks = page_blocks(ROOT / page)
    refused = [reason for block in blocks if (reason := refused_reason(block))]
    assert not refused, "\n".join(refused)
    run = uuid.uuid4().hex[:8]
    for name, value in ENVIRONMENT:
        monkeypatch.setenv(name, value(testwiki))
    monkeypatch.setenv("TESTWIKI_PORT", str(testwiki.port))
    monkeypatch.setenv("TESTWIKI_DIR", str(testwiki.dir))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    levels = _logger_levels()
    root_handlers = list(logging.getLogger().handlers)
    started = time.monotonic()
    try:
        for block in blocks:
            if block.kind == "not run":
                continue
            code = substitute(block.code, testwiki, run)
            if block.kind == "python" and defines_tests(code):
                _run_pytest_module(block, code, tmp_path, os.environ)
            elif block.kind == "python":
                failure: str | None = None
                try:
                    _run_python(block, code, namespace)
                except Exception as error:
                    failure = _failure(block, error)
                if failure is not None:  # outside the except: no chained traceback
                    pytest.fail(failure, pytrace=False)
            else:
                for command in shell_commands(block):
                    if command.runs:
                        text = substitute(command.text, testwiki, run)
                        _run_command(block, command, text, tmp_path, os.environ)
    finally:
        _close_leftovers(namespace)
        _restore_logger_levels(levels)
        logging.getLogger().handlers[:] = root_handlers
        _forget_modules_under(tmp_path)
    print(f"{page}: examples ran in {time.monotonic() - started:.1f} s")


def test_every_placeholder_is_used() -> None:
    """The substitution table holds nothing the pages do not use."""
    code = "".join(
        block.code for page in doc_pages() for block in page_blocks(page) if block.kind != "not run"
    )
    unused = [placeholder for placeholder, _ in SUBSTITUTIONS if placeholder not in code]
    assert not unused, f"placeholders no example uses: {unused}"
