"""What an operator reads: every change named by tenant and entry, `--diff` with each property old → new, and a
tenant table (or, on a narrow terminal, a block per tenant) that never splits a SID or a number."""
from __future__ import annotations

import re
from pathlib import Path

from provider.localengine.deploy import deploy
from provider.localengine.state_store import reveal

from ..support.cli import tenantctl
from ..support.projects import PASSPHRASE

ENV = {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE, "COLUMNS": "80"}


def local(root: Path, *args: str):
    return tenantctl("local", *args, "--stack", "test", "--root", str(root), env=ENV, timeout=120)


def test_preview_diff_names_the_tenant_and_every_changed_property(small_project: Path) -> None:
    first = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    number = reveal(first.outputs)["tenants"]["bravo"]["phone_numbers"]["main"]["phone_number"]
    path = small_project / "tenants" / "bravo.yaml"
    path.write_text(path.read_text().replace("https://crm.example.com/bravo/voice", "https://crm.example.com/b2/v")
                    .replace("    search: {country: US, type: local, capabilities: [voice, sms]}",
                             f'    number: "{number}"', 1))
    preview = local(small_project, "preview", "--diff")
    assert preview.returncode == 0, preview.stderr
    out = preview.stderr
    assert re.search(r"~ update PhoneNumber bravo/main \(number-\+1[0-9]+\)", out), out
    assert "webhooks.voice_url: 'https://crm.example.com/bravo/voice' → 'https://crm.example.com/b2/v'" in out
    assert "~ update PhoneNumber bravo/second" in out
    plain = local(small_project, "preview")
    assert "webhooks.voice_url" not in plain.stderr, "without --diff, one line per resource"


def test_the_tenant_table_stays_whole_at_80_columns(small_project: Path) -> None:
    up = local(small_project, "up")
    assert up.returncode == 0, up.stderr
    deployed = reveal(deploy("preview", root=small_project, stack="test", passphrase=PASSPHRASE).outputs)["tenants"]
    lines = up.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for tenant in deployed.values():  # every SID and number whole on one line: never folded, never cut
        for value in (tenant["account_sid"], tenant["api_key_sid"],
                      *(n["phone_number"] for n in tenant["phone_numbers"].values())):
            assert any(value in line for line in lines), value
    wide = tenantctl("local", "output", "--stack", "test", "--root", str(small_project), env=ENV)
    assert wide.returncode == 0


def test_the_step_lines_come_in_the_same_order_however_the_calls_finished() -> None:
    import io
    import random

    from rich.console import Console

    from provider.cli.report import print_steps
    from provider.localengine.engine import Step

    def urn(kind: str, name: str) -> str:
        return f"urn:pulumi:sandbox::twilio-tenants::pulumi-python:dynamic:Resource$twilio:{kind}::{name}"
    steps = [Step("create", urn("PhoneNumber", f"{t}/main"), label=f"{t}/main") for t in ("bravo", "alpha", "delta")]
    steps += [Step("update", urn("Subaccount", t), label=t) for t in ("charlie", "alpha")]
    shown = set()
    for seed in range(5):
        shuffled = list(steps)
        random.Random(seed).shuffle(shuffled)
        out = io.StringIO()
        print_steps(shuffled, "preview", Console(file=out, width=120))
        shown.add(out.getvalue())
    assert len(shown) == 1
    lines = shown.pop().splitlines()
    assert lines[0].endswith("alpha") and lines[1].endswith("alpha/main"), lines
