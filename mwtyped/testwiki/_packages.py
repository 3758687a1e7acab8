"""Install the Debian packages a test wiki needs (MediaWiki 1.39, PHP 8.2 CLI, SQLite)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ._config import MEDIAWIKI_DIR
from ._errors import TestWikiError

__all__ = ["APT_PACKAGES", "REQUIRED_PACKAGES", "ensure_packages", "missing_packages"]

log = logging.getLogger("mwtyped.testwiki")

# What is handed to apt-get. php8.2-cgi and micro-httpd are not used: naming them satisfies
# mediawiki's "php" and "apache2 | httpd" dependencies, which apt would otherwise resolve with
# apache2 and libapache2-mod-php8.2 (28 packages instead of 20, and a web server on :80).
APT_PACKAGES = ("mediawiki", "php-sqlite3", "php-cli", "php8.2-cgi", "micro-httpd")

# What must be installed for the wiki to run; anything missing triggers the apt-get above.
REQUIRED_PACKAGES = (
    "mediawiki",
    "php8.2-cli",
    "php8.2-sqlite3",
    "php8.2-intl",
    "php8.2-mbstring",
    "php8.2-xml",
)

_APT_TIMEOUT_SECONDS = 900
_LOG_TAIL_LINES = 25


def missing_packages() -> list[str]:
    """The REQUIRED_PACKAGES that dpkg does not report as installed.

    >>> missing_packages()  # on a machine that already has them  # doctest: +SKIP
    []
    """
    if shutil.which("dpkg-query") is None:
        if shutil.which("php") and (MEDIAWIKI_DIR / "maintenance" / "install.php").is_file():
            return []  # Not Debian, but someone installed the pieces by hand.
        raise TestWikiError(
            "no dpkg-query: the test wiki needs Debian/Ubuntu (apt) or PHP 8 with "
            f"MediaWiki 1.39 in {MEDIAWIKI_DIR}"
        )
    # dpkg-query exits 1 when some package is unknown but still reports the known ones.
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n", *REQUIRED_PACKAGES],
        capture_output=True,
        text=True,
        check=False,
    )
    installed = {
        name
        for name, _, state in (line.partition(" ") for line in result.stdout.splitlines())
        if state.strip() == "installed"
    }
    return [name for name in REQUIRED_PACKAGES if name not in installed]


def _privilege_prefix(missing: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") is not None:
        # Without a terminal nobody can type a password: fail instead of hanging.
        interactive = sys.stdin is not None and sys.stdin.isatty()
        return ["sudo"] if interactive else ["sudo", "-n"]
    raise TestWikiError(
        f"missing Debian packages ({' '.join(missing)}) and not root, no sudo; as root run: "
        "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "
        + " ".join(APT_PACKAGES)
    )


def _run_apt(command: list[str]) -> None:
    try:
        result = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_APT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TestWikiError(
            f"{' '.join(command)} took longer than {_APT_TIMEOUT_SECONDS} s"
        ) from None
    except OSError as error:
        raise TestWikiError(f"cannot run {command[0]}: {error}") from None
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        tail = "\n".join(output[-_LOG_TAIL_LINES:])
        raise TestWikiError(
            f"{' '.join(command)} failed with exit code {result.returncode}:\n{tail}"
        )


def ensure_packages() -> None:
    """Install the test wiki's Debian packages if any is missing (needs root or sudo).

    >>> ensure_packages()  # a no-op (one dpkg-query) when everything is there
    """
    missing = missing_packages()
    if not missing:
        return
    prefix = _privilege_prefix(missing)
    env = [*prefix, "env", "DEBIAN_FRONTEND=noninteractive"]
    log.info("installing Debian packages, about 30 s (missing: %s)", " ".join(missing))
    # Another apt run (e.g. a parallel `up` for another port) holds the dpkg lock: wait for it.
    lock_wait = ["-o", "DPkg::Lock::Timeout=300"]
    _run_apt([*env, "apt-get", *lock_wait, "update", "-qq"])
    install = ["install", "-y", "-qq", "--no-install-recommends", *APT_PACKAGES]
    _run_apt([*env, "apt-get", *lock_wait, *install])
    if Path("/run/systemd/system").is_dir() and shutil.which("systemctl"):
        # micro-httpd is only there to satisfy "httpd"; on a systemd host its socket unit
        # would listen on port 80.
        subprocess.run(
            [*prefix, "systemctl", "disable", "--now", "micro-httpd.socket"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    still_missing = missing_packages()
    if still_missing:
        raise TestWikiError(f"apt-get ran but these are still missing: {' '.join(still_missing)}")
    log.info("Debian packages installed")
