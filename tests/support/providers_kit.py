"""The providers as the engine runs them: real provider server over gRPC, stand-in behind a contract proxy."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pulumi.dynamic.dynamic import serialize_provider

from provider import naming, resources
from provider.localengine import EngineState, LocalEngine, ProviderServer
from provider.resources import api_key, phone_number, subaccount, usage_trigger
from provider.sandbox import SandboxServer

from .contract_proxy import ContractProxy

# Every provider the package exports, by its resource's name (a new resource is in the kit without an edit here).
PROVIDERS = {name.removesuffix("Provider"): serialize_provider(getattr(resources, name)())
             for name in resources.__all__ if name.endswith("Provider")}


def urn(kind: str, name: str) -> str:
    return f"urn:pulumi:test::twilio-tenants::pulumi-python:dynamic/twilio:{kind}::{name}"


@dataclass
class NumberSpec:
    name: str
    number: str | None = None
    search: dict[str, Any] | None = None
    webhooks: dict[str, str] = field(default_factory=dict)


@dataclass
class TenantSpec:
    id: str
    status: str = "active"
    numbers: list[NumberSpec] = field(default_factory=list)
    api_key: bool = False
    budget_usd: str | None = None


@dataclass
class World:
    sandbox: SandboxServer
    proxy: ContractProxy
    server: ProviderServer
    state: EngineState = field(default_factory=EngineState)

    def engine(self, preview: bool = False) -> LocalEngine:
        return LocalEngine(self.server, self.state, preview=preview)

    def apply(self, tenants: list[TenantSpec], preview: bool = False) -> LocalEngine:
        """What the program does for these tenants, minus YAML: one resource per thing, stable names."""
        engine = self.engine(preview)
        for tenant in tenants:
            account = resources.SubaccountArgs(tenant_id=tenant.id, status=tenant.status,
                                               friendly_name=naming.subaccount_friendly_name(tenant.id))
            sub = engine.register(urn("Subaccount", tenant.id), "Subaccount", {
                "__provider": PROVIDERS["Subaccount"], **account.with_outputs(*subaccount.OUTPUTS)},
                protect=tenant.status != "closed")
            if tenant.status != "closed":
                self._children(engine, tenant, sub)
            status = resources.SubaccountStatusArgs(account_sid=sub["sid"], status=tenant.status, tenant_id=tenant.id)
            engine.register(urn("SubaccountStatus", tenant.id), "SubaccountStatus", {
                "__provider": PROVIDERS["SubaccountStatus"], **status.as_props()})
        engine.finish()
        return engine

    def _children(self, engine: LocalEngine, tenant: TenantSpec, sub: dict[str, Any]) -> None:
        for number in tenant.numbers:
            name = number.number or f"{tenant.id}-{number.name}"
            entry = resources.PhoneNumberArgs(
                account_sid=sub["sid"], friendly_name=naming.number_friendly_name(tenant.id, number.name),
                webhooks=number.webhooks, number=number.number, search=number.search)
            engine.register(urn("PhoneNumber", name), "PhoneNumber", {
                "__provider": PROVIDERS["PhoneNumber"], **entry.with_outputs(*phone_number.OUTPUTS)})
        if tenant.api_key:
            key = resources.ApiKeyArgs(account_sid=sub["sid"], friendly_name=naming.api_key_friendly_name(tenant.id))
            engine.register(urn("ApiKey", f"{tenant.id}/key-crm-g1"), "ApiKey", {
                "__provider": PROVIDERS["ApiKey"], **key.with_outputs(*api_key.OUTPUTS)})
        if tenant.budget_usd:
            trigger = resources.UsageTriggerArgs(
                account_sid=sub["sid"], friendly_name=naming.usage_trigger_friendly_name(tenant.id, 100),
                callback_url="https://crm.example.com/budget", trigger_value=tenant.budget_usd)
            engine.register(urn("UsageTrigger", f"{tenant.id}-100"), "UsageTrigger", {
                "__provider": PROVIDERS["UsageTrigger"], **trigger.with_outputs(*usage_trigger.OUTPUTS)})

    def writes_since(self, seq: int) -> list[Any]:
        return [r for r in self.sandbox.backend.requests(seq) if r.is_write]

    def outputs(self, kind: str, name: str) -> dict[str, Any]:
        return self.state.resources[urn(kind, name)].outputs
