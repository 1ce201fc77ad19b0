"""Which Twilio account to act as, from stack config or the environment; shown nowhere, not even in a traceback.

Shared by the dynamic providers (credentials arrive in configure()) and the usage report (which never loads
Pulumi's dynamic-provider machinery).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .client import DEFAULT_TIMEOUT_S


class MissingCredentials(Exception):
    pass


@dataclass(frozen=True)
class Credentials:
    """The parent account, and how it authenticates: its auth token, or (as Twilio recommends) a Main API key,
    in which case `auth_token` holds the key's secret and `api_key` the key's SID."""

    account_sid: str
    auth_token: str
    base_url: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_in_flight: int | None = None  # this process's share of the parent's concurrency budget (budget.py)
    api_key: str | None = None

    def __repr__(self) -> str:  # never show the token, not even in a traceback
        return (f"Credentials(account_sid={self.account_sid!r}, auth_token='***', api_key={self.api_key!r}, "
                f"base_url={self.base_url!r})")


def credentials_from(config: Any = None, environ: dict[str, str] | None = None) -> Credentials:
    """Stack config first (twilio:accountSid, secret twilio:authToken, twilio:apiBaseUrl), then environment."""
    env = os.environ if environ is None else environ

    def setting(key: str, variable: str) -> str | None:
        value = config.get(key) if config is not None else None
        return str(value) if value else env.get(variable) or None

    sid = setting("twilio:accountSid", "TWILIO_ACCOUNT_SID")
    # Not TWILIO_API_KEY: that is a tenant's key in `tenantctl credentials --format env`, never the parent's.
    api_key = setting("twilio:apiKey", "TWILIO_MAIN_API_KEY")
    api_secret = setting("twilio:apiSecret", "TWILIO_MAIN_API_SECRET")
    token = setting("twilio:authToken", "TWILIO_AUTH_TOKEN")
    base_url = setting("twilio:apiBaseUrl", "TWILIO_API_BASE_URL")
    timeout = setting("twilio:httpTimeoutSeconds", "TWILIO_HTTP_TIMEOUT_SECONDS")
    in_flight = setting("twilio:maxInFlight", "TWILIO_MAX_IN_FLIGHT")
    if api_key or api_secret:
        if not (sid and api_key and api_secret) or not api_key.startswith("SK"):
            raise MissingCredentials(
                "a Main API key needs twilio:accountSid (the parent, AC...), twilio:apiKey (the key's SID, SK...) "
                "and the secret twilio:apiSecret: `pulumi config set twilio:apiKey SK...` and "
                "`pulumi config set --secret twilio:apiSecret ...`")
        return Credentials(sid, api_secret, base_url, float(timeout) if timeout else DEFAULT_TIMEOUT_S,
                           int(in_flight) if in_flight else None, api_key=api_key)
    if not sid or not token:
        missing = [name for name, value in (("twilio:accountSid", sid), ("twilio:authToken", token)) if not value]
        raise MissingCredentials(
            f"Twilio credentials are missing ({', '.join(missing)}): run `pulumi config set twilio:accountSid AC...` "
            "and `pulumi config set --secret twilio:authToken ...`, or set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
    return Credentials(sid, token, base_url, float(timeout) if timeout else DEFAULT_TIMEOUT_S,
                       int(in_flight) if in_flight else None)
