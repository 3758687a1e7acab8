"""Keep session secrets out of httpx's and httpcore's own debug logs.

httpcore logs every response's headers at DEBUG, ``Set-Cookie`` (the wiki's session cookie)
included. A filter on those loggers replaces cookie and authorization header values with
``***`` before any handler sees the record. mwtyped's own log lines never contain secrets.

Example::

    install_log_redaction()   # done by every Session/AsyncSession; idempotent
"""

from __future__ import annotations

import logging
import re

__all__ = ["SecretHeaderFilter", "install_log_redaction"]

_SECRET_HEADER = re.compile(
    r"""\((b?)(['"])(set-cookie|cookie|authorization)\2,\s*b?(['"]).*?(?<!\\)\4\)""",
    re.IGNORECASE,
)
_LOGGERS = ("httpx", "httpcore.http11", "httpcore.http2", "httpcore.connection", "httpcore.proxy")


class SecretHeaderFilter(logging.Filter):
    """Masks the values of Cookie, Set-Cookie and Authorization headers in a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging system's problem, not ours
            return True
        if _SECRET_HEADER.search(message):
            record.msg = _SECRET_HEADER.sub(
                lambda m: f"({m.group(1)}{m.group(2)}{m.group(3)}{m.group(2)}, '***')", message
            )
            record.args = None
        return True


_FILTER = SecretHeaderFilter()


def install_log_redaction() -> None:
    """Attach the filter to httpx's and httpcore's loggers (once)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
