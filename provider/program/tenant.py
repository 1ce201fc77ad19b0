"""One tenant as Pulumi resources: a Tenant component parenting its subaccount, numbers, API key and budget."""
from __future__ import annotations

from typing import Any, Optional

import pulumi

from ..resources import ApiKey, PhoneNumber, Subaccount, SubaccountStatus, UsageTrigger
from ..tenancy import PhoneNumberSpec, Tenant
from ..tenancy import naming

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
    """Everything one tenant owns at Twilio. The subaccount of a tenant that is not closed is protected."""

    def __init__(self, tenant: Tenant, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(COMPONENT_TYPE, tenant.id, {"tenant_id": tenant.id}, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.tenant = tenant
        self.subaccount = Subaccount(
            tenant.id, tenant_id=tenant.id, friendly_name=naming.subaccount_friendly_name(tenant.id),
            status=tenant.status, adopt_sid=tenant.subaccount_sid,
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(protect=tenant.status != "closed")))
        account = self.subaccount.sid
        self.numbers: dict[str, PhoneNumber] = {}
        self.api_key: Optional[ApiKey] = None
        self.triggers: list[UsageTrigger] = []
        if tenant.status != "closed":  # Twilio releases a closed subaccount's numbers: the preview shows them go
            self._children(tenant, account, child)
        children: list[pulumi.Resource] = [*self.numbers.values(), *self.triggers]
        if self.api_key:
            children.append(self.api_key)
        self.status = SubaccountStatus(
            f"{tenant.id}/status", account_sid=account, status=tenant.status,
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=children)))
        self.register_outputs({"account_sid": account})

    def _children(self, tenant: Tenant, account: pulumi.Output[str], child: pulumi.ResourceOptions) -> None:
        for spec in tenant.phone_numbers:
            aliases = [pulumi.Alias(name=f"{tenant.id}/{spec.name}")] if spec.number else None
            self.numbers[spec.name] = PhoneNumber(
                number_resource_name(tenant, spec), account_sid=account,
                friendly_name=naming.number_friendly_name(tenant.id, spec.name),
                webhooks=tenant.number_webhooks(spec).as_dict(), number=spec.number, search=search_inputs(spec),
                adopt_sid=spec.sid, opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(aliases=aliases)))
        if tenant.api_key:
            self.api_key = ApiKey(tenant.id, account_sid=account,
                                  friendly_name=naming.api_key_friendly_name(tenant.id), opts=child)
        if tenant.budget:
            for percent, amount in tenant.budget.thresholds():
                self.triggers.append(UsageTrigger(
                    f"{tenant.id}/budget-{percent}pct", account_sid=account,
                    friendly_name=naming.usage_trigger_friendly_name(tenant.id, percent),
                    callback_url=tenant.budget.alert_callback_url, trigger_value=str(amount), opts=child))

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
