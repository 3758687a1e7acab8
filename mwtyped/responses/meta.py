"""The ``meta=`` modules besides siteinfo: what each adds to ``query``.

* ``meta=userinfo`` -> ``query.userinfo``: :class:`Userinfo`;
* ``meta=tokens`` -> ``query.tokens``: :class:`QueryTokens`;
* ``meta=allmessages`` -> ``query.allmessages``: a list of :class:`AllmessagesMessage`;
* ``meta=authmanagerinfo`` -> ``query.authmanagerinfo``: :class:`AuthmanagerinfoResult`;
* ``meta=filerepoinfo`` -> ``query.repos``: a list of :class:`FilerepoinfoRepo`;
* ``meta=languageinfo`` -> ``query.languageinfo``: :class:`LanguageinfoLanguage` by code.

``meta=siteinfo`` is in :mod:`mwtyped.responses.siteinfo`.

Example::

    answer = session.request(QueryParams(meta=[UserinfoParams(uiprop=["groups", "rights"])]))
    me: Userinfo = answer["query"]["userinfo"]
    "sysop" in me["groups"]
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import ALLOW_EXTRA, response_model

__all__ = [
    "AllmessagesMessage",
    "AuthmanagerinfoField",
    "AuthmanagerinfoRequest",
    "AuthmanagerinfoResult",
    "FilerepoinfoRepo",
    "LanguageinfoLanguage",
    "QueryTokens",
    "RateLimit",
    "Userinfo",
    "UserinfoAcceptLanguage",
    "UserinfoChangeableGroups",
    "UserinfoGroupMembership",
]


@response_model
class UserinfoGroupMembership(TypedDict):
    """An explicit group of the user and when membership ends (``uiprop=groupmemberships``)."""

    group: str
    expiry: str


UserinfoChangeableGroups = TypedDict(
    "UserinfoChangeableGroups",
    {"add": list[str], "remove": list[str], "add-self": list[str], "remove-self": list[str]},
)
"""The groups the user may add or remove (``uiprop=changeablegroups``)."""
UserinfoChangeableGroups.__pydantic_config__ = ALLOW_EXTRA  # type: ignore[attr-defined]


@response_model
class RateLimit(TypedDict):
    """At most ``hits`` actions in ``seconds`` (``uiprop=ratelimits``)."""

    hits: int
    seconds: int


@response_model
class UserinfoAcceptLanguage(TypedDict):
    """A language of the request's Accept-Language header (``uiprop=acceptlang``)."""

    code: str
    q: float


@response_model
class Userinfo(TypedDict):
    """The current user (``meta=userinfo``); ``id`` 0 and ``anon`` when logged out.

    Everything else comes per ``uiprop``. The ``block*`` keys (``uiprop=blockinfo``) are
    there only while the user is blocked; ``blockexpiryformatted``/``blockexpiryrelative``
    only for blocks that expire. ``ratelimits`` maps an action to a limit per category
    (``user``, ``ip``, ``newbie``...); ``unreadcount`` is a string like ``"1000+"`` past the
    limit; ``attachedwiki`` comes with ``uiattachedwiki``."""

    id: int
    name: str
    anon: NotRequired[bool]
    # uiprop=blockinfo
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
    systemblocktype: NotRequired[str | None]
    # the other uiprop values
    messages: NotRequired[bool]
    groups: NotRequired[list[str]]
    groupmemberships: NotRequired[list[UserinfoGroupMembership]]
    implicitgroups: NotRequired[list[str]]
    rights: NotRequired[list[str]]
    changeablegroups: NotRequired[UserinfoChangeableGroups]
    options: NotRequired[dict[str, Any]]
    editcount: NotRequired[int]
    ratelimits: NotRequired[dict[str, dict[str, RateLimit]]]
    theoreticalratelimits: NotRequired[dict[str, dict[str, RateLimit]]]
    realname: NotRequired[str]
    email: NotRequired[str]
    emailauthenticated: NotRequired[str]
    registrationdate: NotRequired[str]
    acceptlang: NotRequired[list[UserinfoAcceptLanguage]]
    unreadcount: NotRequired[int | str]
    centralids: NotRequired[dict[str, int]]
    attachedlocal: NotRequired[dict[str, bool]]
    attachedwiki: NotRequired[dict[str, bool]]
    latestcontrib: NotRequired[str]


