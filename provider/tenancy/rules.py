"""Rules JSON Schema cannot express: URL safety, exact money, names unique within a tenant, and cross-file rules."""
from __future__ import annotations

import ipaddress
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

from .problems import PathPart

_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".corp")


@dataclass(frozen=True)
class ValidationPolicy:
    """What the target stack tolerates. Prod refuses webhooks that Twilio could never reach or must never call."""

    allow_private_hosts: bool = False

    @classmethod
    def for_stack(cls, stack: str) -> "ValidationPolicy":
        return cls(allow_private_hosts=stack != "prod")


@dataclass(frozen=True)
class RuleIssue:
    path: tuple[PathPart, ...]
    message: str


def url_issue(url: str, policy: ValidationPolicy) -> str | None:
    """None when the URL is a webhook Twilio may call, else why not."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    if parts.scheme != "https":
        return "must be an https URL"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "must not contain credentials (user:password@); use request validation instead"
    if not host:
        return "must name a host"
    if any(ch.isspace() for ch in url):
        return "must not contain spaces"
    if policy.allow_private_hosts:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if not address.is_global:
            return f"points at a private or local address ({host}); Twilio cannot reach it"
        return None
    lowered = host.lower().rstrip(".")
    if lowered == "localhost" or lowered.endswith(_PRIVATE_SUFFIXES) or "." not in lowered:
        return f"points at a private or local host ({host}); Twilio cannot reach it"
    return None


def _urls(data: dict[str, Any]) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    def webhook_urls(prefix: tuple[PathPart, ...], hooks: Any) -> Iterator[tuple[tuple[PathPart, ...], str]]:
        if isinstance(hooks, dict):
            for key, value in hooks.items():
                if (key.endswith("_url") or key == "status_callback") and isinstance(value, str):
                    yield prefix + (key,), value

    yield from webhook_urls(("webhooks",), data.get("webhooks"))
    for index, number in enumerate(data.get("phone_numbers") or []):
        if isinstance(number, dict):
            yield from webhook_urls(("phone_numbers", index, "webhooks"), number.get("webhooks"))
    budget = data.get("budget")
    if isinstance(budget, dict) and isinstance(budget.get("alert_callback_url"), str):
        yield ("budget", "alert_callback_url"), budget["alert_callback_url"]


def _money_issue(value: Any) -> str | None:
    amount = Decimal(value) if isinstance(value, (str, int, Decimal)) else None
    if amount is None or not amount.is_finite():
        return "must be a finite amount"
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        return f"must have at most two decimals, got {value}"
    return None


def file_issues(data: dict[str, Any], file_stem: str, policy: ValidationPolicy) -> Iterator[RuleIssue]:
    """Per-file rules, run on schema-valid data."""
    if data["id"] != file_stem:
        yield RuleIssue(("id",), f"must equal the file name `{file_stem}` (file is {file_stem}.yaml)")
    for path, url in _urls(data):
        problem = url_issue(url, policy)
        if problem:
            yield RuleIssue(path, problem)
    for path in (("budget", "monthly_limit_usd"), ("billing", "monthly_price")):
        section = data.get(path[0])
        if isinstance(section, dict) and path[1] in section:
            problem = _money_issue(section[path[1]])
            if problem:
                yield RuleIssue(path, problem)

    seen_names: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    for index, number in enumerate(data.get("phone_numbers") or []):
        name = number["name"]
        if name in seen_names:
            yield RuleIssue(("phone_numbers", index, "name"),
                            f"`{name}` is already used by phone_numbers[{seen_names[name]}]; names must be unique")
        else:
            seen_names[name] = index
        exact = number.get("number")
        if exact:
            if exact in seen_numbers:
                yield RuleIssue(("phone_numbers", index, "number"),
                                f"{exact} is already listed as phone_numbers[{seen_numbers[exact]}]")
            else:
                seen_numbers[exact] = index
        search = number.get("search")
        if search and search.get("area_code") and search["country"] not in ("US", "CA"):
            yield RuleIssue(("phone_numbers", index, "search", "area_code"),
                            "area_code search is only available for US and CA numbers")


@dataclass(frozen=True)
class Claim:
    """A value that at most one tenant may own (an id, a number, a SID), and where it was claimed."""

    kind: str
    value: str
    file: str
    path: tuple[PathPart, ...]


def claims_of(data: dict[str, Any], file: str) -> Iterator[Claim]:
    yield Claim("tenant id", data["id"], file, ("id",))
    if data.get("subaccount_sid"):
        yield Claim("subaccount SID", data["subaccount_sid"], file, ("subaccount_sid",))
    for index, number in enumerate(data.get("phone_numbers") or []):
        if number.get("number"):
            yield Claim("phone number", number["number"], file, ("phone_numbers", index, "number"))
        if number.get("sid"):
            yield Claim("phone number SID", number["sid"], file, ("phone_numbers", index, "sid"))


def conflicting_claims(claims: Iterable[Claim]) -> Iterator[tuple[Claim, Claim]]:
    """(later claim, first claim) for every value claimed twice across files."""
    first: dict[tuple[str, str], Claim] = {}
    by_file: dict[tuple[str, str], set[str]] = defaultdict(set)
    for claim in claims:
        key = (claim.kind, claim.value)
        if key in first and claim.file not in by_file[key]:
            yield claim, first[key]
        first.setdefault(key, claim)
        by_file[key].add(claim.file)
