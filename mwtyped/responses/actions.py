"""Answers of ``action=`` modules: shared pieces, the page-set actions and small modules.

An action answers one document, typed here as ``<Module>Response`` (``PurgeResponse``: the
whole answer, ``{"purge": [...], "batchcomplete": true}``). The page-set actions (``purge``,
``watch``, ``setnotificationtimestamp``, ``imagerotate``) take ``titles``/``pageids``/
``revids``/``generator`` like ``action=query`` and answer one entry per page, including the
titles they could not act on (:class:`PageSetEntry`). Other actions live in
``actions_pages`` (edit, move...), ``actions_admin`` (block, tags, revision deletion),
``actions_files`` (upload), ``actions_parse`` (parse, compare...), ``actions_users``
(login and accounts) and ``actions_paraminfo`` (paraminfo, help). Shapes are formatversion 2
with ``errorformat=plaintext``.

Example::

    answer = session.request(PurgeParams(titles=["Main Page"], forcelinkupdate=True))
    [page["title"] for page in answer["purge"] if page.get("purged")]
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import ALLOW_EXTRA, response_model
from mwtyped.responses.query import ConvertedTitle, NormalizedTitle, RedirectedTitle

__all__ = [
    "CheckResult",
    "ChecktokenResponse",
    "ClearhasmsgResponse",
    "CspreportResponse",
    "NotificationTimestampPage",
    "OpensearchResponse",
    "OptionsResponse",
    "PageSetEntry",
    "PurgePage",
    "PurgeResponse",
    "SetnotificationtimestampResponse",
    "StashEditResult",
    "StasheditResponse",
    "StatusMessage",
    "WatchPage",
    "WatchResponse",
    "WholeWatchlistTimestamp",
]


@response_model
class StatusMessage(TypedDict):
    """One error or warning inside an answer (``errors``, ``talkmove-errors``, ``warnings``).

    With mwtyped's ``errorformat=plaintext`` it is ``code`` and ``text``; ``html`` or
    ``key``/``params`` come with other error formats, ``message``/``params``/``type`` with
    ``errorformat=bc``; ``data`` holds the message's extra data.
    """

    code: str
    text: NotRequired[str]
    html: NotRequired[str]
    key: NotRequired[str]
    params: NotRequired[list[Any]]
    data: NotRequired[dict[str, Any]]
    module: NotRequired[str]
    info: NotRequired[str]
    message: NotRequired[str]
    type: NotRequired[str]


@response_model
class PageSetEntry(TypedDict):
    """A page named by ``titles``/``pageids``/``revids`` of a page-set action.

    Pages it could not act on come with a flag: ``invalid`` (and ``invalidreason``),
    ``special``, ``missing`` (with ``known`` for titles that exist without a page), an
    ``iw`` prefix for interwiki titles, or only ``pageid``/``revid`` for unknown ids.
    """

    ns: NotRequired[int]
    title: NotRequired[str]
    pageid: NotRequired[int]
    revid: NotRequired[int]
    missing: NotRequired[bool]
    known: NotRequired[bool]
    invalid: NotRequired[bool]
    invalidreason: NotRequired[str | StatusMessage]
    special: NotRequired[bool]
    iw: NotRequired[str]
    url: NotRequired[str]


@response_model
class PurgePage(PageSetEntry):
    """A page of ``action=purge``: ``purged``, and ``linkupdate`` with ``forcelinkupdate``."""

    purged: NotRequired[bool]
    linkupdate: NotRequired[bool]


PurgeResponse = TypedDict(
    "PurgeResponse",
    {
        "purge": list[PurgePage],
        "batchcomplete": NotRequired[bool],
        "continue": NotRequired[dict[str, Any]],
        "normalized": NotRequired[list[NormalizedTitle]],
        "converted": NotRequired[list[ConvertedTitle]],
        "redirects": NotRequired[list[RedirectedTitle]],
    },
)
"""The whole answer of ``action=purge``; ``continue`` when a ``generator`` goes on, the
title mappings as in ``action=query`` (``redirects=1``, ``converttitles=1``)."""
PurgeResponse.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class WatchPage(PageSetEntry):
    """A page of ``action=watch``: ``watched`` or ``unwatched`` (``unwatch=1``).

    ``expiry`` comes with ``expiry=`` on wikis with watchlist expiry, ``watchable`` (0) for
    titles that cannot be watched, ``errors``/``warnings`` when the change failed.
    """

    watched: NotRequired[bool]
    unwatched: NotRequired[bool]
    expiry: NotRequired[str]
    watchable: NotRequired[int]
    errors: NotRequired[list[StatusMessage]]
    warnings: NotRequired[list[StatusMessage]]


WatchResponse = TypedDict(
    "WatchResponse",
    {
        "watch": list[WatchPage] | WatchPage,
        "batchcomplete": NotRequired[bool],
        "continue": NotRequired[dict[str, Any]],
    },
)
"""The whole answer of ``action=watch``: one entry per page (the deprecated ``title=``
parameter answers a single entry instead of a list)."""
WatchResponse.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class NotificationTimestampPage(PageSetEntry):
    """A page of ``action=setnotificationtimestamp``: its new ``notificationtimestamp``
    (``""`` when nothing is unseen), or ``notwatched``."""

    notificationtimestamp: NotRequired[str]
    notwatched: NotRequired[bool]


@response_model
class WholeWatchlistTimestamp(TypedDict):
    """The answer of ``setnotificationtimestamp`` with ``entirewatchlist=1``."""

    notificationtimestamp: str


SetnotificationtimestampResponse = TypedDict(
    "SetnotificationtimestampResponse",
    {
        "setnotificationtimestamp": list[NotificationTimestampPage] | WholeWatchlistTimestamp,
        "batchcomplete": NotRequired[bool],
        "continue": NotRequired[dict[str, Any]],
    },
)
"""The whole answer of ``action=setnotificationtimestamp``: one entry per page, or one
object for ``entirewatchlist=1``."""
SetnotificationtimestampResponse.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class CheckResult(TypedDict):
    """``action=checktoken``: ``valid``, ``invalid`` or ``expired`` (past ``maxtokenage``);
    ``generated`` is when a well-formed token was made."""

    result: str
    generated: NotRequired[str]


@response_model
class ChecktokenResponse(TypedDict):
    """The whole answer of ``action=checktoken``."""

    checktoken: CheckResult


@response_model
class ClearhasmsgResponse(TypedDict):
    """The whole answer of ``action=clearhasmsg``: ``{"clearhasmsg": "success"}``."""

    clearhasmsg: str


@response_model
class CspreportResponse(TypedDict):
    """The whole answer of ``action=cspreport``, where browsers post Content-Security-Policy
    violation reports (as ``application/csp-report`` JSON): ``{"cspreport": "success"}``."""

    cspreport: str


@response_model
class OptionsResponse(TypedDict):
    """The whole answer of ``action=options``: ``{"options": "success"}`` (options it could
    not set come as warnings)."""

    options: str


@response_model
class StashEditResult(TypedDict):
    """``action=stashedit``: ``status`` is ``stashed``, ``editconflict``, ``uncacheable``,
    ``error``...; ``texthash`` names the stashed text for a later ``stashedtexthash``."""

    status: str
    texthash: NotRequired[str]


@response_model
class StasheditResponse(TypedDict):
    """The whole answer of ``action=stashedit``."""

    stashedit: StashEditResult


OpensearchResponse = list[Any]
"""The answer of ``action=opensearch``: a JSON ARRAY, not an object:
``[search, [titles...], [descriptions...], [urls...]]`` (OpenSearch suggestions format).

Example: ``["Cont 00", ["Cont 000", "Cont 001"], ["", ""], ["http://.../Cont_000", ...]]``.
"""
