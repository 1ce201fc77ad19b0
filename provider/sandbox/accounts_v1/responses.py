"""HTTP in and out for Accounts v1 AuthTokens (accounts.twilio.com): ISO dates, unlike 2010-04-01. The tokens'
state and rules are the store's (an account's auth tokens)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ..api_v2010.models import Account
from ..core.http import Call, Response

HOST = "accounts.twilio.com"
ACCOUNTS_BASE = f"https://{HOST}"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _token_json(account: Account, path: str) -> dict[str, Any]:
    return {"account_sid": account.sid, "date_created": _iso(account.date_created),
            "date_updated": _iso(account.date_updated), "url": f"{ACCOUNTS_BASE}{path}"}


def create_secondary_token(call: Call) -> Response:
    call.params.reject_unknown()
    account = call.backend.v2010.create_secondary_token(call.principal)
    return 201, {**_token_json(account, "/v1/AuthTokens/Secondary"),
                 "secondary_auth_token": account.secondary_auth_token}


def delete_secondary_token(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.v2010.delete_secondary_token(call.principal)
    return 204, None


def promote_secondary_token(call: Call) -> Response:
    call.params.reject_unknown()
    account = call.backend.v2010.promote_secondary_token(call.principal)
    return 200, {**_token_json(account, "/v1/AuthTokens/Promote"), "auth_token": account.auth_token}
