"""Benchmark: `tenantctl validate` vs check-jsonschema on the same generated tenant files, one run.

Both are timed as whole processes (what CI pays). Targets: tenantctl at least 2x faster on 1,000 files, while it
also reports line numbers and the cross-file rules check-jsonschema cannot check; 5x on 10,000 (stretch). The files
are validated for a stack of their own whose parent may hold them all (`twilio-tenants:subaccountCap`): past
Twilio's default 1,000 the cap rule would rightly refuse them for prod.
Run: python bench/bench_validate.py [--tenants 1000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from project_env import REPO  # beside this script

SCHEMA = REPO / "provider" / "tenancy" / "tenant.schema.json"
# The examples one stack serves (a shard's tenant needs its shard's stack file, which this bench does not write).
EXAMPLES = sorted(p for p in (REPO / "tenants").glob("*.yaml") if "\nshard:" not in p.read_text())
SID_LINE = re.compile(r"^\s*(subaccount_sid|sid): *\S+\n", re.M)
NUMBER = re.compile(r'number: "(\+[0-9]+)"')


def generate(directory: Path, count: int) -> list[Path]:
    """`count` valid tenants: the examples cycled, each with its own id and its own exact numbers, and without
    the examples' adopted SIDs (two files may never claim the same subaccount or number)."""
    files = []
    for i in range(count):
        source = EXAMPLES[i % len(EXAMPLES)]
        tenant_id = f"{source.stem[:24]}-{i:05d}"
        text = source.read_text().replace(f"id: {source.stem}\n", f"id: {tenant_id}\n")
        text = SID_LINE.sub("", text)
        numbers = iter(range(10))
        text = NUMBER.sub(lambda m: f'number: "+1{m.group(1)[2:5]}{2000000 + i * 10 + next(numbers):07d}"', text)
        path = directory / f"{tenant_id}.yaml"
        path.write_text(text)
        files.append(path)
    return files


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    check = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(check).exists():
        raise SystemExit("check-jsonschema is not installed in this environment: `bash scripts/bootstrap.sh` installs "
                         "it into .venv; run `.venv/bin/python bench/bench_validate.py`")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "Pulumi.bench.yaml").write_text(
            f"config:\n  twilio:accountSid: AC{'0' * 32}\n  twilio-tenants:subaccountCap: {2 * args.tenants}\n")
        directory = root / "tenants"
        directory.mkdir()
        files = generate(directory, args.tenants)
        ours = [sys.executable, "-m", "provider.cli", "validate", "--stack", "bench", "--root", str(root),
                str(directory)]
        theirs = [check, "--schemafile", str(SCHEMA), *map(str, files)]
        ours_times = [timed(ours) for _ in range(args.repeat)]
        theirs_times = [timed(theirs) for _ in range(args.repeat)]
    ours_s, theirs_s = statistics.median(ours_times), statistics.median(theirs_times)
    print(f"tenant files:              {args.tenants}")
    print(f"tenantctl validate:        {ours_s:.2f} s (median of {args.repeat})")
    print(f"check-jsonschema:          {theirs_s:.2f} s (median of {args.repeat})")
    target = 5 if args.tenants >= 10_000 else 2
    print(f"speed-up:                  {theirs_s / ours_s:.1f}x (target >= {target}x)")
    return 0 if theirs_s / ours_s >= target else 1


if __name__ == "__main__":
    sys.exit(main())
