"""mwtyped: a typed client for the MediaWiki Action API, sync and async.

The surface of ``mwapi.Session`` (``get``, ``post``, ``request``, ``continuation``) on httpx,
with every error and warning decoded into typed objects and transient failures retried.

Example::

    import mwtyped

    with mwtyped.Session("https://en.wikipedia.org",
                         user_agent="MyBot/1.0 (https://example.org; me@example.org)") as s:
        print(s.get(action="query", meta="siteinfo")["query"]["general"]["sitename"])
"""

import importlib
import typing

from mwtyped._api_warnings import (
    ApiDeprecationWarning,
    APIWarning,
    InsecureLoginWarning,
    UserAgentWarning,
)
from mwtyped._core import DEFAULT_API_PATH, DEFAULT_TIMEOUT
from mwtyped._login import LoginOutcome
from mwtyped._pages import amerge_pages, merge_pages
from mwtyped._retry import RetryPolicy
from mwtyped._upload import UploadResult
from mwtyped._version import __version__
from mwtyped.errors import (
    APIError,
    ArticleExistsError,
    AssertFailedError,
    BadTokenError,
    ClientInteractionRequest,
    ConnectError,
    EditConflictError,
    ErrorDetail,
    HTTPStatusError,
    LoginError,
    MaxLagError,
    MissingTitleError,
    MWTypedError,
    ParamEncodeError,
    PermissionDeniedError,
    RateLimitedError,
    ReadOnlyError,
    RequestTimeout,
    ResponseDecodeError,
    ResponseValidationError,
    TooManyValuesError,
    TransportError,
    UploadSourceError,
    UploadWarningError,
    WriteOutcomeUnknownError,
)
from mwtyped.session import Session

if typing.TYPE_CHECKING:
    from mwtyped._async_continuation import AsyncContinuation
    from mwtyped.async_session import AsyncSession

# The async session (and asyncio with it) loads on first use: sync users never pay for it.
_LAZY = {
    "AsyncSession": "mwtyped.async_session",
    "AsyncContinuation": "mwtyped._async_continuation",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mwtyped' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DEFAULT_API_PATH",
    "DEFAULT_TIMEOUT",
    "APIError",
    "APIWarning",
    "ApiDeprecationWarning",
    "ArticleExistsError",
    "AssertFailedError",
    "AsyncContinuation",
    "AsyncSession",
    "BadTokenError",
    "ClientInteractionRequest",
    "ConnectError",
    "EditConflictError",
    "ErrorDetail",
    "HTTPStatusError",
    "InsecureLoginWarning",
    "LoginError",
    "LoginOutcome",
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
    "RetryPolicy",
    "Session",
    "TooManyValuesError",
    "TransportError",
    "UploadResult",
    "UploadSourceError",
    "UploadWarningError",
    "UserAgentWarning",
    "WriteOutcomeUnknownError",
    "__version__",
    "amerge_pages",
    "merge_pages",
]
