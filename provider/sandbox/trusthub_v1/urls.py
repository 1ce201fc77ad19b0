"""Trust Hub v1 routes on trusthub.twilio.com (customer profiles, trust products, what they hold). None opens to a
Restricted key, so each route's permission is None."""
from __future__ import annotations

from collections.abc import Callable

from ..core.http import Call, Response
from . import responses as t

HOST = t.HOST
Handler = Callable[[Call], Response]
_SID = r"(?P<sid>{prefix}[0-9a-f]{{32}})"

_BUNDLE = r"/v1/(?:CustomerProfiles|TrustProducts)"
ROUTES: list[tuple[str, dict[str, tuple[Handler, str | None]]]] = [
    (_BUNDLE, {"GET": (t.list_bundles, None), "POST": (t.create_bundle, None)}),
    (_BUNDLE + "/" + _SID.format(prefix="BU"),
     {"GET": (t.fetch_bundle, None), "POST": (t.update_bundle, None), "DELETE": (t.delete_bundle, None)}),
    (_BUNDLE + r"/(?P<bundle>BU[0-9a-f]{32})/EntityAssignments",
     {"GET": (t.list_assignments, None), "POST": (t.create_assignment, None)}),
    (_BUNDLE + r"/(?P<bundle>BU[0-9a-f]{32})/EntityAssignments/" + _SID.format(prefix="BV"),
     {"GET": (t.fetch_assignment, None), "DELETE": (t.delete_assignment, None)}),
    (_BUNDLE + r"/(?P<bundle>BU[0-9a-f]{32})/Evaluations", {"GET": (t.list_evaluations, None), "POST": (t.create_evaluation, None)}),
    (_BUNDLE + r"/(?P<bundle>BU[0-9a-f]{32})/ChannelEndpointAssignments",
     {"GET": (t.list_channel_endpoints, None), "POST": (t.create_channel_endpoint, None)}),
    (_BUNDLE + r"/(?P<bundle>BU[0-9a-f]{32})/ChannelEndpointAssignments/" + _SID.format(prefix="RA"),
     {"GET": (t.fetch_channel_endpoint, None), "DELETE": (t.delete_channel_endpoint, None)}),
    (_BUNDLE + r"/(?P<bundle>BU[0-9a-f]{32})/Evaluations/" + _SID.format(prefix="EL"), {"GET": (t.fetch_evaluation, None)}),
    (r"/v1/(?:EndUsers|SupportingDocuments)", {"GET": (t.list_items, None), "POST": (t.create_item, None)}),
    (r"/v1/EndUsers/" + _SID.format(prefix="IT"), {"GET": (t.fetch_item, None), "POST": (t.update_item, None),
                                                    "DELETE": (t.delete_item, None)}),
    (r"/v1/SupportingDocuments/" + _SID.format(prefix="RD"), {"GET": (t.fetch_item, None), "POST": (t.update_item, None),
                                                               "DELETE": (t.delete_item, None)}),
]
