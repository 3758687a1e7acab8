"""The command line's grammar: the parsers of ``mwtyped get|post`` and ``KEY=VALUE`` words.

Every mistake becomes a :class:`UsageError` (exit code 2) with one line to print, never
argparse's two-line message and never a traceback.

Example::

    >>> options = parse_request_arguments("get", ["--host", "https://w.example",
    ...                                           "action=query", "titles=A|B", "titles=C"])
    >>> options.params
    {'action': 'query', 'titles': ['A|B', 'C']}
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from mwtyped._core import DEFAULT_API_PATH
from mwtyped._version import __version__

__all__ = [
    "DEFAULT_PASSWORD_ENV",
    "DEFAULT_USER_AGENT",
    "DELEGATED_COMMANDS",
    "REQUEST_COMMANDS",
    "ParamValue",
    "RequestOptions",
    "UsageError",
    "parse_key_values",
    "parse_request_arguments",
    "top_level_parser",
]

REQUEST_COMMANDS = ("get", "post")
DELEGATED_COMMANDS = {
    "schema": "pull paraminfo snapshots and generate typed classes (python -m mwtyped.schema)",
    "testwiki": "run a throwaway MediaWiki on 127.0.0.1 (python -m mwtyped.testwiki)",
}
DEFAULT_PASSWORD_ENV = "MWTYPED_PASSWORD"
DEFAULT_USER_AGENT = (
    f"mwtyped-cli/{__version__} (mwtyped command line; no contact given: "
    "pass --user-agent 'YourTool/1.0 (you@example.org)')"
)

# A parameter's value as typed: one string, or several when the key was repeated.
ParamValue = str | list[str]

_EPILOG = """\
parameters are KEY=VALUE words, e.g. action=query list=allpages aplimit=50; repeat a key or
separate values with | for multi-value parameters (titles=A|B or titles=A titles=B).
Known modules are checked against their generated parameter classes before anything is sent.

exit codes: 0 ok, 2 usage, 3 API error, 4 login failed, 5 network failure.

examples:
  mwtyped get --host https://en.wikipedia.org action=query meta=siteinfo
  mwtyped get --host http://127.0.0.1:8391 --api-path /api.php --continue \\
      --items query.allpages action=query list=allpages aplimit=max
  MWTYPED_PASSWORD=... mwtyped post --host https://test.wikipedia.org --user Me@MyBot \\
      action=edit title=Sandbox appendtext=hi summary=test
"""


class UsageError(Exception):
    """A mistake on the command line: ``str(error)`` is the one line to print after
    ``mwtyped: error: usage: ``, ``hint`` what to do about it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class _OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise :class:`UsageError` instead of printing the
    usage block and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, f"see '{self.prog} --help'")


@dataclass(frozen=True)
class RequestOptions:
    """Everything ``mwtyped get|post`` was told, checked."""

    method: str
    host: str
    api_path: str
    params: dict[str, ParamValue]
    follow_continuation: bool
    items_path: str | None
    limit: int | None
    user: str | None
    password_env: str
    oauth_token_env: str | None
    assert_user: bool
    user_agent: str
    timeout: float | None
    retries: int | None
    formatversion: int | None
    maxlag: int | None
    debug: bool


