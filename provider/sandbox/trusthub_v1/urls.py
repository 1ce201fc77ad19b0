"""Trust Hub v1 routes on trusthub.twilio.com (customer profiles, trust products, what they hold). None opens to a
Restricted key, so each route's permission is None."""
from __future__ import annotations

from ..core.http import Routes, sid_segment
from . import responses as t

HOST = t.HOST

_BUNDLE = r"/v1/(?:CustomerProfiles|TrustProducts)"
_IN_BUNDLE = _BUNDLE + "/" + sid_segment("BU", "bundle")
ROUTES: Routes = [
    (_BUNDLE, {"GET": (t.list_bundles, None), "POST": (t.create_bundle, None)}),
    (_BUNDLE + "/" + sid_segment("BU"),
     {"GET": (t.fetch_bundle, None), "POST": (t.update_bundle, None), "DELETE": (t.delete_bundle, None)}),
    (_IN_BUNDLE + r"/EntityAssignments",
     {"GET": (t.list_assignments, None), "POST": (t.create_assignment, None)}),
    (_IN_BUNDLE + r"/EntityAssignments/" + sid_segment("BV"),
     {"GET": (t.fetch_assignment, None), "DELETE": (t.delete_assignment, None)}),
    (_IN_BUNDLE + r"/Evaluations", {"GET": (t.list_evaluations, None), "POST": (t.create_evaluation, None)}),
    (_IN_BUNDLE + r"/ChannelEndpointAssignments",
     {"GET": (t.list_channel_endpoints, None), "POST": (t.create_channel_endpoint, None)}),
    (_IN_BUNDLE + r"/ChannelEndpointAssignments/" + sid_segment("RA"),
     {"GET": (t.fetch_channel_endpoint, None), "DELETE": (t.delete_channel_endpoint, None)}),
    (_IN_BUNDLE + r"/Evaluations/" + sid_segment("EL"), {"GET": (t.fetch_evaluation, None)}),
    (r"/v1/(?:EndUsers|SupportingDocuments)", {"GET": (t.list_items, None), "POST": (t.create_item, None)}),
    (r"/v1/EndUsers/" + sid_segment("IT"), {"GET": (t.fetch_item, None), "POST": (t.update_item, None),
                                            "DELETE": (t.delete_item, None)}),
    (r"/v1/SupportingDocuments/" + sid_segment("RD"), {"GET": (t.fetch_item, None), "POST": (t.update_item, None),
                                                       "DELETE": (t.delete_item, None)}),
]
