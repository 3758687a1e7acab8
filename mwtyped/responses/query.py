"""``action=query``: the envelope, and pages with the properties ``prop=`` modules add.

Shapes are formatversion 2 (mwtyped's default). Every key that depends on a ``prop``/``inprop``
/``rvprop`` choice is ``NotRequired``. The item types of the ``prop=`` modules live in
:mod:`mwtyped.responses.props`, the ``meta=`` modules' members in
:mod:`mwtyped.responses.meta` and :mod:`mwtyped.responses.siteinfo`.

Example::

    answer = session.request(QueryParams(titles=["Main Page"], prop=[InfoParams()]))
    answer["query"]["pages"][0]["title"]
    answer.get("continue")          # {"rvcontinue": "...", "continue": "||"} while going on
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import ALLOW_EXTRA, response_model
from mwtyped.responses.meta import (
    AllmessagesMessage,
    AuthmanagerinfoResult,
    FilerepoinfoRepo,
    LanguageinfoLanguage,
    QueryTokens,
    Userinfo,
)
from mwtyped.responses.props import (
    BacklinkRef,
    CategoryInfo,
    CategoryRef,
    ContributorRef,
    DuplicateFile,
    ExternalLink,
    ImageInfo,
    InterwikiLink,
    LangLink,
    PageProtection,
    PageRef,
    Revision,
    RevisionSlot,
)
from mwtyped.responses.siteinfo import (
    SiteinfoDbReplLag,
    SiteinfoExtension,
    SiteinfoFileExtension,
    SiteinfoGeneral,
    SiteinfoInterwiki,
    SiteinfoLanguage,
    SiteinfoLibrary,
    SiteinfoMagicWord,
    SiteinfoNamespace,
    SiteinfoNamespaceAlias,
    SiteinfoRestrictions,
    SiteinfoRightsInfo,
    SiteinfoShowHook,
    SiteinfoSkin,
    SiteinfoSpecialPageAlias,
    SiteinfoStatistics,
    SiteinfoUserGroup,
    SiteinfoVariantFallbacks,
)

__all__ = [
    "BadRevision",
    "CategoryRef",
    "ConvertedTitle",
    "ImageInfo",
    "InterwikiTitle",
    "LangLink",
    "NormalizedTitle",
    "Page",
    "PageProtection",
    "PageRef",
    "QueryResponse",
    "QueryResult",
    "RedirectedTitle",
    "Revision",
    "RevisionSlot",
]


@response_model
class Page(TypedDict):
    """A page of ``query.pages``, with whatever ``prop=`` modules added to it.

    ``missing``/``invalid``/``special`` mark pages that do not exist or cannot; ``pageid``
    is absent then (and a missing ``pageids=`` page has neither ``ns`` nor ``title``).
    Lists of a continued query are merged per page (``Session.pages``).
    """

    ns: NotRequired[int]
    title: NotRequired[str]
    pageid: NotRequired[int]
    missing: NotRequired[bool]
    known: NotRequired[bool]
    invalid: NotRequired[bool]
    invalidreason: NotRequired[str | dict[str, Any]]
    special: NotRequired[bool]
    # generator=search|prefixsearch: the rank of the page in the results
    index: NotRequired[int]
    # prop=info
    contentmodel: NotRequired[str]
    pagelanguage: NotRequired[str]
    pagelanguagehtmlcode: NotRequired[str]
    pagelanguagedir: NotRequired[str]
    touched: NotRequired[str]
    lastrevid: NotRequired[int]
    length: NotRequired[int]
    redirect: NotRequired[bool]
    new: NotRequired[bool]
    protection: NotRequired[list[PageProtection]]
    restrictiontypes: NotRequired[list[str]]
    watched: NotRequired[bool]
    watchlistexpiry: NotRequired[str]
    watchers: NotRequired[int]
    visitingwatchers: NotRequired[int]
    notificationtimestamp: NotRequired[str]
    talkid: NotRequired[int]
    subjectid: NotRequired[int]
    associatedpage: NotRequired[str]
    fullurl: NotRequired[str]
    editurl: NotRequired[str]
    canonicalurl: NotRequired[str]
    readable: NotRequired[bool]
    preload: NotRequired[str | None]
    displaytitle: NotRequired[str]
    varianttitles: NotRequired[dict[str, str]]
    linkclasses: NotRequired[list[str]]
    # intestactions: a bool per action, or (intestactionsdetail=full|quick) the errors
    actions: NotRequired[dict[str, bool | list[dict[str, Any]]]]
    # prop=revisions|deletedrevisions
    revisions: NotRequired[list[Revision]]
    deletedrevisions: NotRequired[list[Revision]]
    # prop=categories|categoryinfo
    categories: NotRequired[list[CategoryRef]]
    categoryinfo: NotRequired[CategoryInfo]
    # prop=contributors
    contributors: NotRequired[list[ContributorRef]]
    anoncontributors: NotRequired[int]
    # links out of the page
    links: NotRequired[list[PageRef]]
    templates: NotRequired[list[PageRef]]
    images: NotRequired[list[PageRef]]
    extlinks: NotRequired[list[ExternalLink]]
    iwlinks: NotRequired[list[InterwikiLink]]
    langlinks: NotRequired[list[LangLink]]
    # links into the page
    linkshere: NotRequired[list[BacklinkRef]]
    transcludedin: NotRequired[list[BacklinkRef]]
    fileusage: NotRequired[list[BacklinkRef]]
    redirects: NotRequired[list[BacklinkRef]]
    # files: prop=imageinfo|duplicatefiles
    imageinfo: NotRequired[list[ImageInfo]]
    imagerepository: NotRequired[str]
    badfile: NotRequired[bool]
    duplicatefiles: NotRequired[list[DuplicateFile]]
    # prop=pageprops
    pageprops: NotRequired[dict[str, str]]


# "from" is a Python keyword: these use the functional form.
NormalizedTitle = TypedDict(
    "NormalizedTitle", {"from": str, "to": str, "fromencoded": NotRequired[bool]}
)
"""A title the wiki normalised (``query.normalized``)."""
NormalizedTitle.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]

RedirectedTitle = TypedDict(
    "RedirectedTitle",
    {"from": str, "to": str, "tofragment": NotRequired[str], "tointerwiki": NotRequired[str]},
)
"""A redirect followed with ``redirects=1`` (``query.redirects``)."""
RedirectedTitle.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]

ConvertedTitle = TypedDict("ConvertedTitle", {"from": str, "to": str})
"""A title converted to another language variant (``converttitles=1``, ``query.converted``)."""
ConvertedTitle.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class InterwikiTitle(TypedDict):
    """A title with an interwiki prefix (``query.interwiki``); ``url`` with ``iwurl=1``."""

    title: str
    iw: str
    url: NotRequired[str]


@response_model
class BadRevision(TypedDict):
    """A ``revids=`` value that names no revision (``query.badrevids``, keyed by id)."""

    revid: int
    missing: bool


@response_model
class QueryResult(TypedDict):
    """The ``query`` member: pages, and one member per meta (and list) module used.

    List modules' members (``allpages``...) are typed by their ``<Name>Item`` models and
    kept here as extra keys."""

    pages: NotRequired[list[Page]]
    pageids: NotRequired[list[str]]
    normalized: NotRequired[list[NormalizedTitle]]
    redirects: NotRequired[list[RedirectedTitle]]
    converted: NotRequired[list[ConvertedTitle]]
    interwiki: NotRequired[list[InterwikiTitle]]
    badrevids: NotRequired[dict[str, BadRevision]]
    export: NotRequired[str]
    stashimageinfo: NotRequired[list[ImageInfo]]
    # meta=siteinfo, one member per siprop
    general: NotRequired[SiteinfoGeneral]
    namespaces: NotRequired[dict[str, SiteinfoNamespace]]
    namespacealiases: NotRequired[list[SiteinfoNamespaceAlias]]
    specialpagealiases: NotRequired[list[SiteinfoSpecialPageAlias]]
    magicwords: NotRequired[list[SiteinfoMagicWord]]
    interwikimap: NotRequired[list[SiteinfoInterwiki]]
    dbrepllag: NotRequired[list[SiteinfoDbReplLag]]
    statistics: NotRequired[SiteinfoStatistics]
    usergroups: NotRequired[list[SiteinfoUserGroup]]
    libraries: NotRequired[list[SiteinfoLibrary]]
    extensions: NotRequired[list[SiteinfoExtension]]
    fileextensions: NotRequired[list[SiteinfoFileExtension]]
    rightsinfo: NotRequired[SiteinfoRightsInfo]
    restrictions: NotRequired[SiteinfoRestrictions]
    languages: NotRequired[list[SiteinfoLanguage]]
    languagevariants: NotRequired[dict[str, dict[str, SiteinfoVariantFallbacks]]]
    skins: NotRequired[list[SiteinfoSkin]]
    extensiontags: NotRequired[list[str]]
    functionhooks: NotRequired[list[str]]
    showhooks: NotRequired[list[SiteinfoShowHook]]
    variables: NotRequired[list[str]]
    protocols: NotRequired[list[str]]
    defaultoptions: NotRequired[dict[str, Any]]
    uploaddialog: NotRequired[dict[str, Any]]
    # the other meta modules
    userinfo: NotRequired[Userinfo]
    tokens: NotRequired[QueryTokens]
    allmessages: NotRequired[list[AllmessagesMessage]]
    authmanagerinfo: NotRequired[AuthmanagerinfoResult]
    repos: NotRequired[list[FilerepoinfoRepo]]
    languageinfo: NotRequired[dict[str, LanguageinfoLanguage]]


# "continue" is a Python keyword, "query-continue" no identifier: the functional form.
QueryResponse = TypedDict(
    "QueryResponse",
    {
        "batchcomplete": NotRequired[bool],
        "continue": NotRequired[dict[str, str | int]],
        "query": NotRequired[QueryResult],
        "limits": NotRequired[dict[str, int]],
        "warnings": NotRequired[list[dict[str, Any]] | dict[str, Any]],
        "query-continue": NotRequired[dict[str, dict[str, str | int]]],
        "query-noncontinue": NotRequired[dict[str, dict[str, str | int]]],
        "requestid": NotRequired[str],
        "curtimestamp": NotRequired[str],
        "servedby": NotRequired[str],
        "uselang": NotRequired[str],
        "errorlang": NotRequired[str],
    },
)
"""The whole answer of ``action=query``.

``continue`` holds the parameters for the next request (``{"rvcontinue": ..., "continue":
"||"}``), ``batchcomplete`` marks the answer after which every page of the batch is whole,
``limits`` the values ``*limit=max`` became. ``warnings`` is a list with a modern
``errorformat`` and an object keyed by module with ``errorformat=bc``. ``query-continue``
(and ``query-noncontinue``) replace ``continue`` with ``rawcontinue=1``. ``requestid``,
``curtimestamp``, ``servedby``, ``uselang`` and ``errorlang`` echo the main module's
parameters of those names (``responselanginfo`` for the last two)."""
QueryResponse.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]
