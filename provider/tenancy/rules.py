"""Rules JSON Schema cannot express: URL safety, exact money, names unique within a tenant, and cross-file rules."""
from __future__ import annotations

import difflib
import ipaddress
import json
import socket
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from ..naming import api_key_friendly_name
from ..permissions import KNOWN_PERMISSIONS
from ..prescription_terms import PASSING_WORDING, terms_in
from .countries import country_issue, exact_number_issue
from .hipaa_rules import hipaa_issues
from .hosts import InvalidHost, ascii_name, remapped
from .problems import PathPart, RuleIssue
from .voice_rules import TOLL_FREE_PREFIXES, voice_issues

_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".corp",
                     ".localdomain", ".test", ".invalid", ".example", ".home", ".onion")  # RFC 6761, 8375, 7686
_PRIVATE_NAMES = ("localhost", "home.arpa", "localhost.localdomain")
# IANA special-purpose ranges Python's `is_global` misses (3.11): IETF protocol assignments, benchmarking,
# shared address space, 6to4 relay, site-local IPv6, documentation, discard-only.
_SPECIAL = tuple(ipaddress.ip_network(n) for n in (
    "192.0.0.0/24", "198.18.0.0/15", "100.64.0.0/10", "192.88.99.0/24", "240.0.0.0/4", "0.0.0.0/8",
    "fec0::/10", "2001::/23", "2001:db8::/32", "100::/64", "fc00::/7", "64:ff9b:1::/48", "3fff::/20", "5f00::/16"))
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # controls, bidi/format marks, unassigned
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


HIPAA_KEY = "twilio-tenants:hipaa"
SENDING_RULES_KEY = "twilio-tenants:sendingRules"


@dataclass(frozen=True)
class ValidationPolicy:
    """What the target stack tolerates, and what it declares for every tenant file that does not say otherwise.
    Prod refuses webhooks that Twilio could never reach or must never call."""

    allow_private_hosts: bool = False
    hipaa: bool = False  # the stack's `twilio-tenants:hipaa`: a tenant without its own `hipaa` takes it
    sending_rules_json: str = ""  # the stack's `twilio-tenants:sendingRules`, under each tenant's own (JSON)

    def with_stack_defaults(self, config: Mapping[str, Any]) -> ValidationPolicy:
        """The stack's defaults from its config (values as the stack file holds them, or as JSON text); a bad one
        is a ValueError naming the key."""
        hipaa = config.get(HIPAA_KEY)
        if isinstance(hipaa, str):
            if hipaa.lower() not in ("true", "false"):
                raise ValueError(f"{HIPAA_KEY} must be true or false, got {hipaa!r}")
            hipaa = hipaa.lower() == "true"
        elif hipaa is not None and not isinstance(hipaa, bool):
            raise ValueError(f"{HIPAA_KEY} must be true or false, got {hipaa!r}")
        rules = config.get(SENDING_RULES_KEY)
        if isinstance(rules, str):
            try:
                rules = json.loads(rules)
            except ValueError:
                raise ValueError(f"{SENDING_RULES_KEY} must be a mapping (sending_rules of a tenant file)") from None
        if rules is not None:
            from jsonschema import Draft202012Validator

            from .schema import tenant_schema

            full = tenant_schema()
            schema = {k: full[k] for k in ("$schema", "$id", "$defs") if k in full} | {"$ref": "#/$defs/sending_rules"}
            error = next(iter(Draft202012Validator(schema).iter_errors(rules)), None)
            if error is not None:
                where = ".".join(str(p) for p in error.absolute_path)
                raise ValueError(f"{SENDING_RULES_KEY}{'.' + where if where else ''}: {error.message}")
        return replace(self, hipaa=bool(hipaa), sending_rules_json=json.dumps(rules, sort_keys=True) if rules else "")

    def sending_rules_for(self, own: Mapping[str, Any] | None) -> dict[str, Any]:
        """A tenant's sending rules: each rule it declares over the stack's (quiet hours are one rule)."""
        base: dict[str, Any] = json.loads(self.sending_rules_json) if self.sending_rules_json else {}
        return {**base, **(own or {})}

    @classmethod
    def for_stack(cls, stack: str, stand_in: bool | None = None) -> ValidationPolicy:
        """Webhooks on private or local hosts only for a stack that talks to a stand-in (its config sets
        `twilio:apiBaseUrl`): real Twilio could never call them. Every stack on real Twilio refuses them — prod
        and each shard of the fleet alike. `stand_in` None (no stack config to tell): prod refuses, any other
        name is taken for a sandbox."""
        if stack == "prod":
            return cls(allow_private_hosts=False)
        return cls(allow_private_hosts=True if stand_in is None else stand_in)


