"""The Pulumi program: tenant files in, one Tenant component per tenant, one `tenants` stack output."""
from __future__ import annotations

import os
from pathlib import Path

import pulumi

from ..tenancy import LoadResult, ValidationPolicy, load_tenants
from ..tenancy.rules import HIPAA_KEY, SENDING_RULES_KEY
from ..tenancy.shards import served_by
from .claims import FleetClaims
from .messaging import MessagingConfig
from .tenant import TenantResources

__all__ = ["TenantResources", "run"]


class TenantFilesError(pulumi.RunError):
    """Every problem in every tenant file; nothing is applied."""


def run(tenants_dir: str | None = None, loaded: LoadResult | None = None) -> dict[str, TenantResources]:
    """`loaded`: the files as already read and checked for this stack (an engine-less `up` reads them once for
    its preview and its apply, so both passes see the same files)."""
    result = loaded if loaded is not None else load_tenants_for_stack(tenants_dir)
    if not result.ok:
        raise TenantFilesError(f"{len(result.problems)} problem(s) in tenant files; nothing was applied:\n" +
                               "\n".join(str(p) for p in result.problems))
    # Files are checked as one fleet (ids, numbers and SIDs unique across every shard); this stack deploys only
    # the tenants of its shard (twilio-tenants:shard; none: the tenants without a `shard` field).
    served = served_by(result.tenants, pulumi.Config().get("shard"))
    claims = FleetClaims()
    # Tenants that create their subaccount first: an adopting tenant is checked against all of theirs.
    ordered = sorted(served, key=lambda t: (t.subaccount_sid is not None, t.id))
    components = {t.id: TenantResources(t, claims) for t in ordered}
    for component in components.values():
        component.add_exact_numbers(claims)
    messaging = MessagingConfig()
    for component in components.values():
        component.finish(claims, messaging)
    pulumi.export("tenants", {tenant_id: components[tenant_id].stack_output() for tenant_id in sorted(components)})
    return components


def load_tenants_for_stack(tenants_dir: str | None = None) -> LoadResult:
    """Under `pulumi`: the files, held against every other deployed stack of the parent (read with the CLI) so
    that this stack never takes over a tenant, number or subaccount another one deploys."""
    from ..crm.other_stacks import guard_against_other_stacks, own_tenants

    directory = tenants_dir or pulumi.Config().get("tenantsDir") or os.environ.get("TENANTS_DIR") or "tenants"
    stand_in = bool(pulumi.Config("twilio").get("apiBaseUrl"))  # a sandbox; real Twilio refuses private hosts
    defaults = pulumi.Config("twilio-tenants")
    policy = ValidationPolicy.for_stack(pulumi.get_stack(), stand_in).with_stack_defaults(
        {HIPAA_KEY: defaults.get_bool("hipaa"), SENDING_RULES_KEY: defaults.get_object("sendingRules")})
    loaded = load_tenants([directory], policy)
    root, stack, org = Path.cwd(), pulumi.get_stack(), os.environ.get("PULUMI_ORG") or None
    return guard_against_other_stacks(loaded, root, stack, org=org, own=own_tenants(root, stack, org=org))[0]
