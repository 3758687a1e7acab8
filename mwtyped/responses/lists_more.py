"""Items of the ``list=`` modules about changes, revisions, users, blocks and files.

One TypedDict per module, named ``<Module>Item`` (ONE element of ``query.<module>``), in
formatversion 2; every key that depends on a ``*prop`` value is ``NotRequired``, and so are
the ``*hidden``/``suppressed`` flags of revision-deleted data. Lists of pages and links are in
:mod:`mwtyped.responses.lists`.

Example::

    for change in session.items(RecentchangesParams(rcprop=["title", "ids", "user"]), limit=50):
        change["type"], change["title"], change["revid"]    # a RecentchangesItem
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import response_model
from mwtyped.responses.query import ImageInfo, Revision

__all__ = [
    "AlldeletedrevisionsItem",
    "AllimagesItem",
    "AllrevisionsItem",
    "AllusersItem",
    "BlockDetails",
    "BlockRestrictions",
    "BlockedPage",
    "BlocksItem",
    "ChangeFields",
    "DeletedRevision",
    "DeletedrevsItem",
    "FilearchiveItem",
    "LogeventsItem",
    "RecentchangesItem",
    "UserGroupMembership",
    "UsercontribsItem",
    "UsersItem",
    "WatchlistItem",
]


# -- changes -------------------------------------------------------------------------------
@response_model
class ChangeFields(TypedDict):
    """What ``list=recentchanges`` and ``list=watchlist`` entries share.

    ``type`` is edit, new, log, external or categorize; the ``log*`` keys come for log
    entries with ``*prop=loginfo``; ``logparams`` depends on the log type.
    """

    type: str
    ns: NotRequired[int]
    title: NotRequired[str]
    pageid: NotRequired[int]
    revid: NotRequired[int]
    old_revid: NotRequired[int]
    user: NotRequired[str]
    userid: NotRequired[int]
    anon: NotRequired[bool]
    bot: NotRequired[bool]
    new: NotRequired[bool]
    minor: NotRequired[bool]
    oldlen: NotRequired[int]
    newlen: NotRequired[int]
    timestamp: NotRequired[str]
    comment: NotRequired[str]
    parsedcomment: NotRequired[str]
    patrolled: NotRequired[bool]
    unpatrolled: NotRequired[bool]
    autopatrolled: NotRequired[bool]
    logid: NotRequired[int]
    logtype: NotRequired[str]
    logaction: NotRequired[str]
    logparams: NotRequired[dict[str, Any]]
    tags: NotRequired[list[str]]
    actionhidden: NotRequired[bool]
    userhidden: NotRequired[bool]
    commenthidden: NotRequired[bool]
    suppressed: NotRequired[bool]


@response_model
class RecentchangesItem(ChangeFields):
    """A recent change (``list=recentchanges``); keys per ``rcprop``."""

    rcid: NotRequired[int]
    redirect: NotRequired[bool]
    sha1: NotRequired[str]
    sha1hidden: NotRequired[bool]


@response_model
class WatchlistItem(ChangeFields):
    """A change to a watched page (``list=watchlist``); keys per ``wlprop``.

    ``notificationtimestamp`` is ``""`` when seen; ``expiry`` is ``False`` for a permanent
    watch; ``logdisplay`` is the log entry as HTML.
    """

    notificationtimestamp: NotRequired[str]
    logdisplay: NotRequired[str]
    expiry: NotRequired[str | bool]


@response_model
class UsercontribsItem(TypedDict):
    """A contribution (``list=usercontribs``); keys per ``ucprop``.

    ``top`` marks the page's latest revision; ``sizediff`` is the change in bytes.
    """

    userid: int
    user: str
    pageid: NotRequired[int]
    revid: NotRequired[int]
    parentid: NotRequired[int]
    ns: NotRequired[int]
    title: NotRequired[str]
    timestamp: NotRequired[str]
    new: NotRequired[bool]
    minor: NotRequired[bool]
    top: NotRequired[bool]
    comment: NotRequired[str]
    parsedcomment: NotRequired[str]
    patrolled: NotRequired[bool]
    autopatrolled: NotRequired[bool]
    size: NotRequired[int]
    sizediff: NotRequired[int]
    tags: NotRequired[list[str]]
    texthidden: NotRequired[bool]
    userhidden: NotRequired[bool]
    commenthidden: NotRequired[bool]
    suppressed: NotRequired[bool]


@response_model
class LogeventsItem(TypedDict):
    """A log entry (``list=logevents``); keys per ``leprop``.

    ``params`` (``leprop=details``) depends on ``type``/``action``: ``target_title`` for a
    move, ``details`` for a protection, ``duration``/``flags`` for a block, ...
    """

    logid: NotRequired[int]
    ns: NotRequired[int]
    title: NotRequired[str]
    pageid: NotRequired[int]
    logpage: NotRequired[int]
    params: NotRequired[dict[str, Any]]
    type: NotRequired[str]
    action: NotRequired[str]
    user: NotRequired[str]
    userid: NotRequired[int]
    anon: NotRequired[bool]
    timestamp: NotRequired[str]
    comment: NotRequired[str]
    parsedcomment: NotRequired[str]
    tags: NotRequired[list[str]]
    actionhidden: NotRequired[bool]
    userhidden: NotRequired[bool]
    commenthidden: NotRequired[bool]
    suppressed: NotRequired[bool]


# -- revisions -----------------------------------------------------------------------------
@response_model
class AllrevisionsItem(TypedDict):
    """A page with some of its revisions (``list=allrevisions``); revision keys per
    ``arvprop``. A page appears again in later items when its revisions are not adjacent."""

    pageid: int
    ns: int
    title: str
    revisions: list[Revision]


@response_model
class AlldeletedrevisionsItem(AllrevisionsItem):
    """A deleted page with deleted revisions (``list=alldeletedrevisions``); ``pageid`` is the
    page's id if it was recreated, else 0."""


