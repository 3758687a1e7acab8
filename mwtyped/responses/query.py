"""``action=query``: the envelope, and pages with the properties ``prop=`` modules add.

Shapes are formatversion 2 (mwtyped's default). Every key that depends on a ``prop``/``inprop``
/``rvprop`` choice is ``NotRequired``.

Example::

    answer = session.request(QueryParams(titles=["Main Page"], prop=[InfoParams()]))
    answer["query"]["pages"][0]["title"]
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import ALLOW_EXTRA, response_model

__all__ = [
    "CategoryRef",
    "ImageInfo",
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
class PageRef(TypedDict):
    """A link, template or image of a page (``prop=links|templates|images``)."""

    ns: int
    title: str


@response_model
class CategoryRef(TypedDict):
    """A category of a page (``prop=categories``); the optional keys come per ``clprop``."""

    ns: int
    title: str
    sortkey: NotRequired[str]
    sortkeyprefix: NotRequired[str]
    timestamp: NotRequired[str]
    hidden: NotRequired[bool]


@response_model
class LangLink(TypedDict):
    """An interlanguage link (``prop=langlinks``)."""

    lang: str
    title: str
    url: NotRequired[str]
    langname: NotRequired[str]
    autonym: NotRequired[str]


@response_model
class RevisionSlot(TypedDict):
    """One slot of a revision (``rvslots=main``): content and its model."""

    contentmodel: NotRequired[str]
    contentformat: NotRequired[str]
    content: NotRequired[str]
    size: NotRequired[int]
    sha1: NotRequired[str]
    missing: NotRequired[bool]
    badcontentformat: NotRequired[bool]


@response_model
class Revision(TypedDict):
    """A revision (``prop=revisions``); which keys come depends on ``rvprop``."""

    revid: NotRequired[int]
    parentid: NotRequired[int]
    minor: NotRequired[bool]
    user: NotRequired[str]
    userid: NotRequired[int]
    anon: NotRequired[bool]
    timestamp: NotRequired[str]
    size: NotRequired[int]
    sha1: NotRequired[str]
    roles: NotRequired[list[str]]
    slots: NotRequired[dict[str, RevisionSlot]]
    comment: NotRequired[str]
    parsedcomment: NotRequired[str]
    tags: NotRequired[list[str]]
    commenthidden: NotRequired[bool]
    userhidden: NotRequired[bool]
    texthidden: NotRequired[bool]
    suppressed: NotRequired[bool]
    # Without rvslots (deprecated single-slot shape):
    contentmodel: NotRequired[str]
    contentformat: NotRequired[str]
    content: NotRequired[str]


@response_model
class ImageInfo(TypedDict):
    """One file version (``prop=imageinfo``); keys per ``iiprop``."""

    timestamp: NotRequired[str]
    user: NotRequired[str]
    userid: NotRequired[int]
    size: NotRequired[int]
    width: NotRequired[int]
    height: NotRequired[int]
    pagecount: NotRequired[int]
    duration: NotRequired[float]
    comment: NotRequired[str]
    parsedcomment: NotRequired[str]
    canonicaltitle: NotRequired[str]
    url: NotRequired[str]
    descriptionurl: NotRequired[str]
    descriptionshorturl: NotRequired[str]
    thumburl: NotRequired[str]
    thumbwidth: NotRequired[int]
    thumbheight: NotRequired[int]
    responsiveUrls: NotRequired[dict[str, str]]
    sha1: NotRequired[str]
    mime: NotRequired[str]
    thumbmime: NotRequired[str]
    mediatype: NotRequired[str]
    metadata: NotRequired[list[dict[str, Any]] | None]
    commonmetadata: NotRequired[list[dict[str, Any]]]
    extmetadata: NotRequired[dict[str, Any]]
    archivename: NotRequired[str]
    bitdepth: NotRequired[int]
    badfile: NotRequired[bool]
    filehidden: NotRequired[bool]
    suppressed: NotRequired[bool]
    userhidden: NotRequired[bool]
    commenthidden: NotRequired[bool]
    filemissing: NotRequired[bool]


@response_model
class PageProtection(TypedDict):
    """One protection of a page (``inprop=protection``)."""

    type: str
    level: str
    expiry: str
    cascade: NotRequired[bool]
    source: NotRequired[str]


@response_model
class Page(TypedDict):
    """A page of ``query.pages``, with whatever ``prop=`` modules added to it.

    ``missing``/``invalid``/``special`` mark pages that do not exist or cannot; ``pageid``
    is absent then. Lists of a continued query are merged per page (``Session.pages``).
    """

    ns: NotRequired[int]
    title: str
    pageid: NotRequired[int]
    missing: NotRequired[bool]
    known: NotRequired[bool]
    invalid: NotRequired[bool]
    invalidreason: NotRequired[str | dict[str, Any]]
    special: NotRequired[bool]
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
    # other prop modules
    revisions: NotRequired[list[Revision]]
    categories: NotRequired[list[CategoryRef]]
    links: NotRequired[list[PageRef]]
    templates: NotRequired[list[PageRef]]
    images: NotRequired[list[PageRef]]
    imageinfo: NotRequired[list[ImageInfo]]
    imagerepository: NotRequired[str]
    langlinks: NotRequired[list[LangLink]]
    pageprops: NotRequired[dict[str, str]]


# "from" is a Python keyword: these two use the functional form.
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


@response_model
class QueryResult(TypedDict):
    """The ``query`` member: pages, and one member per list/meta module used."""

    pages: NotRequired[list[Page]]
    pageids: NotRequired[list[str]]
    normalized: NotRequired[list[NormalizedTitle]]
    redirects: NotRequired[list[RedirectedTitle]]
    converted: NotRequired[list[dict[str, Any]]]
    interwiki: NotRequired[list[dict[str, Any]]]
    badrevids: NotRequired[dict[str, Any] | list[dict[str, Any]]]


@response_model
class QueryResponse(TypedDict):
    """The whole answer of ``action=query``."""

    batchcomplete: NotRequired[bool]
    query: NotRequired[QueryResult]
    limits: NotRequired[dict[str, int]]
