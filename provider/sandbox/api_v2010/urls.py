"""REST API 2010-04-01 routes on api.twilio.com, each with the Restricted-key permission it needs (None: account
administration, which Restricted keys never reach; see `permissions.ACCOUNT_ADMIN`)."""
from __future__ import annotations

from .. import permissions as p
from ..core.http import Handler, Routes, sid_segment
from . import responses as r

HOST = "api.twilio.com"
_ACCOUNT = r"/2010-04-01/Accounts/" + sid_segment("AC", "account")
_TYPE = r"(?P<type>Local|Mobile|TollFree)"
_NUMBERS: dict[str, tuple[Handler, str | None]] = {"GET": (r.list_numbers, p.NUMBERS_READ), "POST": (r.buy_number, p.NUMBERS_CREATE)}
_AVAILABLE = p.AVAILABLE_NUMBERS_READ

# (path regex, {method: (handler, permission)}); first match wins, so fixed names come before SIDs.
ROUTES: Routes = [
    (r"/2010-04-01/Accounts\.json", {"GET": (r.list_accounts, None), "POST": (r.create_account, None)}),
    (r"/2010-04-01/Accounts/" + sid_segment("AC") + r"\.json",
     {"GET": (r.fetch_account, None), "POST": (r.update_account, None)}),
    (_ACCOUNT + r"/AvailablePhoneNumbers\.json", {"GET": (r.available_countries, _AVAILABLE)}),
    (_ACCOUNT + r"/AvailablePhoneNumbers/(?P<country>[A-Z]{2})\.json", {"GET": (r.available_country, _AVAILABLE)}),
    (_ACCOUNT + r"/AvailablePhoneNumbers/(?P<country>[A-Z]{2})/" + _TYPE + r"\.json",
     {"GET": (r.available_numbers, _AVAILABLE)}),
    (_ACCOUNT + r"/IncomingPhoneNumbers\.json", _NUMBERS),
    (_ACCOUNT + r"/IncomingPhoneNumbers/" + _TYPE + r"\.json", _NUMBERS),
    (_ACCOUNT + r"/IncomingPhoneNumbers/" + sid_segment("PN") + r"\.json",
     {"GET": (r.fetch_number, p.NUMBERS_READ), "POST": (r.update_number, p.NUMBERS_UPDATE),
      "DELETE": (r.release_number, p.NUMBERS_DELETE)}),
    (_ACCOUNT + r"/Keys\.json", {"GET": (r.list_keys, None), "POST": (r.create_key, None)}),
    (_ACCOUNT + r"/Keys/" + sid_segment("SK") + r"\.json",
     {"GET": (r.fetch_key, None), "POST": (r.update_key, None), "DELETE": (r.delete_key, None)}),
    (_ACCOUNT + r"/Addresses\.json", {"GET": (r.list_addresses, None), "POST": (r.create_address, None)}),
    (_ACCOUNT + r"/Addresses/" + sid_segment("AD") + r"\.json",
     {"GET": (r.fetch_address, None), "DELETE": (r.delete_address, None)}),
    (_ACCOUNT + r"/Usage/Records(?:/(?P<kind>Daily|Monthly|Yearly|AllTime|LastMonth|ThisMonth|Today|Yesterday))?"
     r"\.json", {"GET": (r.usage_records, p.USAGE_RECORDS_READ)}),
    (_ACCOUNT + r"/Usage/Triggers\.json",
     {"GET": (r.list_triggers, p.TRIGGERS_READ), "POST": (r.create_trigger, p.TRIGGERS_CREATE)}),
    (_ACCOUNT + r"/Usage/Triggers/" + sid_segment("UT") + r"\.json",
     {"GET": (r.fetch_trigger, p.TRIGGERS_READ), "POST": (r.update_trigger, p.TRIGGERS_UPDATE),
      "DELETE": (r.delete_trigger, p.TRIGGERS_DELETE)}),
]
