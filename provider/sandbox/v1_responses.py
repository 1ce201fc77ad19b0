"""What the v1 APIs (messaging, trusthub, iam, accounts) share on the wire: ISO dates and the `meta` paging
envelope with absolute URLs on the product's own host."""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from .exceptions import InvalidParameter
from .responses import Call, Response


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
