"""What ``prop=`` modules add to a page of ``action=query``: one type per kind of item.

:class:`~mwtyped.responses.query.Page` holds these under the module's name
(``page["revisions"]`` is a ``list[Revision]``, ``page["categoryinfo"]`` a
:class:`CategoryInfo`). Shapes are formatversion 2; keys that depend on a ``*prop``
choice or on the wiki's state are ``NotRequired``.

Example::

    page = next(session.pages(QueryParams(titles=["Main Page"], prop=[RevisionsParams(
        rvprop=["ids", "content"], rvslots=["main"])])))
    revision: Revision = page["revisions"][0]
    revision["slots"]["main"]["content"]
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import ALLOW_EXTRA, response_model

__all__ = [
    "BacklinkRef",
    "CategoryInfo",
    "CategoryRef",
    "ContributorRef",
    "DuplicateFile",
    "ExtMetadataValue",
    "ExternalLink",
    "ImageInfo",
    "InterwikiLink",
    "LangLink",
    "PageProtection",
    "PageRef",
    "Revision",
    "RevisionDiff",
    "RevisionSlot",
]


@response_model
class PageRef(TypedDict):
    """A link, template or file of a page (``prop=links|templates|images``)."""

    ns: int
    title: str


@response_model
class BacklinkRef(TypedDict):
    """A page pointing at this one (``prop=linkshere|transcludedin|fileusage|redirects``);
    which keys come depends on the module's ``*prop`` (``fragment`` only for redirects
    with an anchor, ``redirect`` only for the modules that can tell)."""

    pageid: NotRequired[int]
    ns: NotRequired[int]
    title: NotRequired[str]
    redirect: NotRequired[bool]
    fragment: NotRequired[str]


@response_model
class CategoryRef(TypedDict):
    """A category of a page (``prop=categories``); the optional keys come per ``clprop``.

    ``sortkey`` is the hex of the binary sort key, ``sortkeyprefix`` the human part."""

    ns: int
    title: str
    sortkey: NotRequired[str]
    sortkeyprefix: NotRequired[str]
    timestamp: NotRequired[str]
    hidden: NotRequired[bool]


@response_model
class CategoryInfo(TypedDict):
    """Member counts of a category page (``prop=categoryinfo``); ``size`` counts all."""

    size: int
    pages: int
    files: int
    subcats: int
    hidden: bool


@response_model
class ContributorRef(TypedDict):
    """A registered user who edited the page (``prop=contributors``); anonymous editors
    are only counted, in the page's ``anoncontributors``."""

    userid: int
    name: str


@response_model
class DuplicateFile(TypedDict):
    """Another file with the same content (``prop=duplicatefiles``)."""

    name: str
    timestamp: str
    shared: bool
    user: NotRequired[str]


@response_model
class ExternalLink(TypedDict):
    """An external URL of a page (``prop=extlinks``)."""

    url: str


@response_model
class InterwikiLink(TypedDict):
    """An interwiki link of a page (``prop=iwlinks``); ``url`` with ``iwprop=url``."""

    prefix: str
    title: str
    url: NotRequired[str]


@response_model
class LangLink(TypedDict):
    """An interlanguage link (``prop=langlinks``); the optional keys come per ``llprop``."""

    lang: str
    title: str
    url: NotRequired[str]
    langname: NotRequired[str]
    autonym: NotRequired[str]


@response_model
class PageProtection(TypedDict):
    """One protection of a page (``inprop=protection``); ``source`` names the page whose
    cascading protection this one comes from, ``cascade`` marks a cascading one."""

    type: str
    level: str
    expiry: str
    cascade: NotRequired[bool]
    source: NotRequired[str]


@response_model
class RevisionSlot(TypedDict):
    """One slot of a revision (``rvslots=main``): content and its model, per ``rvprop``.

    ``texthidden``/``sha1hidden`` mark revision-deleted parts, ``missing`` a slot the
    revision lacks, ``nosuchsection`` an ``rvsection`` that is not there."""

    size: NotRequired[int]
    sha1: NotRequired[str]
    sha1hidden: NotRequired[bool]
    contentmodel: NotRequired[str]
    contentformat: NotRequired[str]
    content: NotRequired[str]
    texthidden: NotRequired[bool]
    textmissing: NotRequired[bool]
    nosuchsection: NotRequired[bool]
    missing: NotRequired[bool]
    badcontentformat: NotRequired[bool]


