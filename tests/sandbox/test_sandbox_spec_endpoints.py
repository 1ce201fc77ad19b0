"""Endpoints and parameters Twilio documents and the SDKs use, through the official SDK and judged by the spec:
country listings, relative usage dates, error details, triggers without a recurrence."""
from __future__ import annotations

from datetime import timedelta

import requests
from twilio.rest import Client

from provider.sandbox import SandboxServer

from ..conftest import PINNED_NOW


def test_available_phone_number_countries(parent: Client) -> None:
    numbers = parent.api.v2010.accounts(parent.account_sid).available_phone_numbers
    countries = {c.country_code: c for c in numbers.list()}
    assert set(countries) == {"US", "CA", "GB", "DE", "NO"}
    us = numbers("US").fetch()
    assert us.country == "United States" and us.beta is False
    assert set(us.subresource_uris) == {"local", "toll_free"}
    assert "mobile" in countries["GB"].subresource_uris
    assert us.subresource_uris["local"].endswith("/AvailablePhoneNumbers/US/Local.json")


def test_an_unknown_country_is_404(sandbox: SandboxServer) -> None:
    answer = requests.get(f"{sandbox.base_url}/2010-04-01/Accounts/{sandbox.account_sid}/AvailablePhoneNumbers/ZZ.json",
                          auth=(sandbox.account_sid, sandbox.auth_token), timeout=10)
    assert answer.status_code == 404 and answer.json()["code"] == 20404


def test_usage_records_accept_relative_dates(parent: Client) -> None:
    records = parent.api.v2010.accounts(parent.account_sid).usage.records
    relative = records.list(category="totalprice", start_date="-30days", end_date="+30days")
    today = PINNED_NOW.date()
    absolute = records.list(category="totalprice", start_date=today - timedelta(days=30),
                            end_date=today + timedelta(days=30))
    assert [(r.start_date, r.end_date, r.price) for r in relative] == \
        [(r.start_date, r.end_date, r.price) for r in absolute]


def test_a_trigger_without_recurring_is_an_alltime_trigger(parent: Client) -> None:
    trigger = parent.api.v2010.accounts(parent.account_sid).usage.triggers.create(
        callback_url="https://crm.example.com/budget", trigger_value="50", usage_category="totalprice")
    assert trigger.recurring == "alltime"


def test_401_bodies_carry_a_detail(sandbox: SandboxServer) -> None:
    answer = requests.get(f"{sandbox.base_url}/2010-04-01/Accounts.json", auth=(sandbox.account_sid, "wrong"),
                          timeout=10)
    body = answer.json()
    assert answer.status_code == 401 and body["code"] == 20003 and body["detail"] and body["message"]
