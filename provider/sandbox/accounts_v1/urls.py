"""Accounts v1 routes on accounts.twilio.com: auth-token rotation, account administration (no Restricted key
reaches it, see `permissions.ACCOUNT_ADMIN`)."""
from __future__ import annotations

from . import responses as c

HOST = c.HOST
ROUTES = [
    (r"/v1/AuthTokens/Secondary", {"POST": (c.create_secondary_token, None), "DELETE": (c.delete_secondary_token,
                                                                                        None)}),
    (r"/v1/AuthTokens/Promote", {"POST": (c.promote_secondary_token, None)}),
]
