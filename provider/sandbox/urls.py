"""Routing: Twilio paths, per Twilio host, to the response functions that serve them."""
from __future__ import annotations

import re
from collections.abc import Callable

from . import responses as r
from .accounts_v1 import urls as accounts_v1
from .iam_v1 import urls as iam_v1
from .messaging_v1 import urls as messaging_v1
from .trusthub_v1 import responses as t
from .trusthub_v1 import urls as trusthub_v1
from .voice_v1 import urls as voice_v1

_ACCOUNT = r"/2010-04-01/Accounts/(?P<account>AC[0-9a-f]{32})"
_SID = r"(?P<sid>{prefix}[0-9a-f]{{32}})"
_TYPE = r"(?P<type>Local|Mobile|TollFree)"

Handler = Callable[[r.Call], r.Response]

# (path regex, {method: handler}); first match wins, so fixed names come before SIDs.
_ROUTE_SPECS: list[tuple[str, dict[str, Handler]]] = [
    (r"/2010-04-01/Accounts\.json", {"GET": r.list_accounts, "POST": r.create_account}),
    (r"/2010-04-01/Accounts/" + _SID.format(prefix="AC") + r"\.json",
     {"GET": r.fetch_account, "POST": r.update_account}),
    (_ACCOUNT + r"/AvailablePhoneNumbers\.json", {"GET": r.available_countries}),
    (_ACCOUNT + r"/AvailablePhoneNumbers/(?P<country>[A-Z]{2})\.json", {"GET": r.available_country}),
    (_ACCOUNT + r"/AvailablePhoneNumbers/(?P<country>[A-Z]{2})/" + _TYPE + r"\.json", {"GET": r.available_numbers}),
    (_ACCOUNT + r"/IncomingPhoneNumbers\.json", {"GET": r.list_numbers, "POST": r.buy_number}),
    (_ACCOUNT + r"/IncomingPhoneNumbers/" + _TYPE + r"\.json", {"GET": r.list_numbers, "POST": r.buy_number}),
    (_ACCOUNT + r"/IncomingPhoneNumbers/" + _SID.format(prefix="PN") + r"\.json",
     {"GET": r.fetch_number, "POST": r.update_number, "DELETE": r.release_number}),
    (_ACCOUNT + r"/Keys\.json", {"GET": r.list_keys, "POST": r.create_key}),
    (_ACCOUNT + r"/Keys/" + _SID.format(prefix="SK") + r"\.json",
     {"GET": r.fetch_key, "POST": r.update_key, "DELETE": r.delete_key}),
    (_ACCOUNT + r"/Addresses\.json", {"GET": t.list_addresses, "POST": t.create_address}),
    (_ACCOUNT + r"/Addresses/" + _SID.format(prefix="AD") + r"\.json",
     {"GET": t.fetch_address, "DELETE": t.delete_address}),
    (_ACCOUNT + r"/Usage/Records(?:/(?P<kind>Daily|Monthly|Yearly|AllTime|LastMonth|ThisMonth|Today|Yesterday))?\.json",
     {"GET": r.usage_records}),
    (_ACCOUNT + r"/Usage/Triggers\.json", {"GET": r.list_triggers, "POST": r.create_trigger}),
    (_ACCOUNT + r"/Usage/Triggers/" + _SID.format(prefix="UT") + r"\.json",
     {"GET": r.fetch_trigger, "POST": r.update_trigger, "DELETE": r.delete_trigger}),
]


def _compiled(specs: list[tuple[str, dict[str, Handler]]]) -> list[tuple[re.Pattern[str], dict[str, Handler]]]:
    return [(re.compile(pattern + r"\Z"), methods) for pattern, methods in specs]


ROUTES = _compiled(_ROUTE_SPECS)

# Services kept as one folder each (moto's layout): a module with HOST and ROUTES, whose handlers carry the
# Restricted-key permission they need. A new Twilio API is its folder plus one line here.
SERVICES = (iam_v1, accounts_v1, messaging_v1, trusthub_v1, voice_v1)
SERVICE_PERMISSIONS: dict[str, str] = {
    handler.__name__: permission for service in SERVICES for _, methods in service.ROUTES
    for handler, permission in methods.values() if permission}

API_HOST = "api.twilio.com"
# One base URL serves every Twilio host: the client rewrites https://<product>.twilio.com and says which host it
# meant in X-Forwarded-Host (paths are kept as they are).
ROUTES_BY_HOST = {API_HOST: ROUTES,
                  **{service.HOST: _compiled([(pattern, {method: handler for method, (handler, _) in methods.items()})
                                              for pattern, methods in service.ROUTES]) for service in SERVICES}}
SERVED_HOSTS = tuple(sorted(ROUTES_BY_HOST))


def resolve(path: str, host: str = API_HOST) -> tuple[dict[str, Handler], dict[str, str]] | None:
    """The handlers for the path (on that Twilio host) and its named parts, or None for an unknown one."""
    for pattern, methods in ROUTES_BY_HOST.get(host, []):
        match = pattern.match(path)
        if match:
            return methods, {k: v for k, v in match.groupdict().items() if v is not None}
    return None