def url_issue(url: str, policy: ValidationPolicy) -> str | None:
    """None when the URL is a webhook Twilio may call, else why not."""
    bad = next((ch for ch in url if ch.isspace() or unicodedata.category(ch) in _INVISIBLE), None)
    if bad is not None:
        return f"must not contain spaces or control/invisible characters (found U+{ord(bad):04X})"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    if parts.scheme != "https":
        return "must be an https URL"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "must not contain credentials (user:password@); use request validation instead"
    if not host:
        return "must name a host"
    if port == 0:
        return "must not use port 0"
    if policy.allow_private_hosts:
        return None
    return host_issue(host)


@lru_cache(maxsize=4096)
def host_issue(host: str) -> str | None:
    """Read the host the way HTTP clients do (IPv6 with embedded IPv4, legacy IPv4 forms such as 127.1 or
    0x7f.0.0.1, IDNA names) and refuse anything Twilio could not reach or must not call. Cached: a fleet's
    tenants mostly share a few CRM hosts, and the IDNA check was a fifth of validating 10,000 files."""
    try:
        host = remapped(host)
    except InvalidHost as exc:
        return f"has a host name that is not valid ({exc})"
    address = _as_address(host)
    if isinstance(address, str):
        return address
    if address is not None:
        if not _public(address):
            return (f"points at a private or local address ({host}: loopback, private, link-local, multicast or "
                    "reserved); Twilio cannot reach it")
        return None
    try:
        ascii_host = ascii_name(host)
    except InvalidHost as exc:
        return f"has a host name that is not valid ({exc})"
    if ascii_host in _PRIVATE_NAMES or ascii_host.endswith(_PRIVATE_SUFFIXES) or "." not in ascii_host:
        return f"points at a private or local host ({host}); Twilio cannot reach it"
    return None


