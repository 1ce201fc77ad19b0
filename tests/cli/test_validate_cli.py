"""`tenantctl validate` as CI runs it on a pull request: exit codes, every problem, three output formats."""
from __future__ import annotations

import json
from pathlib import Path

from ..support.cli import tenantctl
from ..support.paths import EXAMPLES


def break_examples(tenant_dir: Path) -> None:
    north = tenant_dir / "northside-pharmacy.yaml"
    north.write_text(north.read_text().replace("voice_method: POST", "voice_method: PUT"))
    green = tenant_dir / "greenleaf-apothecary.yaml"
    green.write_text(green.read_text().replace("status: active", "status: active\nstatuss: typo"))
    (tenant_dir / "garbage.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")


def test_examples_pass(tmp_path: Path) -> None:
    result = tenantctl("validate", str(EXAMPLES))
    assert result.returncode == 0, result.stdout + result.stderr
    count = len(list(EXAMPLES.glob("*.yaml")))
    assert result.stdout.strip().endswith(f"{count} tenant file(s) valid")


def test_default_path_is_tenants_dir(tenant_dir: Path) -> None:
    result = tenantctl("validate", cwd=tenant_dir.parent)
    assert result.returncode == 0, result.stdout


def test_broken_copies_list_every_problem_with_exit_1(tenant_dir: Path) -> None:
    break_examples(tenant_dir)
    result = tenantctl("validate", "tenants", cwd=tenant_dir.parent)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "tenants/garbage.yaml:1:1 is not UTF-8 text (byte 0x89 at offset 0)" in lines
    assert "tenants/greenleaf-apothecary.yaml:8:1 statuss: unknown field; did you mean `status`?" in lines
    assert any(line.startswith("tenants/northside-pharmacy.yaml:12:17 webhooks.voice_method: must be one of")
               for line in lines)
    assert lines[-1].startswith("3 problem(s) in 3 file(s); fix each at its line")
    assert "applied" not in result.stdout, "validate applies nothing, so it does not say it did not"
    assert "Traceback" not in result.stderr


def test_json_format(tenant_dir: Path) -> None:
    break_examples(tenant_dir)
    result = tenantctl("validate", "--format", "json", "tenants", cwd=tenant_dir.parent)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert {p["file"] for p in report["problems"]} == {
        "tenants/garbage.yaml", "tenants/greenleaf-apothecary.yaml", "tenants/northside-pharmacy.yaml"}
    first = report["problems"][0]
    assert set(first) == {"file", "line", "column", "field", "message"}
    assert "northside-pharmacy" not in report["tenants"] and "riverbend-pharmacy" in report["tenants"]


def test_github_annotations(tenant_dir: Path) -> None:
    break_examples(tenant_dir)
    result = tenantctl("validate", "--format", "github", "tenants", cwd=tenant_dir.parent)
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 3
    assert ("::error file=tenants/greenleaf-apothecary.yaml,line=8,col=1,title=tenant file invalid::"
            "statuss: unknown field; did you mean `status`?") in annotations


def test_github_escaping_of_newlines_and_commas(tmp_path: Path) -> None:
    from provider.cli.validate import github_annotation
    from provider.tenancy import Problem

    line = github_annotation(Problem("a,b:c.yaml", 3, 4, "x", "one\ntwo 100%"))
    assert line == "::error file=a%2Cb%3Ac.yaml,line=3,col=4,title=tenant file invalid::x: one%0Atwo 100%25"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = tenantctl("validate", "--format", "xml")
    assert result.returncode == 2 and "invalid choice" in result.stderr
    assert tenantctl("no-such-command").returncode == 2


def test_no_tenant_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = tenantctl("validate", "empty", cwd=tmp_path)
    assert result.returncode == 1 and "no tenant files" in result.stderr


def test_stack_flag_controls_private_hosts(tmp_path: Path) -> None:
    (tmp_path / "pharmacy-x.yaml").write_text(
        "id: pharmacy-x\ndisplay_name: X\nstatus: active\nwebhooks:\n  sms_url: https://localhost/sms\n")
    assert tenantctl("validate", "pharmacy-x.yaml", cwd=tmp_path).returncode == 1
    assert tenantctl("validate", "--stack", "sandbox", "pharmacy-x.yaml", cwd=tmp_path).returncode == 0
