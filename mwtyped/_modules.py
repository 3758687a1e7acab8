"""What the session must know about core modules before the typed API: tokens and writes.

Taken from MediaWiki 1.39's ``action=paraminfo`` (``tokentype``, module prefix,
``mustbeposted``/``writerights``). Modules not listed here get no automatic token.

Example::

    >>> TOKEN_NEEDS["edit"]
    TokenNeed(type='csrf', param='token')
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["NO_ASSERT_ACTIONS", "TOKEN_NEEDS", "TokenNeed"]


class TokenNeed(NamedTuple):
    """The token type a module takes, and the parameter (prefix included) it goes in."""

    type: str
    param: str


_CSRF_ACTIONS = [
    "block",
    "changecontentmodel",
    "delete",
    "edit",
    "emailuser",
    "filerevert",
    "imagerotate",
    "import",
    "managetags",
    "mergehistory",
    "move",
    "options",
    "protect",
    "removeauthenticationdata",
    "resetpassword",
    "revisiondelete",
    "setnotificationtimestamp",
    "setpagelanguage",
    "stashedit",
    "tag",
    "unblock",
    "undelete",
    "unlinkaccount",
    "upload",
    "logout",
]

TOKEN_NEEDS: dict[str, TokenNeed] = {
    **{action: TokenNeed("csrf", "token") for action in _CSRF_ACTIONS},
    "changeauthenticationdata": TokenNeed("csrf", "changeauthtoken"),
    "linkaccount": TokenNeed("csrf", "linktoken"),
    "patrol": TokenNeed("patrol", "token"),
    "rollback": TokenNeed("rollback", "token"),
    "userrights": TokenNeed("userrights", "token"),
    "watch": TokenNeed("watch", "token"),
    "clientlogin": TokenNeed("login", "logintoken"),
    "createaccount": TokenNeed("createaccount", "createtoken"),
}

# Token-taking actions that must not carry ``assert=user``: they change who is logged in.
NO_ASSERT_ACTIONS = frozenset({"login", "clientlogin", "createaccount", "logout", "linkaccount"})
