"""What Twilio holds that no tenant file declares (an orphan costs money, or is a credential nobody tracks), and what
the files declare that Twilio no longer has. Each finding says what it costs a month and what to do: adopt it into a
file, or remove it at Twilio by an explicit, reviewed step. Nothing here talks to Twilio.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from .. import naming
from ..tenancy import Tenant
from .holdings import AccountHoldings, Holdings

# Twilio's US list prices a month (USD), for the order of magnitude; the invoice (tenantctl usage) is the truth.
MONTHLY_LIST_PRICE = {"local": Decimal("1.15"), "toll_free": Decimal("2.15"), "campaign": Decimal("10.00")}


@dataclass(frozen=True)
class Finding:
    kind: str  # subaccount | number | api-key | usage-trigger | messaging-service | brand | missing-subaccount | missing-number
    sid: str
    account_sid: str
    tenant: str | None  # whose subaccount it sits in, when one is known
    description: str
    monthly_cost_usd: Decimal
    what_to_do: str

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "monthly_cost_usd": str(self.monthly_cost_usd)}


def _number_cost(detail: str) -> Decimal:
    return MONTHLY_LIST_PRICE.get(detail, MONTHLY_LIST_PRICE["local"])


def _deployed_index(deployed: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """tenant id -> what the stacks' outputs say of it (one stack deploys a tenant; later stacks fill gaps)."""
    out: dict[str, dict[str, Any]] = {}
    for tenants in deployed:
        for tid, data in tenants.items():
            if isinstance(data, Mapping) and tid not in out:
                out[tid] = dict(data)
    return out


def _key_sids(data: Mapping[str, Any]) -> set[str]:
    sids = {data.get("api_key_sid")}
    for key in (data.get("api_keys") or {}).values():
        for role in ("current", "previous"):
            sids.add(((key or {}).get(role) or {}).get("sid"))
    return {s for s in sids if s}


def audit_findings(holdings: Holdings, tenants: Mapping[str, Tenant],
                   deployed: Iterable[Mapping[str, Any]]) -> list[Finding]:
    outputs = _deployed_index(deployed)
    tenant_of: dict[str, str] = {d["account_sid"]: tid for tid, d in outputs.items() if d.get("account_sid")}
    for tenant in tenants.values():
        if tenant.subaccount_sid:
            tenant_of.setdefault(tenant.subaccount_sid, tenant.id)
    for account in holdings.accounts.values():
        by_name = naming.tenant_id_from_friendly_name(account.friendly_name)
        if by_name is not None and by_name in tenants and account.sid not in tenant_of:
            tenant_of[account.sid] = by_name
    declared_numbers = {value for t in tenants.values() for spec in t.phone_numbers
                        for value in (spec.number, spec.sid) if value}
    findings: list[Finding] = []
    for account in holdings.accounts.values():
        if account.status == "closed":
            continue  # Twilio released its numbers; it costs nothing and is deleted 30 days after closing
        if account.is_parent:
            findings += _orphan_numbers(account, None, declared_numbers, set())
            continue
        tenant_id = tenant_of.get(account.sid)
        if tenant_id is None or tenant_id not in tenants:
            findings.append(_orphan_subaccount(account, tenant_id))
            continue
        findings += _orphans_of_tenant(account, tenants[tenant_id], outputs.get(tenant_id, {}), declared_numbers)
    findings += _missing(holdings, tenants, outputs)
    return sorted(findings, key=lambda f: (f.kind, f.tenant or "", f.sid))


def _orphan_subaccount(account: AccountHoldings, known_as: str | None) -> Finding:
    cost = sum((_number_cost(n.detail) for n in account.numbers), Decimal(0))
    held = ", ".join(n.name for n in account.numbers) or "no numbers"
    why = (f"its tenant {known_as!r} has no file any more" if known_as else "no tenant file declares it")
    return Finding("subaccount", account.sid, account.sid, known_as,
                   f"{account.friendly_name or '(no name)'} ({account.status}; {held}): {why}", cost,
                   f"adopt it: a tenant file with `subaccount_sid: {account.sid}` (and its numbers as `number:` "
                   "entries); or close it at Twilio by a reviewed step (final: Twilio releases its numbers)")


def _orphan_numbers(account: AccountHoldings, tenant: Tenant | None, declared: set[str],
                    deployed_sids: set[str]) -> list[Finding]:
    found = []
    for number in account.numbers:
        if number.sid in declared or number.name in declared or number.sid in deployed_sids:
            continue
        where = f"tenant {tenant.id}'s subaccount" if tenant else "the parent account"
        todo = (f"adopt it: a `phone_numbers` entry `number: \"{number.name}\"` in {tenant.source.file}" if tenant
                else f"adopt it: a `number: \"{number.name}\"` entry in the file of the tenant it serves (it is "
                     "transferred in place)")
        found.append(Finding("number", number.sid, account.sid, tenant.id if tenant else None,
                             f"{number.name} ({number.detail}) in {where}, declared by no file",
                             _number_cost(number.detail),
                             f"{todo}; or release it at Twilio by a reviewed step (a released number is lost)"))
    return found


