"""Twilio's permission names for Restricted keys, and the endpoints each one opens (by stand-in handler name)."""
from __future__ import annotations

# Endpoints for account credentials and Main keys only (handler names).
ACCOUNT_ADMIN = frozenset({
    "list_accounts", "create_account", "fetch_account", "update_account",
    "list_keys", "create_key", "fetch_key", "update_key", "delete_key",
    "iam_list_keys", "iam_create_key", "iam_fetch_key", "iam_update_key", "iam_delete_key",
    "create_secondary_token", "delete_secondary_token", "promote_secondary_token",
})

_NUMBERS = "/twilio/phone-numbers/incoming-phone-numbers"
_TRIGGERS = "/twilio/usage/triggers"
# The permission a Restricted key needs for each endpoint the stand-in serves (handler name -> permission).
PERMISSION_FOR = {
    "available_countries": "/twilio/phone-numbers/available-phone-numbers/read",
    "available_country": "/twilio/phone-numbers/available-phone-numbers/read",
    "available_numbers": "/twilio/phone-numbers/available-phone-numbers/read",
    "list_numbers": f"{_NUMBERS}/read",
    "fetch_number": f"{_NUMBERS}/read",
    "buy_number": f"{_NUMBERS}/create",
    "update_number": f"{_NUMBERS}/update",
    "release_number": f"{_NUMBERS}/delete",
    "usage_records": "/twilio/usage/records/read",
    "list_triggers": f"{_TRIGGERS}/read",
    "fetch_trigger": f"{_TRIGGERS}/read",
    "create_trigger": f"{_TRIGGERS}/create",
    "update_trigger": f"{_TRIGGERS}/update",
    "delete_trigger": f"{_TRIGGERS}/delete",
}

# Every permission a policy may name: the ones above plus products the stand-in does not serve yet (a key for the
# CRM sends messages and places calls). A policy naming anything else is refused, as Twilio refuses it.
GRANTABLE = frozenset(PERMISSION_FOR.values()) | frozenset({
    f"/twilio/messaging/messages/{action}" for action in ("create", "read", "update", "delete")
}) | frozenset({f"/twilio/voice/calls/{action}" for action in ("create", "read", "update", "delete")}) | frozenset({
    "/twilio/voice/dialing-permissions/read", "/twilio/voice/dialing-permissions/update"})

MAX_POLICY_PERMISSIONS = 100
