"""One tenant as Pulumi resources: a Tenant component parenting its subaccount, numbers, API key and budget."""
from __future__ import annotations

from typing import Any

import pulumi

from .. import naming
from ..resources import (
    ApiKey,
    ApiKeyArgs,
    AuthTokenRotation,
    AuthTokenRotationArgs,
    PhoneNumber,
    PhoneNumberArgs,
    Subaccount,
    SubaccountArgs,
    SubaccountStatus,
    SubaccountStatusArgs,
    UsageTrigger,
    UsageTriggerArgs,
)
from ..tenancy import ApiKeySpec, PhoneNumberSpec, Tenant
from .claims import FleetClaims
from .messaging import MessagingConfig, TenantMessaging
from .voice import TenantVoice

COMPONENT_TYPE = "twilio-tenants:index:Tenant"
# What only the Twilio Console (or a contract) does for a HIPAA tenant: listed, never claimed done.
HIPAA_CONSOLE_CHECKLIST = (
    "a Business Associate Addendum (BAA) with Twilio covers the parent account",
    "the subaccount is designated HIPAA in the Console (HIPAA-eligible products only)",
    "message redaction is enabled for the subaccount (Console: Messaging > Settings)",
    "Advanced Opt-Out is not combined with phone-number redaction (Twilio 23004)",
    "the Messaging Service does not fall back to long codes (Twilio 23005)",
)


def number_resource_name(tenant: Tenant, spec: PhoneNumberSpec) -> str:
    """Exact numbers are named by the number, so moving one between tenants is an update (a transfer in place);
    bought ones by tenant and entry name, so reordering the list changes nothing."""
    return f"number-{spec.number}" if spec.number else f"{tenant.id}/{spec.name}"


