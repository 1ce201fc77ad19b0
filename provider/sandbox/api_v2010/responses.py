"""REST API 2010-04-01 on the wire: its parameters in, Twilio's JSON for accounts, numbers, keys, triggers and
usage records out, in its paging envelope."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .. import inventory, usage
from ..core.errors import InvalidParameter, NotFound
from ..core.http import API, Call, Params, Response, bool_param, page, rfc2822
from ..inventory import NumberInfo
from .addresses import Address
from .models import Account, ApiKey, IncomingNumber, UsageRecord, UsageTrigger

if TYPE_CHECKING:
    from ..backend import TwilioBackend


def account_json(a: Account) -> dict[str, Any]:
    base = f"{API}/Accounts/{a.sid}"
    subresources = ("available_phone_numbers", "calls", "conferences", "incoming_phone_numbers", "notifications",
                    "outgoing_caller_ids", "recordings", "transcriptions", "addresses", "signing_keys",
                    "connect_apps", "sip", "authorized_connect_apps", "usage", "keys", "applications",
                    "short_codes", "queues", "messages", "balance")
    names = {"available_phone_numbers": "AvailablePhoneNumbers", "incoming_phone_numbers": "IncomingPhoneNumbers",
             "outgoing_caller_ids": "OutgoingCallerIds", "signing_keys": "SigningKeys", "connect_apps": "ConnectApps",
             "sip": "SIP", "authorized_connect_apps": "AuthorizedConnectApps", "short_codes": "SMS/ShortCodes"}
    return {
        "auth_token": a.auth_token,
        "date_created": rfc2822(a.date_created),
        "date_updated": rfc2822(a.date_updated),
        "friendly_name": a.friendly_name,
        "owner_account_sid": a.owner_account_sid,
        "sid": a.sid,
        "status": a.status,
        "subresource_uris": {s: f"{base}/{names.get(s, s.capitalize())}.json" for s in subresources},
        "type": "Full",
        "uri": f"{base}.json",
    }


def number_json(n: IncomingNumber, backend: TwilioBackend | None = None) -> dict[str, Any]:
    """`backend` gives the emergency address's registration status on its clock (without: as last settled)."""
    def url(value: str) -> str | None:
        return value or None
    emergency_status = backend.v2010.emergency_address_status(n) if backend is not None else (
        "registered" if n.emergency_address_sid else "unregistered")
    return {
        "account_sid": n.account_sid,
        "address_requirements": "none",
        "address_sid": None,
        "api_version": "2010-04-01",
        "beta": False,
        "capabilities": dict(n.capabilities),
        "date_created": rfc2822(n.date_created),
        "date_updated": rfc2822(n.date_updated),
        "emergency_status": n.emergency_status,
        "emergency_address_sid": n.emergency_address_sid or None,
        "emergency_address_status": emergency_status,
        "friendly_name": n.friendly_name,
        "identity_sid": None,
        "origin": "twilio",
        "phone_number": n.phone_number,
        "sid": n.sid,
        "sms_application_sid": None,
        "sms_fallback_method": n.sms_fallback_method,
        "sms_fallback_url": url(n.sms_fallback_url),
        "sms_method": n.sms_method,
        "sms_url": url(n.sms_url),
        "status_callback": url(n.status_callback),
        "status_callback_method": n.status_callback_method,
        "trunk_sid": None,
        "uri": f"{API}/Accounts/{n.account_sid}/IncomingPhoneNumbers/{n.sid}.json",
        "voice_application_sid": None,
        "voice_caller_id_lookup": False,
        "voice_fallback_method": n.voice_fallback_method,
        "voice_fallback_url": url(n.voice_fallback_url),
        "voice_method": n.voice_method,
        "voice_url": url(n.voice_url),
        "voice_receive_mode": "voice",
        "status": "in-use",
        "bundle_sid": None,
        "type": n.number_type.replace("_", "-"),
    }


