#!/usr/bin/env bash
# Install everything, start the real test wiki on 127.0.0.1, run the whole test suite.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/bootstrap.sh
# Installs Debian's mediawiki packages when missing; fails loudly (never skips) otherwise.
.venv/bin/python -m mwtyped.testwiki up >/tmp/mwtyped-testwiki.env
cat /tmp/mwtyped-testwiki.env | grep -v PASSWORD >&2
set +e
# coverage starts before pytest: pytest imports its plugins (ours included) before pytest-cov
# could start, which would hide module-level lines of the package.
.venv/bin/python -m coverage run -m pytest -p no:cacheprovider "$@"
status=$?
set -e
.venv/bin/python -m coverage report || true
if [[ $status -eq 5 ]]; then
	echo "[test] ERROR: pytest collected no tests" >&2
	exit 1
fi
exit $status
