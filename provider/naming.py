"""Deterministic Twilio friendly names that carry the tenant id.

They are how a retried or crashed create finds what its first attempt made, and how reports map
subaccounts back to tenants when stack outputs are not at hand. Twilio caps friendly names at 64
characters; tenant ids (32) and number names (24) are sized so every name fits.
"""
from __future__ import annotations

PREFIX = "tenant:"


def subaccount_friendly_name(tenant_id: str) -> str:
    return f"{PREFIX}{tenant_id}"


def tenant_id_from_friendly_name(friendly_name: str) -> str | None:
    if not friendly_name.startswith(PREFIX):
        return None
    rest = friendly_name[len(PREFIX) :]
    return rest if rest and "/" not in rest else None


def number_friendly_name(tenant_id: str, number_name: str) -> str:
    return f"{PREFIX}{tenant_id}/{number_name}"


def api_key_friendly_name(tenant_id: str, name: str = "crm", generation: int = 1) -> str:
    """Generation 1 has no suffix, so the key made by `api_key: true` keeps its name."""
    return f"{PREFIX}{tenant_id}/{name}" + (f"-g{generation}" if generation > 1 else "")


def usage_trigger_friendly_name(tenant_id: str, percent: int) -> str:
    return f"{PREFIX}{tenant_id}/budget-{percent}pct"