def available_json(info: NumberInfo) -> dict[str, Any]:
    block = info.block
    return {
        "friendly_name": info.friendly_name,
        "phone_number": info.phone_number,
        "lata": None,
        "locality": block.locality,
        "rate_center": block.locality.upper() if block.locality else None,
        "latitude": block.lat,
        "longitude": block.lon,
        "region": block.region,
        "postal_code": block.postal_code,
        "iso_country": block.country,
        "address_requirements": "none",
        "beta": False,
        "capabilities": dict(info.capabilities),
    }


def key_json(k: ApiKey, with_secret: bool = False) -> dict[str, Any]:
    body = {"sid": k.sid, "friendly_name": k.friendly_name, "date_created": rfc2822(k.date_created),
            "date_updated": rfc2822(k.date_updated)}
    if with_secret:
        body["secret"] = k.secret
    return body


def trigger_json(t: UsageTrigger) -> dict[str, Any]:
    return {
        "account_sid": t.account_sid,
        "api_version": "2010-04-01",
        "callback_method": t.callback_method,
        "callback_url": t.callback_url,
        "current_value": "0",
        "date_created": rfc2822(t.date_created),
        "date_fired": None,
        "date_updated": rfc2822(t.date_updated),
        "friendly_name": t.friendly_name,
        "recurring": t.recurring,
        "sid": t.sid,
        "trigger_by": t.trigger_by,
        "trigger_value": t.trigger_value,
        "uri": f"{API}/Accounts/{t.account_sid}/Usage/Triggers/{t.sid}.json",
        "usage_category": t.usage_category,
        "usage_record_uri": f"{API}/Accounts/{t.account_sid}/Usage/Records.json?Category={t.usage_category}",
    }


def record_json(account_sid: str, r: UsageRecord, as_of: datetime) -> dict[str, Any]:
    description, count_unit, usage_unit = usage.CATEGORIES[r.category]
    base = f"{API}/Accounts/{account_sid}/Usage/Records"
    query = f"?Category={r.category}"
    return {
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "as_of": as_of.isoformat(),
        "category": r.category,
        "count": str(r.amount.count),
        "count_unit": count_unit,
        "description": description,
        "end_date": r.end.isoformat(),
        "price": str(r.amount.price),
        "price_unit": "usd",
        "start_date": r.start.isoformat(),
        "subresource_uris": {name: f"{base}/{path}.json{query}" for name, path in (
            ("all_time", "AllTime"), ("daily", "Daily"), ("last_month", "LastMonth"), ("monthly", "Monthly"),
            ("this_month", "ThisMonth"), ("today", "Today"), ("yearly", "Yearly"), ("yesterday", "Yesterday"))},
        "uri": f"{base}.json{query}&StartDate={r.start.isoformat()}&EndDate={r.end.isoformat()}",
        "usage": str(r.amount.usage),
        "usage_unit": usage_unit,
    }


# ---- accounts ----------------------------------------------------------------------------------------
def create_account(call: Call) -> Response:
    name = call.params.get("FriendlyName")
    call.params.reject_unknown()
    return 201, account_json(call.backend.v2010.create_subaccount(call.principal, name))


def list_accounts(call: Call) -> Response:
    accounts = call.backend.v2010.list_accounts(call.principal, call.params.get("FriendlyName"), call.params.get("Status"))
    return page(call, "accounts", accounts, account_json, call.params.filters("FriendlyName", "Status"))


