#!/usr/bin/env bash
# The README's first command: provision the example tenants (tenants/*.yaml) into the local Twilio stand-in,
# with the sandbox stack and a local file backend, then print the tenants and their numbers.
# Re-running it changes nothing; `rm -rf .pulumi-sandbox .pulumi-local` starts over.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/bootstrap.sh
py="$root/.venv/bin/python"
export PATH="$root/.venv/bin:$HOME/.pulumi/bin:$PATH"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-sandbox}"   # the sandbox stack's (see Pulumi.sandbox.yaml)
mkdir -p .pulumi-sandbox

# 1. The Pulumi CLI: use it if present, else try the official installer, else say why and go engine-less.
engine=pulumi
if ! command -v pulumi >/dev/null 2>&1; then
  echo "sandbox: the Pulumi CLI is not installed; trying the official installer (https://get.pulumi.com) ..." >&2
  if curl -fsSL --max-time 60 https://get.pulumi.com -o .pulumi-sandbox/install.sh 2>/dev/null \
     && sh .pulumi-sandbox/install.sh --silent >.pulumi-sandbox/install.log 2>&1 && command -v pulumi >/dev/null 2>&1; then
    echo "sandbox: installed $(pulumi version)" >&2
  else
    engine=local
    echo "sandbox: could not install the Pulumi CLI (this machine cannot download it: offline, or the download" >&2
    echo "         is blocked). Continuing in engine-less mode: the same program and the same providers, driven" >&2
    echo "         through the real provider server (python -m pulumi.dynamic); state in .pulumi-local/sandbox.json." >&2
  fi
fi

# 2. The local Twilio stand-in, with the sandbox stack's parent credentials and port, on its saved state.
#    (After this script, `./tenantctl sandbox --stack sandbox` serves the same stand-in again.)
"$py" -m provider.cli sandbox --stack sandbox >.pulumi-sandbox/sandbox.out 2>.pulumi-sandbox/sandbox.err &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s .pulumi-sandbox/sandbox.out ] && break
  if ! kill -0 "$sandbox_pid" 2>/dev/null; then
    echo "sandbox: the Twilio stand-in did not start:" >&2; cat .pulumi-sandbox/sandbox.err >&2; exit 1
  fi
  sleep 0.1
done
echo "sandbox: Twilio stand-in at $(cut -d'"' -f4 .pulumi-sandbox/sandbox.out)" >&2

# 3. Validate, then deploy.
"$py" -m provider.cli validate --stack sandbox tenants
if [ "$engine" = pulumi ]; then
  export PULUMI_BACKEND_URL="file://$root/.pulumi-sandbox/backend"
  mkdir -p .pulumi-sandbox/backend
  pulumi stack select sandbox --create --non-interactive >/dev/null
  pulumi up --stack sandbox --yes --non-interactive --skip-preview --refresh
  pulumi stack output tenants --stack sandbox --json --show-secrets | "$py" -c '
import json, sys
from rich.console import Console
from provider.cli.report import print_tenants
print_tenants({"tenants": json.load(sys.stdin)}, Console())'
else
  "$py" -m provider.cli local up --refresh --stack sandbox
fi
echo "sandbox: done. The stand-in stops with this script; \`./tenantctl sandbox --stack sandbox\` serves it again" \
     "(its state is kept), for example for \`./tenantctl usage --stack sandbox --period $(date +%Y-%m)\`." >&2
