"""Twilio's own OpenAPI description as the judge of every request we send and every 2xx answer we get.

The spec (twilio/twilio-oai, MIT) has known quirks; they are handled here in code, never by editing the
file: list `uri`/`*_page_uri` are declared `format: uri` but are relative at Twilio; the IncomingPhoneNumbers
`PhoneNumber` filter documents partial numbers and `*` but is declared a full phone number; Usage Records'
`StartDate`/`EndDate` document `-30days`/`+30days` offsets but are declared dates; `price`, `latitude`
and `longitude` are declared numbers but Twilio sends strings; no schema says `required`, so every
documented response property is required (what Twilio always returns), and unknown properties are refused.
"""
from __future__ import annotations

import base64
import copy
import json
import re
import threading
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from provider.twilio_api import RedirectingHttpClient
from provider.twilio_api.client import TWILIO_HOST

from .paths import REPO

SPEC_DIR = REPO / "specs" / "twilio-oai"
SPEC_PATH = SPEC_DIR / "twilio_api_v2010.json"
# The document that describes each Twilio host the product calls.
SPEC_BY_HOST = {"api.twilio.com": "twilio_api_v2010.json", "iam.twilio.com": "twilio_iam_v1.json",
                "accounts.twilio.com": "twilio_accounts_v1.json", "messaging.twilio.com": "twilio_messaging_v1.json",
                "trusthub.twilio.com": "twilio_trusthub_v1.json", "voice.twilio.com": "twilio_voice_v1.json"}
DECIMAL_TEXT = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}
STRING_NUMBERS = {"price", "latitude", "longitude"}
E164 = r"^\+[1-9][0-9]{6,14}$"


def spec_path(host: str = "api.twilio.com") -> Path:
    path = SPEC_DIR / SPEC_BY_HOST[host]
    if not path.exists():
        raise FileNotFoundError(f"Twilio OpenAPI spec not found at {path} (vendored in specs/twilio-oai/)")
    return path


def _fix_quirks(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("in") == "query" and node.get("name") == "PhoneNumber" and "partial" in node.get("description", ""):
            # The list filter documents partial numbers and `*` wildcards, yet is declared a full phone-number.
            node["schema"] = {"type": "string", "pattern": r"^\+?[0-9*]{1,15}$"}
        if node.get("in") == "query" and node.get("schema", {}).get("format") == "date" and \
                "offsets from the current date" in node.get("description", ""):
            # Usage Records' StartDate/EndDate document `-30days` / `+30days`, yet are declared plain dates.
            node["schema"] = {"type": "string", "pattern": r"^([0-9]{4}-[0-9]{2}-[0-9]{2}|[+-][0-9]{1,5}days)$"}
        if node.get("nullable") and isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]  # a nullable enum's null is valid; the validator wants it listed
        if node.get("type") == "object" and "properties" not in node and "additionalProperties" not in node:
            node["additionalProperties"] = True  # free-form maps (uri-map): "forbid" is for documented objects
        props = node.get("properties")
        if isinstance(props, dict):
            for name, prop in props.items():
                if not isinstance(prop, dict):
                    continue
                if (name == "uri" or name.endswith("_page_uri")) and prop.get("format") == "uri":
                    del prop["format"]
                if name == "phone_number" and prop.get("format") == "phone-number":
                    prop["pattern"] = E164  # tighter than the spec: Twilio's phone_number is always E.164
                if name in STRING_NUMBERS and prop.get("type") == "number":
                    nullable = prop.get("nullable", False)
                    prop.clear()
                    prop.update(DECIMAL_TEXT, nullable=nullable)
        for value in node.values():
            _fix_quirks(value)
    elif isinstance(node, list):
        for value in node:
            _fix_quirks(value)


@cache
def patched_spec(host: str = "api.twilio.com") -> dict[str, Any]:
    spec = json.loads(spec_path(host).read_text())
    spec = copy.deepcopy(spec)
    _fix_quirks(spec)
    return spec


def _rfc2822(value: str) -> bool:
    try:
        return parsedate_to_datetime(value) is not None and bool(re.match(r"^[A-Z][a-z]{2}, \d{2} ", value))
    except (TypeError, ValueError):
        return False


