"""Items of the ``list=`` modules about pages, titles and links, search, tags and the stash.

One TypedDict per module, named ``<Module>Item``: ONE element of ``query.<module>``, as
``Session.items`` yields it. Shapes are formatversion 2; every key that depends on a
``*prop`` value or an option is ``NotRequired``. Changes, users and files are in
:mod:`mwtyped.responses.lists_more`.

Example::

    members = CategorymembersParams(cmtitle="Category:X", cmprop=["ids", "title", "type"])
    for member in session.items(members, limit=100):
        member["title"], member["type"]       # a CategorymembersItem

Two lists answer elsewhere: ``querypage`` rows are in ``query.querypage.results``
(:class:`QuerypageResult`), ``watchlistraw`` items at the top level of the answer.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import response_model

__all__ = [
    "AllcategoriesItem",
    "AllfileusagesItem",
    "AlllinksItem",
    "AllpagesItem",
    "AllredirectsItem",
    "AlltransclusionsItem",
    "BacklinksItem",
    "CategorymembersItem",
    "EmbeddedinItem",
    "ExturlusageItem",
    "ImageusageItem",
    "IwbacklinksItem",
    "LangbacklinksItem",
    "MystashedfilesItem",
    "PagepropnamesItem",
    "PageswithpropItem",
    "PrefixsearchItem",
    "ProtectedtitlesItem",
    "QuerypageItem",
    "QuerypageResult",
    "RandomItem",
    "RedirectLink",
    "SearchInfo",
    "SearchItem",
    "SearchQueryResult",
    "TagsItem",
    "WatchlistrawItem",
]


@response_model
class AllpagesItem(TypedDict):
    """A page of ``list=allpages``."""

    pageid: int
    ns: int
    title: str


@response_model
class AllcategoriesItem(TypedDict):
    """A category of ``list=allcategories``: its name without the namespace prefix.

    ``acprop=size`` adds the member counts (``size`` = pages + files + subcats),
    ``acprop=hidden`` the ``__HIDDENCAT__`` flag.
    """

    category: str
    size: NotRequired[int]
    pages: NotRequired[int]
    files: NotRequired[int]
    subcats: NotRequired[int]
    hidden: NotRequired[bool]


@response_model
class CategorymembersItem(TypedDict):
    """A member of ``list=categorymembers``; keys per ``cmprop`` (default ``ids|title``).

    ``sortkey`` is the binary sort key in hexadecimal; ``type`` is page, subcat or file.
    """

    pageid: NotRequired[int]
    ns: NotRequired[int]
    title: NotRequired[str]
    sortkey: NotRequired[str]
    sortkeyprefix: NotRequired[str]
    type: NotRequired[str]
    timestamp: NotRequired[str]


@response_model
class RedirectLink(TypedDict):
    """A page reaching the target through a redirect (``redirlinks``, with ``*redirect``)."""

    pageid: int
    ns: int
    title: str


@response_model
class BacklinksItem(TypedDict):
    """A page linking to the target (``list=backlinks``).

    With ``blredirect``, a redirect to the target has ``redirect`` and lists in
    ``redirlinks`` the pages that link to it.
    """

    pageid: int
    ns: int
    title: str
    redirect: NotRequired[bool]
    redirlinks: NotRequired[list[RedirectLink]]


@response_model
class EmbeddedinItem(BacklinksItem):
    """A page transcluding the target (``list=embeddedin``)."""


@response_model
class ImageusageItem(BacklinksItem):
    """A page using the file (``list=imageusage``); ``iuredirect`` follows file redirects."""


@response_model
class AlllinksItem(TypedDict):
    """A link target of ``list=alllinks``; ``fromid`` (``alprop=ids``) is a linking page."""

    fromid: NotRequired[int]
    ns: NotRequired[int]
    title: NotRequired[str]


@response_model
class AllfileusagesItem(AlllinksItem):
    """A used file of ``list=allfileusages``; ``fromid`` is a page using it."""


@response_model
class AlltransclusionsItem(AlllinksItem):
    """A transcluded page of ``list=alltransclusions``; ``fromid`` transcludes it."""


@response_model
class AllredirectsItem(AlllinksItem):
    """A redirect target of ``list=allredirects``; ``fromid`` is the redirect page.

    ``fragment`` and ``interwiki`` (``arprop``) are those of the redirect's target.
    """

    fragment: NotRequired[str]
    interwiki: NotRequired[str]


@response_model
class ExturlusageItem(TypedDict):
    """A page with an external link (``list=exturlusage``); keys per ``euprop``."""

    pageid: NotRequired[int]
    ns: NotRequired[int]
    title: NotRequired[str]
    url: NotRequired[str]


@response_model
class IwbacklinksItem(TypedDict):
    """A page with an interwiki link (``list=iwbacklinks``); ``iwbl*`` keys per ``iwblprop``."""

    pageid: int
    ns: int
    title: str
    redirect: NotRequired[bool]
    iwprefix: NotRequired[str]
    iwtitle: NotRequired[str]


@response_model
class LangbacklinksItem(TypedDict):
    """A page with an interlanguage link (``list=langbacklinks``); keys per ``lblprop``."""

    pageid: int
    ns: int
    title: str
    redirect: NotRequired[bool]
    lllang: NotRequired[str]
    lltitle: NotRequired[str]


@response_model
class PagepropnamesItem(TypedDict):
    """A page property name in use (``list=pagepropnames``), e.g. ``displaytitle``."""

    propname: str


@response_model
class PageswithpropItem(TypedDict):
    """A page with the property (``list=pageswithprop``); keys per ``pwpprop``."""

    pageid: NotRequired[int]
    ns: NotRequired[int]
    title: NotRequired[str]
    value: NotRequired[str]


@response_model
class PrefixsearchItem(TypedDict):
    """A title starting with the prefix (``list=prefixsearch``); special pages have
    ``special`` instead of a ``pageid``."""

    ns: int
    title: str
    pageid: NotRequired[int]
    special: NotRequired[bool]


@response_model
class ProtectedtitlesItem(TypedDict):
    """A title protected from creation (``list=protectedtitles``); keys per ``ptprop``."""

    ns: int
    title: str
    timestamp: NotRequired[str]
    user: NotRequired[str]
    userid: NotRequired[int]
    comment: NotRequired[str]
    parsedcomment: NotRequired[str]
    expiry: NotRequired[str]
    level: NotRequired[str]


@response_model
class QuerypageItem(TypedDict):
    """A row of a special page's report (``query.querypage.results``).

    ``value`` is the report's number as the database returns it (a string), or a
    ``YYYYMMDDhhmmss`` time, then also given as ``timestamp``. ``databaseResult`` holds the
    report's other columns (``Listredirects``: ``rd_title``, ...).
    """

    ns: int
    title: str
    value: NotRequired[str]
    timestamp: NotRequired[str]
    databaseResult: NotRequired[dict[str, Any]]


@response_model
class QuerypageResult(TypedDict):
    """``query.querypage``: an object (not a list) naming the report, with its rows.

    ``cached``/``cachedtimestamp``/``maxresults`` describe a report served from the cache
    (expensive pages in miser mode); ``disabled`` one that is not updated any more.
    """

    name: str
    results: NotRequired[list[QuerypageItem]]
    cached: NotRequired[bool]
    cachedtimestamp: NotRequired[str]
    maxresults: NotRequired[int]
    disabled: NotRequired[bool]


@response_model
class RandomItem(TypedDict):
    """A random page (``list=random``); ``redirect`` comes with ``rnfilterredir``."""

    id: int
    ns: int
    title: str
    redirect: NotRequired[bool]


@response_model
class SearchItem(TypedDict):
    """A search hit (``list=search``); the optional keys per ``srprop``.

    Snippets are HTML with ``<span class='searchmatch'>``. The redirect and section keys
    come only for hits through a redirect or in a section, when the engine reports them.
    """

    ns: int
    title: str
    pageid: int
    size: NotRequired[int]
    wordcount: NotRequired[int]
    snippet: NotRequired[str]
    timestamp: NotRequired[str]
    titlesnippet: NotRequired[str]
    categorysnippet: NotRequired[str]
    redirecttitle: NotRequired[str]
    redirectsnippet: NotRequired[str]
    sectiontitle: NotRequired[str]
    sectionsnippet: NotRequired[str]
    isfilematch: NotRequired[bool]
    extensiondata: NotRequired[dict[str, Any]]
    # Interwiki hits (``srinterwiki``, ``query.interwikisearch``) carry these as well:
    namespace: NotRequired[str]
    url: NotRequired[str]


@response_model
class SearchInfo(TypedDict):
    """``query.searchinfo``: totals and suggestions requested with ``srinfo``."""

    totalhits: NotRequired[int]
    suggestion: NotRequired[str]
    suggestionsnippet: NotRequired[str]
    rewrittenquery: NotRequired[str]
    rewrittenquerysnippet: NotRequired[str]


@response_model
class SearchQueryResult(TypedDict):
    """The members ``list=search`` adds to ``query``: hits and ``searchinfo``.

    ``interwikisearch`` (``srinterwiki``) and ``additionalsearch`` (``srenablerewrites``)
    map an interwiki prefix to its hits, when the search engine has any; their totals are
    in ``interwikisearchinfo``/``additionalsearchinfo``.
    """

    search: list[SearchItem]
    searchinfo: NotRequired[SearchInfo]
    interwikisearch: NotRequired[dict[str, list[SearchItem]]]
    interwikisearchinfo: NotRequired[SearchInfo]
    additionalsearch: NotRequired[dict[str, list[SearchItem]]]
    additionalsearchinfo: NotRequired[SearchInfo]


@response_model
class WatchlistrawItem(TypedDict):
    """A watched title (``list=watchlistraw``); ``changed`` (``wrprop=changed``) is when it
    changed since last visited.

    The list is a top-level member of the answer (``answer["watchlistraw"]``), not under
    ``query``.
    """

    ns: int
    title: str
    changed: NotRequired[str]


@response_model
class TagsItem(TypedDict):
    """A change tag (``list=tags``); keys per ``tgprop``.

    ``displayname`` is ``False`` for a tag hidden from display; ``source`` lists
    ``extension`` (defined by software) and/or ``manual`` (created on the wiki).
    """

    name: str
    displayname: NotRequired[str | bool]
    description: NotRequired[str]
    hitcount: NotRequired[int]
    defined: NotRequired[bool]
    source: NotRequired[list[str]]
    active: NotRequired[bool]


@response_model
class MystashedfilesItem(TypedDict):
    """A file in the user's upload stash (``list=mystashedfiles``); keys per ``msfprop``.

    ``status`` is ``finished`` or ``chunks`` (a chunked upload in progress, whose
    ``mimetype`` is ``None``).
    """

    filekey: str
    status: str
    size: NotRequired[int]
    width: NotRequired[int]
    height: NotRequired[int]
    bits: NotRequired[int]
    mimetype: NotRequired[str | None]
    mediatype: NotRequired[str]
