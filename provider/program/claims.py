"""Who holds what across the fleet, so no tenant's file can take another tenant's subaccount or number.

Every subaccount the program creates and every number it buys is known by its output (from the last deployment
once it exists). A tenant that adopts a subaccount by `subaccount_sid`, or claims a number by `number:`, gets the
name of the declared tenant already holding it, if any, as the resource's `claimed_by` input; the provider's
Check refuses it, naming both tenants and files, before anything is applied. A number may still move between
tenants: once the entry that holds it is removed from the source tenant's file, nobody claims it any more.
"""
from __future__ import annotations

import pulumi

from ..tenancy import Tenant


def _who(tenant: Tenant, entry: str | None = None) -> str:
    where = f"{tenant.source.file}:{tenant.source.line}"
    return f"tenant {tenant.id}'s entry `{entry}` ({where})" if entry else f"tenant {tenant.id}'s ({where})"


class FleetClaims:
    def __init__(self) -> None:
        self._subaccounts: list[tuple[pulumi.Output[str], str, str]] = []  # (sid, tenant id, description)
        self._bought: list[tuple[pulumi.Output[str], str, str]] = []  # (phone number, tenant id, description)
        self._exact: list[tuple[str, pulumi.Resource]] = []  # (tenant id, resource)
        self._subaccount_map: pulumi.Output[dict[str, str]] | None = None
        self._number_map: pulumi.Output[dict[str, str]] | None = None

    def add_subaccount(self, tenant: Tenant, sid: pulumi.Output[str]) -> None:
        self._subaccounts.append((sid, tenant.id, _who(tenant)))

    def add_bought_number(self, tenant: Tenant, entry: str, number: pulumi.Output[str],
                          sid: pulumi.Output[str] | None = None) -> None:
        """A bought number is held by its number and by its PN SID: either names it."""
        self._bought.append((number, tenant.id, _who(tenant, entry)))
        if sid is not None:
            self._bought.append((sid, tenant.id, _who(tenant, entry)))

    def add_exact_number(self, tenant: Tenant, resource: pulumi.Resource) -> None:
        self._exact.append((tenant.id, resource))

    def subaccount_holder(self, tenant: Tenant) -> pulumi.Output[str | None]:
        """The tenant whose (created) subaccount `tenant.subaccount_sid` is, or None."""
        if self._subaccount_map is None:
            self._subaccount_map = _mapping(self._subaccounts)
        sid = tenant.subaccount_sid
        return self._subaccount_map.apply(lambda held: held.get(sid or ""))

    def number_holder(self, number: str, sid: str | None = None) -> pulumi.Output[str | None]:
        """The declared entry that bought the number named by `number` or by `sid`, or None. Resolves once all
        bought numbers are known."""
        if self._number_map is None:
            self._number_map = _mapping(self._bought)
        return self._number_map.apply(lambda held: (held.get(sid) if sid else None) or held.get(number))

    def exact_numbers_outside(self, tenant: Tenant) -> list[pulumi.Resource]:
        return [resource for owner, resource in self._exact if owner != tenant.id]


def _mapping(entries: list[tuple[pulumi.Output[str], str, str]]) -> pulumi.Output[dict[str, str]]:
    if not entries:
        return pulumi.Output.from_input({})
    descriptions = [description for _, _, description in entries]
    return pulumi.Output.all(*[value for value, _, _ in entries]).apply(
        lambda values: {value: description for value, description in zip(values, descriptions, strict=True) if value})
