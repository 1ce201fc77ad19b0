"""Tenant files in, typed tenants or every located problem out. Never sends anything anywhere."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from .fast_schema import surely_valid
from .model import (
    A2pCampaign,
    ApiKeySpec,
    AuthTokenRotation,
    Billing,
    Budget,
    Business,
    Cnam,
    Contact,
    Dialing,
    Discount,
    Messaging,
    NumberSearch,
    PhoneNumberSpec,
    PlanChange,
    PostalAddress,
    SendingRules,
    ServiceSettings,
    SourceRef,
    Tenant,
    TollFree,
    Voice,
    VoiceIntegrity,
    Webhooks,
)
from .problems import PathPart, Problem, TenantFilesInvalid, format_field
from .rules import Claim, ValidationPolicy, claims_of, conflicting_claims, file_issues
from .safe_files import escaping_link
from .schema import schema_issues
from .yaml_source import LocatedData, Mark, YamlSourceError, load_located, mark_at_offset

MAX_FILE_BYTES = 256 * 1024
TENANT_SUFFIXES = (".yaml", ".yml")

T = TypeVar("T")


@dataclass(frozen=True)
class LoadResult:
    tenants: tuple[Tenant, ...]
    problems: tuple[Problem, ...]
    files: tuple[str, ...]
    located: dict[str, LocatedData] = field(default_factory=dict, compare=False, repr=False)  # file -> marks

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem_at(self, file: str, path: tuple[PathPart, ...], message: str) -> Problem:
        """A problem at a field of a loaded file, located by its marks (line 1 when the file is not at hand)."""
        located = self.located.get(file)
        mark = located.mark_of(path) if located else Mark(1, 1)
        return Problem(file, mark.line, mark.column, format_field(path), message)

    def with_problems(self, extra: Iterable[Problem]) -> LoadResult:
        """This result plus more problems: tenants of a file with any problem are no longer valid."""
        problems = set(self.problems) | set(extra)
        if problems == set(self.problems):
            return self
        bad = {p.file for p in problems}
        return LoadResult(tuple(t for t in self.tenants if t.source.file not in bad), tuple(sorted(problems)),
                          self.files, self.located)

    def require_valid(self) -> tuple[Tenant, ...]:
        """All tenants, or TenantFilesInvalid listing every problem: nothing is half-loaded."""
        if self.problems:
            raise TenantFilesInvalid(self.problems)
        return self.tenants


def discover(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Path], list[Problem]]:
    """Expand directories to their tenant files (sorted, so results do not depend on the file system)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for entry in sorted(path.iterdir()):
                if entry.suffix not in TENANT_SUFFIXES:
                    continue
                problem = _not_a_tenant_file(entry)
                if problem:
                    problems.append(Problem(_display_path(entry), 1, 1, "", problem))
                else:
                    files.append(entry)
        elif path.is_file():
            escaping = escaping_link(path)
            if escaping:
                problems.append(Problem(str(path), 1, 1, "", escaping))
            else:
                files.append(path)
        else:
            reason = _not_a_tenant_file(path) if path.is_symlink() else None
            problems.append(Problem(str(path), 1, 1, "", reason or "no such file or directory"))
    unique = list(dict.fromkeys(files))
    return unique, problems


def _not_a_tenant_file(path: Path) -> str | None:
    """Why a *.yaml entry cannot be a tenant file (never silently skipped), or None for a regular file."""
    try:
        if path.is_symlink():
            try:
                path.resolve(strict=True)
            except RuntimeError:
                return "is a symbolic link loop"
            except (FileNotFoundError, OSError):
                return f"is a symbolic link to {os.readlink(path)}, which does not exist"
            escaping = escaping_link(path)
            if escaping:
                return escaping
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return "is a directory, not a tenant file"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a FIFO, socket or device); a tenant file is plain text"
    return None


