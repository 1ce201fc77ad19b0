"""Generated tenant files for engine-less projects: small, valid, and each tenant's numbers bought once."""
from __future__ import annotations

from pathlib import Path

from bench.tenant_template import tenant_yaml

PASSPHRASE = "safety-passphrase"
def tenant_text(tenant_id: str) -> str:
    """Two numbers (one SMS-capable) and an API key: what the engine-less safety tests exercise."""
    return tenant_yaml(tenant_id, numbers=(("main", "voice, sms"), ("second", "voice")), api_key=True)

def write_tenants(directory: Path, ids: list[str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for tenant_id in ids:
        (directory / f"{tenant_id}.yaml").write_text(tenant_text(tenant_id))


def closed(text: str, billing_end: str = "2026-10-15") -> str:
    """A tenant file's text with `status: closed`, and its billing ended (validate requires `billing.end`)."""
    text = text.replace("status: active", "status: closed")
    return text.replace("\nbilling:\n", f'\nbilling:\n  end: "{billing_end}"\n', 1) if "\nbilling:\n" in text else text
