"""Command line: ``python -m mwtyped.testwiki up|down|status|wipe|runjobs|readonly``.

``up`` and ``status`` print only ``KEY=value`` lines on stdout (TESTWIKI_URL, TESTWIKI_API, ...),
so a shell can do ``eval "$(python -m mwtyped.testwiki up | sed 's/^/export /')"``; progress
and errors go to stderr. Exit codes: 0 ok, 1 failure (or `status`: not running), 2 usage.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from . import down, run_jobs, set_readonly, status, up, wipe
from ._config import WikiInfo, parse_port
from ._errors import TestWikiError

_PROGRAM = "testwiki"
_EXIT_FAILURE = 1
_EXIT_USAGE = 2


def _port_argument(text: str) -> int:
    try:
        return parse_port(text, source="--port")
    except TestWikiError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _workers_argument(text: str) -> int:
    try:
        workers = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if workers < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {workers}")
    return workers


def _add_common_options(parser: argparse.ArgumentParser, *, top_level: bool) -> None:
    # Accepted before and after the verb. Below the verb the default is SUPPRESS, or the
    # subparser would overwrite a value given before the verb with None.
    default = None if top_level else argparse.SUPPRESS
    parser.add_argument(
        "--port",
        type=_port_argument,
        default=default,
        metavar="N",
        help="TCP port on 127.0.0.1 (default: $TESTWIKI_PORT, else 8391; for up: 0 = any free "
        "port, and 8391 falls back to a free port when another process holds it)",
    )
    parser.add_argument(
        "--dir",
        default=default,
        metavar="PATH",
        help="data directory (default: $TESTWIKI_DIR, else /tmp/mwtyped-testwiki-PORT)",
    )
    parser.add_argument(
        "--workers",
        type=_workers_argument,
        default=default,
        metavar="N",
        help="php -S worker processes for up (default: $TESTWIKI_WORKERS, else 4)",
    )


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mwtyped.testwiki",
        description="A throwaway MediaWiki 1.39 on 127.0.0.1 for API client tests.",
    )
    _add_common_options(parser, top_level=True)
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")
    helps = {
        "up": "install/create if needed, start, print KEY=value lines",
        "down": "stop the server (the data stays)",
        "status": "print KEY=value lines if it runs, else exit 1",
        "wipe": "stop the server and delete the data directory",
        "runjobs": "run the job queue (api.php never does)",
        "readonly": "make the wiki read-only (--reason TEXT) or writable again (--off)",
    }
    for verb, help_text in helps.items():
        subparser = verbs.add_parser(verb, help=help_text, description=help_text)
        _add_common_options(subparser, top_level=False)
        if verb == "readonly":
            switch = subparser.add_mutually_exclusive_group(required=True)
            switch.add_argument("--reason", metavar="TEXT", help="read-only with this reason")
            switch.add_argument("--off", action="store_true", help="writable again")
    return parser


def _print_info(info: WikiInfo) -> None:
    for key, value in info.as_env().items():
        print(f"{key}={value}")


def _run(arguments: argparse.Namespace) -> int:
    port: int | None = arguments.port
    directory: str | None = arguments.dir
    verb: str = arguments.verb
    if verb == "up":
        _print_info(up(port, directory, arguments.workers))
    elif verb == "status":
        info = status(port, directory)
        if info is None:
            print(f"{_PROGRAM}: not running", file=sys.stderr)
            return _EXIT_FAILURE
        _print_info(info)
    elif verb == "down":
        stopped = down(port, directory)
        print(f"{_PROGRAM}: {'stopped' if stopped else 'not running'}", file=sys.stderr)
    elif verb == "wipe":
        wipe(port, directory)
    elif verb == "runjobs":
        run_jobs(port, directory)
    else:  # readonly
        set_readonly(None if arguments.off else arguments.reason, port, directory)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    >>> main(["status", "--port", "8391"])  # doctest: +SKIP
    0
    """
    parser = _build_parser()
    arguments = parser.parse_args(argv)
    if arguments.port == 0 and arguments.verb != "up":
        parser.error("--port 0 (pick a free port) only makes sense for up")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{_PROGRAM}: %(message)s"))
    logger = logging.getLogger("mwtyped.testwiki")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        return _run(arguments)
    except TestWikiError as error:
        print(f"{_PROGRAM}: error: {error}", file=sys.stderr)
        return _EXIT_FAILURE
    except KeyboardInterrupt:
        print(f"{_PROGRAM}: interrupted", file=sys.stderr)
        return 130
    finally:
        # Called again in the same process (mwtyped testwiki ...), it must not print twice.
        logger.removeHandler(handler)


if __name__ == "__main__":
    sys.exit(main())
