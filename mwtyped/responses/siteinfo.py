"""``meta=siteinfo``: what each ``siprop`` value adds to ``query``.

Each ``siprop`` value becomes a member of :class:`~mwtyped.responses.query.QueryResult` of
the same name (``general``, ``namespaces``, ``interwikimap``...), typed here. Extensions
may add keys to ``general`` through a hook: they are kept as extra keys.

Example::

    answer = session.request(QueryParams(meta=[SiteinfoParams(siprop=["general", "namespaces"])]))
    general: SiteinfoGeneral = answer["query"]["general"]
    general["generator"]                    # 'MediaWiki 1.39.17'
    answer["query"]["namespaces"]["6"]["canonical"]   # 'File'
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import ALLOW_EXTRA, response_model

__all__ = [
    "SiteinfoCode",
    "SiteinfoDbReplLag",
    "SiteinfoExtension",
    "SiteinfoFileExtension",
    "SiteinfoGeneral",
    "SiteinfoImageLimit",
    "SiteinfoInterwiki",
    "SiteinfoLanguage",
    "SiteinfoLibrary",
    "SiteinfoMagicWord",
    "SiteinfoNamespace",
    "SiteinfoNamespaceAlias",
    "SiteinfoRestrictions",
    "SiteinfoRightsInfo",
    "SiteinfoShowHook",
    "SiteinfoSkin",
    "SiteinfoSpecialPageAlias",
    "SiteinfoStatistics",
    "SiteinfoUserGroup",
    "SiteinfoVariant",
    "SiteinfoVariantFallbacks",
]


@response_model
class SiteinfoCode(TypedDict):
    """A language code of ``general.fallback``."""

    code: str


@response_model
class SiteinfoVariant(TypedDict):
    """A variant of the content language (``general.variants``)."""

    code: str
    name: str


@response_model
class SiteinfoImageLimit(TypedDict):
    """One image size users can choose (``general.imagelimits``)."""

    width: int
    height: int


SiteinfoGeneral = TypedDict(
    "SiteinfoGeneral",
    {
        "mainpage": str,
        "base": str,
        "sitename": str,
        "mainpageisdomainroot": bool,
        "logo": str,
        "generator": str,
        "phpversion": str,
        "phpsapi": str,
        "dbtype": str,
        "dbversion": str,
        "imagewhitelistenabled": NotRequired[bool],
        "externalimages": NotRequired[list[str]],
        "langconversion": bool,
        "linkconversion": bool,
        "titleconversion": bool,
        "linkprefixcharset": str,
        "linkprefix": str,
        "linktrail": str,
        "legaltitlechars": str,
        "invalidusernamechars": str,
        "allunicodefixes": bool,
        "fixarabicunicode": bool,
        "fixmalayalamunicode": bool,
        "git-hash": NotRequired[str],
        "git-branch": NotRequired[str],
        "case": str,
        "lang": str,
        "fallback": list[SiteinfoCode],
        "variants": NotRequired[list[SiteinfoVariant]],
        "rtl": bool,
        "fallback8bitEncoding": str,
        "readonly": bool,
        "readonlyreason": NotRequired[str],
        "writeapi": bool,
        "maxarticlesize": int,
        "timezone": str,
        "timeoffset": int,
        "articlepath": str,
        "scriptpath": str,
        "script": str,
        "variantarticlepath": str | bool,
        "server": str,
        "servername": str,
        "wikiid": str,
        "time": str,
        "misermode": bool,
        "uploadsenabled": bool,
        "maxuploadsize": int,
        "minuploadchunksize": int,
        "galleryoptions": dict[str, Any],
        "thumblimits": dict[str, int],
        "imagelimits": dict[str, SiteinfoImageLimit],
        "favicon": NotRequired[str],
        "centralidlookupprovider": str,
        "allcentralidlookupproviders": list[str],
        "interwikimagic": bool,
        "magiclinks": dict[str, bool],
        "categorycollation": str,
        "nofollowlinks": bool,
        "nofollownsexceptions": list[int],
        "nofollowdomainexceptions": list[str],
        "externallinktarget": str | bool,
    },
)
"""``siprop=general``: the wiki's name, paths, versions, languages and settings.