def search_inputs(spec: PhoneNumberSpec) -> dict[str, Any] | None:
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

    def __init__(self, tenant: Tenant, claims: FleetClaims, opts: pulumi.ResourceOptions | None = None):
        super().__init__(COMPONENT_TYPE, tenant.id, {"tenant_id": tenant.id}, opts)
        # Step one of a shard move: everything is kept at Twilio when this stack stops declaring the tenant
        # (the engine drops it from the state without calling the provider); the new stack adopts it.
        self._child = pulumi.ResourceOptions(parent=self, retain_on_delete=True if tenant.releasing else None)
        self.tenant = tenant
        self.subaccount = Subaccount(tenant.id, SubaccountArgs(
            tenant_id=tenant.id, friendly_name=naming.subaccount_friendly_name(tenant.id), status=tenant.status,
            adopt_sid=tenant.subaccount_sid,
            claimed_by=claims.subaccount_holder(tenant) if tenant.subaccount_sid else None),
            opts=pulumi.ResourceOptions.merge(self._child, pulumi.ResourceOptions(
                protect=tenant.status != "closed" and not tenant.releasing)))
        self.numbers: dict[str, PhoneNumber] = {}
        self.keys: dict[str, dict[str, tuple[int, ApiKey]]] = {}  # key name -> role -> (generation, resource)
        self.rotation: AuthTokenRotation | None = None
        self.triggers: list[UsageTrigger] = []
        if tenant.subaccount_sid is None:
            claims.add_subaccount(tenant, self.subaccount.sid)
        if tenant.status != "closed":  # Twilio releases a closed subaccount's numbers: the preview shows them go
            for spec in tenant.phone_numbers:
                if spec.search is not None:
                    self.numbers[spec.name] = self._number(spec, None)
                    claims.add_bought_number(tenant, spec.name, self.numbers[spec.name].phone_number,
                                             self.numbers[spec.name].sid)

    def add_exact_numbers(self, claims: FleetClaims) -> None:
        """Phase 2, once every tenant's bought numbers are registered."""
        if self.tenant.status == "closed":
            return
        for spec in self.tenant.phone_numbers:
            if spec.number:
                self.numbers[spec.name] = self._number(spec, claims.number_holder(spec.number, spec.sid))
                claims.add_exact_number(self.tenant, self.numbers[spec.name])

    def finish(self, claims: FleetClaims, messaging: MessagingConfig | None = None) -> None:
        """Phase 3: key, budget, and the status step last. Suspending or closing waits for this tenant's own
        resources and for every exact number in the fleet, so a number leaving this tenant leaves first
        (Twilio releases a closed subaccount's numbers, and refuses to move a suspended one's)."""
        tenant, account = self.tenant, self.subaccount.sid
        self.messaging: TenantMessaging | None = None
        if tenant.messaging is not None:
            self.messaging = TenantMessaging(tenant, account, self.numbers, messaging or MessagingConfig(),
                                             self._child)
        self.voice: TenantVoice | None = None
        if tenant.voice is not None and tenant.status != "closed":  # Twilio ends all of it with the account
            self.voice = TenantVoice(tenant, account, self.numbers, self.messaging.a2p if self.messaging else None,
                                     messaging or MessagingConfig(), self._child)
        if tenant.status != "closed":
            for spec in tenant.api_keys:
                self._api_key(spec)
            if tenant.auth_token:
                self.rotation = AuthTokenRotation(f"{tenant.id}/auth-token", AuthTokenRotationArgs(
                    tenant_id=tenant.id, account_sid=account, rotation=tenant.auth_token.rotation,
                    step=tenant.auth_token.step), opts=self._child)
            if tenant.budget:
                for percent, amount in tenant.budget.thresholds():
                    self.triggers.append(UsageTrigger(f"{tenant.id}/budget-{percent}pct", UsageTriggerArgs(
                        account_sid=account, friendly_name=naming.usage_trigger_friendly_name(tenant.id, percent),
                        callback_url=tenant.budget.alert_callback_url, trigger_value=str(amount)), opts=self._child))
        children: list[pulumi.Resource] = [*self.numbers.values(), *self.triggers]
        if self.messaging:
            children += [*self.messaging.senders.values(), *self.messaging.toll_free.values()]
            children += [self.messaging.service] if self.messaging.service else []
            children += [self.messaging.a2p] if self.messaging.a2p else []  # a campaign goes before the account
        children += self.voice.resources() if self.voice else []
        children += [key for roles in self.keys.values() for _, key in roles.values()]
        if self.rotation:
            children.append(self.rotation)
        if tenant.status != "active":
            children += claims.exact_numbers_outside(tenant)
        self.status = SubaccountStatus(
            f"{tenant.id}/status", SubaccountStatusArgs(account_sid=account, status=tenant.status, tenant_id=tenant.id),
            opts=pulumi.ResourceOptions.merge(self._child, pulumi.ResourceOptions(depends_on=children)))
        self.register_outputs({"account_sid": account})

    def _api_key(self, spec: ApiKeySpec) -> None:
        """The current generation, and the previous one during a rotation's overlap. Each generation is its own
        resource, so bumping the generation creates a key and never replaces one."""
        roles = {"retired" if spec.retired else "current": spec.generation}
        if spec.keep_previous:
            roles["previous"] = spec.generation - 1
        self.keys[spec.name] = {}
        for role, generation in roles.items():
            legacy = spec.name == "crm" and generation == 1  # the key `api_key: true` made, named by tenant id
            self.keys[spec.name][role] = (generation, ApiKey(f"{self.tenant.id}/key-{spec.name}-g{generation}", ApiKeyArgs(
                account_sid=self.subaccount.sid,
                friendly_name=naming.api_key_friendly_name(self.tenant.id, spec.name, generation),
                permissions=list(spec.permissions) if spec.permissions else None, role=role),
                opts=pulumi.ResourceOptions.merge(self._child, pulumi.ResourceOptions(
                    aliases=[pulumi.Alias(name=self.tenant.id)] if legacy else None))))

    def _keys_output(self) -> dict[str, Any]:
        """Per key name: the current key and, during an overlap, the previous one; secrets stay secrets."""
        out: dict[str, Any] = {}
        for spec in self.tenant.api_keys:
            roles = self.keys.get(spec.name, {})
            if spec.retired or "current" not in roles:
                continue

            def one(role: str) -> dict[str, Any] | None:
                if role not in roles:
                    return None
                generation, key = roles[role]
                return {"sid": key.sid, "secret": pulumi.Output.secret(key.secret), "generation": generation}
            out[spec.name] = {"type": spec.key_type, "permissions": list(spec.permissions or []),
                              "current": one("current"), "previous": one("previous")}
        return out

    def _number(self, spec: PhoneNumberSpec, claimed_by: pulumi.Output[str | None] | None) -> PhoneNumber:
        tenant = self.tenant
        aliases = [pulumi.Alias(name=f"{tenant.id}/{spec.name}")] if spec.number else None
        return PhoneNumber(
            number_resource_name(tenant, spec), PhoneNumberArgs(
                account_sid=self.subaccount.sid, friendly_name=naming.number_friendly_name(tenant.id, spec.name),
                webhooks=tenant.number_webhooks(spec).as_dict(), number=spec.number, search=search_inputs(spec),
                adopt_sid=spec.sid, claimed_by=claimed_by),
            opts=pulumi.ResourceOptions.merge(self._child, pulumi.ResourceOptions(aliases=aliases)))

    def stack_output(self) -> dict[str, Any]:
        """The CRM's view of the tenant; secrets stay Pulumi secrets."""
        keys = self._keys_output()
        main = keys.get("crm") or next(iter(keys.values()), None)  # what api_key_sid/secret always meant
        rotation = self.rotation
        return {
            "account_sid": self.subaccount.sid,
            "status": self.status.status,
            "auth_token": pulumi.Output.secret(rotation.primary if rotation else self.subaccount.auth_token),
            "auth_token_secondary": pulumi.Output.secret(rotation.secondary) if rotation else None,
            "auth_token_rotation": {"rotation": self.tenant.auth_token.rotation, "step": self.tenant.auth_token.step}
            if self.tenant.auth_token else None,
            "phone_numbers": {name: {"sid": n.sid, "phone_number": n.phone_number}
                              for name, n in self.numbers.items()},
            "api_key_sid": main["current"]["sid"] if main else None,
            "api_key_secret": main["current"]["secret"] if main else None,
            "api_keys": keys,
            "messaging": self.messaging.output() if self.messaging else None,
            "voice": self.voice.output() if self.voice else None,
            **({"released_to": self.tenant.release_to} if self.tenant.releasing else {}),
            "sending_rules": self.tenant.sending_rules.as_dict(),
            "hipaa": {"declared": True, "console_checklist": list(HIPAA_CONSOLE_CHECKLIST)} if self.tenant.hipaa
            else None,
        }
