#!/usr/bin/env bash
# The project's test command (README, CI): bootstrap from scratch if needed, then the whole suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/bootstrap.sh"
cd "$root"
"$root/.venv/bin/ruff" check provider tests bench
"$root/.venv/bin/mypy" provider
"$root/.venv/bin/lint-imports" --no-cache
exec "$root/.venv/bin/python" -m pytest -n 2 "$@"