def _as_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | str | None:
    """The IP address a client would connect to, None for a name, or why the host is malformed."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    last = host.rstrip(".").rsplit(".", 1)[-1].lower()
    if last.isdigit() or (last.startswith("0x") and all(c in "0123456789abcdef" for c in last[2:])):
        try:  # WHATWG: a host ending in a number is an IPv4 address, in any of inet_aton's legacy forms
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return f"has a numeric host that is not a valid address ({host})"
    return None


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    embedded: list[ipaddress.IPv4Address] = []
    if isinstance(address, ipaddress.IPv6Address):
        embedded += [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
        if address.teredo:
            embedded.append(address.teredo[1])
        if address in _NAT64 or address in _IPV4_COMPATIBLE:
            embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    for candidate in (address, *embedded):
        if any(candidate in network for network in _SPECIAL if network.version == candidate.version):
            return False
        if (not candidate.is_global or candidate.is_multicast or candidate.is_reserved or candidate.is_private
                or candidate.is_loopback or candidate.is_link_local or candidate.is_unspecified):
            return False
    return True


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
    messaging = data.get("messaging")
    if isinstance(messaging, dict):
        yield from webhook_urls(("messaging", "service"), messaging.get("service"))
        toll_free = messaging.get("toll_free")
        for index, url in enumerate((toll_free or {}).get("opt_in_image_urls") or []):
            if isinstance(url, str):
                yield ("messaging", "toll_free", "opt_in_image_urls", index), url


def _amount(value: Any) -> Decimal | None:
    """The value as an exact, finite Decimal (YAML gives Decimals, ints, strings; inf and nan as floats), or None."""
    if isinstance(value, float):
        value = str(value)
    amount = Decimal(value) if isinstance(value, (str, int, Decimal)) else None
    return amount if amount is not None and amount.is_finite() else None


def _money_issue(value: Any) -> str | None:
    amount = _amount(value)
    if amount is None:
        return "must be a finite amount"
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        return f"must have at most two decimals, got {value}"
    return None


def _percent_issue(value: Any) -> str | None:
    amount = _amount(value)
    if amount is None or not 0 <= amount <= 100:
        return "must be a percentage from 0 to 100"
    return _money_issue(value)  # at most two decimals, like an amount


def _field_issue(section: dict[str, Any], key: str, path: tuple[PathPart, ...],
                 check: Callable[[Any], str | None]) -> RuleIssue | None:
    """`check` of section[key] as a located issue, when the key is there and the check fails."""
    problem = check(section[key]) if key in section else None
    return RuleIssue(path + (key,), problem) if problem else None


def _real_date(section: dict[str, Any], key: str, path: tuple[PathPart, ...],
               issues: list[RuleIssue]) -> date | None:
    value = section.get(key)
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        issues.append(RuleIssue(path + (key,), f"is not a real date: {value}"))
        return None


def _billing_issues(billing: dict[str, Any]) -> Iterator[RuleIssue]:
    """Dates that exist and follow each other: the terms on any day must be unambiguous to a reviewer."""
    issues: list[RuleIssue] = []
    base = ("billing",)
    start, end = _real_date(billing, "start", base, issues), _real_date(billing, "end", base, issues)
    if start and end and end < start:
        issues.append(RuleIssue(base + ("end",), f"is before billing.start ({billing['start']})"))
    issues += filter(None, [_field_issue(billing, "acquisition_cost", base, _money_issue)])
    previous: tuple[int, date] | None = None
    for index, change in enumerate(billing.get("changes") or []):
        path = base + ("changes", index)
        issues += filter(None, [_field_issue(change, "monthly_price", path, _money_issue)])
        day = _real_date(change, "from", path, issues)
        if day is None:
            continue
        if start and day <= start:
            issues.append(RuleIssue(path + ("from",), f"is not after billing.start ({billing['start']}): put the "
                                                      "first terms in plan and monthly_price instead"))
        if end and day > end:
            issues.append(RuleIssue(path + ("from",), f"is after billing.end ({billing['end']})"))
        if previous and day <= previous[1]:
            issues.append(RuleIssue(path + ("from",), f"must be after changes[{previous[0]}].from "
                                                      f"({previous[1].isoformat()}): list plan changes in date order"))
        previous = (index, day)
    spans: list[tuple[int, date, date]] = []
    for index, discount in enumerate(billing.get("discounts") or []):
        path = base + ("discounts", index)
        issues += filter(None, [_field_issue(discount, "percent", path, _percent_issue),
                                _field_issue(discount, "monthly_amount", path, _money_issue)])
        first, last = _real_date(discount, "from", path, issues), _real_date(discount, "until", path, issues)
        if first and last and last < first:
            issues.append(RuleIssue(path + ("until",), f"is before its from ({discount['from']})"))
            continue
        low, high = first or date.min, last or date.max
        for other, other_low, other_high in spans:
            if low <= other_high and other_low <= high:
                issues.append(RuleIssue(path, f"overlaps discounts[{other}]: at most one discount applies on a day; "
                                              "give each its own from/until"))
                break
        spans.append((index, low, high))
    yield from issues


def file_issues(data: dict[str, Any], file_stem: str, policy: ValidationPolicy) -> Iterator[RuleIssue]:
    """Per-file rules, run on schema-valid data."""
    if data["id"] != file_stem:
        yield RuleIssue(("id",), f"must equal the file name `{file_stem}` (file is {file_stem}.yaml)")
    for path, url in _urls(data):
        problem = url_issue(url, policy)
        if problem:
            yield RuleIssue(path, problem)
    for section_name, key in (("budget", "monthly_limit_usd"), ("billing", "monthly_price")):
        section = data.get(section_name)
        issue = _field_issue(section, key, (section_name,), _money_issue) if isinstance(section, dict) else None
        if issue:
            yield issue

    billing = data.get("billing")
    if isinstance(billing, dict):
        yield from _billing_issues(billing)
        if data.get("status") == "closed" and not billing.get("end"):
            yield RuleIssue(("billing",), "a closed tenant is no longer billed: give `end`, the last day billed "
                                          "(quoted, e.g. \"2026-11-30\"), so revenue stops where the service did")

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
        country = country_issue(search["country"], search["type"]) if search else None
        if country:
            yield RuleIssue(("phone_numbers", index, "search", "country"), country)
        outside = exact_number_issue(exact) if exact else None
        if outside:
            yield RuleIssue(("phone_numbers", index, "number"), outside)
    yield from _credential_issues(data)
    if isinstance(data.get("messaging"), dict):
        yield from _messaging_issues(data)
    if isinstance(data.get("voice"), dict):
        yield from voice_issues(data)
    yield from _shard_move_issues(data)
    if data.get("hipaa", policy.hipaa):  # the tenant's own, else the stack's default
        yield from hipaa_issues(data)


def _shard_move_issues(data: dict[str, Any]) -> Iterator[RuleIssue]:
    """Step one of a shard move must leave the new stack nothing to buy or re-register: it adopts what Twilio holds
    (the subaccount by its name, each number by its number), so every number is pinned and nothing is mid-way."""
    if data.get("shard") == "unsharded":
        yield RuleIssue(("shard",), "`unsharded` is reserved (shard_move.release_to: unsharded names the stack "
                                    "without a shard): choose another shard name")
    move = data.get("shard_move")
    if not isinstance(move, dict):
        return
    target = move.get("release_to")
    if target == (data.get("shard") or "unsharded"):
        yield RuleIssue(("shard_move", "release_to"), f"the tenant is already deployed by shard {target}: remove "
                                                      "shard_move")
    if data.get("status") == "closed":
        yield RuleIssue(("shard_move",), "a closed tenant does not move: remove shard_move")
    for index, number in enumerate(data.get("phone_numbers") or []):
        if not number.get("number"):
            yield RuleIssue(("phone_numbers", index, "search"),
                            "a moving tenant's numbers are adopted by the new stack by their number: pin this entry "
                            "first (replace `search:` with `number: \"<the number it bought>\"`, see `tenantctl "
                            "credentials`), or the new stack would buy another")
    if data.get("messaging"):
        yield RuleIssue(("shard_move",), "a tenant with a `messaging` block cannot move between stacks yet: its "
                                         "Messaging Service and registrations cannot be adopted by another stack")
    if (data.get("auth_token") or {}).get("step") == "secondary":
        yield RuleIssue(("shard_move",), "finish the auth token rotation first (`step: promoted`), then move")


def _is_toll_free(number: dict[str, Any]) -> bool:
    search = number.get("search") or {}
    return search.get("type") == "toll_free" or str(number.get("number") or "").startswith(TOLL_FREE_PREFIXES)


def _messaging_issues(data: dict[str, Any]) -> Iterator[RuleIssue]:
    """Senders are this tenant's numbers; registration needs the business; toll-free verification is for toll-free
    senders and 10DLC for the others."""
    messaging = data["messaging"]
    numbers = {n["name"]: n for n in data.get("phone_numbers") or []}
    for index, name in enumerate(messaging["senders"]):
        if name not in numbers:
            yield RuleIssue(("messaging", "senders", index), f"`{name}` is not one of this tenant's phone_numbers "
                            f"(names: {', '.join(sorted(numbers)) or 'none'})")
            continue
        asked = (numbers[name].get("search") or {}).get("capabilities")
        if asked is not None and not {"sms", "mms"} & set(asked):
            yield RuleIssue(("messaging", "senders", index),
                            f"`{name}` is bought for {', '.join(asked)} only: Twilio refuses a number without SMS "
                            "or MMS in a Messaging Service (21715); add sms to its search capabilities (a number "
                            "already bought keeps its capabilities: add a new entry)")
    a2p, toll_free = messaging.get("a2p_10dlc"), messaging.get("toll_free")
    registering = (a2p and not a2p.get("remove")) or toll_free
    if registering and not messaging.get("business"):
        yield RuleIssue(("messaging",), "registration (a2p_10dlc, toll_free) needs `business`: the tenant's legal "
                        "identity as Twilio and the carriers register it")
    if a2p and not a2p.get("remove") and not any(
            name in numbers and not _is_toll_free(numbers[name]) for name in messaging["senders"]):
        yield RuleIssue(("messaging", "a2p_10dlc"), "A2P 10DLC registers local numbers, and no sender is one; "
                        "toll-free senders need `toll_free` instead")
    if a2p and not a2p.get("remove"):
        yield from _campaign_issues(data, a2p)
    if toll_free:
        yield from _toll_free_consent_issues(data, toll_free)
    for index, name in enumerate((toll_free or {}).get("numbers") or []):
        path = ("messaging", "toll_free", "numbers", index)
        if name not in messaging["senders"]:
            yield RuleIssue(path, f"`{name}` must also be listed in messaging.senders")
        elif name in numbers and not _is_toll_free(numbers[name]):
            yield RuleIssue(path, f"`{name}` is not a toll-free number (search type toll_free, or +18XX)")


BRAND_SUFFIXES = (" llc", " inc", " inc.", " corp", " corporation", " ltd", " co", " pllc", " lp")


def _brand_names(data: dict[str, Any]) -> list[str]:
    """The names a patient knows the tenant by: its display name and legal name, with or without the suffix."""
    names = [str(data.get("display_name") or "")]
    legal = str(((data.get("messaging") or {}).get("business") or {}).get("legal_name") or "")
    names.append(legal)
    for suffix in BRAND_SUFFIXES:
        if legal.lower().endswith(suffix):
            names.append(legal[: -len(suffix)])
    return [n.strip().lower() for n in names if len(n.strip()) >= 3]


def _campaign_issues(data: dict[str, Any], a2p: dict[str, Any]) -> Iterator[RuleIssue]:
    """What carriers vet in a campaign, said before anything is sent: each sample names the brand, one says how to
    opt out, STOP is an opt-out keyword, and no prescription-drug content (30941: never resubmittable)."""
    brands = _brand_names(data)
    samples = a2p.get("samples") or []
    for index, sample in enumerate(samples):
        if brands and not any(b in sample.lower() for b in brands):
            yield RuleIssue(("messaging", "a2p_10dlc", "samples", index),
                            f"must name the brand patients know ({data.get('display_name')!r}): carriers reject "
                            "samples that do not say who is texting")
    if samples and not any("stop" in sample.lower() for sample in samples):
        yield RuleIssue(("messaging", "a2p_10dlc", "samples"), "one sample at least must say how to opt out "
                                                                "(\"Reply STOP to opt out\"): carriers reject it (30887)")
    keywords = [str(k).upper() for k in a2p.get("opt_out_keywords") or []]
    if keywords and "STOP" not in keywords:
        yield RuleIssue(("messaging", "a2p_10dlc", "opt_out_keywords"), "must include STOP (carriers require it)")
    texts: list[tuple[tuple[PathPart, ...], str]] = [
        (("messaging", "a2p_10dlc", "samples", i), t) for i, t in enumerate(samples)]
    texts += [(("messaging", "a2p_10dlc", name), a2p[name]) for name in ("description", "message_flow",
                                                                            "opt_in_message") if a2p.get(name)]
    for path, text in texts:
        found = terms_in(text)
        if found:
            yield RuleIssue(path, f"mentions {', '.join(found)}: carriers reject prescription-drug and controlled-"
                                  "substance content, and such a campaign can never be resubmitted (Twilio 30941). "
                                  f"Word reminders without it, e.g. {PASSING_WORDING}")


def _toll_free_consent_issues(data: dict[str, Any], toll_free: dict[str, Any]) -> Iterator[RuleIssue]:
    """What the verification's reviewers read: the sample and the consent messages name the brand, the sample says
    how to opt out, and none mentions prescription drugs."""
    brands = _brand_names(data)
    path = ("messaging", "toll_free")
    for name in ("message_sample", "opt_in_confirmation_message", "help_message_sample"):
        text = toll_free.get(name)
        if not text:
            continue
        if brands and not any(b in text.lower() for b in brands):
            yield RuleIssue((*path, name), f"must name the brand patients know ({data.get('display_name')!r}): "
                                           "reviewers reject messages that do not say who is texting")
        found = terms_in(text)
        if found:
            yield RuleIssue((*path, name), f"mentions {', '.join(found)}: carriers reject prescription-drug content. "
                                           f"Word reminders without it, e.g. {PASSING_WORDING}")
    if "stop" not in str(toll_free.get("message_sample", "")).lower():
        yield RuleIssue((*path, "message_sample"), "must say how to opt out (\"Reply STOP to opt out\")")
    if not toll_free.get("opt_in_confirmation_message"):
        yield RuleIssue(path, "needs `opt_in_confirmation_message`: the text a patient receives on opting in (the "
                              "brand, what they will get, \"Reply STOP to opt out, HELP for help\"); Twilio rejects a "
                              "toll-free verification without it (30540)")


def _credential_issues(data: dict[str, Any]) -> Iterator[RuleIssue]:
    if "api_key" in data and "api_keys" in data:
        yield RuleIssue(("api_key",), "use either `api_key: true` (one standard key named crm) or `api_keys`, "
                                      "not both")
    seen: dict[str, int] = {}
    key_names: dict[str, tuple[int, int]] = {}  # Twilio friendly name -> (api_keys index, generation)
    for index, key in enumerate(data.get("api_keys") or []):
        if key["name"] in seen:
            yield RuleIssue(("api_keys", index, "name"),
                            f"`{key['name']}` is already used by api_keys[{seen[key['name']]}]; names must be unique")
        seen.setdefault(key["name"], index)
        for p_index, permission in enumerate(key.get("permissions") or []):
            if permission not in KNOWN_PERMISSIONS:
                hint = difflib.get_close_matches(permission, sorted(KNOWN_PERMISSIONS), n=1)
                yield RuleIssue(("api_keys", index, "permissions", p_index),
                                f"unknown Twilio permission `{permission}`" +
                                (f"; did you mean `{hint[0]}`?" if hint else
                                 " (the list the project keeps: provider/permissions.py)"))
        if key.get("keep_previous") and key.get("generation", 1) < 2:
            yield RuleIssue(("api_keys", index, "keep_previous"),
                            "keeps the previous generation, but generation 1 has none; bump `generation` to rotate")
        for generation in sorted({key.get("generation", 1), key.get("generation", 1) - 1} if key.get(
                "keep_previous") else {key.get("generation", 1)}):
            twilio_name = api_key_friendly_name(data["id"], key["name"], generation)
            if twilio_name in key_names and key_names[twilio_name][0] != index:
                other, other_generation = key_names[twilio_name]
                yield RuleIssue(("api_keys", index, "name"),
                                f"generation {generation} of `{key['name']}` would be named {twilio_name!r} at "
                                f"Twilio, as generation {other_generation} of api_keys[{other}] "
                                f"(`{data['api_keys'][other]['name']}`) is: each key needs its own name (a name "
                                "ending in -g<number> reads as a generation; choose another)")
            key_names.setdefault(twilio_name, (index, generation))
        if key.get("retired") and key.get("keep_previous"):
            yield RuleIssue(("api_keys", index, "retired"), "a retired key hands nothing to the CRM: drop "
                                                            "keep_previous first")


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
