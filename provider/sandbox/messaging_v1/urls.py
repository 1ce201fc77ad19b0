"""Messaging v1 routes on messaging.twilio.com. None of them opens to a Restricted key (the stand-in grants no
messaging-management permission), so each route's permission is None."""
from __future__ import annotations

from ..core.http import Routes, sid_segment
from . import responses as m

HOST = m.HOST

_SERVICE = r"/v1/Services/" + sid_segment("MG", "service")
ROUTES: Routes = [
    (r"/v1/Services", {"GET": (m.list_services, None), "POST": (m.create_service, None)}),
    (r"/v1/Services/" + sid_segment("MG"),
     {"GET": (m.fetch_service, None), "POST": (m.update_service, None), "DELETE": (m.delete_service, None)}),
    (_SERVICE + r"/PhoneNumbers", {"GET": (m.list_service_numbers, None), "POST": (m.add_service_number, None)}),
    (_SERVICE + r"/PhoneNumbers/" + sid_segment("PN"),
     {"GET": (m.fetch_service_number, None), "DELETE": (m.remove_service_number, None)}),
    (_SERVICE + r"/AlphaSenders", {"GET": (m.list_alpha_senders, None), "POST": (m.add_alpha_sender, None)}),
    (_SERVICE + r"/AlphaSenders/" + sid_segment("AI"),
     {"GET": (m.fetch_alpha_sender, None), "DELETE": (m.remove_alpha_sender, None)}),
    (_SERVICE + r"/Compliance/Usa2p", {"GET": (m.list_campaigns, None), "POST": (m.create_campaign, None)}),
    (_SERVICE + r"/Compliance/Usa2p/" + sid_segment("QE"),
     {"GET": (m.fetch_campaign, None), "POST": (m.update_campaign, None), "DELETE": (m.delete_campaign, None)}),
    (r"/v1/a2p/BrandRegistrations", {"GET": (m.list_brands, None), "POST": (m.create_brand, None)}),
    (r"/v1/a2p/BrandRegistrations/" + sid_segment("BN"), {"GET": (m.fetch_brand, None), "POST": (m.resubmit_brand, None)}),
    (r"/v1/Tollfree/Verifications", {"GET": (m.list_tollfree, None), "POST": (m.create_tollfree, None)}),
    (r"/v1/Tollfree/Verifications/" + sid_segment("HH"),
     {"GET": (m.fetch_tollfree, None), "POST": (m.update_tollfree, None), "DELETE": (m.delete_tollfree, None)}),
]
