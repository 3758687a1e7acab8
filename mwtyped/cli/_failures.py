"""What went wrong, as one line for stderr and a distinct exit code.

===========  =======================================================================
exit code    meaning
===========  =======================================================================
0            done
1            an unexpected failure (a bug: rerun with ``--debug`` for the traceback)
2            usage: bad options, a word that is not KEY=VALUE, a rejected parameter
3            the API answered with an error (``maxlag``, ``badtoken``, ``permissiondenied`` ...)
4            login failed (wrong password, or a browser / 2FA step is needed)
5            network: no connection, a timeout, an HTTP error status, an answer that is not
             the API's JSON, a write whose answer was lost
130          interrupted (Ctrl-C)
===========  =======================================================================

Example::

    >>> from mwtyped.errors import ErrorDetail, MaxLagError
    >>> failure = describe_failure(MaxLagError([ErrorDetail("maxlag", "lagged")]))
    >>> int(failure.exit_code), failure.line()
    (3, 'maxlag: lagged — the wiki is lagged; retry later or raise --retries')
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from mwtyped.cli._arguments import UsageError
from mwtyped.cli._typecheck import ParamsInvalid
from mwtyped.errors import (
    APIError,
    ClientInteractionRequest,
    ConnectError,
    HTTPStatusError,
    LoginError,
    MWTypedError,
    ParamEncodeError,
    RequestTimeout,
    ResponseDecodeError,
    TransportError,
    WriteOutcomeUnknownError,
)

__all__ = ["ExitCode", "Failure", "LoginSetupError", "describe_failure"]


class ExitCode(enum.IntEnum):
    """The exit status of ``mwtyped``; each kind of failure has its own."""

    OK = 0
    UNEXPECTED = 1
    USAGE = 2
    API_ERROR = 3
    LOGIN_FAILED = 4
    NETWORK = 5
    INTERRUPTED = 130


class LoginSetupError(Exception):
    """The login could not even start (no password available): exit code 2."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Failure:
    """One failure: its exit code, a short ``code``, the ``text`` and what to do."""

    exit_code: ExitCode
    code: str
    text: str
    hint: str | None = None

    def line(self) -> str:
        """``code: text — hint``, on one line whatever the texts contain."""
        text = " ".join(f"{self.code}: {self.text}".split())
        return f"{text} — {' '.join(self.hint.split())}" if self.hint else text


_LOG_IN_HINT = "log in with --user as an account that may do this"

# What to do about the API error codes a command line user meets most.
API_ERROR_HINTS = {
    "maxlag": "the wiki is lagged; retry later or raise --retries",
    "readonly": "the wiki is read-only for maintenance; retry later or raise --retries",
    "ratelimited": "you hit the wiki's rate limit; slow down, retry later or raise --retries",
    "badtoken": "the wiki refused the token twice; log in again (--user) and retry",
    "permissiondenied": _LOG_IN_HINT,
    "mustbeloggedin": _LOG_IN_HINT,
    "writeapidenied": _LOG_IN_HINT,
    "protectedpage": "the page is protected; " + _LOG_IN_HINT,
    "cascadeprotected": "the page is protected; " + _LOG_IN_HINT,
    "assertuserfailed": "the request is not logged in: pass --user (and its password) or "
    "drop --assert-user / assert=user",
    "assertbotfailed": "the account lacks the bot right: use a bot account",
    "assertanonfailed": "the request is logged in: drop --user or assert=anon",
    "assertnameduserfailed": "the session belongs to another user: check --user and assertuser=",
    "editconflict": "the page changed since basetimestamp/baserevid; fetch it again and redo "
    "the change",
    "missingtitle": "the page does not exist; check title= (or drop nocreate=)",
    "articleexists": "the page exists already; drop createonly=",
    "toomanyvalues": "send fewer values per request",
    "badvalue": "check the value against action=help modules=<the module>",
    "badinteger": "give a whole number",
    "missingparam": "add the parameter named above",
    "mustbeposted": "send it with 'mwtyped post'",
    "mustpostparams": "send it with 'mwtyped post'",
    "notoken": "write modules take their token automatically: drop token=",
}


