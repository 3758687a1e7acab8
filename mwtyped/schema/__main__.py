"""``python -m mwtyped.schema pull|generate``: snapshots of paraminfo, and code from them.

Examples::

    python -m mwtyped.schema pull --host http://127.0.0.1:8391 --api-path /api.php \\
        --out schemas/snapshots/mediawiki-1.39-core.json
    python -m mwtyped.schema generate schemas/snapshots/mediawiki-1.39-core.json \\
        --overrides schemas/overrides.json --out mwtyped/api
    python -m mwtyped.schema generate mywiki.json --out src/mywiki_api   # your wiki's modules

Exit codes: 0 done, 1 failed (one line on stderr), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from mwtyped.errors import MWTypedError
from mwtyped.schema._generate import generate
from mwtyped.schema._pull import pull

USER_AGENT = "mwtyped-schema/1 (https://pypi.org/project/mwtyped; schema pull)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mwtyped.schema", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)
    fetch = verbs.add_parser("pull", help="save a wiki's paraminfo as a snapshot")
    fetch.add_argument("--host", required=True, help="http(s)://host[:port]")
    fetch.add_argument("--api-path", default="/w/api.php")
    fetch.add_argument("--out", required=True, type=Path, help="snapshot file to write")
    fetch.add_argument("--lock", type=Path, help="lock file (default: next to the snapshots)")
    fetch.add_argument("--user-agent", default=USER_AGENT)
    make = verbs.add_parser("generate", help="write a package of parameter classes")
    make.add_argument("snapshot", type=Path)
    make.add_argument("--out", required=True, type=Path, help="package directory to write")
    make.add_argument("--overrides", type=Path, help="overrides file (module/param fixes)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.verb == "pull":
            entry = pull(
                args.host, args.api_path, args.out, lock=args.lock, user_agent=args.user_agent
            )
            print(f"{args.out}: {entry['modules']} modules of {entry['mediawiki']}")
        else:
            written = generate(args.snapshot, args.out, args.overrides)
            print(f"{args.out}: {len(written)} files")
    except (MWTypedError, OSError, ValueError) as err:
        print(f"mwtyped.schema: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
