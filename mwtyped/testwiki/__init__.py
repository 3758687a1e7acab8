"""A throwaway, real MediaWiki 1.39 on 127.0.0.1 for integration tests.

Debian's ``mediawiki`` package on SQLite, served by ``php -S`` with a few worker processes.
The first ``up`` installs the packages when missing (root or sudo, ~30 s) and creates the wiki
(~2 s) in a data directory keyed by port; later ones reuse it (~0.5 s), and ``up`` while it runs
returns at once. The server outlives the Python process that started it: ``down`` stops it.

Accounts: ``Admin`` (sysop) with the bot password ``Admin@testbot`` (wide grants) and ``Tester``
(a plain user) with ``Tester@testbot`` (editing and uploading only). Anonymous users cannot
edit; uploads (also txt, pdf, svg; up to 100 MB) are on; MediaWiki's rate limits stay on
(Admin is exempt, Tester is not); there are no thumbnails and no extensions.

From Python::

    from mwtyped import testwiki

    info = testwiki.up()               # http://127.0.0.1:8391, data in /tmp/mwtyped-testwiki-8391
    print(info.api_url, info.bot_user, info.bot_password)
    testwiki.set_readonly("testing")   # API writes now fail with code "readonly"
    testwiki.set_readonly(None)
    testwiki.run_jobs()                # api.php never runs the job queue itself
    testwiki.down()

From a shell (stdout carries only ``KEY=value`` lines, progress goes to stderr)::

    python -m mwtyped.testwiki up [--port N|0] [--dir PATH] [--workers N]
    python -m mwtyped.testwiki status | down | wipe | runjobs
    python -m mwtyped.testwiki readonly --reason TEXT | --off

Environment: TESTWIKI_PORT, TESTWIKI_DIR, TESTWIKI_WORKERS (defaults 8391,
/tmp/mwtyped-testwiki-PORT, 4); TESTWIKI_ADMIN_PASSWORD, TESTWIKI_BOT_PASSWORD,
TESTWIKI_USER_PASSWORD, TESTWIKI_USER_BOT_PASSWORD (used when a wiki is created; bot passwords
must match ``^[0-9a-w]{32,}$``); TESTWIKI_DEBUG=1 writes MediaWiki's debug log to DIR/debug.log.
Every failure raises :class:`TestWikiError`.
"""

from __future__ import annotations

from ._config import DEFAULT_PORT, WikiInfo
from ._errors import TestWikiError
from ._lifecycle import down, run_jobs, set_readonly, status, up, wipe

__all__ = [
    "DEFAULT_PORT",
    "TestWikiError",
    "WikiInfo",
    "down",
    "run_jobs",
    "set_readonly",
    "status",
    "up",
    "wipe",
]