def _positive_int(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _non_negative_int(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not value > 0:  # also rejects NaN
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {text!r}")
    return value


def _request_parser(command: str) -> argparse.ArgumentParser:
    verb = "GET" if command == "get" else "POST"
    parser = _OneLineParser(
        prog=f"mwtyped {command}",
        description=f"Send one {verb} request to a MediaWiki api.php and print the JSON answer\n"
        "(indented on a terminal, one line otherwise).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = parser.add_argument_group("wiki")
    target.add_argument("--host", required=True, metavar="URL", help="http(s)://name[:port]")
    target.add_argument(
        "--api-path", default=DEFAULT_API_PATH, metavar="PATH", help="default: %(default)s"
    )
    output = parser.add_argument_group("output")
    output.add_argument(
        "--continue",
        dest="follow_continuation",
        action="store_true",
        help="follow continuation; print one JSON document per line",
    )
    output.add_argument(
        "--items",
        metavar="PATH",
        help="print one item per line from this dotted path of each answer, e.g. "
        "query.allpages; query.pages merges each page's properties across answers",
    )
    output.add_argument(
        "--limit", type=_positive_int, metavar="N", help="stop after N items (or documents)"
    )
    account = parser.add_argument_group("login")
    who = account.add_mutually_exclusive_group()
    who.add_argument(
        "--user",
        metavar="NAME",
        help="log in first: a bot password name (User@Label) or a main account",
    )
    who.add_argument(
        "--oauth-token-env",
        metavar="VAR",
        help="send the OAuth 2 owner-only access token held in this environment variable",
    )
    account.add_argument(
        "--password-env",
        default=DEFAULT_PASSWORD_ENV,
        metavar="VAR",
        help="environment variable holding the password (default: %(default)s; when unset "
        "and stdin is a terminal, it is asked for without echo)",
    )
    account.add_argument(
        "--assert-user",
        action="store_true",
        help="add assert=user to the request(s), so they fail unless logged in (writes "
        "after --user carry it anyway)",
    )
    connection = parser.add_argument_group("connection")
    connection.add_argument("--user-agent", default=DEFAULT_USER_AGENT, metavar="TEXT")
    connection.add_argument(
        "--timeout", type=_seconds, metavar="SECONDS", help="default: 60 (10 to connect)"
    )
    connection.add_argument(
        "--retries", type=_non_negative_int, metavar="N", help="resends of failed requests"
    )
    connection.add_argument("--formatversion", type=int, choices=(1, 2), help="default: 2")
    connection.add_argument("--maxlag", type=_integer, metavar="N", help="add maxlag=N")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="log every request to stderr (secrets masked); tracebacks on errors",
    )
    parser.add_argument("params", nargs="+", metavar="KEY=VALUE", help="API parameters")
    return parser


def parse_key_values(words: Sequence[str]) -> dict[str, ParamValue]:
    """``KEY=VALUE`` words as parameters, in order; a repeated key collects a list.

    Example: ``parse_key_values(["action=query", "titles=A", "titles=B"])`` gives
    ``{"action": "query", "titles": ["A", "B"]}``. ``|`` inside a value is kept as typed.
    """
    params: dict[str, ParamValue] = {}
    for word in words:
        key, equals, value = word.partition("=")
        if not equals or not key or key != key.strip() or any(c.isspace() for c in key):
            raise UsageError(
                f"{word!r} is not KEY=VALUE",
                "write API parameters as KEY=VALUE, e.g. action=query list=allpages",
            )
        have = params.get(key)
        if have is None:
            params[key] = value
        elif isinstance(have, list):
            have.append(value)
        else:
            params[key] = [have, value]
    return params


def parse_request_arguments(command: str, argv: Sequence[str]) -> RequestOptions:
    """Parse the words after ``get``/``post``; raise :class:`UsageError` on any mistake."""
    parser = _request_parser(command)
    # Intermixed: options may come after parameters (mwtyped get action=query --host ...).
    namespace = parser.parse_intermixed_args(list(argv))
    values: dict[str, Any] = vars(namespace)
    if values["limit"] is not None and not (values["follow_continuation"] or values["items"]):
        raise UsageError("--limit needs --continue or --items", f"see 'mwtyped {command} --help'")
    if values["items"] is not None and not all(values["items"].split(".")):
        raise UsageError(
            f"--items {values['items']!r} is not a dotted path", "e.g. --items query.allpages"
        )
    return RequestOptions(
        method="GET" if command == "get" else "POST",
        host=values["host"],
        api_path=values["api_path"],
        params=parse_key_values(values["params"]),
        follow_continuation=values["follow_continuation"],
        items_path=values["items"],
        limit=values["limit"],
        user=values["user"],
        password_env=values["password_env"],
        oauth_token_env=values["oauth_token_env"],
        assert_user=values["assert_user"],
        user_agent=values["user_agent"],
        timeout=values["timeout"],
        retries=values["retries"],
        formatversion=values["formatversion"],
        maxlag=values["maxlag"],
        debug=values["debug"],
    )


def top_level_parser() -> argparse.ArgumentParser:
    """The parser of ``mwtyped`` itself: only for ``--help``, ``--version`` and a missing or
    unknown command (the commands parse their own words)."""
    parser = _OneLineParser(
        prog="mwtyped",
        description="Talk to a MediaWiki Action API from the shell.",
        epilog="run 'mwtyped COMMAND --help' for a command's options",
    )
    parser.add_argument("--version", action="version", version=f"mwtyped {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("get", help="send one GET request (reads)", add_help=False)
    commands.add_parser("post", help="send one POST request (writes)", add_help=False)
    for name, help_text in DELEGATED_COMMANDS.items():
        commands.add_parser(name, help=help_text, add_help=False)
    return parser
