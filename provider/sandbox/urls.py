"""Routing: Twilio paths, per Twilio host, to the response functions that serve them."""
from __future__ import annotations

import re
from collections.abc import Callable

from . import credential_responses as c
from . import messaging_responses as m
from . import responses as r
from . import trusthub_responses as t
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
_IAM_SPECS: list[tuple[str, dict[str, Handler]]] = [
    (r"/v1/Keys", {"GET": c.iam_list_keys, "POST": c.iam_create_key}),
    (r"/v1/Keys/" + _SID.format(prefix="SK"), {"GET": c.iam_fetch_key, "POST": c.iam_update_key,
                                                "DELETE": c.iam_delete_key}),
]
_ACCOUNTS_SPECS: list[tuple[str, dict[str, Handler]]] = [
    (r"/v1/AuthTokens/Secondary", {"POST": c.create_secondary_token, "DELETE": c.delete_secondary_token}),
    (r"/v1/AuthTokens/Promote", {"POST": c.promote_secondary_token}),
]

_SERVICE = r"/v1/Services/(?P<service>MG[0-9a-f]{32})"
_MESSAGING_SPECS: list[tuple[str, dict[str, Handler]]] = [
    (r"/v1/Services", {"GET": m.list_services, "POST": m.create_service}),
    (r"/v1/Services/" + _SID.format(prefix="MG"),
     {"GET": m.fetch_service, "POST": m.update_service, "DELETE": m.delete_service}),
    (_SERVICE + r"/PhoneNumbers", {"GET": m.list_service_numbers, "POST": m.add_service_number}),
    (_SERVICE + r"/PhoneNumbers/" + _SID.format(prefix="PN"),
     {"GET": m.fetch_service_number, "DELETE": m.remove_service_number}),
    (_SERVICE + r"/Compliance/Usa2p", {"GET": m.list_campaigns, "POST": m.create_campaign}),
    (_SERVICE + r"/Compliance/Usa2p/" + _SID.format(prefix="QE"),
     {"GET": m.fetch_campaign, "POST": m.update_campaign, "DELETE": m.delete_campaign}),
    (r"/v1/a2p/BrandRegistrations", {"GET": m.list_brands, "POST": m.create_brand}),
    (r"/v1/a2p/BrandRegistrations/" + _SID.format(prefix="BN"), {"GET": m.fetch_brand, "POST": m.resubmit_brand}),
    (r"/v1/Tollfree/Verifications", {"GET": m.list_tollfree, "POST": m.create_tollfree}),
    (r"/v1/Tollfree/Verifications/" + _SID.format(prefix="HH"),
     {"GET": m.fetch_tollfree, "POST": m.update_tollfree, "DELETE": m.delete_tollfree}),
]
_BUNDLE = r"/v1/(?:CustomerProfiles|TrustProducts)"
_TRUSTHUB_SPECS: list[tuple[str, dict[str, Handler]]] = [
    (_BUNDLE, {"GET": t.list_bundles, "POST": t.create_bundle}),
    (_BUNDLE + "/" + _SID.format(prefix="BU"),
     {"GET": t.fetch_bundle, "POST": t.update_bundle, "DELETE": t.delete_bundle}),
    (_BUNDLE + r"/(?P<bundle>BU[0-9a-f]{32})/EntityAssignments",
     {"GET": t.list_assignments, "POST": t.create_assignment}),
    (_BUNDLE + r"/(?P<bundle>BU[0-9a-f]{32})/EntityAssignments/" + _SID.format(prefix="BV"),
     {"GET": t.fetch_assignment, "DELETE": t.delete_assignment}),
    (_BUNDLE + r"/(?P<bundle>BU[0-9a-f]{32})/Evaluations", {"GET": t.list_evaluations, "POST": t.create_evaluation}),
    (_BUNDLE + r"/(?P<bundle>BU[0-9a-f]{32})/ChannelEndpointAssignments",
     {"GET": t.list_channel_endpoints, "POST": t.create_channel_endpoint}),
    (_BUNDLE + r"/(?P<bundle>BU[0-9a-f]{32})/ChannelEndpointAssignments/" + _SID.format(prefix="RA"),
     {"GET": t.fetch_channel_endpoint, "DELETE": t.delete_channel_endpoint}),
    (_BUNDLE + r"/(?P<bundle>BU[0-9a-f]{32})/Evaluations/" + _SID.format(prefix="EL"), {"GET": t.fetch_evaluation}),
    (r"/v1/(?:EndUsers|SupportingDocuments)", {"GET": t.list_items, "POST": t.create_item}),
    (r"/v1/EndUsers/" + _SID.format(prefix="IT"), {"GET": t.fetch_item, "POST": t.update_item,
                                                    "DELETE": t.delete_item}),
    (r"/v1/SupportingDocuments/" + _SID.format(prefix="RD"), {"GET": t.fetch_item, "POST": t.update_item,
                                                               "DELETE": t.delete_item}),
]


def _compiled(specs: list[tuple[str, dict[str, Handler]]]) -> list[tuple[re.Pattern[str], dict[str, Handler]]]:
    return [(re.compile(pattern + r"\Z"), methods) for pattern, methods in specs]


ROUTES = _compiled(_ROUTE_SPECS)

# Services kept as one folder each (moto's layout): a module with HOST and ROUTES, whose handlers carry the
# Restricted-key permission they need. A new Twilio API is its folder plus one line here.
SERVICES = (voice_v1,)
SERVICE_PERMISSIONS: dict[str, str] = {
    handler.__name__: permission for service in SERVICES for _, methods in service.ROUTES
    for handler, permission in methods.values()}

API_HOST = "api.twilio.com"
# One base URL serves every Twilio host: the client rewrites https://<product>.twilio.com and says which host it
# meant in X-Forwarded-Host (paths are kept as they are).
ROUTES_BY_HOST = {API_HOST: ROUTES, "iam.twilio.com": _compiled(_IAM_SPECS),
                  "accounts.twilio.com": _compiled(_ACCOUNTS_SPECS), "messaging.twilio.com": _compiled(_MESSAGING_SPECS),
                  "trusthub.twilio.com": _compiled(_TRUSTHUB_SPECS),
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
