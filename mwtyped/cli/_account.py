"""Credentials and the session of ``mwtyped get|post``: who to be and how to connect.

* ``--user NAME``: the password comes from ``--password-env VAR`` (``MWTYPED_PASSWORD``) or,
  when that is unset and stdin is a terminal, from a prompt that does not echo. ``User@Label``
  logs in with a bot password, other names with their main password (clientlogin); both
  through :meth:`mwtyped.Session.login`.
* ``--oauth-token-env VAR``: an OAuth 2 owner-only access token, sent as a Bearer header.

Secrets never reach the command line's arguments, its output or its error lines.

Example::

    credentials = read_credentials(options, stdin=sys.stdin)
    with open_session(options, credentials, http_log.hooks()) as session:
        log_in(session, credentials)
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

import httpx

from mwtyped.cli._arguments import RequestOptions, UsageError
from mwtyped.cli._console import is_terminal
from mwtyped.cli._failures import LoginSetupError
from mwtyped.session import Session

__all__ = ["Credentials", "PasswordPrompt", "log_in", "open_session", "read_credentials"]

PasswordPrompt = Callable[[str], str]


@dataclass(frozen=True)
class Credentials:
    """The account to log in as (``user``/``password``) or the OAuth ``access_token``; all
    ``None`` for an anonymous request. ``repr`` never shows the secrets."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)


def read_credentials(
    options: RequestOptions,
    *,
    stdin: TextIO,
    environ: Mapping[str, str] = os.environ,
    prompt: PasswordPrompt = getpass.getpass,
) -> Credentials:
    """The credentials the options ask for, read from the environment or a prompt.

    Raises :class:`~mwtyped.cli._failures.LoginSetupError` when there is no way to get one.
    """
    if options.oauth_token_env is not None:
        token = environ.get(options.oauth_token_env)
        if not token:
            raise LoginSetupError(
                f"--oauth-token-env {options.oauth_token_env}: that environment variable is "
                "not set",
                f"export {options.oauth_token_env}=<your owner-only access token>",
            )
        return Credentials(access_token=token)
    if options.user is None:
        return Credentials()
    variable = options.password_env
    password = environ.get(variable)
    if not password:
        if not is_terminal(stdin):
            raise LoginSetupError(
                f"no password for --user {options.user}: ${variable} is not set and stdin "
                "is not a terminal to ask on",
                f"export {variable}=... (or pass --password-env VAR naming the variable "
                "that holds it)",
            )
        try:
            password = prompt(f"Password for {options.user} on {options.host}: ")
        except EOFError:
            password = ""
        if not password:
            raise LoginSetupError(
                "no password given", f"type the password of {options.user}, or set ${variable}"
            )
    return Credentials(user=options.user, password=password)


def open_session(
    options: RequestOptions,
    credentials: Credentials,
    event_hooks: Mapping[str, list[Callable[..., object]]],
    transport: httpx.BaseTransport | None = None,
) -> Session:
    """A :class:`mwtyped.Session` as the options describe (close it after use).

    ``transport`` replaces the network (tests pass an ``httpx.MockTransport``).
    """
    client_options: dict[str, Any] = {"event_hooks": dict(event_hooks)}
    if transport is not None:
        client_options["transport"] = transport
    try:
        return Session(
            options.host,
            user_agent=options.user_agent,
            formatversion=options.formatversion,
            api_path=options.api_path,
            timeout=options.timeout,
            retry=options.retries,
            access_token=credentials.access_token,
            **client_options,
        )
    except ValueError as error:
        raise UsageError(str(error), "check --host, --api-path and --user-agent") from None


def log_in(session: Session, credentials: Credentials) -> None:
    """Log in when a user was given (bot password or main account); writes then carry
    ``assert=user``, so a lost login fails instead of editing logged out."""
    if credentials.user is not None and credentials.password is not None:
        session.login(credentials.user, credentials.password)