def fetch_account(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, account_json(call.backend.v2010.fetch_account(call.principal, call.args["sid"]))


def update_account(call: Call) -> Response:
    name, status = call.params.get("FriendlyName"), call.params.get("Status")
    call.params.reject_unknown()
    return 200, account_json(call.backend.v2010.update_account(call.principal, call.args["sid"], name, status))


# ---- available numbers -------------------------------------------------------------------------------
_TYPES = {"Local": "local", "Mobile": "mobile", "TollFree": "toll_free"}
_SEARCH_IGNORED = ("ExcludeAllAddressRequired", "ExcludeLocalAddressRequired", "ExcludeForeignAddressRequired",
                   "Beta", "FaxEnabled", "NearNumber", "NearLatLong", "Distance", "InPostalCode", "InRegion",
                   "InRateCenter", "InLata", "InLocality", "Page", "PageToken")


COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany", "NO": "Norway"}
_TYPE_PATHS = {"local": "Local", "mobile": "Mobile", "toll_free": "TollFree"}


def _country_json(account_sid: str, country: str) -> dict[str, Any]:
    base = f"{API}/Accounts/{account_sid}/AvailablePhoneNumbers/{country}"
    types = sorted({b.number_type for b in inventory.BLOCKS if b.country == country})
    return {"country_code": country, "country": COUNTRY_NAMES.get(country, country), "uri": f"{base}.json",
            "beta": False,
            "subresource_uris": {t: f"{base}/{_TYPE_PATHS[t]}.json" for t in types}}


def available_countries(call: Call) -> Response:
    """AvailablePhoneNumbers.json: the countries numbers can be searched in (one page, as Twilio answers)."""
    account = call.account()
    call.params.int("PageSize", 50, 1, 1000)
    call.params.reject_unknown()
    return 200, {"countries": [_country_json(account.sid, c) for c in inventory.countries()], "uri": call.path}


def available_country(call: Call) -> Response:
    account = call.account()
    call.params.reject_unknown()
    country = call.args["country"]
    if country not in inventory.countries():
        raise NotFound(call.path)
    return 200, _country_json(account.sid, country)


def available_numbers(call: Call) -> Response:
    call.account()
    p = call.params
    area_code, contains = p.get("AreaCode"), p.get("Contains")
    require = {cap: p.bool(name, False) for cap, name in
               (("sms", "SmsEnabled"), ("voice", "VoiceEnabled"), ("mms", "MmsEnabled"))}
    limit = p.int("PageSize", 50, 1, 1000)
    for name in _SEARCH_IGNORED:
        p.get(name)
    p.reject_unknown()
    found = call.backend.v2010.available_numbers(call.args["country"], _TYPES[call.args["type"]], area_code=area_code,
                                           contains=contains, require=require, limit=limit)
    # One page only, as at Twilio: a search answers with its best matches, never a cursor.
    return 200, {
        "available_phone_numbers": [available_json(i) for i in found], "uri": call.path, "page": 0,
        "page_size": limit, "start": 0, "end": max(len(found) - 1, 0), "first_page_uri": call.path,
        "next_page_uri": None, "previous_page_uri": None,
    }


# ---- incoming phone numbers --------------------------------------------------------------------------
_NUMBER_SETTINGS = {
    "FriendlyName": "friendly_name", "VoiceUrl": "voice_url", "VoiceMethod": "voice_method",
    "VoiceFallbackUrl": "voice_fallback_url", "VoiceFallbackMethod": "voice_fallback_method", "SmsUrl": "sms_url",
    "SmsMethod": "sms_method", "SmsFallbackUrl": "sms_fallback_url", "SmsFallbackMethod": "sms_fallback_method",
    "StatusCallback": "status_callback", "StatusCallbackMethod": "status_callback_method",
}


def _number_settings(params: Params) -> dict[str, str]:
    settings = {}
    for name, attr in _NUMBER_SETTINGS.items():
        value = params.get(name)
        if value is not None:
            settings[attr] = value
    return settings


def _typed_number_json(n: IncomingNumber, backend: TwilioBackend | None = None) -> dict[str, Any]:
    """The typed endpoints (IncomingPhoneNumbers/Local.json, …) answer without the `type` field."""
    body = number_json(n, backend)
    del body["type"]
    return body


def buy_number(call: Call) -> Response:
    account = call.account(write=True)
    phone_number, area_code = call.params.get("PhoneNumber"), call.params.get("AreaCode")
    address_sid, bundle_sid = call.params.get("AddressSid"), call.params.get("BundleSid")
    settings = _number_settings(call.params)
    call.params.reject_unknown()
    number_type = _TYPES.get(call.args.get("type", ""))
    number = call.backend.v2010.buy_number(account, phone_number=phone_number, area_code=area_code, settings=settings,
                                     number_type=number_type, address_sid=address_sid, bundle_sid=bundle_sid)
    return 201, (_typed_number_json if number_type else number_json)(number)


def list_numbers(call: Call) -> Response:
    account = call.account()
    number_type = _TYPES.get(call.args.get("type", ""))
    numbers = call.backend.v2010.list_numbers(account, phone_number=call.params.get("PhoneNumber"),
                                        friendly_name=call.params.get("FriendlyName"), number_type=number_type)
    call.params.get("Beta")
    call.params.get("Origin")
    render = _typed_number_json if number_type else number_json
    return page(call, "incoming_phone_numbers", numbers, lambda n: render(n, call.backend),
                call.params.filters("PhoneNumber", "FriendlyName"))


def fetch_number(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, number_json(call.backend.v2010.fetch_number(call.account(), call.args["sid"]), call.backend)


def update_number(call: Call) -> Response:
    account = call.account(write=True)
    settings = _number_settings(call.params)
    transfer_to = call.params.get("AccountSid")
    emergency = {attr: v for attr, name in (("emergency_address_sid", "EmergencyAddressSid"),
                                            ("emergency_status", "EmergencyStatus"))
                 if (v := call.params.get(name)) is not None}
    call.params.reject_unknown()
    number = call.backend.v2010.update_number(call.principal, account, call.args["sid"], settings, transfer_to, emergency)
    return 200, number_json(number, call.backend)


def release_number(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.v2010.release_number(call.account(write=True), call.args["sid"])
    return 204, None


# ---- keys --------------------------------------------------------------------------------------------
def create_key(call: Call) -> Response:
    name = call.params.get("FriendlyName")
    call.params.reject_unknown()
    return 201, key_json(call.backend.v2010.create_key(call.principal, call.account(write=True), name), with_secret=True)


def list_keys(call: Call) -> Response:
    keys = call.backend.v2010.list_keys(call.principal, call.account())
    return page(call, "keys", keys, key_json, {})


def fetch_key(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, key_json(call.backend.v2010.fetch_key(call.principal, call.account(), call.args["sid"]))


def update_key(call: Call) -> Response:
    name = call.params.get("FriendlyName")
    call.params.reject_unknown()
    return 200, key_json(call.backend.v2010.update_key(call.principal, call.account(write=True), call.args["sid"], name))


def delete_key(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.v2010.delete_key(call.principal, call.account(write=True), call.args["sid"])
    return 204, None


# ---- usage -------------------------------------------------------------------------------------------
def usage_records(call: Call) -> Response:
    account = call.account()
    backend = call.backend
    today = backend.clock.today()
    kind = call.args.get("kind", "")
    p = call.params
    category = p.get("Category")
    start, end = p.date("StartDate", today), p.date("EndDate", today)
    include = p.bool("IncludeSubaccounts", True)
    granularity = {"Daily": "daily", "Monthly": "monthly", "Yearly": "yearly"}.get(kind, "all")
    if kind in ("Today", "Yesterday", "ThisMonth", "LastMonth"):
        if start or end:
            raise InvalidParameter(f"StartDate and EndDate cannot be used with {kind}")
        first_of_month = today.replace(day=1)
        start, end = {
            "Today": (today, today),
            "Yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
            "ThisMonth": (first_of_month, today),
            "LastMonth": ((first_of_month - timedelta(days=1)).replace(day=1), first_of_month - timedelta(days=1)),
        }[kind]
    if start and end and start > end:
        raise InvalidParameter("StartDate must not be after EndDate")
    records = backend.v2010.usage_records(account, start=start, end=end, category=category,
                                    include_subaccounts=include, granularity=granularity)
    as_of = backend.clock.now()
    filters = p.filters("Category", "StartDate", "EndDate", "IncludeSubaccounts")
    return page(call, "usage_records", records, lambda r: record_json(account.sid, r, as_of), filters)


def create_trigger(call: Call) -> Response:
    account = call.account(write=True)
    fields = _trigger_fields(call.params, create=True)
    call.params.reject_unknown()
    return 201, trigger_json(call.backend.v2010.create_trigger(account, fields))


def _trigger_fields(params: Params, create: bool) -> dict[str, str | None]:
    names = {"CallbackUrl": "callback_url", "CallbackMethod": "callback_method", "FriendlyName": "friendly_name"}
    if create:
        names.update({"TriggerValue": "trigger_value", "UsageCategory": "usage_category",
                      "Recurring": "recurring", "TriggerBy": "trigger_by"})
    return {attr: params.get(name) for name, attr in names.items()}


def list_triggers(call: Call) -> Response:
    p = call.params
    triggers = call.backend.v2010.list_triggers(call.account(), recurring=p.get("Recurring"),
                                          trigger_by=p.get("TriggerBy"), usage_category=p.get("UsageCategory"))
    return page(call, "usage_triggers", triggers, trigger_json, p.filters("Recurring", "TriggerBy", "UsageCategory"))


def fetch_trigger(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, trigger_json(call.backend.v2010.fetch_trigger(call.account(), call.args["sid"]))


def update_trigger(call: Call) -> Response:
    account = call.account(write=True)
    fields = _trigger_fields(call.params, create=False)
    call.params.reject_unknown()
    return 200, trigger_json(call.backend.v2010.update_trigger(account, call.args["sid"], fields))


def delete_trigger(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.v2010.delete_trigger(call.account(write=True), call.args["sid"])
    return 204, None


# ---- v2010 Addresses ---------------------------------------------------------------------------------
_ADDRESS_PARAMS = (("customer_name", "CustomerName"), ("street", "Street"), ("city", "City"), ("region", "Region"),
                   ("postal_code", "PostalCode"), ("iso_country", "IsoCountry"), ("friendly_name", "FriendlyName"),
                   ("street_secondary", "StreetSecondary"))


def address_json(a: Address) -> dict[str, Any]:
    return {"account_sid": a.account_sid, "city": a.city, "customer_name": a.customer_name,
            "date_created": rfc2822(a.date_created), "date_updated": rfc2822(a.date_updated),
            "friendly_name": a.friendly_name or None, "iso_country": a.iso_country, "postal_code": a.postal_code,
            "region": a.region, "sid": a.sid, "street": a.street, "street_secondary": a.street_secondary or None,
            "uri": f"{API}/Accounts/{a.account_sid}/Addresses/{a.sid}.json", "emergency_enabled": a.emergency_enabled,
            "validated": True, "verified": False}


def create_address(call: Call) -> Response:
    fields: dict[str, Any] = {attr: v for attr, name in _ADDRESS_PARAMS if (v := call.params.get(name)) is not None}
    emergency = bool_param(call, "EmergencyEnabled")
    bool_param(call, "AutoCorrectAddress")
    call.params.reject_unknown()
    if emergency:
        fields["emergency_enabled"] = True
    return 201, address_json(call.backend.addresses.create_address(call.account(write=True), fields))


def delete_address(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.addresses.delete_address(call.account(write=True), call.args["sid"])
    return 204, None


def list_addresses(call: Call) -> Response:
    name = call.params.get("CustomerName")
    call.params.get("FriendlyName")
    call.params.get("IsoCountry")
    filters = call.params.filters("CustomerName", "FriendlyName", "IsoCountry")
    return page(call, "addresses", call.backend.addresses.list_addresses(call.account(), name), address_json, filters)


def fetch_address(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, address_json(call.backend.addresses.fetch_address(call.account(), call.args["sid"]))
