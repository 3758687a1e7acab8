"""The data directory of a test wiki: claiming it, locking it, and deleting only our own."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ._errors import TestWikiError

__all__ = ["claim", "clear_contents", "is_ours", "locked", "remove"]

# Written first into every directory we create; nothing without it is ever deleted.
MARKER_NAME = ".mwtyped-testwiki"
LOCK_NAME = ".lock"
_LOCK_TIMEOUT_SECONDS = 120.0


def is_ours(directory: Path) -> bool:
    """True if *directory* was created by mwtyped.testwiki (it holds the marker file)."""
    return (directory / MARKER_NAME).is_file()


def _is_empty(directory: Path) -> bool:
    return not any(directory.iterdir())


def _refuse(directory: Path, doing: str) -> TestWikiError:
    return TestWikiError(
        f"refusing to {doing} {directory}: it is not empty and has no {MARKER_NAME} marker, "
        "so it is not a test wiki directory (pick another --dir)"
    )


def claim(directory: Path) -> None:
    """Create *directory* (or adopt it if empty) and mark it as a test wiki directory.

    >>> claim(Path("/tmp/mwtyped-testwiki-8391"))  # doctest: +SKIP
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if is_ours(directory):
            return
        if not _is_empty(directory):
            raise _refuse(directory, "use")
        (directory / MARKER_NAME).write_text(
            "Data directory of a throwaway MediaWiki made by `python -m mwtyped.testwiki`.\n"
            "`python -m mwtyped.testwiki wipe` deletes it.\n",
            encoding="utf-8",
        )
    except OSError as error:
        raise TestWikiError(f"cannot create the test wiki directory {directory}: {error}") from None


def clear_contents(directory: Path) -> None:
    """Empty one of our directories but keep its marker and lock (a half-made wiki)."""
    if not is_ours(directory):
        raise _refuse(directory, "clear")
    for entry in directory.iterdir():
        if entry.name in (MARKER_NAME, LOCK_NAME):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def remove(directory: Path) -> bool:
    """Delete *directory* if it is ours (or empty); True if something was deleted.

    >>> remove(Path("/tmp/mwtyped-testwiki-8391"))  # doctest: +SKIP
    True
    """
    if not directory.exists() and not directory.is_symlink():
        return False
    if directory.is_symlink() or not directory.is_dir():
        raise TestWikiError(f"refusing to delete {directory}: not a plain directory")
    if not is_ours(directory) and not _is_empty(directory):
        raise _refuse(directory, "delete")
    try:
        shutil.rmtree(directory)
    except OSError as error:
        raise TestWikiError(f"cannot delete {directory}: {error}") from None
    return True


@contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Claim *directory* and hold its lock, so parallel `up`/`down`/`wipe` calls take turns.

    >>> with locked(Path("/tmp/mwtyped-testwiki-8391")):  # doctest: +SKIP
    ...     pass
    """
    lock_path = directory / LOCK_NAME
    deadline = time.monotonic() + _LOCK_TIMEOUT_SECONDS
    while True:
        claim(directory)
        # O_CLOEXEC: the php server started under this lock must not inherit (and keep) it.
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            _acquire(descriptor, lock_path, deadline)
            # A `wipe` may have deleted the directory while we waited: then this lock guards
            # nothing, and the next round recreates the directory.
            if _same_file(descriptor, lock_path):
                yield
                return
        finally:
            os.close(descriptor)


def _acquire(descriptor: int, lock_path: Path, deadline: float) -> None:
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise TestWikiError(f"cannot lock {lock_path}: {error}") from None
        if time.monotonic() > deadline:
            raise TestWikiError(
                f"another testwiki command has held {lock_path} for "
                f"{_LOCK_TIMEOUT_SECONDS:.0f} s; giving up"
            )
        time.sleep(0.05)


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)
