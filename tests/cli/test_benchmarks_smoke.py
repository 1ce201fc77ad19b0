"""Every benchmark runs from a clean clone, at a tiny size: a benchmark that cannot run measures nothing.

Targets are not judged here (tiny sizes miss them by design); only that each script runs to its summary
without an error. The figures in the README come from the full-size runs.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ..support.paths import REPO

pytestmark = pytest.mark.slow

BENCHES = {
    "bench_validate.py": (["--tenants", "30", "--repeat", "1"], "speed-up:"),
    "bench_sandbox.py": (["--requests", "200", "--seconds", "5"], "throughput:"),
    "bench_providers.py": (["--tenants", "2", "--latency-ms", "0"], "wall time:"),
    "bench_usage.py": (["--tenants", "4", "--latency-ms", "0"], "same totals: True"),
    "bench_fleet.py": (["--tenants", "6", "--shards", "2", "--latency-ms", "0"], "in both setups: True"),
    "bench_economics.py": (["--tenants", "12", "--latency-ms", "0"], "same figures every way: True"),
}


def test_every_benchmark_script_has_a_smoke_run() -> None:
    scripts = {p.name for p in (REPO / "bench").glob("bench_*.py")}
    assert scripts == set(BENCHES), "add the new benchmark to BENCHES"


@pytest.mark.parametrize("script", sorted(BENCHES))
def test_benchmark_runs_from_a_clean_directory(script: str, tmp_path: Path) -> None:
    args, summary = BENCHES[script]
    result = subprocess.run([sys.executable, str(REPO / "bench" / script), *args], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr[-3000:]  # 1: a target missed at this tiny size
    assert summary in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr[-3000:]
