"""Bad input that used to get through or crash: each is a located error or a clean 4xx / exit 1, never a traceback."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import requests

from provider.sandbox import SandboxServer
from provider.stackfiles import write_stack_file
from provider.tenancy import ValidationPolicy, load_tenants
from provider.tenancy.rules import url_issue

from ..support.cli import tenantctl
from ..support.paths import EXAMPLES, REPO

PROD = ValidationPolicy()


def one_tenant(tmp_path: Path, name: str = "northside-pharmacy") -> Path:
    directory = tmp_path / "tenants"
    directory.mkdir(exist_ok=True)
    shutil.copy(EXAMPLES / f"{name}.yaml", directory)
    return directory / f"{name}.yaml"


def test_a_huge_number_is_a_located_error_not_a_traceback(tmp_path: Path) -> None:
    path = one_tenant(tmp_path)
    path.write_text(path.read_text().replace('monthly_price: "249.00"', "monthly_price: " + "9" * 100_000))
    result = tenantctl("validate", "tenants", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "northside-pharmacy.yaml:" in result.stdout and "billing.monthly_price: number is too long" in result.stdout


@pytest.mark.parametrize("kind", ["directory", "fifo", "loop", "dangling"])
def test_odd_entries_in_the_tenants_folder_are_located_errors(tmp_path: Path, kind: str) -> None:
    one_tenant(tmp_path)
    odd = tmp_path / "tenants" / "odd.yaml"
    if kind == "directory":
        odd.mkdir()
    elif kind == "fifo":
        os.mkfifo(odd)
    elif kind == "loop":
        odd.symlink_to("odd.yaml")
    else:
        odd.symlink_to("missing.yaml")
    result = tenantctl("validate", "tenants", cwd=tmp_path, timeout=20)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "tenants/odd.yaml:1:1" in result.stdout


def test_json_stays_json_when_there_are_no_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = tenantctl("validate", "--format", "json", "empty", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["valid"] is False and report["files"] == 0


@pytest.mark.parametrize("url", [
    "https://127.1/x", "https://0177.0.0.1/x", "https://0x7f.0.0.1/x", "https://2130706433/x",
    "https://[::127.0.0.1]/x", "https://[64:ff9b::7f00:1]/x", "https://[::ffff:10.0.0.1]/x",
    "https://[2002:7f00:1::]/x", "https://224.0.0.1/x", "https://169.254.169.254/latest", "https://0.0.0.0/x",
    "https://crm.example.com:0/x", "https://crm.example.com/\x1b[31m", "https://crm.example.com/\x7f",
    "https://crm.example.com/\u202egpj.exe", "https://crm.example.com/a\u200bb", "https://localhost./x",
    "https://1.2.3.999/x",
    "https://169\u3002254\u3002169\u3002254/latest", "https://127\uff0e0\uff0e0\uff0e1/x",
    "https://127\uff610\uff610\uff611/x", "https://\uff11\uff12\uff17.0.0.1/x", "https://[fec0::1]/x",
    "https://192.0.0.8/x", "https://198.18.0.1/x", "https://100.64.0.1/x", "https://localhost.localdomain/x",
    "https://home.arpa/x", "https://crm.home.arpa/x", "https://printer.test/x", "https://[2001:db8::1]/x",
])
def test_prod_refuses_every_local_private_or_hidden_form(url: str) -> None:
    assert url_issue(url, PROD) is not None


@pytest.mark.parametrize("url", ["https://crm.example.com/twilio/voice", "https://8.8.8.8/x",
                                 "https://bücher.de/x", "https://crm.example.com:8443/x"])
def test_prod_accepts_public_hosts(url: str) -> None:
    assert url_issue(url, PROD) is None


@pytest.mark.parametrize("field,value", [("name", '"main\\n"'), ("id", '"northside-pharmacy\\n"')])
def test_patterns_match_the_whole_value(tmp_path: Path, field: str, value: str) -> None:
    path = one_tenant(tmp_path)
    text = path.read_text()
    text = (text.replace("  - name: main", f"  - name: {value}") if field == "name"
            else text.replace("id: northside-pharmacy", f"id: {value}"))
    path.write_text(text)
    result = load_tenants([tmp_path / "tenants"])
    assert not result.ok and any(field in p.field for p in result.problems), result.problems


def test_usage_with_a_wrong_passphrase_is_a_clear_error(tmp_path: Path) -> None:
    one_tenant(tmp_path)
    write_stack_file(tmp_path / "Pulumi.test.yaml", {"twilio:accountSid": "AC" + "1" * 32, "twilio:authToken": "t" * 32},
                     {"twilio:authToken"}, "right")
    result = tenantctl("usage", "--period", "2026-10", "--stack", "test", "--root", str(tmp_path),
                       "--tenants", str(tmp_path / "tenants"), cwd=tmp_path,
                       env={"PULUMI_CONFIG_PASSPHRASE": "wrong", "TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": ""})
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert "passphrase" in result.stderr and "PULUMI_CONFIG_PASSPHRASE" in result.stderr


@pytest.mark.parametrize("method,path,body", [
    ("POST", "clock", "not json"), ("POST", "clock", '{"advance_days": "abc"}'), ("POST", "clock", '[1]'),
    ("POST", "clock", '{"set": "yesterday"}'), ("POST", "clock", '{"advance_days": -5}'),
    ("GET", "requests?since=abc", None), ("POST", "faults", "{"), ("POST", "faults", '{"rate": "x"}'),
    ("POST", "faults", '{"kinds": [1, 2]}'), ("POST", "faults", '{"rate": 7}'),
    ("POST", "clock", '{"advance_days": 1e308}'), ("POST", "faults", '{"slow_ms": 1e308}'),
    ("POST", "faults", '{"latency_ms": -1}'), ("POST", "clock", '{"set": "9999-12-31T23:59:59+00:00"}'),
])
def test_admin_endpoints_answer_400_to_bad_input(sandbox: SandboxServer, method: str, path: str,
                                                 body: str | None) -> None:
    response = requests.request(method, f"{sandbox.base_url}/__sandbox/{path}", data=body, timeout=10,
                                auth=(sandbox.account_sid, sandbox.auth_token))
    assert response.status_code == 400, response.text
    assert "message" in response.json()


@pytest.mark.parametrize("text,line,words", [
    ("id: northside-pharmacy\ndisplay_name: N\nstatus: active\nwebhooks:\n\tvoice_url: https://a.example.com\n", 5,
     "tab characters are not allowed"),
    ("id: northside-pharmacy\ndisplay_name: N\n  status: active\n", 3, "indentation"),
    ("id: northside-pharmacy\ndisplay_name: Northside: the pharmacy\nstatus: active\n", 2, "put the value in quotes"),
    ('id: northside-pharmacy\ndisplay_name: "Northside\nstatus: active\n', 2, "never closed"),
    ("id: northside-pharmacy\ndisplay_name: N\nstatus: active\nlabels: {region: west\napi_key: true\n", 4,
     "not closed with }"),
    ("id: northside-pharmacy\ndisplay_name: N\nstatus: active\nphone_numbers:\n  - name: main\n"
     "   search: {country: US}\n", 6, "indentation"),
])
def test_yaml_syntax_errors_say_what_to_fix_at_the_line_to_fix(tmp_path: Path, text: str, line: int,
                                                                words: str) -> None:
    path = one_tenant(tmp_path)
    path.write_text(text)
    problems = load_tenants([tmp_path / "tenants"]).problems
    assert len(problems) == 1 and problems[0].line == line and words in problems[0].message, problems


def test_prod_validate_refuses_unicode_full_stops_in_every_url_field(tmp_path: Path) -> None:
    """Each URL field a tenant file has, with a host HTTP clients map to 169.254.169.254: located, refused."""
    hostile = "https://169\u3002254\u3002169\u3002254/x"
    (tmp_path / "tenants").mkdir()
    (tmp_path / "tenants" / "pharmacy-x.yaml").write_text(
        f"id: pharmacy-x\ndisplay_name: X\nstatus: active\nwebhooks:\n  voice_url: {hostile}\n"
        "phone_numbers:\n  - name: main\n    search: {country: US, type: local, capabilities: [voice, sms]}\n"
        f"budget:\n  monthly_limit_usd: \"10.00\"\n  alert_callback_url: {hostile}\n"
        f"messaging:\n  senders: [main]\n  service:\n    inbound_url: {hostile}\n", encoding="utf-8")
    result = tenantctl("validate", "--stack", "prod", "tenants", cwd=tmp_path)
    assert result.returncode == 1
    for field in ("webhooks.voice_url", "budget.alert_callback_url", "messaging.service.inbound_url"):
        assert f" {field}: points at a private or local address" in result.stdout, result.stdout


# Credentials for a closed loopback port: a command that got past its files fails at once, never reaching out.
NOWHERE = {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "x", "TWILIO_API_BASE_URL": "http://127.0.0.1:9"}


def test_links_out_of_the_repository_are_refused_unread(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "credentials.yaml"
    secret.parent.mkdir()
    secret.write_text("id: stolen-key-name\ndisplay_name: TOPSECRETVALUE\nstatus: active\n")
    project = tmp_path / "repo"
    (project / "tenants").mkdir(parents=True)
    (project / "Pulumi.yaml").write_text("name: x\n")
    (project / "tenants" / "x.yaml").symlink_to(secret)
    (project / "fx-rates.yaml").symlink_to(secret)
    for fmt in ("text", "github", "json"):
        result = tenantctl("validate", "--format", fmt, "tenants", cwd=project)
        assert result.returncode == 1 and "outside the repository" in result.stdout
        assert "TOPSECRETVALUE" not in result.stdout + result.stderr and "stolen" not in result.stdout
    explicit = tenantctl("validate", "tenants/x.yaml", cwd=project)
    assert explicit.returncode == 1 and "outside the repository" in explicit.stdout
    for command in (("usage", "--period", "2026-10"), ("economics",)):
        done = tenantctl(*command, "--stack", "none", "--root", str(project), "--tenants", "tenants", cwd=project,
                         env=NOWHERE)
        assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize("content", [b"\x00\x01\x02binary", b"\xff\xfe\xfd", b'rates:\n  GBP: "1e999999"\n'])
@pytest.mark.parametrize("command", [("usage", "--period", "2026-10"), ("economics",)])
def test_broken_finance_files_are_errors_in_words(tmp_path: Path, content: bytes, command: tuple[str, ...]) -> None:
    shutil.copytree(REPO / "tenants", tmp_path / "tenants")
    (tmp_path / "Pulumi.yaml").write_text("name: x\n")
    for name in ("fx-rates.yaml", "economics.yaml"):
        (tmp_path / name).write_bytes(content)
        done = tenantctl(*command, "--stack", "none", "--root", str(tmp_path), "--tenants", "tenants", cwd=tmp_path,
                         env=NOWHERE)
        assert done.returncode != 0 and "Traceback" not in done.stderr and done.stderr.strip(), done.stderr
        (tmp_path / name).unlink()


def test_a_non_ascii_authorization_header_is_a_401(sandbox: SandboxServer) -> None:
    response = requests.get(f"{sandbox.base_url}/2010-04-01/Accounts.json", timeout=10,
                            headers={"Authorization": "Basic \u00e9t\u00e9".encode("utf-8")})
    assert response.status_code == 401, response.text


def test_wrong_passwords_naming_an_account_never_use_up_its_concurrency_limit(sandbox: SandboxServer) -> None:
    """A stranger holding requests open with the parent's SID and a wrong password: the parent's own requests
    still pass (Twilio counts what the account sent, not what names it)."""
    import threading
    sandbox.app.limit.configure(2)
    sandbox.faults.configure(latency_ms=300)
    url = f"{sandbox.base_url}/2010-04-01/Accounts/{sandbox.account_sid}.json"
    strangers = [threading.Thread(target=requests.get, args=(url,),
                                  kwargs={"auth": (sandbox.account_sid, "wrong"), "timeout": 10}) for _ in range(6)]
    for thread in strangers:
        thread.start()
    try:
        mine = [requests.get(url, auth=(sandbox.account_sid, sandbox.auth_token), timeout=10).status_code
                for _ in range(2)]
    finally:
        for thread in strangers:
            thread.join()
    assert mine == [200, 200]