@response_model
class DeletedRevision(TypedDict):
    """A revision of ``list=deletedrevs`` (deprecated); keys per ``drprop``.

    ``len`` is the size in bytes as a string (as the database returns it); ``text`` is the
    content (``drprop=content``).
    """

    timestamp: str
    revid: NotRequired[int]
    parentid: NotRequired[int]
    user: NotRequired[str]
    userid: NotRequired[int]
    comment: NotRequired[str]
    parsedcomment: NotRequired[str]
    minor: NotRequired[bool]
    len: NotRequired[str]
    sha1: NotRequired[str]
    text: NotRequired[str]
    tags: NotRequired[list[str]]
    userhidden: NotRequired[bool]
    commenthidden: NotRequired[bool]
    sha1hidden: NotRequired[bool]
    texthidden: NotRequired[bool]
    suppressed: NotRequired[bool]


@response_model
class DeletedrevsItem(TypedDict):
    """A deleted page of ``list=deletedrevs`` (deprecated: use ``alldeletedrevisions``);
    ``token`` is the undelete token (``drprop=token``, also deprecated)."""

    ns: int
    title: str
    revisions: list[DeletedRevision]
    token: NotRequired[str]


# -- users and blocks ----------------------------------------------------------------------
@response_model
class BlockDetails(TypedDict):
    """The block of a blocked user (``*prop=blockinfo`` of ``allusers``/``users``).

    The ``*formatted``/``*relative`` keys are for display in the user's language; the expiry
    ones are absent for an indefinite block.
    """

    blockid: NotRequired[int]
    blockedby: NotRequired[str]
    blockedbyid: NotRequired[int]
    blockreason: NotRequired[str]
    blockedtimestamp: NotRequired[str]
    blockexpiry: NotRequired[str]
    blockpartial: NotRequired[bool]
    blocknocreate: NotRequired[bool]
    blockanononly: NotRequired[bool]
    blockedtimestampformatted: NotRequired[str]
    blockexpiryformatted: NotRequired[str]
    blockexpiryrelative: NotRequired[str]
    systemblocktype: NotRequired[str]


@response_model
class AllusersItem(BlockDetails):
    """A registered user (``list=allusers``); keys per ``auprop``.

    ``recentactions`` comes with ``auactiveusers``; ``registration`` is ``""`` when unknown;
    ``centralids``/``attachedlocal`` map a central-id provider (``local``) to a value.
    """

    userid: int
    name: str
    centralids: NotRequired[dict[str, int]]
    attachedlocal: NotRequired[dict[str, bool]]
    attachedwiki: NotRequired[dict[str, bool]]
    hidden: NotRequired[bool]
    editcount: NotRequired[int]
    recentactions: NotRequired[int]
    registration: NotRequired[str]
    groups: NotRequired[list[str]]
    implicitgroups: NotRequired[list[str]]
    rights: NotRequired[list[str]]


