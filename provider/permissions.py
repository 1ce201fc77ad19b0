"""The Twilio permissions a Restricted key in a tenant file may be granted: the list the project keeps.

Names follow Twilio's documented form `/twilio/<product>/<resource>/<action>` (the IAM v1 example grants
`/twilio/messaging/messages/read`). Twilio refuses a policy naming anything else; so does validation, before any
call. Add a permission here when the CRM needs it and Twilio documents it.
"""
from __future__ import annotations

_CRUD = ("create", "read", "update", "delete")

KNOWN_PERMISSIONS: frozenset[str] = frozenset(
    [f"/twilio/messaging/messages/{a}" for a in _CRUD]
    + [f"/twilio/voice/calls/{a}" for a in _CRUD]
    + [f"/twilio/phone-numbers/incoming-phone-numbers/{a}" for a in _CRUD]
    + ["/twilio/phone-numbers/available-phone-numbers/read", "/twilio/usage/records/read"]
    + [f"/twilio/usage/triggers/{a}" for a in _CRUD]
)
