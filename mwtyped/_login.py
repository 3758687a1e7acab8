"""Login and logout as flows (see :mod:`mwtyped._flows`), for both sessions.

* ``User@Label`` names are bot passwords: ``action=login``, whose refusals are not API errors
  but a ``result`` (``Failed``, ``Aborted``, ``WrongToken``, ``NeedToken``, ``Throttled``).
* Other names are main accounts: ``action=clientlogin``, whose ``status`` is PASS, FAIL, UI
  (another step: 2FA, captcha), REDIRECT (a browser must go somewhere) or RESTART.

Passwords only ever travel in POST bodies: never in a URL, a log line or an exception.

Example::

    outcome = session.login("Admin@mybot", "0123456789abcdefghijklmnopqrstuv")
    outcome.username   # 'Admin'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mwtyped._flows import Flow, Step, member
from mwtyped._tokens import fetch_tokens_flow
from mwtyped.errors import ClientInteractionRequest, LoginError

__all__ = ["LoginOutcome", "continue_login_flow", "login_flow", "logout_flow"]


@dataclass(frozen=True)
class LoginOutcome:
    """Who the session is logged in as, and how (``"login"`` or ``"clientlogin"``)."""

    username: str
    user_id: int | None
    method: str


def _reason_text(reason: object) -> tuple[str | None, str | None]:
    """``(text, code)`` of a login ``reason``: a string (bc) or an object (other formats)."""
    if isinstance(reason, str):
        return reason, None
    if isinstance(reason, Mapping):
        text = next(
            (reason[k] for k in ("text", "html", "*") if isinstance(reason.get(k), str)), None
        )
        code = reason.get("code")
        return text, code if isinstance(code, str) else None
    return None, None


def _bot_login(username: str, password: str, login_token: str) -> Flow[LoginOutcome]:
    document = yield Step(
        "POST",
        {"action": "login", "lgname": username, "lgpassword": password, "lgtoken": login_token},
    )
    login = member(document, "login")
    result = login.get("result") if isinstance(login, Mapping) else None
    if result == "Success":
        user_id = login.get("lguserid")
        return LoginOutcome(
            str(login.get("lgusername", username.split("@", 1)[0])),
            user_id if isinstance(user_id, int) else None,
            "login",
        )
    text, code = _reason_text(login.get("reason") if isinstance(login, Mapping) else None)
    if result == "NeedToken":
        text = text or "the login token was not accepted (the session cookie may be missing)"
    raise LoginError(str(result or "unknown"), text, code=code)


def clientlogin_result(document: Mapping[str, Any], login_token: str) -> LoginOutcome:
    """Interpret an ``action=clientlogin`` answer: PASS returns, everything else raises."""
    answer = member(document, "clientlogin")
    status = answer.get("status") if isinstance(answer, Mapping) else None
    message = answer.get("message") if isinstance(answer, Mapping) else None
    message = message if isinstance(message, str) else None
    code = answer.get("messagecode") if isinstance(answer, Mapping) else None
    code = code if isinstance(code, str) else None
    if status == "PASS":
        return LoginOutcome(str(answer.get("username", "")), None, "clientlogin")
    requests = answer.get("requests", []) if isinstance(answer, Mapping) else []
    requests = [r for r in requests if isinstance(r, Mapping)] if isinstance(requests, list) else []
    if status == "UI":
        raise ClientInteractionRequest(
            login_token, message, requests, status="UI", message_code=code
        )
    if status == "REDIRECT":
        target = answer.get("redirecttarget")
        raise ClientInteractionRequest(
            login_token,
            f"the wiki wants the login finished in a browser at {target}; open it, then "
            "pass what the return URL receives to continue_login()",
            requests,
            status="REDIRECT",
            message_code=code,
        )
    if status == "RESTART":
        raise LoginError(
            "RESTART",
            (message or "")
            + " (the third-party login worked, but no account of this wiki is linked to it:"
            " link or create one on the wiki first)",
            code=code,
        )
    raise LoginError(str(status or "unknown"), message, code=code)


def login_flow(
    username: str, password: str, login_token: str | None, return_url: str
) -> Flow[LoginOutcome]:
    """Log in with a bot password (``User@Label``) or a main account (clientlogin)."""
    if not isinstance(username, str) or not username:
        raise ValueError("username must be a non-empty string")
    if not isinstance(password, str) or not password:
        raise ValueError("password must be a non-empty string")
    if login_token is None:
        tokens = yield from fetch_tokens_flow(["login"])
        login_token = tokens["login"]
    if "@" in username:
        return (yield from _bot_login(username, password, login_token))
    document = yield Step(
        "POST",
        {
            "action": "clientlogin",
            "username": username,
            "password": password,
            "loginreturnurl": return_url,
            "logintoken": login_token,
        },
    )
    return clientlogin_result(document, login_token)


def continue_login_flow(login_token: str, fields: Mapping[str, Any]) -> Flow[LoginOutcome]:
    """Answer a ``ClientInteractionRequest`` with the fields the wiki asked for."""
    document = yield Step(
        "POST",
        {"action": "clientlogin", "logincontinue": True, **fields, "logintoken": login_token},
    )
    return clientlogin_result(document, login_token)


def logout_flow() -> Flow[None]:
    """``action=logout`` (the session adds the csrf token it needs)."""
    yield Step("POST", {"action": "logout"})
    return None
