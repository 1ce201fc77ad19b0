"""The one generated tenant file the tests and the benchmarks share: valid, small, each of its numbers bought once
(a search, not a number), with only what the caller asks for besides."""
from __future__ import annotations


def tenant_yaml(tenant_id: str, *, numbers: tuple[tuple[str, str], ...] = (("main", "voice, sms"),),
                area_code: str | None = None, sms_url: bool = False, api_key: bool = False, budget: bool = False,
                shard: str | None = None) -> str:
    """`numbers`: (entry name, capabilities) pairs."""
    lines = [f"id: {tenant_id}", f"display_name: {tenant_id}", "status: active", "webhooks:",
             f"  voice_url: https://crm.example.com/{tenant_id}/voice"]
    if sms_url:
        lines.append(f"  sms_url: https://crm.example.com/{tenant_id}/sms")
    lines.append("phone_numbers:")
    for name, capabilities in numbers:
        area = f'area_code: "{area_code}", ' if area_code else ""
        lines += [f"  - name: {name}", f"    search: {{country: US, type: local, {area}capabilities: [{capabilities}]}}"]
    if api_key:
        lines.append("api_key: true")
    if budget:
        lines += ["budget:", '  monthly_limit_usd: "100.00"', "  alert_callback_url: https://crm.example.com/budget"]
    if shard:
        lines.append(f"shard: {shard}")
    return "\n".join(lines) + "\n"