def load_tenants(
    paths: Sequence[str | os.PathLike[str]] = ("tenants",),
    policy: ValidationPolicy = ValidationPolicy(),
) -> LoadResult:
    files, problems = discover(paths)
    tenants: list[Tenant] = []
    claims: list[Claim] = []
    locations: dict[str, LocatedData] = {}
    here = Path.cwd().resolve()
    for file in files:
        display = _display_path(file, here)
        file_problems, located = _check_file(file, display, policy)
        problems.extend(file_problems)
        if located is not None and not file_problems:
            locations[display] = located
            tenants.append(_build_tenant(located, display, policy))
            claims.extend(claims_of(located.data, display))
    for claim, first in conflicting_claims(claims):
        mark = locations[claim.file].mark_of(claim.path)
        first_mark = locations[first.file].mark_of(first.path)
        problems.append(
            Problem(claim.file, mark.line, mark.column, format_field(claim.path),
                    f"{claim.kind} {claim.value} is also claimed by {first.file}:{first_mark.line} "
                    f"({format_field(first.path)})")
        )
    bad_files = {p.file for p in problems}
    good = tuple(t for t in tenants if t.source.file not in bad_files)
    return LoadResult(good, tuple(sorted(set(problems))), tuple(_display_path(f, here) for f in files), locations)


