"""`tenantctl usage` end to end: credentials, mapping tenants to subaccounts, fetching, the report."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import requests

from ..tenancy import Tenant, ValidationPolicy, load_tenants
from ..twilio_api import Credentials, MissingCredentials, credentials_from, make_client
from ..twilio_api.budget import configure_budget
from ..twilio_api.reachable import unreachable
from .categories import problem as category_problem
from .fetch import Account, FetchError, UsageFetcher
from .fx import FxError, FxRates, load_fx
from .options import FinanceOptions
from .periods import parse_period
from .report import Report, ReportError, build_report, map_accounts


class UsageJobError(Exception):
    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class UsageRequest(FinanceOptions):
    period: str | None = None  # a month, or start and end (days)
    start: str | None = None
    end: str | None = None
    page_size: int = 1000


def parse_fx(values: list[str]) -> dict[str, Decimal]:
    rates = {}
    for value in values:
        currency, _, rate = value.partition("=")
        try:
            rates[currency.upper()] = Decimal(rate)
        except InvalidOperation:
            raise UsageJobError(f"--fx takes CUR=RATE (e.g. GBP=1.27), got {value!r}", 2) from None
    return rates


def check_categories(categories: tuple[str, ...]) -> None:
    reason = category_problem(categories)
    if reason:
        raise UsageJobError(reason, 2)


def resolve_credentials(stack: str, root: Path) -> Credentials:
    """TWILIO_* variables first, else the stack file (secure values need PULUMI_CONFIG_PASSPHRASE)."""
    try:
        return credentials_from(None)
    except MissingCredentials:
        pass
    from ..stackfiles import IncorrectPassphrase, StackConfigError, read_stack_config

    try:
        return credentials_from(read_stack_config(root / f"Pulumi.{stack}.yaml"), environ={})
    except IncorrectPassphrase:
        raise UsageJobError(f"the passphrase does not decrypt Pulumi.{stack}.yaml: set PULUMI_CONFIG_PASSPHRASE to "
                            f"the {stack} stack's passphrase (or set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)"
                            ) from None
    except (StackConfigError, MissingCredentials, ValueError) as error:
        raise UsageJobError(f"no Twilio credentials: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or make "
                            f"Pulumi.{stack}.yaml readable ({error})") from None


def require_reachable(credentials: Credentials, stack: str) -> None:
    """Fail at once, saying what to run, when the stand-in (or a proxy) is not listening: not after retries."""
    reason = unreachable(credentials.base_url, stack)
    if reason:
        raise UsageJobError(reason)


def plain_failure(error: BaseException, stack: str) -> str:
    """A Twilio failure in words: which setting to check, never the SDK's raw dump."""
    text = str(error)
    status = getattr(error, "status", None)
    if status in (401, 403) or "HTTP 401" in text or "HTTP 403" in text:
        return (f"Twilio refused the parent credentials (HTTP {status or (401 if 'HTTP 401' in text else 403)}): "
                f"check twilio:accountSid and twilio:authToken in Pulumi.{stack}.yaml (or TWILIO_ACCOUNT_SID and "
                "TWILIO_AUTH_TOKEN, which take precedence)")
    if isinstance(error, requests.exceptions.ConnectionError):
        return "cannot reach Twilio (the connection failed); check the network and twilio:apiBaseUrl"
    code = getattr(error, "code", None)
    return f"Twilio request failed (HTTP {status}, error {code}): {getattr(error, 'msg', text)}" if status \
        else f"Twilio request failed: {type(error).__name__}: {text}"


def stack_account_map(stack: str, root: Path) -> dict[str, str]:
    """tenant id -> subaccount SID from the outputs of the stack and of every shard on the same parent (the
    report covers the whole parent account), or {} when none can be read."""
    from ..crm import fleet_tenants

    return {tenant: t["account_sid"] for _, held in fleet_tenants(stack, work_dir=root)
            for tenant, t in held.items() if t.get("account_sid")}


ProgressCallback = Callable[[int, int], None]  # (done, total) accounts fetched