# "from" is a Python keyword: the functional form.
RevisionDiff = TypedDict(
    "RevisionDiff",
    {
        "from": NotRequired[int],
        "to": NotRequired[int],
        "body": NotRequired[str],
        "notcached": NotRequired[bool],
        "badcontentformat": NotRequired[bool],
    },
)
"""A diff of the deprecated ``rvdiffto``/``rvdifftotext``: revision ids ``from``/``to``
(not for ``rvdifftotext``) and the HTML table rows as ``body``."""
RevisionDiff.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class Revision(TypedDict):
    """A revision (``prop=revisions``, ``prop=deletedrevisions``); keys per ``rvprop``.

    With ``rvslots`` the content is under ``slots``; without it (deprecated) the main
    slot's ``content``/``contentmodel``/``contentformat`` sit on the revision itself, as do
    the results of the deprecated ``rvparse``/``rvgeneratexml``/``rvdiffto``.
    ``*hidden`` and ``suppressed`` mark revision-deleted parts."""

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
    sha1hidden: NotRequired[bool]
    texthidden: NotRequired[bool]
    textmissing: NotRequired[bool]
    slotsmissing: NotRequired[bool]
    suppressed: NotRequired[bool]
    # Without rvslots (deprecated single-slot shape):
    contentmodel: NotRequired[str]
    contentformat: NotRequired[str]
    content: NotRequired[str]
    nosuchsection: NotRequired[bool]
    badcontentformat: NotRequired[bool]
    parsetree: NotRequired[str]
    badcontentformatforparsetree: NotRequired[bool]
    diff: NotRequired[RevisionDiff]


@response_model
class ExtMetadataValue(TypedDict):
    """One field of a file's ``extmetadata``; ``hidden`` (always ``""``) marks fields a
    file page does not show."""

    value: Any
    source: str
    hidden: NotRequired[str]


@response_model
class ImageInfo(TypedDict):
    """One file version (``prop=imageinfo``, ``prop=stashimageinfo``); keys per ``iiprop``.

    ``metadata``/``commonmetadata`` are lists of ``{"name": ..., "value": ...}`` whose
    values may nest; ``filemissing`` marks a file page without a file, ``html`` is the
    ``uploadwarning`` text; ``thumb*`` come with ``iiurlwidth``/``iiurlheight``."""

    timestamp: NotRequired[str]
    user: NotRequired[str]
    userid: NotRequired[int]
    anon: NotRequired[bool]
    size: NotRequired[int]
    width: NotRequired[int]
    height: NotRequired[int]
    pagecount: NotRequired[int]
    duration: NotRequired[float]
    comment: NotRequired[str]
    parsedcomment: NotRequired[str]
    html: NotRequired[str]
    canonicaltitle: NotRequired[str]
    url: NotRequired[str]
    descriptionurl: NotRequired[str]
    descriptionshorturl: NotRequired[str]
    thumburl: NotRequired[str]
    thumbwidth: NotRequired[int]
    thumbheight: NotRequired[int]
    thumbmime: NotRequired[str]
    thumberror: NotRequired[str]
    responsiveUrls: NotRequired[dict[str, str]]
    sha1: NotRequired[str]
    mime: NotRequired[str]
    mediatype: NotRequired[str]
    metadata: NotRequired[list[dict[str, Any]] | None]
    commonmetadata: NotRequired[list[dict[str, Any]]]
    extmetadata: NotRequired[dict[str, ExtMetadataValue]]
    archivename: NotRequired[str]
    bitdepth: NotRequired[int]
    badfile: NotRequired[bool]
    filehidden: NotRequired[bool]
    suppressed: NotRequired[bool]
    userhidden: NotRequired[bool]
    commenthidden: NotRequired[bool]
    filemissing: NotRequired[bool]
