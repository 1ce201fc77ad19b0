"""API keys, usage triggers and usage records in the stand-in."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from provider.sandbox import SandboxServer
from provider.sandbox.api_v2010.models import DEMO_LEGACY_ACCOUNT_SID
from provider.sandbox.usage import CATEGORIES as synthetic_categories
from provider.sandbox.usage import NUMBER_MONTHLY_PRICE

from ..conftest import PINNED_NOW


def test_key_secret_only_on_create(parent: Client) -> None:
    sub = parent.api.v2010.accounts.create(friendly_name="tenant:k")
    created = parent.api.v2010.accounts(sub.sid).new_keys.create(friendly_name="tenant:k/crm")
    assert created.sid.startswith("SK") and len(created.secret) == 32
    fetched = parent.api.v2010.accounts(sub.sid).keys(created.sid).fetch()
    assert fetched.friendly_name == "tenant:k/crm" and not hasattr(fetched, "secret")
    assert [k.sid for k in parent.api.v2010.accounts(sub.sid).keys.list()] == [created.sid]
    assert parent.api.v2010.accounts(sub.sid).keys(created.sid).update(friendly_name="renamed").friendly_name == "renamed"
    assert parent.api.v2010.accounts(sub.sid).keys(created.sid).delete() is True
    assert parent.api.v2010.accounts(sub.sid).keys.list() == []
    with pytest.raises(TwilioRestException) as raised:
        parent.api.v2010.accounts(sub.sid).keys(created.sid).fetch()
    assert raised.value.status == 404


def test_usage_trigger_crud(parent: Client) -> None:
    sub = parent.api.v2010.accounts.create(friendly_name="tenant:t")
    triggers = parent.api.v2010.accounts(sub.sid).usage.triggers
    created = triggers.create(callback_url="https://crm.example.com/budget", trigger_value="120.00",
                              usage_category="totalprice", recurring="monthly", trigger_by="price",
                              friendly_name="tenant:t/budget-80pct")
    assert created.sid.startswith("UT")
    assert (created.trigger_value, created.recurring, created.trigger_by, created.usage_category) == (
        "120.00", "monthly", "price", "totalprice")
    assert [t.sid for t in triggers.list(recurring="monthly")] == [created.sid]
    assert triggers.list(trigger_by="count") == []
    updated = parent.api.v2010.accounts(sub.sid).usage.triggers(created.sid).update(
        callback_url="https://crm.example.com/budget2", friendly_name="renamed")
    assert (updated.callback_url, updated.friendly_name, updated.trigger_value) == (
        "https://crm.example.com/budget2", "renamed", "120.00")
    assert parent.api.v2010.accounts(sub.sid).usage.triggers(created.sid).delete() is True
    assert triggers.list() == []
    with pytest.raises(TwilioRestException) as raised:
        triggers.create(callback_url="https://x.example.com", trigger_value="abc", usage_category="totalprice")
    assert raised.value.status == 400


def _totals(records) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for r in records:
        out[r.category] = out.get(r.category, Decimal(0)) + Decimal(str(r.price))
    return out


def test_usage_is_deterministic_per_account_and_sums_to_the_parent(parent: Client, sandbox: SandboxServer) -> None:
    subs = [parent.api.v2010.accounts.create(friendly_name=f"tenant:u{i}") for i in range(3)]
    parent.api.v2010.accounts(subs[0].sid).incoming_phone_numbers.create(phone_number="+14155550600")
    sandbox.backend.clock.advance(timedelta(days=20))
    start, end = PINNED_NOW.date().isoformat(), (PINNED_NOW.date() + timedelta(days=19)).isoformat()
    per_sub = [_totals(parent.api.v2010.accounts(s.sid).usage.records.list(start_date=start, end_date=end))
               for s in subs]
    again = _totals(parent.api.v2010.accounts(subs[1].sid).usage.records.list(start_date=start, end_date=end))
    assert again == per_sub[1], "same account and period, same usage"
    own = _totals(parent.api.v2010.accounts(sandbox.account_sid).usage.records.list(
        start_date=start, end_date=end, include_subaccounts=False))
    everything = _totals(parent.api.v2010.accounts(sandbox.account_sid).usage.records.list(
        start_date=start, end_date=end))
    legacy = _totals(parent.api.v2010.accounts(DEMO_LEGACY_ACCOUNT_SID).usage.records.list(
        start_date=start, end_date=end))
    for category in ("calls", "sms", "phonenumbers", "totalprice"):
        assert everything[category] == own[category] + legacy[category] + sum(t[category] for t in per_sub)
    for totals in per_sub:
        assert totals["totalprice"] == totals["calls"] + totals["sms"] + totals["phonenumbers"]
    assert per_sub[0]["phonenumbers"] > 0 and per_sub[1]["phonenumbers"] == 0
    month_days = 30  # November
    expected = (NUMBER_MONTHLY_PRICE["local"] / month_days).quantize(Decimal("0.0001")) * 10
    nov = _totals(parent.api.v2010.accounts(subs[0].sid).usage.records.list(
        category="phonenumbers", start_date=start, end_date="2026-11-29"))
    assert nov["phonenumbers"] == expected, "a number accrues its monthly price day by day from purchase"


def test_daily_and_monthly_records_and_paging(parent: Client, sandbox: SandboxServer) -> None:
    sub = parent.api.v2010.accounts.create(friendly_name="tenant:d")
    sandbox.backend.clock.advance(timedelta(days=45))
    daily = parent.api.v2010.accounts(sub.sid).usage.records.daily.list(category="totalprice", page_size=7)
    days = [r.start_date for r in daily]
    assert len(days) == 46 and days == sorted(days) and days[0] == PINNED_NOW.date()
    assert all(r.start_date == r.end_date for r in daily)
    monthly = parent.api.v2010.accounts(sub.sid).usage.records.monthly.list(category="totalprice")
    assert [(r.start_date, r.end_date) for r in monthly] == [
        (date(2026, 11, 20), date(2026, 11, 30)), (date(2026, 12, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 1, 4))]
    assert sum(Decimal(str(r.price)) for r in monthly) == sum(Decimal(str(r.price)) for r in daily)
    last_month = parent.api.v2010.accounts(sub.sid).usage.records.last_month.list(category="totalprice")
    assert [(r.start_date, r.end_date) for r in last_month] == [(date(2026, 12, 1), date(2026, 12, 31))]
    this_month = parent.api.v2010.accounts(sub.sid).usage.records.this_month.list()
    assert {r.category for r in this_month} == set(synthetic_categories), "every category, sub-categories too"


def test_suspended_and_closed_accounts_have_no_traffic(parent: Client, sandbox: SandboxServer) -> None:
    sub = parent.api.v2010.accounts.create(friendly_name="tenant:q")
    sandbox.backend.clock.advance(timedelta(days=2))
    parent.api.v2010.accounts(sub.sid).update(status="suspended")
    sandbox.backend.clock.advance(timedelta(days=3))
    daily = parent.api.v2010.accounts(sub.sid).usage.records.daily.list(category="calls")
    prices = {r.start_date: Decimal(str(r.price)) for r in daily}
    suspended_on = PINNED_NOW.date() + timedelta(days=2)
    assert all(price == 0 for day, price in prices.items() if day >= suspended_on)
    assert any(price > 0 for day, price in prices.items() if day < suspended_on)


@pytest.mark.parametrize("change", ["suspended", "closed"])
def test_suspending_or_closing_never_rewrites_past_usage(parent: Client, sandbox: SandboxServer,
                                                         change: str) -> None:
    """History never changes: the days before a suspension or a closure keep their usage, in the account's own
    records and in the parent's total, however the clock moves afterwards."""
    account = parent.api.v2010.accounts.create(friendly_name="tenant:history")
    parent.api.v2010.accounts(account.sid).incoming_phone_numbers.create(area_code="415")
    sandbox.backend.clock.advance(timedelta(days=20))
    past = (PINNED_NOW.date(), PINNED_NOW.date() + timedelta(days=10))

    def totals() -> tuple[list[str], list[str]]:
        own = [r.price for r in parent.api.v2010.accounts(account.sid).usage.records.list(
            category="totalprice", start_date=past[0], end_date=past[1])]
        everyone = [r.price for r in parent.api.v2010.accounts(sandbox.account_sid).usage.records.list(
            category="totalprice", start_date=past[0], end_date=past[1], include_subaccounts=True)]
        return own, everyone

    before = totals()
    assert Decimal(str(before[0][0])) > 0
    parent.api.v2010.accounts(account.sid).update(status=change)
    assert totals() == before
    sandbox.backend.clock.advance(timedelta(days=5))
    assert totals() == before
