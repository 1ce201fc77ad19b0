"""One tenant as Pulumi resources: a Tenant component parenting its subaccount, numbers, API key and budget."""
from __future__ import annotations

from typing import Any, Optional

import pulumi

from .. import naming
from ..resources import ApiKey, PhoneNumber, Subaccount, SubaccountStatus, UsageTrigger
from ..tenancy import PhoneNumberSpec, Tenant
from .claims import FleetClaims

COMPONENT_TYPE = "twilio-tenants:index:Tenant"


def number_resource_name(tenant: Tenant, spec: PhoneNumberSpec) -> str:
    """Exact numbers are named by the number, so moving one between tenants is an update (a transfer in place);
    bought ones by tenant and entry name, so reordering the list changes nothing."""
    return f"number-{spec.number}" if spec.number else f"{tenant.id}/{spec.name}"


def search_inputs(spec: PhoneNumberSpec) -> Optional[dict[str, Any]]:
    if spec.search is None:
        return None
    search = spec.search
    return {"country": search.country, "type": search.type, "capabilities": list(search.capabilities),
            "area_code": search.area_code, "contains": search.contains}


class TenantResources(pulumi.ComponentResource):
    """Everything one tenant owns at Twilio. The subaccount of a tenant that is not closed is protected.

    Built in three phases across the whole fleet (see `program.run`), because a tenant's resources are checked
    against every other tenant's: what a subaccount or a number already belongs to (`FleetClaims`), and when a
    tenant may be suspended or closed (only after every number leaving it has left).
    """

    def __init__(self, tenant: Tenant, claims: FleetClaims, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(COMPONENT_TYPE, tenant.id, {"tenant_id": tenant.id}, opts)
        self._child = pulumi.ResourceOptions(parent=self)
        self.tenant = tenant
        self.subaccount = Subaccount(
            tenant.id, tenant_id=tenant.id, friendly_name=naming.subaccount_friendly_name(tenant.id),
            status=tenant.status, adopt_sid=tenant.subaccount_sid,
            claimed_by=claims.subaccount_holder(tenant) if tenant.subaccount_sid else None,
            opts=pulumi.ResourceOptions.merge(self._child, pulumi.ResourceOptions(protect=tenant.status != "closed")))
        self.numbers: dict[str, PhoneNumber] = {}
        self.api_key: Optional[ApiKey] = None
        self.triggers: list[UsageTrigger] = []
        if tenant.subaccount_sid is None:
            claims.add_subaccount(tenant, self.subaccount.sid)
        if tenant.status != "closed":  # Twilio releases a closed subaccount's numbers: the preview shows them go
            for spec in tenant.phone_numbers:
                if spec.search is not None:
                    self.numbers[spec.name] = self._number(spec, None)
                    claims.add_bought_number(tenant, spec.name, self.numbers[spec.name].phone_number)

    def add_exact_numbers(self, claims: FleetClaims) -> None:
        """Phase 2, once every tenant's bought numbers are registered."""
        if self.tenant.status == "closed":
            return
        for spec in self.tenant.phone_numbers:
            if spec.number:
                self.numbers[spec.name] = self._number(spec, claims.number_holder(spec.number))
                claims.add_exact_number(self.tenant, self.numbers[spec.name])

    def finish(self, claims: FleetClaims) -> None:
        """Phase 3: key, budget, and the status step last. Suspending or closing waits for this tenant's own
        resources and for every exact number in the fleet, so a number leaving this tenant leaves first
        (Twilio releases a closed subaccount's numbers, and refuses to move a suspended one's)."""
        tenant, account = self.tenant, self.subaccount.sid
        if tenant.status != "closed":
            if tenant.api_key:
                self.api_key = ApiKey(tenant.id, account_sid=account,
                                      friendly_name=naming.api_key_friendly_name(tenant.id), opts=self._child)
            if tenant.budget:
                for percent, amount in tenant.budget.thresholds():
                    self.triggers.append(UsageTrigger(
                        f"{tenant.id}/budget-{percent}pct", account_sid=account,
                        friendly_name=naming.usage_trigger_friendly_name(tenant.id, percent),
                        callback_url=tenant.budget.alert_callback_url, trigger_value=str(amount), opts=self._child))
        children: list[pulumi.Resource] = [*self.numbers.values(), *self.triggers]
        if self.api_key:
            children.append(self.api_key)
        if tenant.status != "active":
            children += claims.exact_numbers_outside(tenant)
        self.status = SubaccountStatus(
            f"{tenant.id}/status", account_sid=account, status=tenant.status, tenant_id=tenant.id,
            opts=pulumi.ResourceOptions.merge(self._child, pulumi.ResourceOptions(depends_on=children)))
        self.register_outputs({"account_sid": account})

    def _number(self, spec: PhoneNumberSpec, claimed_by: Optional[pulumi.Output[Optional[str]]]) -> PhoneNumber:
        tenant = self.tenant
        aliases = [pulumi.Alias(name=f"{tenant.id}/{spec.name}")] if spec.number else None
        return PhoneNumber(
            number_resource_name(tenant, spec), account_sid=self.subaccount.sid,
            friendly_name=naming.number_friendly_name(tenant.id, spec.name),
            webhooks=tenant.number_webhooks(spec).as_dict(), number=spec.number, search=search_inputs(spec),
            adopt_sid=spec.sid, claimed_by=claimed_by,
            opts=pulumi.ResourceOptions.merge(self._child, pulumi.ResourceOptions(aliases=aliases)))

    def stack_output(self) -> dict[str, Any]:
        """The CRM's view of the tenant; secrets stay Pulumi secrets."""
        return {
            "account_sid": self.subaccount.sid,
            "status": self.status.status,
            "auth_token": pulumi.Output.secret(self.subaccount.auth_token),
            "phone_numbers": {name: {"sid": n.sid, "phone_number": n.phone_number}
                              for name, n in self.numbers.items()},
            "api_key_sid": self.api_key.sid if self.api_key else None,
            "api_key_secret": pulumi.Output.secret(self.api_key.secret) if self.api_key else None,
        }
