"""Messaging v1 routes on messaging.twilio.com. None of them opens to a Restricted key (the stand-in grants no
messaging-management permission), so each route's permission is None."""
from __future__ import annotations

from collections.abc import Callable

from ..core.http import Call, Response
from . import responses as m

HOST = m.HOST
Handler = Callable[[Call], Response]
_SID = r"(?P<sid>{prefix}[0-9a-f]{{32}})"

_SERVICE = r"/v1/Services/(?P<service>MG[0-9a-f]{32})"
ROUTES: list[tuple[str, dict[str, tuple[Handler, str | None]]]] = [
    (r"/v1/Services", {"GET": (m.list_services, None), "POST": (m.create_service, None)}),
    (r"/v1/Services/" + _SID.format(prefix="MG"),
     {"GET": (m.fetch_service, None), "POST": (m.update_service, None), "DELETE": (m.delete_service, None)}),
    (_SERVICE + r"/PhoneNumbers", {"GET": (m.list_service_numbers, None), "POST": (m.add_service_number, None)}),
    (_SERVICE + r"/PhoneNumbers/" + _SID.format(prefix="PN"),
     {"GET": (m.fetch_service_number, None), "DELETE": (m.remove_service_number, None)}),
    (_SERVICE + r"/AlphaSenders", {"GET": (m.list_alpha_senders, None), "POST": (m.add_alpha_sender, None)}),
    (_SERVICE + r"/AlphaSenders/" + _SID.format(prefix="AI"),
     {"GET": (m.fetch_alpha_sender, None), "DELETE": (m.remove_alpha_sender, None)}),
    (_SERVICE + r"/Compliance/Usa2p", {"GET": (m.list_campaigns, None), "POST": (m.create_campaign, None)}),
    (_SERVICE + r"/Compliance/Usa2p/" + _SID.format(prefix="QE"),
     {"GET": (m.fetch_campaign, None), "POST": (m.update_campaign, None), "DELETE": (m.delete_campaign, None)}),
    (r"/v1/a2p/BrandRegistrations", {"GET": (m.list_brands, None), "POST": (m.create_brand, None)}),
    (r"/v1/a2p/BrandRegistrations/" + _SID.format(prefix="BN"), {"GET": (m.fetch_brand, None), "POST": (m.resubmit_brand, None)}),
    (r"/v1/Tollfree/Verifications", {"GET": (m.list_tollfree, None), "POST": (m.create_tollfree, None)}),
    (r"/v1/Tollfree/Verifications/" + _SID.format(prefix="HH"),
     {"GET": (m.fetch_tollfree, None), "POST": (m.update_tollfree, None), "DELETE": (m.delete_tollfree, None)}),
]
