#!/usr/bin/env bash
# The main job: install mwtyped, start a real MediaWiki on 127.0.0.1, run the demo against it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/bootstrap.sh
.venv/bin/python -m mwtyped.testwiki up >/dev/null
.venv/bin/python scripts/demo.py
