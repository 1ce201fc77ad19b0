"""HTTP in and out, for every emulated API: Twilio's parameter names in (whatever a handler does not take is an
error, as at Twilio), the two paging envelopes out (v2010's relative `*_page_uri` fields; the v1 APIs' `meta` with
absolute URLs on the product's own host), Twilio's date formats."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from .errors import InvalidParameter

if TYPE_CHECKING:
    from ..api_v2010.models import Account, Principal
    from ..backend import TwilioBackend

API = "/2010-04-01"
Response = tuple[int, dict[str, Any] | None]


class Params:
    """Request parameters by Twilio name; whatever a handler did not take is an error, as at Twilio."""

    def __init__(self, values: dict[str, list[str]]):
        self._values = {name: list(given) for name, given in values.items()}
        self._taken: set[str] = set()

    def get(self, name: str) -> str | None:
        """The one value of a scalar parameter; given twice, it is an error (only list parameters repeat)."""
        given = self.repeated(name)
        if len(given) > 1:
            raise InvalidParameter(f"Parameter {name} was given more than once")
        return given[0] if given else None

    def repeated(self, name: str) -> list[str]:
        """Every value of a list parameter, sent as repeated keys (MessageSamples=a&MessageSamples=b)."""
        self._taken.add(name)
        return list(self._values.get(name, []))

    def bool(self, name: str, default: bool) -> bool:
        value = self.get(name)
        if value is None:
            return default
        if value.lower() not in ("true", "false"):
            raise InvalidParameter(f"{name} must be true or false, got {value!r}")
        return value.lower() == "true"

    def int(self, name: str, default: int, lo: int, hi: int) -> int:
        value = self.get(name)
        if value is None:
            return default
        if not value.isdigit() or not lo <= int(value) <= hi:
            raise InvalidParameter(f"{name} must be a whole number from {lo} to {hi}, got {value!r}")
        return int(value)

    def date(self, name: str, today: date) -> date | None:
        value = self.get(name)
        if value is None or value == "":
            return None
        relative = re.fullmatch(r"([+-])([0-9]{1,5})days", value)  # Twilio's documented offsets: -30days, +30days
        if relative:
            days = int(relative.group(2))
            return today - timedelta(days=days) if relative.group(1) == "-" else today + timedelta(days=days)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InvalidParameter(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from None

    def reject_unknown(self) -> None:
        unknown = sorted(set(self._values) - self._taken)
        if unknown:
            raise InvalidParameter(f"Unknown parameter(s): {', '.join(unknown)}")

    def filters(self, *names: str) -> dict[str, str]:
        """The given query filters that were present, in a stable order, for page URIs."""
        return {n: self._values[n][0] for n in names if n in self._values}


@dataclass
class Call:
    backend: TwilioBackend
    principal: Principal
    method: str
    path: str
    args: dict[str, str]
    params: Params

    def account(self, write: bool = False) -> Account:
        return self.backend.v2010.target_account(self.principal, self.args["account"], write=write)


Handler = Callable[[Call], Response]
# An API's routes: (path regex, {method: (handler, the Restricted-key permission it needs, or None)}).
Routes = list[tuple[str, dict[str, tuple[Handler, str | None]]]]


def sid_segment(prefix: str, name: str = "sid") -> str:
    """A path segment holding one SID of that kind (two letters, 32 hex digits), captured as the handler's `name`."""
    return f"(?P<{name}>{prefix}[0-9a-f]{{32}})"


def rfc2822(moment: datetime | None) -> str | None:
    return format_datetime(moment) if moment else None


def page(call: Call, key: str, items: list[Any], render: Callable[[Any], dict[str, Any]],
         filters: dict[str, str]) -> Response:
    """Twilio's paging envelope: relative *_page_uri fields and exactly one list key."""
    size = call.params.int("PageSize", 50, 1, 1000)
    number = call.params.int("Page", 0, 0, 10**9)
    call.params.get("PageToken")
    call.params.reject_unknown()
    start = number * size
    chunk = items[start:start + size]

    def uri(page_number: int, token: bool) -> str:
        query = {**filters, "PageSize": str(size), "Page": str(page_number)}
        if token:
            query["PageToken"] = f"PA{page_number}"
        return f"{call.path}?{urlencode(query)}"

    return 200, {
        "first_page_uri": uri(0, False),
        "end": start + len(chunk) - 1 if chunk else 0,
        "previous_page_uri": uri(number - 1, True) if number > 0 else None,
        key: [render(item) for item in chunk],
        "uri": uri(number, number > 0),
        "page_size": size,
        "start": start,
        "next_page_uri": uri(number + 1, True) if start + size < len(items) else None,
        "page": number,
    }


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def v1_page(call: Call, host: str, key: str, items: list[Any], render: Callable[[Any], dict[str, Any]],
            filters: dict[str, str] | None = None) -> Response:
    size, number = call.params.int("PageSize", 50, 1, 1000), call.params.int("Page", 0, 0, 10**9)
    call.params.get("PageToken")
    call.params.reject_unknown()
    chunk = items[number * size:(number + 1) * size]

    def url(page_number: int) -> str:
        return f"https://{host}{call.path}?" + urlencode({**(filters or {}), "PageSize": size, "Page": page_number})

    return 200, {
        key: [render(item) for item in chunk],
        "meta": {"page": number, "page_size": size, "first_page_url": url(0), "url": url(number), "key": key,
                 "previous_page_url": url(number - 1) if number > 0 else None,
                 "next_page_url": url(number + 1) if (number + 1) * size < len(items) else None},
    }


def bool_param(call: Call, name: str) -> bool | None:
    value = call.params.get(name)
    if value is None:
        return None
    if value.lower() not in ("true", "false"):
        raise InvalidParameter(f"{name} must be true or false, got {value!r}")
    return value.lower() == "true"


def json_param(call: Call, name: str) -> str | None:
    """A JSON-object parameter (Trust Hub Attributes), still as text: the models parse and check it."""
    value = call.params.get(name)
    if value is not None:
        try:
            json.loads(value)
        except ValueError:
            raise InvalidParameter(f"{name} must be JSON") from None
    return value
