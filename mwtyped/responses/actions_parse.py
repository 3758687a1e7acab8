"""Answers of the wikitext actions: parse, compare (diffs) and expandtemplates.

Which keys come depends on ``prop=``: every one of them is ``NotRequired``. HTML and wikitext
are plain strings (formatversion 2).

Example::

    answer = session.request(ParseParams(page="Main Page", prop=["text", "sections"]))
    html = answer["parse"]["text"]
    [section["line"] for section in answer["parse"]["sections"]]
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import ALLOW_EXTRA, response_model
from mwtyped.responses.query import RedirectedTitle

__all__ = [
    "CompareResponse",
    "CompareResult",
    "ExpandedCategory",
    "ExpandtemplatesResponse",
    "ExpandtemplatesResult",
    "LimitReportEntry",
    "ParseCategory",
    "ParseHeadItem",
    "ParseInterwikiLink",
    "ParseLangLink",
    "ParseLink",
    "ParseResponse",
    "ParseResult",
    "ParseSection",
]


@response_model
class ParseLangLink(TypedDict):
    """An interlanguage link (``prop=langlinks``)."""

    lang: str
    title: str
    url: NotRequired[str]
    langname: NotRequired[str]
    autonym: NotRequired[str]


@response_model
class ParseCategory(TypedDict):
    """A category of the parsed text (``prop=categories``); ``category`` is the name in
    database form (underscores), ``missing`` when it has no page (``known`` if it exists
    anyway), ``hidden`` for a hidden category."""

    category: str
    sortkey: str
    missing: NotRequired[bool]
    known: NotRequired[bool]
    hidden: NotRequired[bool]


@response_model
class ParseLink(TypedDict):
    """A link or template of the parsed text (``prop=links``/``templates``)."""

    ns: int
    title: str
    exists: bool


@response_model
class ParseInterwikiLink(TypedDict):
    """An interwiki link (``prop=iwlinks``)."""

    prefix: str
    title: str
    url: NotRequired[str]


@response_model
class ParseSection(TypedDict):
    """A section heading (``prop=sections``); ``level``/``index`` are strings,
    ``fromtitle`` is ``false`` and ``byteoffset`` ``null`` for a heading of a template."""

    toclevel: int
    level: str
    line: str
    number: str
    index: str
    fromtitle: str | bool
    byteoffset: int | None
    anchor: str
    linkAnchor: NotRequired[str]


@response_model
class ParseHeadItem(TypedDict):
    """An item of ``<head>`` (``prop=headitems``, deprecated)."""

    tag: str
    content: str


LimitReportEntry = TypedDict("LimitReportEntry", {"name": str, "0": Any, "1": NotRequired[Any]})
"""A parser limit (``prop=limitreportdata``): ``{"name": "limitreport-expansiondepth",
"0": 3, "1": 100}``, i.e. the value used and, for limits, the maximum."""
LimitReportEntry.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class ParseResult(TypedDict):
    """``action=parse``: one key per ``prop=`` value (``modules`` brings ``modulescripts``
    and ``modulestyles`` too, ``sections`` brings ``showtoc``), and ``parsedsummary`` with
    ``summary=``, ``psttext`` with ``pst=1``, ``redirects`` with ``redirects=1``.

    ``onlypst=1`` answers only ``text`` (the pre-save-transformed wikitext), ``wikitext`` and
    ``parsedsummary``: no ``title``/``pageid`` then. ``textdeleted``/``textsuppressed`` mark
    an ``oldid`` whose text is hidden from others.
    """

    title: NotRequired[str]
    pageid: NotRequired[int]
    revid: NotRequired[int]
    redirects: NotRequired[list[RedirectedTitle]]
    textdeleted: NotRequired[bool]
    textsuppressed: NotRequired[bool]
    text: NotRequired[str]
    parsedsummary: NotRequired[str]
    langlinks: NotRequired[list[ParseLangLink]]
    categories: NotRequired[list[ParseCategory]]
    categorieshtml: NotRequired[str]
    links: NotRequired[list[ParseLink]]
    templates: NotRequired[list[ParseLink]]
    images: NotRequired[list[str]]
    externallinks: NotRequired[list[str]]
    sections: NotRequired[list[ParseSection]]
    showtoc: NotRequired[bool]
    parsewarnings: NotRequired[list[str]]
    parsewarningshtml: NotRequired[list[str]]
    displaytitle: NotRequired[str]
    subtitle: NotRequired[str]
    headitems: NotRequired[list[ParseHeadItem]]
    headhtml: NotRequired[str]
    modules: NotRequired[list[str]]
    modulescripts: NotRequired[list[str]]
    modulestyles: NotRequired[list[str]]
    jsconfigvars: NotRequired[dict[str, Any]]
    encodedjsconfigvars: NotRequired[str]
    indicators: NotRequired[dict[str, str]]
    iwlinks: NotRequired[list[ParseInterwikiLink]]
    wikitext: NotRequired[str]
    psttext: NotRequired[str]
    properties: NotRequired[dict[str, str]]
    limitreportdata: NotRequired[list[LimitReportEntry]]
    limitreporthtml: NotRequired[str]
    parsetree: NotRequired[str]


@response_model
class ParseResponse(TypedDict):
    """The whole answer of ``action=parse``."""

    parse: ParseResult


@response_model
class CompareResult(TypedDict):
    """``action=compare``: the two sides, ``from*`` and ``to*``, then the diff.

    ``*id``/``*revid`` come with ``prop=ids``, ``*ns``/``*title`` with ``title``, and so on
    per ``prop``; a side given as text has none of them. ``*texthidden``/``*userhidden``/
    ``*commenthidden``/``*suppressed`` mark hidden parts, ``*archive`` a deleted revision.
    ``prev``/``next`` (``prop=rel``) are the neighbouring revisions. The diff is ``body``
    (HTML table rows), or ``bodies`` by slot with ``slots=``.
    """

    fromid: NotRequired[int]
    fromrevid: NotRequired[int]
    fromns: NotRequired[int]
    fromtitle: NotRequired[str]
    fromsize: NotRequired[int]
    fromtimestamp: NotRequired[str]
    fromtexthidden: NotRequired[bool]
    fromuserhidden: NotRequired[bool]
    fromuser: NotRequired[str]
    fromuserid: NotRequired[int]
    fromcommenthidden: NotRequired[bool]
    fromcomment: NotRequired[str]
    fromparsedcomment: NotRequired[str]
    fromsuppressed: NotRequired[bool]
    fromarchive: NotRequired[bool]
    toid: NotRequired[int]
    torevid: NotRequired[int]
    tons: NotRequired[int]
    totitle: NotRequired[str]
    tosize: NotRequired[int]
    totimestamp: NotRequired[str]
    totexthidden: NotRequired[bool]
    touserhidden: NotRequired[bool]
    touser: NotRequired[str]
    touserid: NotRequired[int]
    tocommenthidden: NotRequired[bool]
    tocomment: NotRequired[str]
    toparsedcomment: NotRequired[str]
    tosuppressed: NotRequired[bool]
    toarchive: NotRequired[bool]
    prev: NotRequired[int]
    next: NotRequired[int]
    diffsize: NotRequired[int]
    body: NotRequired[str]
    bodies: NotRequired[dict[str, str]]


@response_model
class CompareResponse(TypedDict):
    """The whole answer of ``action=compare``."""

    compare: CompareResult


@response_model
class ExpandedCategory(TypedDict):
    """A category the expansion added (``prop=categories``), e.g. a tracking category."""

    category: str
    sortkey: str


@response_model
class ExpandtemplatesResult(TypedDict):
    """``action=expandtemplates``: one key per ``prop=`` value (``modules`` brings
    ``modulescripts``/``modulestyles``); ``categories``, ``properties`` and ``ttl`` only
    when the expansion produced some. Without ``prop`` (deprecated) only ``wikitext``."""

    wikitext: NotRequired[str]
    parsetree: NotRequired[str]
    categories: NotRequired[list[ExpandedCategory]]
    properties: NotRequired[dict[str, str]]
    volatile: NotRequired[bool]
    ttl: NotRequired[int]
    modules: NotRequired[list[str]]
    modulescripts: NotRequired[list[str]]
    modulestyles: NotRequired[list[str]]
    jsconfigvars: NotRequired[dict[str, Any]]
    encodedjsconfigvars: NotRequired[str]


@response_model
class ExpandtemplatesResponse(TypedDict):
    """The whole answer of ``action=expandtemplates``; the deprecated ``generatexml=1`` puts
    ``parsetree`` beside ``expandtemplates`` instead of in it."""

    expandtemplates: ExpandtemplatesResult
    parsetree: NotRequired[str]
