"""Answers of the actions that change pages: edit, move, delete, protect, rollback, patrol...

Each ``<Module>Response`` is the whole answer document; its one member (``edit``, ``move``...)
is a ``<Module>Result``. Keys that only some options produce are ``NotRequired``.

Example::

    answer = session.request(EditParams(title="Sandbox", text="Hello", watchlist="watch"))
    edit = answer["edit"]
    if edit.get("nochange"):
        print("nothing to save")
    else:
        print(edit["newrevid"], edit.get("new", False))
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import ALLOW_EXTRA, response_model
from mwtyped.responses.actions import StatusMessage
from mwtyped.responses.query import RedirectedTitle

__all__ = [
    "ChangecontentmodelResponse",
    "ChangecontentmodelResult",
    "DeleteResponse",
    "DeleteResult",
    "EditResponse",
    "EditResult",
    "ImportResponse",
    "ImportedPage",
    "MergehistoryResponse",
    "MergehistoryResult",
    "MoveResponse",
    "MoveResult",
    "MovedSubpage",
    "PatrolResponse",
    "PatrolResult",
    "ProtectResponse",
    "ProtectResult",
    "ProtectionChange",
    "RollbackResponse",
    "RollbackResult",
    "SetpagelanguageResponse",
    "SetpagelanguageResult",
    "SubpageMoveFailure",
    "UndeleteResponse",
    "UndeleteResult",
]


@response_model
class EditResult(TypedDict):
    """``action=edit``: ``result`` is ``Success`` (or ``Failure`` when an extension such as
    ConfirmEdit stops the edit: then ``captcha`` and extension keys come instead).

    A saved edit has ``oldrevid``/``newrevid``/``newtimestamp`` (``new`` for a created page);
    an edit that changed nothing has ``nochange`` instead. ``watched`` when the page is
    watched after the edit (``watchlistexpiry`` on wikis with watchlist expiry).
    """

    result: str
    new: NotRequired[bool]
    pageid: NotRequired[int]
    title: NotRequired[str]
    contentmodel: NotRequired[str]
    nochange: NotRequired[bool]
    oldrevid: NotRequired[int]
    newrevid: NotRequired[int]
    newtimestamp: NotRequired[str]
    watched: NotRequired[bool]
    watchlistexpiry: NotRequired[str]
    captcha: NotRequired[dict[str, Any]]


@response_model
class EditResponse(TypedDict):
    """The whole answer of ``action=edit``; ``redirects`` (one ``from``/``to`` object) when
    ``redirect=1`` followed a redirect to its target."""

    edit: EditResult
    redirects: NotRequired[RedirectedTitle]


MovedSubpage = TypedDict(
    "MovedSubpage",
    {"from": str, "to": NotRequired[str], "errors": NotRequired[list[StatusMessage]]},
)
"""A subpage moved with ``movesubpages=1``: ``to``, or ``errors`` if that one failed."""
MovedSubpage.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class SubpageMoveFailure(TypedDict):
    """``subpages`` when no subpage could be moved at all (e.g. the namespace has none)."""

    errors: list[StatusMessage]


MoveResult = TypedDict(
    "MoveResult",
    {
        "from": str,
        "to": str,
        "reason": str,
        "redirectcreated": bool,
        "moveoverredirect": bool,
        "talkfrom": NotRequired[str],
        "talkto": NotRequired[str],
        "talkmoveoverredirect": NotRequired[bool],
        "talkmove-errors": NotRequired[list[StatusMessage]],
        "subpages": NotRequired[list[MovedSubpage] | SubpageMoveFailure],
        "subpages-talk": NotRequired[list[MovedSubpage] | SubpageMoveFailure],
    },
)
"""``action=move``: ``talk*`` with ``movetalk=1`` (``talkmove-errors`` if the talk page
could not follow), ``subpages``/``subpages-talk`` with ``movesubpages=1``."""
MoveResult.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class MoveResponse(TypedDict):
    """The whole answer of ``action=move``."""

    move: MoveResult


@response_model
class DeleteResult(TypedDict):
    """``action=delete``: ``logid`` of the deletion, or ``scheduled`` when a page with a long
    history is deleted by the job queue."""

    title: str
    reason: str
    logid: NotRequired[int]
    scheduled: NotRequired[bool]


@response_model
class DeleteResponse(TypedDict):
    """The whole answer of ``action=delete``."""

    delete: DeleteResult


@response_model
class UndeleteResult(TypedDict):
    """``action=undelete``: how many revisions and file versions came back."""

    title: str
    revisions: int
    fileversions: int
    reason: str


@response_model
class UndeleteResponse(TypedDict):
    """The whole answer of ``action=undelete``."""

    undelete: UndeleteResult


@response_model
class ProtectionChange(TypedDict):
    """One protection set by ``action=protect``: the level under the action's name
    (``{"edit": "sysop", "expiry": "infinite"}``; ``""`` removes it) and its expiry."""

    expiry: str
    edit: NotRequired[str]
    move: NotRequired[str]
    create: NotRequired[str]
    upload: NotRequired[str]


@response_model
class ProtectResult(TypedDict):
    """``action=protect``: ``cascade`` when cascading protection was asked for."""

    title: str
    reason: str
    cascade: NotRequired[bool]
    protections: list[ProtectionChange]


@response_model
class ProtectResponse(TypedDict):
    """The whole answer of ``action=protect``."""

    protect: ProtectResult


@response_model
class RollbackResult(TypedDict):
    """``action=rollback``: ``revid`` is the new revision, ``old_revid`` the one reverted and
    ``last_revid`` the one restored."""

    title: str
    pageid: int
    summary: str
    revid: int
    old_revid: int
    last_revid: int


@response_model
class RollbackResponse(TypedDict):
    """The whole answer of ``action=rollback``."""

    rollback: RollbackResult


@response_model
class PatrolResult(TypedDict):
    """``action=patrol``: the recent change marked as patrolled, and its page."""

    rcid: int
    ns: int
    title: str


@response_model
class PatrolResponse(TypedDict):
    """The whole answer of ``action=patrol``."""

    patrol: PatrolResult


@response_model
class ChangecontentmodelResult(TypedDict):
    """``action=changecontentmodel``: the page's new model, the log entry and revision."""

    result: str
    title: str
    pageid: int
    contentmodel: str
    logid: int
    revid: int


