"""mwtyped: a typed client for the MediaWiki Action API, sync and async.

The surface of ``mwapi.Session`` (``get``, ``post``, ``request``, ``continuation``) on httpx,
with every error and warning decoded into typed objects and transient failures retried.

Example::

    import mwtyped

    with mwtyped.Session("https://en.wikipedia.org",
                         user_agent="MyBot/1.0 (https://example.org; me@example.org)") as s:
        print(s.get(action="query", meta="siteinfo")["query"]["general"]["sitename"])
"""

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
from mwtyped.async_session import AsyncContinuation, AsyncSession
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
