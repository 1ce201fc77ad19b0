"""Twilio's permission names for Restricted keys (each route names the one it needs, in its folder's urls.py)."""
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
AVAILABLE_NUMBERS_READ = "/twilio/phone-numbers/available-phone-numbers/read"
NUMBERS_READ, NUMBERS_CREATE = f"{_NUMBERS}/read", f"{_NUMBERS}/create"
NUMBERS_UPDATE, NUMBERS_DELETE = f"{_NUMBERS}/update", f"{_NUMBERS}/delete"
USAGE_RECORDS_READ = "/twilio/usage/records/read"
TRIGGERS_READ, TRIGGERS_CREATE = f"{_TRIGGERS}/read", f"{_TRIGGERS}/create"
TRIGGERS_UPDATE, TRIGGERS_DELETE = f"{_TRIGGERS}/update", f"{_TRIGGERS}/delete"
SERVED = frozenset({AVAILABLE_NUMBERS_READ, NUMBERS_READ, NUMBERS_CREATE, NUMBERS_UPDATE, NUMBERS_DELETE,
                    USAGE_RECORDS_READ, TRIGGERS_READ, TRIGGERS_CREATE, TRIGGERS_UPDATE, TRIGGERS_DELETE})

# Every permission a policy may name: the ones above plus products the stand-in does not serve yet (a key for the
# CRM sends messages and places calls). A policy naming anything else is refused, as Twilio refuses it.
GRANTABLE = SERVED | frozenset({
    f"/twilio/messaging/messages/{action}" for action in ("create", "read", "update", "delete")
}) | frozenset({f"/twilio/voice/calls/{action}" for action in ("create", "read", "update", "delete")}) | frozenset({
    "/twilio/voice/dialing-permissions/read", "/twilio/voice/dialing-permissions/update"})

MAX_POLICY_PERMISSIONS = 100