@response_model
class ChangecontentmodelResponse(TypedDict):
    """The whole answer of ``action=changecontentmodel``."""

    changecontentmodel: ChangecontentmodelResult


MergehistoryResult = TypedDict(
    "MergehistoryResult", {"from": str, "to": str, "timestamp": str, "reason": str}
)
"""``action=mergehistory``: revisions up to ``timestamp`` went from ``from`` to ``to``."""
MergehistoryResult.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class MergehistoryResponse(TypedDict):
    """The whole answer of ``action=mergehistory``."""

    mergehistory: MergehistoryResult


@response_model
class SetpagelanguageResult(TypedDict):
    """``action=setpagelanguage`` (only where ``$wgPageLanguageUseDB`` is on)."""

    title: str
    oldlanguage: str
    newlanguage: str
    logid: int


@response_model
class SetpagelanguageResponse(TypedDict):
    """The whole answer of ``action=setpagelanguage``."""

    setpagelanguage: SetpagelanguageResult


@response_model
class ImportedPage(TypedDict):
    """A page of ``action=import``: how many ``revisions`` were imported (0 when it already
    had them all), or ``invalid`` for a title the wiki refused."""

    title: str
    ns: NotRequired[int]
    revisions: NotRequired[int]
    invalid: NotRequired[bool]


ImportResponse = TypedDict("ImportResponse", {"import": list[ImportedPage]})
"""The whole answer of ``action=import`` (``import`` is a Python keyword: functional form)."""
ImportResponse.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]
