"""Which credentials may call which endpoint: an account's auth tokens, and its Main, Standard and Restricted keys.

Twilio's rules as modelled (see the assumptions table in docs/stand-in.md):
- auth tokens (primary, and the secondary while one exists) and Main keys may call everything the account may;
- Standard keys may call everything except Accounts (`/Accounts`), Keys (v2010 `/Keys`, IAM `/v1/Keys`) and the
  auth-token endpoints (`/v1/AuthTokens/...`): those answer 403 / 20003;
- Restricted keys may call only what their policy allows, each endpoint needing one permission; anything else,
  including everything a Standard key may not call, answers 401 / 70051.
"""
from __future__ import annotations

from collections.abc import Callable

from ..api_v2010.models import Principal
from ..permissions import ACCOUNT_ADMIN
from ..urls import SERVICE_PERMISSIONS
from .errors import AuthorizationFailed, PermissionDenied


def authorize(principal: Principal, handler: Callable[..., object], path: str) -> None:
    key = principal.key
    if key is None or key.key_type == "main":
        return
    name = handler.__name__
    if key.key_type == "standard":
        if name in ACCOUNT_ADMIN:
            raise PermissionDenied(f"Standard API keys cannot access {path}; use a Main key or the auth token")
        return
    needed: str | None = SERVICE_PERMISSIONS.get(name)
    if needed is None or needed not in key.policy:
        what = f"permission {needed}" if needed else "a permission restricted keys can be granted"
        raise AuthorizationFailed(f"Authorization Failed: the restricted API key {key.sid} lacks {what} "
                                  f"for {path}")
