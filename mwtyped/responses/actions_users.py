"""Answers of the account actions: logging in and out, creating accounts, credentials, email.

``clientlogin``, ``createaccount`` and ``linkaccount`` answer an AuthManager step
(:class:`AuthenticationStep`): ``status`` ``PASS`` or ``FAIL`` ends it, ``UI`` asks for more
fields (listed in ``requests[].fields``) sent back with ``logincontinue=1``/
``createcontinue=1``, ``REDIRECT`` sends the user to ``redirecttarget`` first, ``RESTART``
means the external login worked but the account is not linked yet.

Example::

    step = session.request(ClientloginParams(loginreturnurl="https://example.org/",
                                             extra_params={"username": u, "password": p}))
    if step["clientlogin"]["status"] == "UI":
        for request in step["clientlogin"].get("requests", []):
            print(request["id"], list(request.get("fields", {})))
"""

from __future__ import annotations

from typing import Any

from typing_extensions import NotRequired, TypedDict

from mwtyped.responses._common import response_model
from mwtyped.responses.actions import StatusMessage
from mwtyped.responses.meta import AuthmanagerinfoField, AuthmanagerinfoRequest

__all__ = [
    "AuthenticationStep",
    "ChangeauthenticationdataResponse",
    "ClientloginResponse",
    "CreateaccountResponse",
    "CredentialsChange",
    "EmailuserResponse",
    "EmailuserResult",
    "LinkaccountResponse",
    "LoginResponse",
    "LoginResult",
    "LogoutResponse",
    "RawMessage",
    "RemoveauthenticationdataResponse",
    "ResetpasswordResponse",
    "UnlinkaccountResponse",
    "ValidatepasswordResponse",
    "ValidatepasswordResult",
]


@response_model
class LoginResult(TypedDict):
    """``action=login``: ``result`` is ``Success`` (with ``lguserid``/``lgusername``),
    ``Failed`` or ``Aborted`` (with ``reason``), ``NeedToken`` (with ``token``, a deprecated
    way to get one) or ``WrongToken``. ``reason`` is ``{"code", "text"}`` with mwtyped's
    ``errorformat=plaintext`` and a plain string with ``errorformat=bc``."""

    result: str
    lguserid: NotRequired[int]
    lgusername: NotRequired[str]
    token: NotRequired[str]
    reason: NotRequired[str | StatusMessage]


@response_model
class LoginResponse(TypedDict):
    """The whole answer of ``action=login``."""

    login: LoginResult


@response_model
class LogoutResponse(TypedDict, total=False):
    """The whole answer of ``action=logout``: an empty object, ``{}``."""


@response_model
class RawMessage(TypedDict):
    """A message as ``key`` and ``params`` (``loginmessageformat=raw`` and the like)."""

    key: str
    params: list[Any]


@response_model
class AuthenticationStep(TypedDict):
    """One step of ``clientlogin``/``createaccount``/``linkaccount`` (see the module doc).

    ``username`` comes with ``PASS``; ``message``/``messagecode`` with ``FAIL``, ``UI`` and
    ``RESTART`` (``message`` is text, or a :class:`RawMessage` with ``*messageformat=raw``,
    absent with ``none``); ``canpreservestate`` with ``FAIL``/``RESTART``; ``requests`` with
    ``UI``/``REDIRECT``/``RESTART`` (their ``fields`` merged into ``fields`` instead with
    ``*mergerequestfields=1``); ``redirecttarget``/``redirectdata`` with ``REDIRECT``.
    """

    status: str
    username: NotRequired[str]
    message: NotRequired[str | RawMessage]
    messagecode: NotRequired[str]
    canpreservestate: NotRequired[bool]
    redirecttarget: NotRequired[str]
    redirectdata: NotRequired[Any]
    requests: NotRequired[list[AuthmanagerinfoRequest]]
    fields: NotRequired[dict[str, AuthmanagerinfoField]]


@response_model
class ClientloginResponse(TypedDict):
    """The whole answer of ``action=clientlogin``."""

    clientlogin: AuthenticationStep


@response_model
class CreateaccountResponse(TypedDict):
    """The whole answer of ``action=createaccount`` (``PASS`` logs the session in as the new
    account when it was anonymous)."""

    createaccount: AuthenticationStep


@response_model
class LinkaccountResponse(TypedDict):
    """The whole answer of ``action=linkaccount`` (``FAIL`` on a wiki without a provider
    that links accounts)."""

    linkaccount: AuthenticationStep


@response_model
class CredentialsChange(TypedDict):
    """A credential change that worked: ``{"status": "success"}``."""

    status: str


@response_model
class ChangeauthenticationdataResponse(TypedDict):
    """The whole answer of ``action=changeauthenticationdata``."""

    changeauthenticationdata: CredentialsChange


@response_model
class RemoveauthenticationdataResponse(TypedDict):
    """The whole answer of ``action=removeauthenticationdata``."""

    removeauthenticationdata: CredentialsChange


@response_model
class UnlinkaccountResponse(TypedDict):
    """The whole answer of ``action=unlinkaccount``."""

    unlinkaccount: CredentialsChange


@response_model
class ResetpasswordResponse(TypedDict):
    """The whole answer of ``action=resetpassword``: ``{"resetpassword": {"status":
    "success"}}`` once the reset email went out (needs email enabled on the wiki)."""

    resetpassword: CredentialsChange


@response_model
class EmailuserResult(TypedDict):
    """``action=emailuser``: ``result`` is ``Success``, ``Warnings`` or ``Failure``, with
    the ``warnings``/``errors`` of sending."""

    result: str
    warnings: NotRequired[list[StatusMessage]]
    errors: NotRequired[list[StatusMessage]]


@response_model
class EmailuserResponse(TypedDict):
    """The whole answer of ``action=emailuser`` (needs email enabled on the wiki)."""

    emailuser: EmailuserResult


@response_model
class ValidatepasswordResult(TypedDict):
    """``action=validatepassword``: ``validity`` is ``Good``, ``Change`` (acceptable, but a
    change will be suggested at login) or ``Invalid``, with the policy messages why."""

    validity: str
    validitymessages: NotRequired[list[StatusMessage]]


@response_model
class ValidatepasswordResponse(TypedDict):
    """The whole answer of ``action=validatepassword``."""

    validatepassword: ValidatepasswordResult
