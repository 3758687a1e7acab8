"""``mwtyped``'s entry point: pick the command, run it, turn every failure into one line and
an exit code.

``get``/``post`` are run here (check the parameters, log in, send, print); ``schema`` and
``testwiki`` are handed to the same ``main(argv)`` functions that ``python -m
mwtyped.schema`` and ``python -m mwtyped.testwiki`` run, with their exit codes.

Example::

    main(["get", "--host", "https://en.wikipedia.org", "action=query", "meta=siteinfo"])
    # prints the answer and returns 0; main(["testwiki", "status"]) is the testwiki CLI
"""

from __future__ import annotations

import getpass
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TextIO

import httpx

from mwtyped.cli._account import PasswordPrompt, log_in, open_session, read_credentials
from mwtyped.cli._arguments import (
    DELEGATED_COMMANDS,
    REQUEST_COMMANDS,
    ParamValue,
    RequestOptions,
    UsageError,
    parse_request_arguments,
    top_level_parser,
)
from mwtyped.cli._console import Console, capture_library_logs, is_terminal
from mwtyped.cli._failures import ExitCode, describe_failure
from mwtyped.cli._http_log import HttpLog
from mwtyped.cli._output import JsonWriter, print_stream, stream_items
from mwtyped.cli._typecheck import checked_params
from mwtyped.session import Session

__all__ = ["main"]


def _exit_status(code: object) -> int:
    """The exit status a ``SystemExit`` stands for (argparse's ``--help`` is 0, errors 2)."""
    if code is None:
        return ExitCode.OK
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return ExitCode.UNEXPECTED


def _delegate(command: str, words: Sequence[str]) -> int:
    """Run ``python -m mwtyped.schema`` / ``python -m mwtyped.testwiki``'s own ``main``."""
    run: Callable[[Sequence[str] | None], int]
    if command == "schema":
        from mwtyped.schema.__main__ import main as run
    else:
        from mwtyped.testwiki.__main__ import main as run
    try:
        return run(list(words))
    except SystemExit as stop:
        return _exit_status(stop.code)


def _print_error(stream: TextIO, error: BaseException, *, debug: bool) -> int:
    failure = describe_failure(error)
    if debug and failure.exit_code != ExitCode.USAGE:
        traceback.print_exception(type(error), error, error.__traceback__, file=stream)
    stream.write(f"mwtyped: error: {failure.line()}\n")
    stream.flush()
    return int(failure.exit_code)


def _request_params(options: RequestOptions) -> dict[str, ParamValue]:
    """The parameters to send: the given ones plus ``--assert-user``/``--maxlag``, checked
    against the generated classes of the modules they name."""
    params: dict[str, ParamValue] = dict(options.params)
    if options.assert_user:
        params.setdefault("assert", "user")
    if options.maxlag is not None:
        params.setdefault("maxlag", str(options.maxlag))
    return checked_params(options.method, params)


def _answers(
    session: Session, options: RequestOptions, params: Mapping[str, ParamValue]
) -> Iterator[dict[str, Any]]:
    """The answers, lazily: one, or every one of the continuation."""
    if options.follow_continuation:
        yield from session.continuation(options.method, params)
    else:
        yield session.request(options.method, params)


def _send_and_print(
    session: Session,
    options: RequestOptions,
    params: Mapping[str, ParamValue],
    writer: JsonWriter,
    console: Console,
) -> None:
    answers = _answers(session, options, params)
    if options.items_path is not None:
        generator = params.get("generator")
        items, seen = stream_items(
            answers,
            options.items_path,
            generator=generator if isinstance(generator, str) else None,
        )
        print_stream(items, writer, console, options.limit)
        if not seen.found:
            console.warning(
                f"no answer had {options.items_path}: nothing printed (check --items; "
                "run without it to see the answer's shape)"
            )
    elif options.follow_continuation:
        print_stream(answers, writer, console, options.limit)
    else:
        for answer in answers:
            writer.document(answer)
            console.count_item()


def _silence_stdout(stdout: TextIO) -> None:
    """After a closed pipe (``mwtyped ... | head``), point stdout at /dev/null so the
    interpreter's final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        pass  # not a real file (tests): nothing will be flushed to a pipe


def _run_request(
    options: RequestOptions,
    *,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    transport: httpx.BaseTransport | None,
    prompt: PasswordPrompt | None,
) -> int:
    console = Console(
        stderr,
        progress=is_terminal(stderr),
        debug=options.debug,
        item_name="items" if options.items_path is not None else "documents",
    )
    writer = JsonWriter(stdout, pretty=is_terminal(stdout))
    try:
        with capture_library_logs(console):
            params = _request_params(options)
            credentials = read_credentials(options, stdin=stdin, prompt=prompt or getpass.getpass)
            with open_session(options, credentials, HttpLog(console).hooks(), transport) as session:
                log_in(session, credentials)
                _send_and_print(session, options, params, writer, console)
    except BrokenPipeError:
        console.finish()
        _silence_stdout(stdout)
        return ExitCode.OK
    except (Exception, KeyboardInterrupt) as error:
        console.finish()
        return _print_error(stderr, error, debug=options.debug)
    console.finish()
    return ExitCode.OK


def main(
    argv: Sequence[str] | None = None,
    *,
    _transport: httpx.BaseTransport | None = None,
    _prompt: PasswordPrompt | None = None,
) -> int:
    """Run ``mwtyped`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    ``_transport`` (an ``httpx.MockTransport`` in tests) replaces the network and ``_prompt``
    the password prompt; both are for tests only.

    Example: ``main(["get", "--host", "http://127.0.0.1:8391", "--api-path", "/api.php",
    "action=query", "meta=siteinfo"])`` prints the siteinfo answer and returns 0.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    stdin, stdout, stderr = sys.stdin, sys.stdout, sys.stderr
    if words and words[0] in DELEGATED_COMMANDS:
        return _delegate(words[0], words[1:])
    try:
        if not words or words[0] not in REQUEST_COMMANDS:
            top_level_parser().parse_args(words)  # prints help or the version, or fails
            return ExitCode.USAGE  # not reached: every command is handled above
        options = parse_request_arguments(words[0], words[1:])
    except UsageError as error:
        return _print_error(stderr, error, debug=False)
    except SystemExit as stop:  # --help, --version
        return _exit_status(stop.code)
    return _run_request(
        options,
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        transport=_transport,
        prompt=_prompt,
    )
