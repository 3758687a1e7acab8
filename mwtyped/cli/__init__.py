"""``mwtyped``: the MediaWiki Action API from the shell (also ``python -m mwtyped``).

Commands:

* ``mwtyped get|post --host URL [--api-path PATH] KEY=VALUE ...`` sends one request and
  prints the JSON answer; ``--continue`` follows continuation (one document per line),
  ``--items PATH`` prints one item per line, ``--user``/``--oauth-token-env`` log in.
  Parameters of known modules are checked against the generated classes first.
* ``mwtyped schema pull|generate ...`` is ``python -m mwtyped.schema``.
* ``mwtyped testwiki up|down|status|...`` is ``python -m mwtyped.testwiki``.

Exit codes: 0 ok, 2 usage, 3 API error, 4 login failed, 5 network failure (1: a bug).

Example::

    $ mwtyped get --host https://en.wikipedia.org action=query meta=siteinfo
    $ mwtyped get --host http://127.0.0.1:8391 --api-path /api.php --continue \\
          --items query.allpages action=query list=allpages aplimit=50 --limit 120
    $ MWTYPED_PASSWORD=... mwtyped post --host http://127.0.0.1:8391 --api-path /api.php \\
          --user Admin@testbot action=edit title=Sandbox appendtext=hi
"""

from mwtyped.cli._main import main

__all__ = ["main"]