def _orphans_of_tenant(account: AccountHoldings, tenant: Tenant, deployed: Mapping[str, Any],
                       declared_numbers: set[str]) -> list[Finding]:
    numbers = {n.get("sid") for n in (deployed.get("phone_numbers") or {}).values() if isinstance(n, Mapping)}
    found = _orphan_numbers(account, tenant, declared_numbers, {s for s in numbers if s})
    keys = _key_sids(deployed)
    key_names = {naming.api_key_friendly_name(tenant.id, spec.name, generation) for spec in tenant.api_keys
                 for generation in {spec.generation, spec.generation - 1 if spec.keep_previous else spec.generation}}
    for key in account.keys:
        if key.sid not in keys and key.name not in key_names:  # a retired key is declared but not handed out
            found.append(Finding("api-key", key.sid, account.sid, tenant.id,
                                 f"API key {key.name or key.sid} in tenant {tenant.id}'s subaccount, in no stack's "
                                 "outputs: a working credential nobody tracks", Decimal(0),
                                 "revoke it at Twilio (after checking nothing uses it), or declare it in "
                                 f"{tenant.source.file} as a new key generation"))
    wanted_triggers = {naming.usage_trigger_friendly_name(tenant.id, percent)
                       for percent, _ in (tenant.budget.thresholds() if tenant.budget else [])}
    for trigger in account.triggers:
        if trigger.name not in wanted_triggers:
            found.append(Finding("usage-trigger", trigger.sid, account.sid, tenant.id,
                                 f"usage trigger {trigger.name or trigger.sid}: no `budget` threshold of "
                                 f"{tenant.id} declares it (its callback still fires)", Decimal(0),
                                 f"declare it in {tenant.source.file} under `budget.alert_at_percent`, or delete it "
                                 "at Twilio"))
    service = ((deployed.get("messaging") or {}) or {}).get("service_sid")
    for item in account.services:
        if item.sid != service:
            found.append(Finding("messaging-service", item.sid, account.sid, tenant.id,
                                 f"Messaging Service {item.name or item.sid} of {tenant.id}, not the one its file "
                                 "declares", Decimal(0),
                                 f"declare a `messaging` block in {tenant.source.file}, or delete the service at "
                                 "Twilio (its senders leave it)"))
    registering = tenant.messaging is not None and tenant.messaging.a2p_10dlc is not None and \
        not tenant.messaging.a2p_10dlc.remove
    if not registering:
        for brand in account.brands:
            found.append(Finding("brand", brand.sid, account.sid, tenant.id,
                                 f"A2P brand {brand.sid} ({brand.detail}) of {tenant.id}, whose file declares no "
                                 "A2P 10DLC registration", MONTHLY_LIST_PRICE["campaign"] if account.services
                                 else Decimal(0),
                                 "brands have no DELETE at Twilio: declare `messaging.a2p_10dlc` to manage it, or "
                                 "delete its campaigns (they bill monthly) and leave the brand"))
    return found


def _missing(holdings: Holdings, tenants: Mapping[str, Tenant], outputs: Mapping[str, Mapping[str, Any]]
             ) -> list[Finding]:
    """What a file declares, and a stack deployed, that Twilio no longer has."""
    found = []
    for tid, data in outputs.items():
        tenant = tenants.get(tid)
        if tenant is None or tenant.status == "closed":
            continue
        sid = data.get("account_sid")
        account = holdings.accounts.get(sid or "")
        if account is None or account.status == "closed":
            found.append(Finding("missing-subaccount", sid or "", sid or "", tid,
                                 f"tenant {tid} is open in {tenant.source.file}, but its subaccount {sid} is "
                                 f"{'closed' if account else 'gone'} at Twilio", Decimal(0),
                                 "a closed subaccount never reopens: set `status: closed` (and `billing.end`) in "
                                 "its file, and create a new tenant if it is still a customer"))
            continue
        held = {n.sid for n in account.numbers}
        for entry, number in (data.get("phone_numbers") or {}).items():
            if isinstance(number, Mapping) and number.get("sid") and number["sid"] not in held:
                found.append(Finding("missing-number", number["sid"], account.sid, tid,
                                     f"{number.get('phone_number')} (entry `{entry}` of {tid}) is no longer in its "
                                     "subaccount", Decimal(0),
                                     f"run `refresh` then `up` for the stack: the entry is bought again (a new "
                                     f"number), or remove the entry from {tenant.source.file}"))
    return found


__all__ = ["Finding", "MONTHLY_LIST_PRICE", "audit_findings"]
