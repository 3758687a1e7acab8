#!/usr/bin/env bash
# The benchmark suite in one command (see docs/performance.md):
#
#   bash benchmarks/run.sh [--quick] [--reps N] [--no-peers] [--no-wiki] [--only PARTS]
#
# Creates or updates benchmarks/.venv (python3 -m venv; pip install mwapi aiohttp mwclient
# and mwtyped editable from this repo: the peers live only there), makes sure the real test
# wiki answers (a full run starts it with `python -m mwtyped.testwiki up` when it is down;
# --quick only uses it when it is already up), then runs `python -m benchmarks.run` with the
# arguments given. Results: benchmarks/results/latest.md and .json (--quick: quick.md/.json).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$ROOT/benchmarks/.venv
PY=${PYTHON:-python3}
PEERS=(mwapi aiohttp mwclient)
cd "$ROOT"

quick=0
wiki=1
for arg in "$@"; do
	case $arg in
	--quick) quick=1 ;;
	--no-wiki) wiki=0 ;;
	esac
done

if [[ ! -x $VENV/bin/python ]]; then
	echo "[bench] creating $VENV with $($PY --version)" >&2
	"$PY" -m venv "$VENV"
fi
# Reinstall only when the project's metadata or the peer list changed (an editable install
# picks up source changes by itself).
stamp=$VENV/.installed
wanted=$(cat pyproject.toml <(printf '%s\n' "${PEERS[@]}") | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$wanted" ]] ||
	! "$VENV/bin/python" -c "import mwtyped, mwapi, aiohttp, mwclient, httpx, pydantic" 2>/dev/null; then
	echo "[bench] installing ${PEERS[*]} and mwtyped (editable) into $VENV" >&2
	"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PEERS[@]}" -e "$ROOT" 2>&1 |
		grep -v "^WARNING: Location" >&2 || true
	"$VENV/bin/python" -c "import mwtyped, mwapi, aiohttp, mwclient" ||
		{ echo "[bench] ERROR: installing the benchmark venv failed" >&2; exit 1; }
	echo "$wanted" >"$stamp"
fi

extra=()
if [[ $wiki -eq 1 ]]; then
	wiki_env=""
	if wiki_env=$("$VENV/bin/python" -m mwtyped.testwiki status 2>/dev/null); then
		:
	elif [[ $quick -eq 0 ]]; then
		echo "[bench] starting the test wiki (python -m mwtyped.testwiki up)" >&2
		wiki_env=$("$VENV/bin/python" -m mwtyped.testwiki up) ||
			{ echo "[bench] the test wiki did not start: end-to-end run skipped" >&2; wiki_env=""; }
	fi
	url=$(printf '%s\n' "$wiki_env" | sed -n 's/^TESTWIKI_URL=//p')
	api_path=$(printf '%s\n' "$wiki_env" | sed -n 's/^TESTWIKI_API_PATH=//p')
	if [[ -n $url ]]; then
		extra=(--wiki-host "$url" --wiki-api-path "${api_path:-/api.php}")
	fi
fi

export PYTHONPATH=$ROOT${PYTHONPATH:+:$PYTHONPATH}
exec "$VENV/bin/python" -m benchmarks.run "${extra[@]}" "$@"
