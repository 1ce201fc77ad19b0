"""HTTP in and out for voice v1: Twilio's parameter names in, its JSON and `meta` paging out. Every call acts in
the account that authenticates (voice v1 paths carry no account)."""
from __future__ import annotations

from typing import Any

from ..core.errors import InvalidParameter, NotFound
from ..core.http import Call, Response, bool_param, v1_page
from .models import SWITCHES

HOST = "voice.twilio.com"
BASE = f"https://{HOST}/v1"
_FILTERS = (("iso_code", "IsoCode"), ("country_code", "CountryCode"), (SWITCHES[0], "LowRiskNumbersEnabled"),
            (SWITCHES[1], "HighRiskSpecialNumbersEnabled"), (SWITCHES[2], "HighRiskTollfraudNumbersEnabled"))


def _account(call: Call, write: bool = False) -> Any:
    return call.backend.v2010.target_account(call.principal, call.principal.account.sid, write=write)


def country_json(country: dict[str, Any]) -> dict[str, Any]:
    url = f"{BASE}/DialingPermissions/Countries/{country['iso_code']}"
    return {**country, "continent": None, "url": url,
            "links": {"highrisk_special_prefixes": f"{url}/HighRiskSpecialPrefixes"}}


def list_countries(call: Call) -> Response:
    p = call.params
    if p.get("Continent") is not None:
        raise InvalidParameter("Continent: the stand-in does not model continents; filter by IsoCode or CountryCode")
    filters: dict[str, Any] = {}
    for attr, name in _FILTERS:
        value = bool_param(call, name) if attr in SWITCHES else p.get(name)
        if value is not None:
            filters[attr] = value
    wire = p.filters(*(name for _, name in _FILTERS))
    found = call.backend.voice.countries(_account(call), filters)
    return v1_page(call, HOST, "content", found, country_json, wire)


def fetch_country(call: Call) -> Response:
    call.params.reject_unknown()
    found = call.backend.voice.country(_account(call), call.args["iso"])
    if found is None:
        raise NotFound(f"/v1/DialingPermissions/Countries/{call.args['iso']}")
    return 200, country_json(found)


def bulk_update(call: Call) -> Response:
    raw = call.params.get("UpdateRequest")
    call.params.reject_unknown()
    if not raw:
        raise InvalidParameter("UpdateRequest is required")
    count = call.backend.voice.bulk_update(_account(call, write=True), raw)
    return 201, {"update_count": count, "update_request": raw}


def settings_json(inherit: bool) -> dict[str, Any]:
    return {"dialing_permissions_inheritance": inherit, "url": f"{BASE}/Settings"}


def fetch_settings(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, settings_json(call.backend.voice.settings(_account(call)))


def update_settings(call: Call) -> Response:
    inherit = bool_param(call, "DialingPermissionsInheritance")
    call.params.reject_unknown()
    if inherit is None:
        return 202, settings_json(call.backend.voice.settings(_account(call)))
    return 202, settings_json(call.backend.voice.set_inheritance(_account(call, write=True), inherit))