FORMATS = {
    "date-time-rfc-2822": _rfc2822,
    # friendly_name is declared a phone-number too, and is "(415) 555-0100" at Twilio
    "phone-number": lambda v: bool(re.fullmatch(r"\+?[0-9 ()\-]{7,20}", v)),
    "http-method": lambda v: v in ("GET", "POST", "PUT", "DELETE", "HEAD"),
    "iso-country-code": lambda v: bool(re.fullmatch(r"[A-Z]{2}", v)),
    "currency": lambda v: bool(re.fullmatch(r"[a-zA-Z]{3}", v)),
}


@cache
def openapi(host: str = "api.twilio.com") -> OpenAPI:
    config = Config(spec_validator_cls=None, response_properties_default_policy="required",
                    additional_properties_default_policy="forbid", extra_format_validators=FORMATS)
    return OpenAPI.from_dict(patched_spec(host), config=config)


@dataclass
class ApiRequest:
    """openapi-core's request protocol for a call as the SDK meant it (at https://api.twilio.com)."""

    method: str
    url: str
    query: list[tuple[str, str]]
    form: list[tuple[str, str]]
    auth: tuple[str, str] | None = None
    parameters: RequestParameters = field(init=False)

    def __post_init__(self) -> None:
        split = urlsplit(self.url)
        self.host_url = f"{split.scheme}://{split.netloc}"
        self.path = split.path
        query = list(parse_qsl(split.query, keep_blank_values=True)) + self.query
        headers = Headers()
        if self.auth:
            token = base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        self.parameters = RequestParameters(query=ImmutableMultiDict(query), header=headers, cookie={})
        self.method = self.method.lower()

    @property
    def body(self) -> bytes | None:
        return urlencode(self.form).encode() if self.method in ("post", "put") else None

    @property
    def content_type(self) -> str:
        return "application/x-www-form-urlencoded" if self.method in ("post", "put") else ""


@dataclass
class ApiResponse:
    status_code: int
    data: bytes
    content_type: str = "application/json"
    headers: Headers = field(default_factory=Headers)


class ContractViolation(AssertionError):
    pass


class ContractChecker:
    """Validates calls; keeps every violation so a fixture can fail the test even if the code swallowed it."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.checked_requests = 0
        self.checked_responses = 0
        self._lock = threading.Lock()

    def check(self, method: str, url: str, params: Any, data: Any, auth: tuple[str, str] | None,
              status: int, body: str) -> None:
        request = ApiRequest(method, url, _pairs(params), _pairs(data), auth)
        host = urlsplit(url).netloc
        if host not in SPEC_BY_HOST:
            raise ContractViolation(f"{method} {url}: no Twilio spec is vendored for {host}")
        problems = []
        try:
            openapi(host).validate_request(request)
        except Exception as error:  # openapi-core raises a family of validation errors
            problems.append(f"request {method} {url}: {_explain(error)}")
        with self._lock:
            self.checked_requests += 1
        if 200 <= status < 300 and status != 204:
            try:
                openapi(host).validate_response(request, ApiResponse(status, body.encode()))
            except Exception as error:
                problems.append(f"response {status} to {method} {url}: {_explain(error)}")
            with self._lock:
                self.checked_responses += 1
        if problems:
            with self._lock:
                self.violations.extend(problems)
            raise ContractViolation("\n".join(problems))


def _pairs(values: Any) -> list[tuple[str, str]]:
    if not values:
        return []
    items = values.items() if isinstance(values, dict) else values
    out = []
    for key, value in items:
        for item in value if isinstance(value, list) else [value]:
            out.append((key, item if isinstance(item, str) else str(item)))
    return out


def _explain(error: BaseException) -> str:
    """The validator's own reasons (path and message), not the whole document it rejected."""
    reasons = []
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for sub in getattr(current, "schema_errors", None) or []:
            reasons.append(f"{'/'.join(map(str, sub.absolute_path)) or '<root>'}: {sub.message[:300]}")
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return f"{type(error).__name__}" + ("".join(f"\n  - {r}" for r in reasons) if reasons else f": {error}"[:500])


class ValidatingHttpClient(RedirectingHttpClient):
    """The product's HTTP client, plus a contract check of every call against Twilio's spec."""

    def __init__(self, base_url: str, checker: ContractChecker, **kwargs: Any):
        super().__init__(base_url, **kwargs)
        self.checker = checker

    def send(self, method: str, url: str, params: Any = None, data: Any = None, headers: Any = None,
             auth: Any = None, *args: Any, **kwargs: Any):
        response = super().send(method, url, params, data, headers, auth, *args, **kwargs)
        if TWILIO_HOST.match(url.split("?", 1)[0]):
            self.checker.check(method, url, params, data, auth, response.status_code, response.text)
        return response
