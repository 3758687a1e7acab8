#!/usr/bin/env bash
# Create .venv (if missing) and install mwtyped with its dev extras into it.
# Sourced by the other scripts; prints progress on stderr.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${PYTHON:-python3}
if [[ ! -x $ROOT/.venv/bin/python ]]; then
	echo "[bootstrap] creating $ROOT/.venv with $($PY --version)" >&2
	"$PY" -m venv "$ROOT/.venv"
fi
echo "[bootstrap] installing mwtyped[dev] into .venv" >&2
"$ROOT/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[dev]" 2>&1 \
	| grep -v "^WARNING: Location" >&2 || true
"$ROOT/.venv/bin/python" -c "import mwtyped, httpx, pydantic, tenacity, pytest" \
	|| { echo "[bootstrap] ERROR: install failed" >&2; exit 1; }
