"""Answers of the administrators' actions: blocks, user groups, change tags, revision deletion.

Each ``<Module>Response`` is the whole answer document. Per-item outcomes (``tag``,
``revisiondelete``) carry a ``status`` and, when something went wrong, a list of
:class:`~mwtyped.responses.actions.StatusMessage`.

Example::

    answer = session.request(BlockParams(user="Vandal", expiry="1 week", reason="spam"))
    answer["block"]["id"], answer["block"]["expiry"]
    for outcome in session.request(TagParams(revid=[123, 124], add=["reviewed"]))["tag"]:
        print(outcome.get("revid"), outcome["status"])
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import response_model
from mwtyped.responses.actions import StatusMessage

__all__ = [
    "BlockResponse",
    "BlockResult",
    "ManagetagsResponse",
    "ManagetagsResult",
    "RevisionDeleteItem",
    "RevisiondeleteResponse",
    "RevisiondeleteResult",
    "TagOutcome",
    "TagResponse",
    "UnblockResponse",
    "UnblockResult",
    "UserrightsResponse",
    "UserrightsResult",
]


@response_model
class BlockResult(TypedDict):
    """``action=block``: the block as made, with every option echoed back.

    ``userID`` is 0 for IP addresses and ranges. ``pagerestrictions``/
    ``namespacerestrictions`` are ``None`` for a sitewide block; ``actionrestrictions`` only
    where partial action blocks are enabled, ``watchlistexpiry`` with ``watchlistexpiry=``.
    """

    user: str
    userID: int
    expiry: str
    id: int | str
    reason: str
    anononly: bool
    nocreate: bool
    autoblock: bool
    noemail: bool
    hidename: bool
    allowusertalk: bool
    watchuser: bool
    watchlistexpiry: NotRequired[str]
    partial: bool
    pagerestrictions: list[str] | None
    namespacerestrictions: list[int] | None
    actionrestrictions: NotRequired[list[str] | None]


@response_model
class BlockResponse(TypedDict):
    """The whole answer of ``action=block``."""

    block: BlockResult


@response_model
class UnblockResult(TypedDict):
    """``action=unblock``: the removed block; ``user`` is ``""`` for an autoblock."""

    id: int
    user: str
    userid: int
    reason: str


@response_model
class UnblockResponse(TypedDict):
    """The whole answer of ``action=unblock``."""

    unblock: UnblockResult


@response_model
class UserrightsResult(TypedDict):
    """``action=userrights``: the groups actually added and removed."""

    user: str
    userid: int
    added: list[str]
    removed: list[str]


@response_model
class UserrightsResponse(TypedDict):
    """The whole answer of ``action=userrights``."""

    userrights: UserrightsResult


@response_model
class ManagetagsResult(TypedDict):
    """``action=managetags``: ``logid`` when ``success``; ``warnings`` the operation raised
    (sent only with ``ignorewarnings=1``, which lets it go on)."""

    operation: str
    tag: str
    success: bool
    logid: NotRequired[int]
    warnings: NotRequired[list[StatusMessage]]


@response_model
class ManagetagsResponse(TypedDict):
    """The whole answer of ``action=managetags``."""

    managetags: ManagetagsResult


@response_model
class TagOutcome(TypedDict):
    """The outcome for one ``revid``/``rcid``/``logid`` of ``action=tag``.

    ``status`` is ``success`` (with ``added``/``removed``/``actionlogid``, or ``noop``),
    ``failure`` (``errors``), ``skipped``, or ``error`` for an unknown id: then the error's
    ``code`` and ``text`` sit in the outcome itself.
    """

    revid: NotRequired[int]
    rcid: NotRequired[int]
    logid: NotRequired[int]
    status: str
    noop: NotRequired[bool]
    actionlogid: NotRequired[int]
    added: NotRequired[list[str]]
    removed: NotRequired[list[str]]
    errors: NotRequired[list[StatusMessage]]
    code: NotRequired[str]
    text: NotRequired[str]
    html: NotRequired[str]
    key: NotRequired[str]
    params: NotRequired[list[Any]]
    data: NotRequired[dict[str, Any]]
    info: NotRequired[str]


@response_model
class TagResponse(TypedDict):
    """The whole answer of ``action=tag``: one outcome per id, in request order."""

    tag: list[TagOutcome]


@response_model
class RevisionDeleteItem(TypedDict):
    """One revision, log entry or file version of ``action=revisiondelete``, after the change.

    ``status`` is ``Success`` or ``Fail`` (with ``errors``; an unknown id has nothing else).
    Revisions have ``texthidden``; log entries ``type``/``action``/``params``/
    ``actionhidden`` (their ``userid`` is a string); file versions ``title``/
    ``archivename``/``width``/``height``/``size``/``url``/``contenthidden``. ``user``,
    ``userid`` and ``comment`` are left out when the caller may not see them.
    """

    status: str
    errors: NotRequired[list[StatusMessage]]
    warnings: NotRequired[list[StatusMessage]]
    id: int | str
    timestamp: NotRequired[str]
    userhidden: NotRequired[bool]
    commenthidden: NotRequired[bool]
    texthidden: NotRequired[bool]
    actionhidden: NotRequired[bool]
    contenthidden: NotRequired[bool]
    type: NotRequired[str]
    action: NotRequired[str]
    params: NotRequired[dict[str, Any] | list[Any]]
    userid: NotRequired[int | str]
    user: NotRequired[str]
    comment: NotRequired[str]
    title: NotRequired[str]
    archivename: NotRequired[str]
    width: NotRequired[int]
    height: NotRequired[int]
    size: NotRequired[int]
    url: NotRequired[str]


@response_model
class RevisiondeleteResult(TypedDict):
    """``action=revisiondelete``: the overall ``status`` and each item's."""

    status: str
    errors: NotRequired[list[StatusMessage]]
    warnings: NotRequired[list[StatusMessage]]
    target: str
    items: list[RevisionDeleteItem]


@response_model
class RevisiondeleteResponse(TypedDict):
    """The whole answer of ``action=revisiondelete``."""

    revisiondelete: RevisiondeleteResult