def _display_path(path: Path, here: Path | None = None) -> str:
    """The path as the user knows it (relative to `here`, the resolved working directory, when inside), never
    following a link."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(here or Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _check_file(path: Path, display: str, policy: ValidationPolicy) -> tuple[list[Problem], LocatedData | None]:
    def at(mark: Mark, field: str, message: str) -> Problem:
        return Problem(display, mark.line, mark.column, field, message)

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return [at(Mark(1, 1), "", f"file is too large ({size} bytes; a tenant file is at most {MAX_FILE_BYTES})")], None
        raw = path.read_bytes()
    except OSError as exc:
        return [at(Mark(1, 1), "", f"cannot read file: {exc.strerror or exc}")], None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8", errors="replace")
        mark = mark_at_offset(prefix, len(prefix))
        return [at(mark, "", f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})")], None
    if "\x00" in text:
        return [at(mark_at_offset(text, text.index("\x00")), "", "is binary, not YAML text (NUL byte)")], None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        located = load_located(text)
    except YamlSourceError as exc:
        return [at(exc.mark, format_field(exc.path), exc.message)], None
    if located.data is None:
        return [at(Mark(1, 1), "", "is empty; a tenant file is a mapping with at least id, display_name and status")], None
    if not isinstance(located.data, dict):
        kind = "a list" if isinstance(located.data, list) else "a single value"
        return [at(located.mark_of(()), "", f"must be a mapping of fields, not {kind}")], None

    problems = []
    for issue in ([] if surely_valid(located.data) else schema_issues(located.data)):
        key_mark = located.keys.get(issue.path) if issue.at_key else None
        problems.append(at(key_mark or located.mark_of(issue.path), format_field(issue.path), issue.message))
    if problems:
        return problems, located
    for rule in file_issues(located.data, path.stem, policy):
        problems.append(at(located.mark_of(rule.path), format_field(rule.path), rule.message))
    return problems, located


def _webhooks(data: Any) -> Webhooks:
    return Webhooks(**data) if data else Webhooks()


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _phone_number(data: dict[str, Any]) -> PhoneNumberSpec:
    search = data.get("search")
    return PhoneNumberSpec(
        name=data["name"],
        number=data.get("number"),
        sid=data.get("sid"),
        search=NumberSearch(
            country=search["country"],
            type=search["type"],
            capabilities=tuple(search["capabilities"]),
            area_code=search.get("area_code"),
            contains=search.get("contains"),
        ) if search else None,
        webhooks=_webhooks(data.get("webhooks")),
    )


def _api_keys(data: dict[str, Any]) -> tuple[ApiKeySpec, ...]:
    if data.get("api_key"):  # the shorthand: one standard key named crm
        return (ApiKeySpec("crm"),)
    return tuple(ApiKeySpec(name=k["name"], generation=k.get("generation", 1),
                            permissions=tuple(k["permissions"]) if "permissions" in k else None,
                            keep_previous=bool(k.get("keep_previous")), retired=bool(k.get("retired")))
                 for k in data.get("api_keys") or [])


def _build_tenant(located: LocatedData, display: str, policy: ValidationPolicy) -> Tenant:
    data = located.data
    budget = data.get("budget")
    billing = data.get("billing")
    return Tenant(
        id=data["id"],
        display_name=data["display_name"],
        status=data["status"],
        source=SourceRef(display, located.mark_of(("id",)).line),
        owner=data.get("owner"),
        shard=data.get("shard"),
        release_to=(data.get("shard_move") or {}).get("release_to"),
        labels=tuple(sorted((data.get("labels") or {}).items())),
        subaccount_sid=data.get("subaccount_sid"),
        webhooks=_webhooks(data.get("webhooks")),
        phone_numbers=tuple(_phone_number(n) for n in data.get("phone_numbers") or []),
        api_keys=_api_keys(data),
        auth_token=AuthTokenRotation(data["auth_token"]["rotation"], data["auth_token"]["step"])
        if data.get("auth_token") else None,
        budget=Budget(
            monthly_limit_usd=_decimal(budget["monthly_limit_usd"]),
            alert_callback_url=budget["alert_callback_url"],
            alert_at_percent=tuple(budget.get("alert_at_percent") or (100,)),
        ) if budget else None,
        billing=_billing(billing) if billing else None,
        messaging=_messaging(data["messaging"]) if data.get("messaging") else None,
        voice=_voice(data["voice"]) if data.get("voice") else None,
        hipaa=bool(data.get("hipaa", policy.hipaa)),
        sending_rules=_sending_rules(policy.sending_rules_for(data.get("sending_rules"))),
    )


def _sending_rules(data: dict[str, Any]) -> SendingRules:
    quiet = data.get("quiet_hours") or {}
    defaults = SendingRules()
    return SendingRules(quiet.get("start", defaults.quiet_start), quiet.get("end", defaults.quiet_end),
                        data.get("max_per_day", defaults.max_per_day), data.get("max_per_week", defaults.max_per_week),
                        data.get("max_sms_length", defaults.max_sms_length))


def _business(data: dict[str, Any] | None) -> Business | None:
    if not data:
        return None
    return Business(**{**data, "address": PostalAddress(**data["address"]), "contact": Contact(**data["contact"])})


def _voice(data: dict[str, Any]) -> Voice:
    dialing = data.get("dialing") or {}
    defaults = Dialing()
    return Voice(
        callers=tuple(data["callers"]), emergency_address=PostalAddress(**data["emergency_address"]),
        shaken_stir=bool(data.get("shaken_stir")),
        voice_integrity=VoiceIntegrity(**data["voice_integrity"]) if data.get("voice_integrity") else None,
        cnam=Cnam(**data["cnam"]) if data.get("cnam") else None,
        dialing=Dialing(tuple(dialing.get("countries") or defaults.countries),
                        bool(dialing.get("high_risk_special_numbers", defaults.high_risk_special_numbers))),
        business=_business(data.get("business")))


def _messaging(data: dict[str, Any]) -> Messaging:
    a2p, toll_free = data.get("a2p_10dlc"), data.get("toll_free")
    return _declared(Messaging, data,
                     senders=tuple(data["senders"]),
                     service=ServiceSettings(**(data.get("service") or {})),
                     business=_business(data.get("business")),
                     a2p_10dlc=A2pCampaign(**_listed_as_tuples(a2p)) if a2p else None,
                     toll_free=TollFree(**_listed_as_tuples(toll_free)) if toll_free else None)


def _declared(model: type[T], data: dict[str, Any], **converted: Any) -> T:
    """A model from its schema object: the fields that need converting as given, every other field the file
    declares as it is (so a plain field is declared in the schema and the model only, never here too)."""
    names = [f.name for f in fields(model)]  # type: ignore[arg-type]  # T is any frozen model dataclass
    plain = {name: data[name] for name in names if name in data and name not in converted}
    return model(**converted, **plain)


def _listed_as_tuples(data: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}


def _billing(data: dict[str, Any]) -> Billing:
    return Billing(
        plan=data["plan"],
        monthly_price=_decimal(data["monthly_price"]),
        currency=data["currency"],
        start=_date(data.get("start")),
        end=_date(data.get("end")),
        acquisition_cost=_decimal(data["acquisition_cost"]) if "acquisition_cost" in data else None,
        changes=tuple(PlanChange(date.fromisoformat(c["from"]), c.get("plan"),
                                 _decimal(c["monthly_price"]) if "monthly_price" in c else None)
                      for c in data.get("changes") or []),
        discounts=tuple(Discount(_decimal(d["percent"]) if "percent" in d else None,
                                 _decimal(d["monthly_amount"]) if "monthly_amount" in d else None,
                                 _date(d.get("from")), _date(d.get("until")), d.get("note") or "")
                        for d in data.get("discounts") or []),
    )


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def load_tenants_or_raise(paths: Iterable[str | os.PathLike[str]] = ("tenants",),
                          policy: ValidationPolicy = ValidationPolicy()) -> tuple[Tenant, ...]:
    return load_tenants(list(paths), policy).require_valid()


__all__ = ["LoadResult", "load_tenants", "load_tenants_or_raise", "discover", "MAX_FILE_BYTES", "PathPart"]
