"""Where a test wiki lives, who can log in to it, and the :class:`WikiInfo` handed to callers."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ._errors import TestWikiError

__all__ = [
    "API_PATH",
    "BOT_APP_ID",
    "DEFAULT_PORT",
    "DEFAULT_WORKERS",
    "HOST",
    "MEDIAWIKI_DIR",
    "Accounts",
    "WikiInfo",
    "WikiLayout",
    "parse_port",
    "resolve_directory",
    "resolve_workers",
]

HOST = "127.0.0.1"
DEFAULT_PORT = 8391
DEFAULT_WORKERS = 4
MAX_WORKERS = 64
API_PATH = "/api.php"
BOT_APP_ID = "testbot"
# Where Debian's "mediawiki" package puts the code (the php -S document root).
MEDIAWIKI_DIR = Path("/usr/share/mediawiki")

# action=login only treats a password as a bot password when it looks like one
# (BotPassword::canonicalizeLoginData); anything else silently becomes a failed main-password
# login, although createBotPassword.php happily stores it.
_BOT_PASSWORD_RE = re.compile(r"[0-9a-w]{32,}")

_ACCOUNTS_FILE = "accounts.json"


def parse_port(value: str | int, *, source: str) -> int:
    """Return *value* as a TCP port number (0 = "let the OS pick"), or raise TestWikiError.

    >>> parse_port("8391", source="--port")
    8391
    """
    try:
        port = int(value)
    except ValueError:
        raise TestWikiError(f"{source} must be a port number, got {value!r}") from None
    if not 0 <= port <= 65535:
        raise TestWikiError(f"{source} must be between 0 and 65535, got {port}")
    return port


def resolve_workers(workers: int | None) -> int:
    """The number of php -S workers: *workers*, else $TESTWIKI_WORKERS, else 4."""
    source = "workers"
    if workers is None:
        from_env = os.environ.get("TESTWIKI_WORKERS", "").strip()
        if not from_env:
            return DEFAULT_WORKERS
        source = "TESTWIKI_WORKERS"
        try:
            workers = int(from_env)
        except ValueError:
            raise TestWikiError(f"TESTWIKI_WORKERS must be a number, got {from_env!r}") from None
    if not 1 <= workers <= MAX_WORKERS:
        raise TestWikiError(f"{source} must be between 1 and {MAX_WORKERS}, got {workers}")
    return workers


def resolve_directory(port: int, directory: Path | str | None) -> Path:
    """The data directory: *directory*, else $TESTWIKI_DIR, else /tmp/mwtyped-testwiki-PORT.

    The default is keyed by port because the install bakes the server URL into the database
    set-up; a fixed /tmp path (not tempfile.gettempdir()) lets other tools find it.
    """
    if directory is None:
        directory = os.environ.get("TESTWIKI_DIR") or f"/tmp/mwtyped-testwiki-{port}"
    # abspath, not resolve(): the path must stay exactly as written in the server's command
    # line, which is how its processes are recognised later.
    return Path(os.path.abspath(os.path.expanduser(directory)))


@dataclass(frozen=True)
class WikiLayout:
    """The files of one test wiki, served on one port."""

    port: int
    directory: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.url + API_PATH

    def path(self, name: str) -> Path:
        return self.directory / name

    @property
    def local_settings(self) -> Path:
        return self.directory / "LocalSettings.php"

    @property
    def router(self) -> Path:
        return self.directory / "router.php"

    @property
    def pid_file(self) -> Path:
        return self.directory / "server.pid"

    @property
    def server_log(self) -> Path:
        return self.directory / "server.log"

    @property
    def ready_marker(self) -> Path:
        return self.directory / ".ready"

    @property
    def readonly_flag(self) -> Path:
        return self.directory / "readonly"


@dataclass(frozen=True)
class Accounts:
    """The three logins of a test wiki: a sysop, its bot password and a plain user's."""

    admin_user: str = "Admin"
    admin_password: str = "Testwiki-Admin-pass1"
    bot_password: str = "adminbot0123456789abcdefghijklmn"
    user: str = "Tester"
    user_password: str = "Testwiki-Tester-pass1"
    user_bot_password: str = "testerbot0123456789abcdefghijklm"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Accounts:
        """The default accounts, with passwords overridden by TESTWIKI_*_PASSWORD variables.

        >>> Accounts.from_env({"TESTWIKI_USER_PASSWORD": "Another-pass-1"}).user_password
        'Another-pass-1'
        """
        env = os.environ if env is None else env
        defaults = cls()
        accounts = cls(
            admin_password=env.get("TESTWIKI_ADMIN_PASSWORD") or defaults.admin_password,
            bot_password=env.get("TESTWIKI_BOT_PASSWORD") or defaults.bot_password,
            user_password=env.get("TESTWIKI_USER_PASSWORD") or defaults.user_password,
            user_bot_password=env.get("TESTWIKI_USER_BOT_PASSWORD") or defaults.user_bot_password,
        )
        accounts.validate()
        return accounts

    def validate(self) -> None:
        """Raise TestWikiError for passwords MediaWiki would reject or misread."""
        for variable, password in (
            ("TESTWIKI_BOT_PASSWORD", self.bot_password),
            ("TESTWIKI_USER_BOT_PASSWORD", self.user_bot_password),
        ):
            if not _BOT_PASSWORD_RE.fullmatch(password):
                raise TestWikiError(
                    f"{variable} must match ^[0-9a-w]{{32,}}$ (32 or more of 0-9 and a-w), "
                    "otherwise action=login treats it as a main password and fails"
                )
        for variable, password in (
            ("TESTWIKI_ADMIN_PASSWORD", self.admin_password),
            ("TESTWIKI_USER_PASSWORD", self.user_password),
        ):
            # MediaWiki's password policy for sysops (and a sane floor for everyone).
            if len(password) < 10:
                raise TestWikiError(f"{variable} must be at least 10 characters long")

    def save(self, directory: Path) -> None:
        """Remember the accounts a wiki was created with, for later `status` calls."""
        path = directory / _ACCOUNTS_FILE
        path.write_text(json.dumps(dataclasses.asdict(self), indent=2) + "\n", encoding="utf-8")
        path.chmod(0o600)

    @classmethod
    def load(cls, directory: Path) -> Accounts | None:
        """The accounts saved by :meth:`save`, or None if there are none (or they are unusable)."""
        try:
            data = json.loads((directory / _ACCOUNTS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        names = {field.name for field in dataclasses.fields(cls)}
        if not isinstance(data, dict) or set(data) != names:
            return None
        if not all(isinstance(value, str) for value in data.values()):
            return None
        return cls(**data)


_ENV_FIELDS: dict[str, str] = {
    "TESTWIKI_URL": "url",
    "TESTWIKI_API": "api_url",
    "TESTWIKI_API_PATH": "api_path",
    "TESTWIKI_PORT": "port",
    "TESTWIKI_ADMIN_USER": "admin_user",
    "TESTWIKI_ADMIN_PASSWORD": "admin_password",
    "TESTWIKI_BOT_USER": "bot_user",
    "TESTWIKI_BOT_PASSWORD": "bot_password",
    "TESTWIKI_USER": "user",
    "TESTWIKI_USER_PASSWORD": "user_password",
    "TESTWIKI_USER_BOT_USER": "user_bot_user",
    "TESTWIKI_USER_BOT_PASSWORD": "user_bot_password",
    "TESTWIKI_DIR": "dir",
    "TESTWIKI_PID": "pid",
}


@dataclass(frozen=True, repr=False)
class WikiInfo:
    """How to reach a running test wiki and log in to it (returned by ``up`` and ``status``).

    >>> from mwtyped import testwiki
    >>> info = testwiki.up()  # doctest: +SKIP
    >>> info.api_url, info.bot_user, info.bot_password  # doctest: +SKIP
    ('http://127.0.0.1:8391/api.php', 'Admin@testbot', 'adminbot0123456789abcdefghijklmn')
    >>> info  # passwords masked: safe to log  # doctest: +SKIP
    WikiInfo(url='http://127.0.0.1:8391', ..., admin_password='***', ...)
    """

    url: str
    api_path: str
    api_url: str
    port: int
    dir: Path
    pid: int
    admin_user: str
    admin_password: str
    bot_user: str
    bot_password: str
    user: str
    user_password: str
    user_bot_user: str
    user_bot_password: str

    @classmethod
    def build(cls, layout: WikiLayout, accounts: Accounts, pid: int) -> WikiInfo:
        """The info of the wiki in *layout*, served by php -S parent *pid*."""
        return cls(
            url=layout.url,
            api_path=API_PATH,
            api_url=layout.api_url,
            port=layout.port,
            dir=layout.directory,
            pid=pid,
            admin_user=accounts.admin_user,
            admin_password=accounts.admin_password,
            bot_user=f"{accounts.admin_user}@{BOT_APP_ID}",
            bot_password=accounts.bot_password,
            user=accounts.user,
            user_password=accounts.user_password,
            user_bot_user=f"{accounts.user}@{BOT_APP_ID}",
            user_bot_password=accounts.user_bot_password,
        )

    def as_env(self) -> dict[str, str]:
        """The TESTWIKI_* variables `python -m mwtyped.testwiki up` prints, as a dict.

        Keys: TESTWIKI_URL, TESTWIKI_API, TESTWIKI_API_PATH, TESTWIKI_PORT,
        TESTWIKI_ADMIN_USER, TESTWIKI_ADMIN_PASSWORD, TESTWIKI_BOT_USER, TESTWIKI_BOT_PASSWORD,
        TESTWIKI_USER, TESTWIKI_USER_PASSWORD, TESTWIKI_USER_BOT_USER,
        TESTWIKI_USER_BOT_PASSWORD, TESTWIKI_DIR, TESTWIKI_PID.
        """
        return {key: str(getattr(self, name)) for key, name in _ENV_FIELDS.items()}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WikiInfo:
        """Rebuild a WikiInfo from :meth:`as_env` output, e.g. the `up` command's stdout.

        >>> stdout = subprocess.run(  # doctest: +SKIP
        ...     [sys.executable, "-m", "mwtyped.testwiki", "up"],
        ...     capture_output=True, text=True, check=True,
        ... ).stdout
        >>> info = WikiInfo.from_env(dict(line.split("=", 1) for line in stdout.splitlines()))
        ... # doctest: +SKIP
        """
        missing = [key for key in _ENV_FIELDS if key not in env]
        if missing:
            raise TestWikiError(f"missing test wiki variables: {', '.join(missing)}")
        values = {name: env[key] for key, name in _ENV_FIELDS.items()}
        try:
            port, pid = int(values.pop("port")), int(values.pop("pid"))
        except ValueError:
            raise TestWikiError("TESTWIKI_PORT and TESTWIKI_PID must be numbers") from None
        directory = Path(values.pop("dir"))
        return cls(port=port, pid=pid, dir=directory, **values)

    def __repr__(self) -> str:
        def shown(name: str) -> str:
            return "'***'" if name.endswith("password") else repr(getattr(self, name))

        names = [field.name for field in dataclasses.fields(self)]
        return f"{type(self).__name__}({', '.join(f'{name}={shown(name)}' for name in names)})"
