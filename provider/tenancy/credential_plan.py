"""A tenant's credential changes in words, from its file and what was last deployed: what a reviewer approves.

Also the rotation mistakes only the deployed outputs can reveal, caught before any run: a generation bumped
without an overlap (the CRM would lose its key mid-run), a key or the token record removed while in use.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .model import Tenant
from .problems import PathPart

Finding = tuple[bool, tuple[PathPart, ...], str]  # (is a problem, field path, sentence)


def credential_changes(tenant: Tenant, deployed: Mapping[str, Any]) -> Iterator[Finding]:
    if tenant.status == "closed":
        return
    keys = deployed.get("api_keys") or {}
    if not keys and deployed.get("api_key_sid"):  # deployed before named keys: `api_key: true` made `crm`, gen 1
        keys = {"crm": {"current": {"generation": 1}, "previous": None}}
    declared = {spec.name: (index, spec) for index, spec in enumerate(tenant.api_keys)}
    for name, (index, spec) in declared.items():
        path: tuple[PathPart, ...] = ("api_keys", index) if not (name == "crm" and spec.generation == 1) else ()
        live = keys.get(name) or {}
        current = _generation(live.get("current"))
        previous = _generation(live.get("previous"))
        if spec.retired:
            if current is not None:
                yield False, path, f"API key {name}: generation {current} is no longer handed to the CRM (retired); " \
                                   "removing the entry later deletes it"
            continue
        if current is None:
            yield False, path, f"API key {name}: generation {spec.generation} created ({spec.key_type})"
        elif spec.generation > current:
            if spec.keep_previous and spec.generation == current + 1:
                yield False, path, f"API key {name}: generation {spec.generation} created; generation {current} " \
                                   "kept as the previous key (the CRM gets both, new first) until a later change " \
                                   "removes keep_previous"
            else:
                yield True, path + ("generation",), \
                    f"API key {name}: generation {current} is the key the CRM uses now; going to " \
                    f"{spec.generation} without `keep_previous: true` (from {current} to {current + 1}) would " \
                    "delete it in the same run. Bump by one and keep the previous key"
        elif spec.generation < current:
            yield True, path + ("generation",), f"API key {name}: generation {current} is deployed; generations " \
                                                "only go up"
        elif previous is not None and not spec.keep_previous:
            yield False, path, f"API key {name}: the overlap ends: generation {previous} is deleted and stops " \
                               f"working at once; the CRM must already use generation {spec.generation}"
    for name, live in sorted(keys.items()):
        if name not in declared and live.get("current"):
            yield True, ("api_keys",), f"API key {name} is handed to the CRM (deployed) but no longer declared: " \
                                       "mark it `retired: true` and deploy before removing it"
    yield from _token_changes(tenant, deployed.get("auth_token_rotation"))


def _generation(key: Any) -> int | None:
    """Outputs pass through protobuf, where every number is a double."""
    value = (key or {}).get("generation")
    return None if value is None else int(value)


def _token_changes(tenant: Tenant, live: Any) -> Iterator[Finding]:
    wanted = tenant.auth_token
    if wanted is None:
        if live and live.get("step") == "promoted":
            yield True, (), "the auth_token block records the tenant's current token (rotation " \
                            f"{live.get('rotation')}, promoted): keep it; a new `rotation` name starts the next one"
        elif live:
            yield False, (), f"auth token rotation {live.get('rotation')} abandoned: the secondary token is " \
                             "deleted, the primary stays"
        return
    path = ("auth_token",)
    same = live is not None and live.get("rotation") == wanted.rotation
    if wanted.step == "secondary" and not same:
        yield False, path, f"auth token rotation {wanted.rotation}: a secondary token is created; both tokens " \
                           "work and the outputs carry both; Twilio still signs webhooks with the current one"
    elif wanted.step == "promoted" and same and live.get("step") == "secondary":
        yield False, path, f"auth token rotation {wanted.rotation}: the secondary token is promoted; the old " \
                           "token stops working at once (the CRM must already hold the new one: tenantctl " \
                           "credentials)"