``externalimages`` and ``imagewhitelistenabled`` depend on ``$wgAllowExternalImages``,
``variants`` on the content language, ``readonlyreason`` on a read-only wiki,
``git-*`` on a git checkout."""
SiteinfoGeneral.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class SiteinfoNamespace(TypedDict):
    """One namespace (``siprop=namespaces``, keyed by its id as a string).

    ``canonical`` is absent for the main namespace; ``namespaceprotection`` names the right
    an edit there needs, ``defaultcontentmodel`` the model of new pages."""

    id: int
    case: str
    name: str
    subpages: bool
    canonical: NotRequired[str]
    content: bool
    nonincludable: bool
    namespaceprotection: NotRequired[str]
    defaultcontentmodel: NotRequired[str]


@response_model
class SiteinfoNamespaceAlias(TypedDict):
    """Another name of a namespace (``siprop=namespacealiases``)."""

    id: int
    alias: str


@response_model
class SiteinfoSpecialPageAlias(TypedDict):
    """The local names of a special page (``siprop=specialpagealiases``)."""

    realname: str
    aliases: list[str]


SiteinfoMagicWord = TypedDict(
    "SiteinfoMagicWord", {"name": str, "aliases": list[str], "case-sensitive": bool}
)
"""A magic word and its spellings (``siprop=magicwords``)."""
SiteinfoMagicWord.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class SiteinfoInterwiki(TypedDict):
    """An interwiki prefix (``siprop=interwikimap``); the flags come only when set.

    ``language`` names the language of an interlanguage prefix, ``api`` and ``wikiid``
    come from the interwiki table when filled in."""

    prefix: str
    local: NotRequired[bool]
    trans: NotRequired[bool]
    language: NotRequired[str]
    localinterwiki: NotRequired[bool]
    extralanglink: NotRequired[bool]
    linktext: NotRequired[str]
    sitename: NotRequired[str]
    url: str
    protorel: bool
    wikiid: NotRequired[str]
    api: NotRequired[str]


@response_model
class SiteinfoDbReplLag(TypedDict):
    """Replication lag of a database server (``siprop=dbrepllag``); ``host`` is empty
    unless ``$wgShowHostnames``, ``lag`` in seconds (``-1``: no replica)."""

    host: str
    lag: float


@response_model
class SiteinfoStatistics(TypedDict):
    """Site statistics (``siprop=statistics``)."""

    pages: int
    articles: int
    edits: int
    images: int
    users: int
    activeusers: int
    admins: int
    jobs: int


SiteinfoUserGroup = TypedDict(
    "SiteinfoUserGroup",
    {
        "name": str,
        "rights": list[str],
        "number": NotRequired[int],
        "add": NotRequired[list[str]],
        "remove": NotRequired[list[str]],
        "add-self": NotRequired[list[str]],
        "remove-self": NotRequired[list[str]],
    },
)
"""A user group and its rights (``siprop=usergroups``); ``number`` of members with
``sinumberingroup=1``, ``add``/``remove``/``add-self``/``remove-self`` the groups its
members may change."""
SiteinfoUserGroup.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class SiteinfoLibrary(TypedDict):
    """A library installed with composer (``siprop=libraries``)."""

    name: str
    version: str


SiteinfoExtension = TypedDict(
    "SiteinfoExtension",
    {
        "type": str,
        "name": NotRequired[str],
        "namemsg": NotRequired[str],
        "description": NotRequired[str],
        "descriptionmsg": NotRequired[str],
        "descriptionmsgparams": NotRequired[list[Any]],
        "author": NotRequired[str],
        "url": NotRequired[str],
        "version": NotRequired[str],
        "vcs-system": NotRequired[str],
        "vcs-version": NotRequired[str],
        "vcs-url": NotRequired[str | bool],
        "vcs-date": NotRequired[str],
        "license-name": NotRequired[str],
        "license": NotRequired[str],
        "credits": NotRequired[str],
    },
)
"""An installed extension or skin (``siprop=extensions``); ``license``/``credits`` are
paths of Special:Version pages."""
SiteinfoExtension.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class SiteinfoFileExtension(TypedDict):
    """A file extension uploads may have (``siprop=fileextensions``)."""

    ext: str


@response_model
class SiteinfoRightsInfo(TypedDict):
    """The wiki's content licence (``siprop=rightsinfo``)."""

    url: str
    text: str


@response_model
class SiteinfoRestrictions(TypedDict):
    """Protection types and levels (``siprop=restrictions``)."""

    types: list[str]
    levels: list[str]
    cascadinglevels: list[str]
    semiprotectedlevels: list[str]


@response_model
class SiteinfoLanguage(TypedDict):
    """A language MediaWiki knows (``siprop=languages``), named in ``siinlanguagecode``."""

    code: str
    bcp47: str
    name: str


@response_model
class SiteinfoVariantFallbacks(TypedDict):
    """The fallbacks of a language variant (``siprop=languagevariants``, keyed by
    language, then by variant)."""

    fallbacks: list[str]


@response_model
class SiteinfoSkin(TypedDict):
    """An installed skin (``siprop=skins``); ``unusable`` for skins users cannot pick."""

    code: str
    name: str
    unusable: NotRequired[bool]
    default: NotRequired[bool]


@response_model
class SiteinfoShowHook(TypedDict):
    """A hook and the functions subscribed to it (``siprop=showhooks``)."""

    name: str
    subscribers: list[str]
