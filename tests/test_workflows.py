"""The GitHub workflows the project's users run: schema-valid, and doing what the README says."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import REPO

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
    preview = next(s for s in steps if str(s.get("uses", "")).startswith("pulumi/actions@v7"))
    assert preview["with"]["command"] == "preview" and preview["with"]["comment-on-pr"] is True
    assert preview["with"]["diff"] is True
    assert "secrets.PULUMI_ACCESS_TOKEN" in preview["env"]["PULUMI_ACCESS_TOKEN"]


def test_deploy_is_serialized_and_never_cancelled() -> None:
    document = yaml.safe_load((REPO / ".github" / "workflows" / "deploy.yml").read_text())
    assert document["concurrency"] == {"group": "pulumi-prod", "cancel-in-progress": False}
    assert document[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the `on:` key as True
    up = next(s for s in _steps("deploy.yml") if str(s.get("uses", "")).startswith("pulumi/actions@v7"))
    assert up["with"]["command"] == "up"
