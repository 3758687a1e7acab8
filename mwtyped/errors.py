"""Every exception mwtyped raises, in one tree.

Catch :class:`MWTypedError` for "anything from mwtyped", or a precise class::

    MWTypedError
    ├── APIError                    the API answered with an error document
    │   ├── MaxLagError             maxlag            (retried by default)
    │   ├── ReadOnlyError           readonly          (retried by default)
    │   ├── RateLimitedError        ratelimited       (retried by default)
    │   ├── BadTokenError           badtoken
    │   ├── AssertFailedError       assertuserfailed, assertbotfailed, assertanonfailed,
    │   │                           assertnameduserfailed
    │   ├── PermissionDeniedError   permissiondenied (and the other "you may not" codes)
    │   ├── EditConflictError       editconflict
    │   ├── MissingTitleError       missingtitle
    │   ├── ArticleExistsError      articleexists
    │   └── TooManyValuesError      toomanyvalues
    ├── LoginError                  login refused (wrong password, throttled, ...)
    ├── ClientInteractionRequest    login needs another step (2FA, captcha)
    ├── HTTPStatusError             a non-2xx answer that is not an API error
    ├── ResponseDecodeError         a body that is not the JSON the API sends
    ├── ResponseValidationError     a typed answer whose fields have unexpected types
    ├── UploadWarningError          the wiki stopped an upload with warnings (exists, ...)
    ├── UploadSourceError           the file to upload could not be read
    ├── WriteOutcomeUnknownError    a write's answer was lost or garbled: it may have happened
    ├── TransportError              the request or its answer was lost on the way
    │   ├── ConnectError            never reached the server: safe to resend
    │   └── RequestTimeout          the server took longer than the timeout
    └── ParamEncodeError            (also a TypeError) a value that cannot be sent

Example::

    try:
        session.post(action="edit", title="A", text="x")
    except mwtyped.EditConflictError as err:
        print(err.code, err.text)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "APIError",
    "ArticleExistsError",
    "AssertFailedError",
    "BadTokenError",
    "ClientInteractionRequest",
    "ConnectError",
    "EditConflictError",
    "ErrorDetail",
    "HTTPStatusError",
    "LoginError",
    "MWTypedError",
    "MaxLagError",
    "MissingTitleError",
    "ParamEncodeError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ReadOnlyError",
    "RequestTimeout",
    "ResponseDecodeError",
    "ResponseValidationError",
    "TooManyValuesError",
    "TransportError",
    "UploadSourceError",
    "UploadWarningError",
    "WriteOutcomeUnknownError",
    "api_error_class",
]

JSONObject = dict[str, Any]

# How much of an unexpected body is kept on an exception: enough to recognise an HTML error
# page or a proxy message, small enough never to flood a log.
BODY_PREFIX_BYTES = 500


def _safe_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """Lower-cased header names, without ``set-cookie`` (a session secret)."""
    if not headers:
        return {}
    return {k.lower(): v for k, v in headers.items() if k.lower() != "set-cookie"}


class MWTypedError(Exception):
    """Base class of every exception raised by mwtyped.

    ``retries`` counts the resends made before this error was raised (0 when the first
    failure was final).
    """

    retries: int = 0

    def __reduce__(self) -> tuple[Any, ...]:
        # The subclasses take keyword-rich constructors; rebuild from state instead, so
        # errors cross process boundaries (multiprocessing, concurrent.futures) intact.
        return (_rebuild_error, (type(self), self.args, self.__dict__))


def _rebuild_error(
    cls: type[MWTypedError], args: tuple[Any, ...], state: dict[str, Any]
) -> MWTypedError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


@dataclass(frozen=True)
class ErrorDetail:
    """One error of an error document; an answer may carry several.

    ``text`` is the human message whatever the errorformat (``info`` in ``bc``, ``text`` /
    ``html`` / ``*`` otherwise, absent for ``raw`` and ``none``); ``key`` and ``params`` are
    filled for ``errorformat=raw``.
    """

    code: str
    text: str | None = None
    module: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    key: str | None = None
    params: Sequence[Any] = ()


class APIError(MWTypedError):
    """The API answered with an error document (``error`` or ``errors[]``).

    Attributes: ``code`` and ``text`` (also as ``info``) of the first error, its ``data``
    and ``module``; ``errors`` with every error when there are several; ``docref``,
    ``servedby``, the HTTP ``status_code`` and ``headers``, and the whole ``document``.

    Example::

        try:
            session.get(action="query", titles=["x"] * 60)
        except mwtyped.TooManyValuesError as err:
            print(err.code, err.data["limit"])   # toomanyvalues 50
    """

    def __init__(
        self,
        errors: Sequence[ErrorDetail],
        *,
        docref: str | None = None,
        servedby: str | None = None,
        status_code: int | None = None,
        headers: Mapping[str, str] | None = None,
        document: JSONObject | None = None,
    ) -> None:
        if not errors:
            errors = (ErrorDetail(code="unknownerror", text="The API reported an error"),)
        self.errors: tuple[ErrorDetail, ...] = tuple(errors)
        first = self.errors[0]
        self.code: str = first.code
        self.text: str | None = first.text
        self.module: str | None = first.module
        self.data: Mapping[str, Any] = first.data
        self.docref = docref
        self.servedby = servedby
        self.status_code = status_code
        self.headers: Mapping[str, str] = _safe_headers(headers)
        self.document: JSONObject = document if document is not None else {}
        super().__init__(self._describe())

    @property
    def info(self) -> str | None:
        """The error message, under its ``errorformat=bc`` name."""
        return self.text

    def _describe(self) -> str:
        parts = [f"{e.code}: {e.text}" if e.text else e.code for e in self.errors]
        more = f" (+{len(parts) - 1} more: {'; '.join(parts[1:])})" if len(parts) > 1 else ""
        return parts[0] + more


class MaxLagError(APIError):
    """The replicas lag more than the ``maxlag`` sent; wait and resend (done by default).

    ``lag`` is the reported lag in seconds, ``retry_after`` the server's advice.
    """

    @property
    def lag(self) -> float | None:
        value = self.data.get("lag")
        return float(value) if isinstance(value, int | float) else None

    @property
    def retry_after(self) -> str | None:
        return self.headers.get("retry-after")


class ReadOnlyError(APIError):
    """The wiki is read-only for now (maintenance); ``reason`` tells why."""

    @property
    def reason(self) -> str | None:
        value = self.data.get("readonlyreason")
        return value if isinstance(value, str) else None


class RateLimitedError(APIError):
    """The account hit a rate limit; slow down."""


class BadTokenError(APIError):
    """The token sent is wrong or expired."""


class AssertFailedError(APIError):
    """An ``assert``/``assertuser`` check failed: the session is not who it claims to be."""


class PermissionDeniedError(APIError):
    """The user lacks the right to do this."""


class EditConflictError(APIError):
    """Someone else edited the page since ``basetimestamp``/``baserevid``."""


class MissingTitleError(APIError):
    """The page does not exist (and the request needed it to)."""


class ArticleExistsError(APIError):
    """The page exists already (``createonly``)."""


class TooManyValuesError(APIError):
    """Too many values for a multi-value parameter; ``data`` holds ``limit``."""


_CODE_TO_CLASS: dict[str, type[APIError]] = {
    "maxlag": MaxLagError,
    "readonly": ReadOnlyError,
    "ratelimited": RateLimitedError,
    "badtoken": BadTokenError,
    "assertuserfailed": AssertFailedError,
    "assertbotfailed": AssertFailedError,
    "assertanonfailed": AssertFailedError,
    "assertnameduserfailed": AssertFailedError,
    "permissiondenied": PermissionDeniedError,
    "protectedpage": PermissionDeniedError,
    "cascadeprotected": PermissionDeniedError,
    "mustbeloggedin": PermissionDeniedError,
    "writeapidenied": PermissionDeniedError,
    "editconflict": EditConflictError,
    "missingtitle": MissingTitleError,
    "articleexists": ArticleExistsError,
    "toomanyvalues": TooManyValuesError,
}


def api_error_class(code: str) -> type[APIError]:
    """The exception class raised for an error code; unknown codes give :class:`APIError`.

    Example: ``api_error_class("maxlag") is MaxLagError``.
    """
    return _CODE_TO_CLASS.get(code, APIError)


class LoginError(MWTypedError):
    """Login was refused: ``result``/``status`` (e.g. ``Failed``, ``FAIL``) and why.

    The password is never part of the exception.
    """

    def __init__(self, result: str, reason: str | None = None, *, code: str | None = None) -> None:
        self.result = result
        self.reason = reason
        self.code = code
        detail = f" ({code})" if code else ""
        super().__init__(f"login {result}{detail}: {reason or 'no reason given'}")


class ClientInteractionRequest(MWTypedError):
    """The wiki needs another login step; answer it with ``session.continue_login``.

    ``login_token`` goes back unchanged; ``requests`` lists what the wiki asks for, each with
    its ``fields`` (name -> type, label, help, optional, sensitive); ``message`` says why.
    """

    def __init__(
        self,
        login_token: str,
        message: str | None,
        requests: Sequence[Mapping[str, Any]],
        *,
        status: str = "UI",
        message_code: str | None = None,
    ) -> None:
        self.login_token = login_token
        self.message = message
        self.requests = tuple(requests)
        self.status = status
        self.message_code = message_code
        names = sorted({name for r in self.requests for name in r.get("fields", {})})
        super().__init__(f"login needs another step ({status}): {message}; fields: {names}")

    def __repr__(self) -> str:
        # The login token is a secret for the duration of the login.
        return f"ClientInteractionRequest(status={self.status!r}, message={self.message!r})"

    @property
    def fields(self) -> dict[str, Mapping[str, Any]]:
        """Every field asked for, by name, across all requests."""
        merged: dict[str, Mapping[str, Any]] = {}
        for request in self.requests:
            merged.update(request.get("fields", {}))
        return merged


class HTTPStatusError(MWTypedError):
    """The server answered a non-2xx status without an API error document."""

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str],
        body_prefix: bytes,
        *,
        method: str = "",
        url: str = "",
        content_type: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.headers: Mapping[str, str] = _safe_headers(headers)
        self.body_prefix = body_prefix
        self.method = method
        self.url = url
        self.content_type = content_type
        hint = ""
        location = self.headers.get("location")
        if 300 <= status_code < 400 and location:
            # Redirects are not followed: a POST would turn into a GET, and cookies must not
            # travel to another host. Tell the user where to point the session instead.
            hint = f"; redirected to {location}: use that address as host/api_path"
        super().__init__(
            f"HTTP {status_code} from {method} {url} ({content_type or 'no content type'})"
            f"{hint}: {body_prefix[:120]!r}"
        )

    @property
    def retry_after(self) -> str | None:
        return self.headers.get("retry-after")


class ResponseDecodeError(MWTypedError):
    """The body is not a JSON object: an HTML error page, a truncated body, a proxy's page.

    Carries ``status_code``, ``content_type`` and the first bytes (``body_prefix``);
    ``well_formed`` is true when the body was valid JSON of another shape (not worth
    resending: the server meant it).
    """

    def __init__(
        self,
        reason: str,
        *,
        status_code: int,
        content_type: str | None,
        body_prefix: bytes,
        headers: Mapping[str, str] | None = None,
        well_formed: bool = False,
    ) -> None:
        self.reason = reason
        self.well_formed = well_formed
        self.status_code = status_code
        self.content_type = content_type
        self.body_prefix = body_prefix
        self.headers: Mapping[str, str] = _safe_headers(headers)
        super().__init__(
            f"{reason} (HTTP {status_code}, {content_type or 'no content type'}): "
            f"{body_prefix[:120]!r}"
        )


class ResponseValidationError(MWTypedError):
    """A typed answer did not match its model (a field changed type, a required one is
    missing). ``document`` is the answer as received, so nothing is lost; ``errors`` lists
    pydantic's findings. Unknown *extra* fields never cause this.
    """

    def __init__(self, what: str, error: Exception, document: Any) -> None:
        self.what = what
        self.document = document
        self.errors: list[Any] = list(getattr(error, "errors", list)())
        first = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in self.errors[:3]
        )
        more = f" (+{len(self.errors) - 3} more)" if len(self.errors) > 3 else ""
        super().__init__(f"{what} does not match its model: {first}{more}")


class UploadWarningError(MWTypedError):
    """The wiki answered an upload with ``result: Warning`` and published nothing.

    ``warnings`` maps each warning (``exists``, ``duplicate``, ``nochange``, ``was-deleted``,
    ...) to its details; ``filekey`` names the stashed file, so the upload can be published
    anyway with ``ignore_warnings=True`` or dropped.
    """

    def __init__(
        self,
        filename: str,
        warnings: Mapping[str, Any],
        filekey: str | None,
        document: JSONObject,
    ) -> None:
        self.filename = filename
        self.warnings: Mapping[str, Any] = dict(warnings)
        self.filekey = filekey
        self.document = document
        listed = "; ".join(f"{k}: {v!r}" for k, v in self.warnings.items()) or "no details"
        super().__init__(
            f"upload of {filename!r} stopped by warnings ({listed}); "
            "pass ignore_warnings=True to upload anyway"
        )


class UploadSourceError(MWTypedError):
    """The file to upload could not be opened or read; nothing was published."""


class WriteOutcomeUnknownError(MWTypedError):
    """A write was sent but its answer was lost or unreadable: it may or may not have been
    applied. mwtyped does not resend it (MediaWiki has no idempotency key); check the wiki
    (e.g. the page's latest revision) before trying again. ``error`` is the failure seen
    (also ``__cause__``); ``action`` the module.
    """

    def __init__(self, action: str, error: MWTypedError) -> None:
        self.action = action
        self.error = error
        self.request_sent = True
        super().__init__(
            f"{action}: the answer was lost ({type(error).__name__}: {error}); the write may or "
            "may not have happened: check the wiki before sending it again"
        )


class TransportError(MWTypedError):
    """The request or its answer was lost on the way (wraps the httpx error as ``__cause__``).

    ``request_sent`` says whether the server may have received (and acted on) the request:
    ``False`` means it certainly did not, ``True`` that it may have.
    """

    def __init__(self, message: str, *, method: str, url: str, request_sent: bool) -> None:
        self.method = method
        self.url = url
        self.request_sent = request_sent
        super().__init__(f"{message} ({method} {url})")


class ConnectError(TransportError):
    """No connection could be made; the request never left, so resending is safe."""


class RequestTimeout(TransportError):
    """The server did not answer within the timeout."""


class ParamEncodeError(MWTypedError, TypeError):
    """A parameter value that cannot be sent to the API; ``param`` names it.

    Example: ``session.get(action="query", titles=[object()])`` raises it with
    ``param == "titles"`` before anything is sent.
    """

    def __init__(self, param: str, problem: str) -> None:
        self.param = param
        self.problem = problem
        super().__init__(f"parameter {param!r}: {problem}")
