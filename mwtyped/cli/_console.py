"""Everything ``mwtyped`` writes to stderr: the live progress line, warnings, debug lines.

On a terminal a progress line (requests sent, items printed, retries, time) is rewritten in
place with ``\\r`` and cleared at the end; other lines are printed above it. When stderr is
not a terminal there is no progress line at all, only warnings (and ``--debug`` lines).

Log records of the ``mwtyped`` loggers come here while the command runs
(:func:`capture_library_logs`): each ``mwtyped.retry`` resend counts as a retry; warnings
are printed as ``mwtyped: warning: ...``; the rest only with ``--debug``.

Example::

    console = Console(sys.stderr, progress=sys.stderr.isatty(), debug=False)
    console.count_request()
    console.count_item()
    console.finish()          # the progress line disappears
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from mwtyped._api_warnings import APIWarning, InsecureLoginWarning

__all__ = ["Console", "capture_library_logs", "is_terminal"]

_REDRAW_INTERVAL = 0.1  # seconds between two redraws caused by items alone


def is_terminal(stream: object) -> bool:
    """Whether a stream is a terminal (``False`` for pipes, files, closed streams)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # a closed or detached stream
        return False


class Console:
    """stderr of one command run: the progress counters and line, and message lines.

    ``clock`` is injectable for tests.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        progress: bool,
        debug: bool,
        item_name: str = "items",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.progress = progress
        self.debug = debug
        self.item_name = item_name
        self.requests = 0
        self.items = 0
        self.retries = 0
        self._clock = clock
        self._started = clock()
        self._last_drawn_at: float | None = None
        self._shown = ""

    # -- counters --------------------------------------------------------------------------
    def count_request(self) -> None:
        self.requests += 1
        self._draw()

    def count_item(self) -> None:
        self.items += 1
        self._draw(throttled=True)

    def count_retry(self) -> None:
        self.retries += 1
        self._draw()

    # -- lines -----------------------------------------------------------------------------
    def message(self, line: str) -> None:
        """Print one line above the progress line (which is redrawn after it)."""
        shown = self._shown
        self._clear()
        self.stream.write(line + "\n")
        if shown:
            self._draw()
        self.stream.flush()

    def warning(self, text: str) -> None:
        self.message(f"mwtyped: warning: {' '.join(text.split())}")

    def debug_line(self, text: str) -> None:
        if self.debug:
            self.message(f"mwtyped: debug: {text}")

    def finish(self) -> None:
        """Clear the progress line for good (at the end, and before the error line)."""
        self._clear()
        self.progress = False

    # -- the progress line -----------------------------------------------------------------
    def progress_text(self) -> str:
        elapsed = self._clock() - self._started
        return (
            f"mwtyped: {self.requests} requests, {self.items} {self.item_name}, "
            f"{self.retries} retries, {elapsed:.1f} s"
        )

    def _draw(self, *, throttled: bool = False) -> None:
        if not self.progress:
            return
        now = self._clock()
        last = self._last_drawn_at
        if throttled and last is not None and now - last < _REDRAW_INTERVAL:
            return
        self._last_drawn_at = now
        text = self.progress_text()
        padding = " " * max(0, len(self._shown) - len(text))
        self.stream.write(f"\r{text}{padding}")
        self.stream.flush()
        self._shown = text

    def _clear(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * len(self._shown) + "\r")
            self.stream.flush()
            self._shown = ""


class _ConsoleHandler(logging.Handler):
    """Routes records of the ``mwtyped`` loggers to a :class:`Console`."""

    def __init__(self, console: Console) -> None:
        super().__init__(logging.DEBUG)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a record that cannot be formatted must not end the command
            self.handleError(record)
            return
        if record.name == "mwtyped.retry":
            if record.levelno == logging.INFO:  # "retrying ...": one resend
                self.console.count_retry()
            self.console.debug_line(text)  # resends and "giving up" only with --debug
        elif record.levelno >= logging.WARNING:
            self.console.warning(text)
        else:
            self.console.debug_line(f"{record.name}: {text}")


@contextmanager
def capture_library_logs(console: Console) -> Iterator[None]:
    """While the command runs, send the ``mwtyped`` loggers' records to ``console`` (and
    nowhere else), and silence the Python warnings that duplicate logged ones.

    Everything is put back afterwards, so running :func:`mwtyped.cli.main` in-process (tests)
    leaves logging and warning filters as they were.
    """
    logger = logging.getLogger("mwtyped")
    handler = _ConsoleHandler(console)
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if console.debug else logging.INFO)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            # Both are logged on "mwtyped" loggers as well: print them once, as log lines.
            warnings.simplefilter("ignore", APIWarning)
            warnings.simplefilter("ignore", InsecureLoginWarning)
            yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