def _api_failure(error: APIError) -> Failure:
    hint = API_ERROR_HINTS.get(error.code)
    if error.code == "toomanyvalues" and error.data.get("limit") is not None:
        hint = f"send at most {error.data['limit']} values per request"
    text = error.text or "(no message)"
    if len(error.errors) > 1:
        more = "; ".join(f"{e.code}: {e.text or ''}" for e in error.errors[1:])
        text += f" (+{len(error.errors) - 1} more: {more})"
    return Failure(ExitCode.API_ERROR, error.code, text, hint)


def _login_failure(error: LoginError | ClientInteractionRequest) -> Failure:
    if isinstance(error, ClientInteractionRequest):
        return Failure(
            ExitCode.LOGIN_FAILED,
            "login needs another step",
            error.message or f"the wiki asks for {sorted(error.fields)}",
            "a browser, two-factor or captcha step is needed, which the command line cannot "
            "do; create a bot password (Special:BotPasswords, name User@Label) or an OAuth "
            "owner-only token (--oauth-token-env)",
        )
    reason = error.reason or "no reason given"
    return Failure(
        ExitCode.LOGIN_FAILED,
        "login failed",
        f"{error.result}{f' ({error.code})' if error.code else ''}: {reason}",
        "check --user and the password (bot passwords are used as User@Label with the "
        "generated password)",
    )


def _network_failure(error: MWTypedError) -> Failure:
    code = ExitCode.NETWORK
    if isinstance(error, WriteOutcomeUnknownError):
        return Failure(
            code,
            "write outcome unknown",
            str(error.error),
            "the write may or may not have happened: check the wiki before sending it again",
        )
    if isinstance(error, ConnectError):
        return Failure(
            code, "connection failed", str(error), "check --host and that the wiki is up"
        )
    if isinstance(error, RequestTimeout):
        return Failure(code, "timeout", str(error), "retry later or raise --timeout")
    if isinstance(error, TransportError):
        return Failure(code, "connection lost", str(error), "retry later")
    if isinstance(error, HTTPStatusError):
        if 300 <= error.status_code < 400 or error.status_code == 404:
            hint = "check --host and --api-path"
        elif error.status_code in (401, 403):
            hint = "the server refused access; check --user-agent, --host and any proxy"
        else:
            hint = "the server or a proxy failed; retry later or raise --retries"
        text = f"{error.method} {error.url} answered {error.content_type or 'no content type'}"
        location = error.headers.get("location")
        if location:
            text += f", redirecting to {location} (not followed: use that address)"
        return Failure(code, f"HTTP {error.status_code}", text, hint)
    return Failure(
        code,
        "not an API answer",
        str(error),
        "check that --host and --api-path point at api.php",
    )


def describe_failure(error: BaseException) -> Failure:
    """The :class:`Failure` for an exception that ended the command.

    Example: ``describe_failure(UsageError("bad")).exit_code == ExitCode.USAGE``.
    """
    if isinstance(error, UsageError | LoginSetupError):
        return Failure(ExitCode.USAGE, "usage", str(error), error.hint)
    if isinstance(error, ParamsInvalid):
        return Failure(ExitCode.USAGE, "invalid parameters", str(error), error.hint)
    if isinstance(error, ParamEncodeError):
        return Failure(ExitCode.USAGE, "invalid parameters", str(error), None)
    if isinstance(error, APIError):
        return _api_failure(error)
    if isinstance(error, LoginError | ClientInteractionRequest):
        return _login_failure(error)
    if isinstance(
        error,
        TransportError | HTTPStatusError | ResponseDecodeError | WriteOutcomeUnknownError,
    ):
        return _network_failure(error)
    if isinstance(error, MWTypedError):
        return Failure(ExitCode.API_ERROR, type(error).__name__, str(error), None)
    if isinstance(error, KeyboardInterrupt):
        return Failure(ExitCode.INTERRUPTED, "interrupted", "stopped by Ctrl-C", None)
    return Failure(
        ExitCode.UNEXPECTED,
        "internal error",
        f"{type(error).__name__}: {error}",
        "this is a bug in mwtyped; rerun with --debug for the traceback and report it",
    )
