"""Voice v1 routes on voice.twilio.com, each with the Restricted-key permission it needs beside it."""
from __future__ import annotations

from . import responses as v

HOST = v.HOST
_PERMISSION = "/twilio/voice/dialing-permissions"
# (path regex, {method: (handler, permission)})
ROUTES = [
    (r"/v1/DialingPermissions/Countries", {"GET": (v.list_countries, f"{_PERMISSION}/read")}),
    (r"/v1/DialingPermissions/Countries/(?P<iso>[A-Z]{2})", {"GET": (v.fetch_country, f"{_PERMISSION}/read")}),
    (r"/v1/DialingPermissions/BulkCountryUpdates", {"POST": (v.bulk_update, f"{_PERMISSION}/update")}),
    (r"/v1/Settings", {"GET": (v.fetch_settings, f"{_PERMISSION}/read"),
                       "POST": (v.update_settings, f"{_PERMISSION}/update")}),
]