@response_model
class UserGroupMembership(TypedDict):
    """An explicit group of a user (``usprop=groupmemberships``); ``expiry`` may be
    ``"infinity"``."""

    group: str
    expiry: str


@response_model
class UsersItem(BlockDetails):
    """A user asked for (``list=users``); keys per ``usprop``.

    A name that is not a user has ``missing`` (and ``cancreate`` with ``usprop=cancreate``),
    an impossible one ``invalid``; an unknown id gives ``{"userid": N, "missing": true}``.
    ``registration`` is ``None`` for very old accounts.
    """

    userid: NotRequired[int]
    name: NotRequired[str]
    missing: NotRequired[bool]
    invalid: NotRequired[bool]
    interwiki: NotRequired[bool]
    cancreate: NotRequired[bool]
    cancreateerror: NotRequired[list[dict[str, Any]]]
    hidden: NotRequired[bool]
    editcount: NotRequired[int]
    registration: NotRequired[str | None]
    groups: NotRequired[list[str]]
    groupmemberships: NotRequired[list[UserGroupMembership]]
    implicitgroups: NotRequired[list[str]]
    rights: NotRequired[list[str]]
    emailable: NotRequired[bool]
    gender: NotRequired[str]
    centralids: NotRequired[dict[str, int]]
    attachedlocal: NotRequired[dict[str, bool]]
    attachedwiki: NotRequired[dict[str, bool]]


@response_model
class BlockedPage(TypedDict):
    """A page a partial block applies to."""

    id: int
    ns: NotRequired[int]
    title: NotRequired[str]


@response_model
class BlockRestrictions(TypedDict):
    """What a partial block applies to: pages, namespace numbers, actions."""

    pages: NotRequired[list[BlockedPage]]
    namespaces: NotRequired[list[int]]
    actions: NotRequired[list[str]]


@response_model
class BlocksItem(TypedDict):
    """A block (``list=blocks``); keys per ``bkprop``.

    Autoblocks (``automatic``) have no ``user``/``userid``/range. ``rangestart``/``rangeend``
    are the blocked IP range (``0.0.0.0`` for an account). ``restrictions`` is ``[]`` for a
    sitewide block, else a :class:`BlockRestrictions`.
    """

    id: NotRequired[int]
    user: NotRequired[str]
    userid: NotRequired[int]
    by: NotRequired[str]
    byid: NotRequired[int]
    timestamp: NotRequired[str]
    expiry: NotRequired[str]
    reason: NotRequired[str]
    rangestart: NotRequired[str]
    rangeend: NotRequired[str]
    automatic: NotRequired[bool]
    anononly: NotRequired[bool]
    nocreate: NotRequired[bool]
    autoblock: NotRequired[bool]
    noemail: NotRequired[bool]
    hidden: NotRequired[bool]
    allowusertalk: NotRequired[bool]
    partial: NotRequired[bool]
    restrictions: NotRequired[BlockRestrictions | list[Any]]


# -- files ---------------------------------------------------------------------------------
@response_model
class AllimagesItem(ImageInfo):
    """A file (``list=allimages``): its name and title, and ``imageinfo`` keys per
    ``aiprop``."""

    name: str
    ns: int
    title: str


@response_model
class FilearchiveItem(TypedDict):
    """A deleted file version (``list=filearchive``); keys per ``faprop``.

    ``size``, ``width``, ``height`` and ``bitdepth`` are strings, as the database returns
    them; ``metadata`` is ``None`` for a file without.
    """

    id: int
    name: str
    ns: int
    title: str
    description: NotRequired[str]
    parseddescription: NotRequired[str]
    userid: NotRequired[int]
    user: NotRequired[str]
    sha1: NotRequired[str]
    timestamp: NotRequired[str]
    size: NotRequired[str]
    pagecount: NotRequired[int]
    height: NotRequired[str]
    width: NotRequired[str]
    mediatype: NotRequired[str]
    metadata: NotRequired[list[dict[str, Any]] | None]
    bitdepth: NotRequired[str]
    mime: NotRequired[str]
    archivename: NotRequired[str]
    filehidden: NotRequired[bool]
    commenthidden: NotRequired[bool]
    userhidden: NotRequired[bool]
    suppressed: NotRequired[bool]