@response_model
class QueryTokens(TypedDict):
    """Tokens (``meta=tokens``), one per requested ``type``, named ``<type>token``."""

    createaccounttoken: NotRequired[str]
    csrftoken: NotRequired[str]
    logintoken: NotRequired[str]
    patroltoken: NotRequired[str]
    rollbacktoken: NotRequired[str]
    userrightstoken: NotRequired[str]
    watchtoken: NotRequired[str]


@response_model
class AllmessagesMessage(TypedDict):
    """One interface message (``meta=allmessages``).

    ``content`` is absent for ``missing`` messages and with ``amnocontent``; ``default``
    (``amprop=default``) only when the wiki changed the message, ``defaultmissing`` when
    it has no default; ``customised`` with ``amcustomised=modified``."""

    name: str
    normalizedname: str
    content: NotRequired[str]
    missing: NotRequired[bool]
    customised: NotRequired[bool]
    default: NotRequired[str]
    defaultmissing: NotRequired[bool]


@response_model
class AuthmanagerinfoField(TypedDict):
    """A form field an authentication request needs (``amirequestsfor``).

    ``label``/``help`` are text for ``amimessageformat=wikitext|html``, ``{"key": ...,
    "params": [...]}`` for ``raw`` and absent for ``none``."""

    type: str
    value: NotRequired[Any]
    options: NotRequired[dict[str, str]]
    label: NotRequired[str | dict[str, Any]]
    help: NotRequired[str | dict[str, Any]]
    optional: bool
    sensitive: bool


@response_model
class AuthmanagerinfoRequest(TypedDict):
    """An authentication request of ``amirequestsfor``; ``fields`` unless
    ``amimergerequestfields=1`` merged them into the result's ``fields``."""

    id: str
    metadata: dict[str, Any]
    required: str
    provider: str
    account: str
    fields: NotRequired[dict[str, AuthmanagerinfoField]]


@response_model
class AuthmanagerinfoResult(TypedDict):
    """The authentication status (``meta=authmanagerinfo``).

    ``securitysensitiveoperationstatus`` comes with ``amisecuritysensitiveoperation``;
    the preserved-state keys and ``requests`` with ``amirequestsfor``; ``fields`` with
    ``amimergerequestfields=1``."""

    canauthenticatenow: bool
    cancreateaccounts: bool
    canlinkaccounts: bool
    securitysensitiveoperationstatus: NotRequired[str]
    haspreservedstate: NotRequired[bool]
    hasprimarypreservedstate: NotRequired[bool]
    preservedusername: NotRequired[str]
    requests: NotRequired[list[AuthmanagerinfoRequest]]
    fields: NotRequired[dict[str, AuthmanagerinfoField]]


@response_model
class FilerepoinfoRepo(TypedDict):
    """A file repository (``meta=filerepoinfo``, ``query.repos``); keys per ``friprop``.

    Foreign API repositories add ``apiurl``, ``articlepath`` and ``server``."""

    name: NotRequired[str]
    displayname: NotRequired[str]
    rootUrl: NotRequired[str]
    local: NotRequired[bool]
    url: NotRequired[str]
    thumbUrl: NotRequired[str]
    initialCapital: NotRequired[bool]
    descBaseUrl: NotRequired[str]
    scriptDirUrl: NotRequired[str]
    articleUrl: NotRequired[str]
    fetchDescription: NotRequired[bool]
    descriptionCacheExpiry: NotRequired[int]
    favicon: NotRequired[str]
    canUpload: NotRequired[bool]
    apiurl: NotRequired[str]
    articlepath: NotRequired[str]
    server: NotRequired[str]


@response_model
class LanguageinfoLanguage(TypedDict):
    """A language (``meta=languageinfo``, keyed by code); keys per ``liprop``."""

    code: NotRequired[str]
    bcp47: NotRequired[str]
    dir: NotRequired[str]
    autonym: NotRequired[str]
    name: NotRequired[str]
    fallbacks: NotRequired[list[str]]
    variants: NotRequired[list[str]]
