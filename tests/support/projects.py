"""Generated tenant files for engine-less projects: small, valid, and each tenant's numbers bought once."""
from __future__ import annotations

from pathlib import Path

PASSPHRASE = "safety-passphrase"
TENANT = """\
id: {id}
display_name: {id}
status: active
webhooks:
  voice_url: https://crm.example.com/{id}/voice
phone_numbers:
  - name: main
    search: {{country: US, type: local, capabilities: [voice, sms]}}
  - name: second
    search: {{country: US, type: local, capabilities: [voice]}}
api_key: true
"""


def write_tenants(directory: Path, ids: list[str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for tenant_id in ids:
        (directory / f"{tenant_id}.yaml").write_text(TENANT.format(id=tenant_id))


def closed(text: str, billing_end: str = "2026-10-15") -> str:
    """A tenant file's text with `status: closed`, and its billing ended (validate requires `billing.end`)."""
    text = text.replace("status: active", "status: closed")
    return text.replace("\nbilling:\n", f'\nbilling:\n  end: "{billing_end}"\n', 1) if "\nbilling:\n" in text else text