@dataclass(frozen=True)
class ReportInputs:
    """What every finance report starts from: the tenant files, exchange rates, and a fetcher on the parent."""

    tenants: dict[str, Tenant]
    rates: FxRates
    credentials: Credentials
    fetcher: UsageFetcher


def prepare(tenants_dir: str, only: set[str] | None, root: Path, fx: dict[str, Decimal], stack: str,
            concurrency: int, page_size: int) -> ReportInputs:
    """Everything checked before the first request: files, tenants asked for, rates, credentials, reachability."""
    loaded = load_tenants([tenants_dir], ValidationPolicy(allow_private_hosts=True))
    if not loaded.ok:
        raise UsageJobError("tenant files have problems:\n" + "\n".join(map(str, loaded.problems)))
    tenants = {t.id: t for t in loaded.tenants}
    if only and (unknown := sorted(only - set(tenants))):
        raise UsageJobError(f"unknown tenant(s): {', '.join(unknown)} (no file in {tenants_dir})", 2)
    try:
        rates = load_fx(root).overridden(fx)
    except FxError as error:
        raise UsageJobError(str(error), 2) from None
    credentials = resolve_credentials(stack, root)
    require_reachable(credentials, stack)
    configure_budget(credentials.max_in_flight)
    fetcher = UsageFetcher(lambda: make_client(credentials.account_sid, credentials.auth_token, credentials.base_url,
                                               timeout=credentials.timeout_s, api_key=credentials.api_key),
                           concurrency, page_size)
    return ReportInputs(tenants, rates, credentials, fetcher)


def tenants_of_accounts(mapping: str, stack: str, root: Path, accounts: list[Account]) -> dict[str, str]:
    """account SID -> tenant id, by `--mapping`: the stack outputs, the friendly names, or outputs if readable."""
    outputs_map = stack_account_map(stack, root) if mapping in ("auto", "outputs") else {}
    if mapping == "outputs" and not outputs_map:
        raise UsageJobError(f"stack {stack!r} has no readable outputs to map tenants to subaccounts")
    return map_accounts(accounts, outputs_map or None)


@contextmanager
def twilio_failures(stack: str) -> Iterator[None]:
    """Any failure while asking Twilio becomes one plain sentence, and no report at all."""
    try:
        yield
    except FetchError as error:
        raise UsageJobError(f"{error}: {plain_failure(error.cause, stack)}; no report was produced") from None
    except UsageJobError:
        raise
    except Exception as error:
        raise UsageJobError(f"{plain_failure(error, stack)}; no report was produced") from None


def run_usage(request: UsageRequest, on_progress: ProgressCallback = lambda done, total: None) -> Report:
    """The whole report; `on_progress` hears of each account fetched (the CLI draws a bar, tests ignore it)."""
    check_categories(request.categories)
    period = parse_period(request.period, request.start, request.end, date.today())
    inputs = prepare(request.tenants_dir, request.only, request.root, request.fx, request.stack, request.concurrency,
                     request.page_size)
    credentials, fetcher, tenants, rates = inputs.credentials, inputs.fetcher, inputs.tenants, inputs.rates
    with twilio_failures(request.stack):
        accounts = fetcher.subaccounts(credentials.account_sid)
        account_tenants = tenants_of_accounts(request.mapping, request.stack, request.root, accounts)
        sids = [a.sid for a in accounts]
        total, done = len(sids) + 2, 0

        def advance(step: int = 1) -> None:
            nonlocal done
            done += step
            on_progress(done, total)
        on_progress(0, total)
        usage = fetcher.usage_of(sids, period, progress=advance)
        parent_own = fetcher.usage(credentials.account_sid, period, include_subaccounts=False)
        parent_all = fetcher.usage(credentials.account_sid, period, include_subaccounts=True)
        advance(2)
    try:
        report = build_report(period=period, parent_sid=credentials.account_sid, accounts=accounts, usage=usage,
                              parent_own=parent_own, parent_all=parent_all, tenants=tenants,
                              account_tenants=account_tenants, categories=request.categories, fx=rates.rates)
    except ReportError as error:
        raise UsageJobError(str(error), 2) from None
    report.only = frozenset(request.only) if request.only else None
    report.fx_source = rates.source
    return report

