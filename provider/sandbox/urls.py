"""Routing: Twilio paths, per Twilio host, to the response functions that serve them."""
from __future__ import annotations

import re
from typing import Callable, Optional

from . import credential_responses as c
from . import responses as r

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
    (_ACCOUNT + r"/Usage/Records(?:/(?P<kind>Daily|Monthly|Yearly|AllTime|LastMonth|ThisMonth|Today|Yesterday))?\.json",
     {"GET": r.usage_records}),
    (_ACCOUNT + r"/Usage/Triggers\.json", {"GET": r.list_triggers, "POST": r.create_trigger}),
    (_ACCOUNT + r"/Usage/Triggers/" + _SID.format(prefix="UT") + r"\.json",
     {"GET": r.fetch_trigger, "POST": r.update_trigger, "DELETE": r.delete_trigger}),
]
_IAM_SPECS: list[tuple[str, dict[str, Handler]]] = [
    (r"/v1/Keys", {"GET": c.iam_list_keys, "POST": c.iam_create_key}),
    (r"/v1/Keys/" + _SID.format(prefix="SK"), {"GET": c.iam_fetch_key, "POST": c.iam_update_key,
                                                "DELETE": c.iam_delete_key}),
]
_ACCOUNTS_SPECS: list[tuple[str, dict[str, Handler]]] = [
    (r"/v1/AuthTokens/Secondary", {"POST": c.create_secondary_token, "DELETE": c.delete_secondary_token}),
    (r"/v1/AuthTokens/Promote", {"POST": c.promote_secondary_token}),
]


def _compiled(specs: list[tuple[str, dict[str, Handler]]]) -> list[tuple[re.Pattern[str], dict[str, Handler]]]:
    return [(re.compile(pattern + r"\Z"), methods) for pattern, methods in specs]


ROUTES = _compiled(_ROUTE_SPECS)

API_HOST = "api.twilio.com"
# One base URL serves every Twilio host: the client rewrites https://<product>.twilio.com and says which host it
# meant in X-Forwarded-Host (paths are kept as they are).
ROUTES_BY_HOST = {API_HOST: ROUTES, "iam.twilio.com": _compiled(_IAM_SPECS),
                  "accounts.twilio.com": _compiled(_ACCOUNTS_SPECS)}
SERVED_HOSTS = tuple(sorted(ROUTES_BY_HOST))


def resolve(path: str, host: str = API_HOST) -> Optional[tuple[dict[str, Handler], dict[str, str]]]:
    """The handlers for the path (on that Twilio host) and its named parts, or None for an unknown one."""
    for pattern, methods in ROUTES_BY_HOST.get(host, []):
        match = pattern.match(path)
        if match:
            return methods, {k: v for k, v in match.groupdict().items() if v is not None}
    return None
