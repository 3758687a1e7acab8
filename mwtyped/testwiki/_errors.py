"""The one exception type of :mod:`mwtyped.testwiki`."""

from __future__ import annotations

__all__ = ["TestWikiError"]


class TestWikiError(Exception):
    """Raised for every failure of the test wiki: missing packages, busy port, crashed server...

    The message is meant for a human and, when a log file explains the failure, ends with the
    tail of that log.

    >>> raise TestWikiError("port 8391 on 127.0.0.1 is in use by another process")
    Traceback (most recent call last):
    ...
    mwtyped.testwiki._errors.TestWikiError: port 8391 on 127.0.0.1 is in use by another process
    """

    # The name starts with "Test": without this, pytest would try to collect the class as a
    # test case wherever a test module imports it.
    __test__ = False
