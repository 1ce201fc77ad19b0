"""HTTP in and out for IAM v1 Keys (iam.twilio.com): a `meta` paging envelope, unlike 2010-04-01. The keys' state
and rules are the store's (the v2010 Keys share them)."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from ..api_v2010.models import ApiKey
from ..core.errors import InvalidParameter
from ..core.http import Call, Response, rfc2822

HOST = "iam.twilio.com"
IAM_BASE = f"https://{HOST}"


def _policy_json(key: ApiKey) -> dict[str, Any] | None:
    return {"allow": list(key.policy)} if key.key_type == "restricted" else None


def _key_json(key: ApiKey) -> dict[str, Any]:
    return {"sid": key.sid, "friendly_name": key.friendly_name, "date_created": rfc2822(key.date_created),
            "date_updated": rfc2822(key.date_updated), "policy": _policy_json(key)}


def _policy_param(call: Call) -> list[str] | None:
    """Policy arrives as a JSON object {"allow": [permission, ...]} (the SDK serializes it)."""
    raw = call.params.get("Policy")
    if raw is None:
        return None
    try:
        policy = json.loads(raw)
    except ValueError:
        raise InvalidParameter("Policy must be a JSON object") from None
    allow = policy.get("allow") if isinstance(policy, dict) else None
    if not isinstance(allow, list) or not all(isinstance(p, str) for p in allow) or set(policy) != {"allow"}:
        raise InvalidParameter('Policy must be {"allow": [permission, ...]}')
    return allow


# ---- IAM v1 Keys -------------------------------------------------------------------------------------
def iam_create_key(call: Call) -> Response:
    p = call.params
    account_sid, name, key_type = p.get("AccountSid"), p.get("FriendlyName"), p.get("KeyType")
    policy = _policy_param(call)
    p.reject_unknown()
    if not account_sid:
        raise InvalidParameter("AccountSid is required")
    if key_type not in (None, "restricted"):
        raise InvalidParameter(f"KeyType must be restricted (or absent for a standard key), got {key_type!r}")
    account = call.backend.v2010.target_account(call.principal, account_sid, write=True)
    key = call.backend.v2010.create_key(call.principal, account, name, key_type or "standard", policy)
    return 201, {**_key_json(key), "secret": key.secret}


def iam_list_keys(call: Call) -> Response:
    p = call.params
    account_sid = p.get("AccountSid")
    size, number = p.int("PageSize", 50, 1, 1000), p.int("Page", 0, 0, 10**9)
    p.get("PageToken")
    p.reject_unknown()
    if not account_sid:
        raise InvalidParameter("AccountSid is required")
    account = call.backend.v2010.target_account(call.principal, account_sid)
    keys = call.backend.v2010.list_keys(call.principal, account)
    chunk = keys[number * size:(number + 1) * size]

    def url(page_number: int) -> str:
        return f"{IAM_BASE}/v1/Keys?" + urlencode({"AccountSid": account_sid, "PageSize": size, "Page": page_number})

    return 200, {
        "keys": [{"sid": k.sid, "friendly_name": k.friendly_name, "date_created": rfc2822(k.date_created),
                  "date_updated": rfc2822(k.date_updated), "flags": ["rest_api", "signing"]} for k in chunk],
        "meta": {"page": number, "page_size": size, "first_page_url": url(0), "url": url(number), "key": "keys",
                 "previous_page_url": url(number - 1) if number > 0 else None,
                 "next_page_url": url(number + 1) if (number + 1) * size < len(keys) else None},
    }


def iam_fetch_key(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, _key_json(call.backend.v2010.key_by_sid(call.principal, call.args["sid"]))


def iam_update_key(call: Call) -> Response:
    name, policy = call.params.get("FriendlyName"), _policy_param(call)
    call.params.reject_unknown()
    key = call.backend.v2010.key_by_sid(call.principal, call.args["sid"], write=True)
    account = call.backend.accounts[key.account_sid]
    return 200, _key_json(call.backend.v2010.update_key(call.principal, account, key.sid, name, policy))


def iam_delete_key(call: Call) -> Response:
    call.params.reject_unknown()
    key = call.backend.v2010.key_by_sid(call.principal, call.args["sid"], write=True)
    call.backend.v2010.delete_key(call.principal, call.backend.accounts[key.account_sid], key.sid)
    return 204, None


# ---- Accounts v1 AuthTokens --------------------------------------------------------------------------
