"""`tenantctl usage` against the stand-in, whose synthetic usage is deterministic: totals are asserted exactly."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from provider.sandbox import Clock, SandboxServer, TwilioBackend
from provider.sandbox import usage as synthetic
from provider.twilio_api import make_client
from provider.usage import PeriodError, parse_period, render
from provider.usage.chart import write_chart
from provider.usage.job import UsageJobError, UsageRequest, run_usage

from ..support.cli import tenantctl
from ..support.finance import served_for_finance
from ..support.paths import EXAMPLES

CREATED = datetime(2026, 9, 10, 9, 0, tzinfo=UTC)
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SandboxServer, dict[str, str]]]:
    """Tenants made in September, one closed mid-October, one suspended, one unmapped legacy subaccount."""
    server = SandboxServer(TwilioBackend(seed=7, clock=Clock(CREATED))).start()
    client = make_client(server.account_sid, server.auth_token, server.base_url)
    sids = {}
    for tenant in ("northside-pharmacy", "riverbend-pharmacy", "sunrise-rx", "harbor-drug", "citycare-chemists"):
        sids[tenant] = client.api.v2010.accounts.create(friendly_name=f"tenant:{tenant}").sid
    client.api.v2010.accounts(sids["northside-pharmacy"]).incoming_phone_numbers.create(area_code="415")
    client.api.v2010.accounts(sids["riverbend-pharmacy"]).incoming_phone_numbers.create(area_code="312")
    sids["legacy"] = client.api.v2010.accounts.create(friendly_name="Legacy Pharmacy Co").sid
    server.backend.clock.set(datetime(2026, 10, 15, 12, tzinfo=UTC))
    client.api.v2010.accounts(sids["sunrise-rx"]).update(status="closed")
    client.api.v2010.accounts(sids["harbor-drug"]).update(status="suspended")
    server.backend.clock.set(datetime(2026, 11, 5, 12, tzinfo=UTC))
    with served_for_finance(server, EXAMPLES, tmp_path, monkeypatch):  # the report's calls judged by the spec too
        yield server, sids


def expected_cost(backend: TwilioBackend, sid: str, start: date, end: date) -> Decimal:
    """Straight from the stand-in's model, day by day: an independent path from the report's."""
    account = backend.accounts[sid]
    total = Decimal(0)
    for day in synthetic.days(start, end):
        if day >= account.date_created.date():
            daily = synthetic.daily_usage(sid, day, account.status_on(day) == "active", backend.ownership.get(sid, ()))
            total += daily["totalprice"].price
    return total


def request(tmp_path: Path, **overrides) -> UsageRequest:
    values = dict(period="2026-10", start=None, end=None, stack="none", categories=("calls", "sms", "phonenumbers"),
                  tenants_dir=str(tmp_path / "tenants"), only=None, fx={"GBP": Decimal("1.27")}, concurrency=4,
                  mapping="names", root=tmp_path, page_size=1000)
    values.update(overrides)
    return UsageRequest(**values)


def test_costs_revenue_margin_and_reconciliation(world, tmp_path: Path) -> None:
    server, sids = world
    report = run_usage(request(tmp_path))
    lines = {line.label: line for line in report.lines}
    for tenant in ("northside-pharmacy", "riverbend-pharmacy", "sunrise-rx", "harbor-drug", "citycare-chemists"):
        assert lines[tenant].cost == expected_cost(server.backend, sids[tenant], *OCTOBER), tenant
    assert lines["sunrise-rx"].status == "closed", "closed tenants still appear for periods with usage"
    assert lines["harbor-drug"].status == "suspended"
    assert lines[f"unmapped {sids['legacy']}"].kind == "unmapped"
    north = lines["northside-pharmacy"]
    assert north.revenue == Decimal("249.00") and north.margin == Decimal("249.00") - north.cost
    assert north.costs["phonenumbers"] > 0 and north.costs["other"] == 0
    assert lines["citycare-chemists"].revenue == Decimal("199.00") * Decimal("1.27"), "GBP converted at --fx"
    assert report.reconciled and report.accounted == report.parent_total
    parent_all = expected_cost(server.backend, server.account_sid, *OCTOBER) + sum(
        expected_cost(server.backend, sid, *OCTOBER) for sid in sids.values())
    assert report.parent_total == parent_all, "Σ tenants + unmapped + parent own = parent total, to the cent"


def test_pagination_and_429s_give_the_same_report(world, tmp_path: Path) -> None:
    server, _ = world
    calm = run_usage(request(tmp_path))
    server.faults.configure(rate=0.35, seed=3, kinds=("429",))
    server.faults.retry_after_s = 0
    stormy = run_usage(request(tmp_path, page_size=2, concurrency=8))
    assert server.backend.counters["fault 429"] > 5
    assert [(line.label, line.cost) for line in stormy.lines] == [(line.label, line.cost) for line in calm.lines]
    assert stormy.reconciled


def test_prorated_revenue_for_a_partial_period(world, tmp_path: Path) -> None:
    report = run_usage(request(tmp_path, period=None, start="2026-10-10", end="2026-10-19"))
    north = next(line for line in report.lines if line.label == "northside-pharmacy")
    assert north.revenue == (Decimal("249.00") * 10 / 31).quantize(Decimal("0.01")), "billed in cents"
    server, sids = world
    assert north.cost == expected_cost(server.backend, sids["northside-pharmacy"], date(2026, 10, 10),
                                       date(2026, 10, 19))


def test_period_rules() -> None:
    today = date(2026, 11, 24)
    assert parse_period("2026-11", None, None, today).end == today, "a month in progress ends today"
    assert parse_period("2026-11", None, None, today).in_progress
    for args in (("2026-13", None, None), ("26-11", None, None), (None, "2026-11-05", "2026-11-01"),
                 ("2027-01", None, None), (None, "2026-11-01", None), (None, "yesterday", "2026-11-02"),
                 ("2026-11", "2026-11-01", "2026-11-02")):
        with pytest.raises(PeriodError):
            parse_period(*args, today)


def test_bad_input_is_a_clear_error(world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server, _ = world
    with pytest.raises(UsageJobError, match="unknown tenant"):
        run_usage(request(tmp_path, only={"nobody"}))
    with pytest.raises(UsageJobError, match="did you mean 'calls'"):
        run_usage(request(tmp_path, categories=("cals",)))
    with pytest.raises(UsageJobError, match="mixed currencies"):
        run_usage(request(tmp_path, fx={}))
    server.faults.configure(rate=1.0, kinds=("500",))
    with pytest.raises(UsageJobError, match="no report was produced"):
        run_usage(request(tmp_path))
    server.faults.configure(rate=0.0)
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    with pytest.raises(UsageJobError, match="no Twilio credentials"):
        run_usage(request(tmp_path))


def test_formats_and_chart(world, tmp_path: Path) -> None:
    report = run_usage(request(tmp_path))
    document = json.loads(render.to_json(report))
    assert document["reconciliation"]["reconciled"] is True
    assert Decimal(document["reconciliation"]["parent_total"]) == report.parent_total
    rows = render.to_csv(report).splitlines()
    assert rows[0].startswith("tenant,kind,status,account_sid,plan,cost_calls")
    assert len(rows) == len(report.lines) + 1
    markdown = render.to_markdown(report)
    assert "| northside-pharmacy |" in markdown and "reconciled" in markdown
    png = tmp_path / "usage.png"
    labels = write_chart(report, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert set(labels) == {line.label for line in report.lines}


def test_chart_with_300_tenants_stays_readable(world, tmp_path: Path) -> None:
    from provider.usage.report import Line, Report
    report = run_usage(request(tmp_path))
    many = [Line(f"pharmacy-{i:03d}", "tenant", f"AC{i:032x}", "active",
                 {"calls": Decimal(i), "sms": Decimal(1), "phonenumbers": Decimal(1), "other": Decimal(0)},
                 Decimal(i + 2), Decimal(300)) for i in range(300)]
    big = Report(report.period, "USD", report.categories, many, sum((line.cost for line in many), Decimal(0)))
    png = tmp_path / "big.png"
    drawn = write_chart(big, png)
    assert 20 <= len(drawn) <= 45, "a readable number of rows, the rest summed in a note under the chart"
    assert "pharmacy-299" in drawn, "the most expensive tenant is drawn"
    from provider.usage.chart import chart_lines
    rows, others = chart_lines(big)
    assert others is not None and others.cost + sum((r.cost for r in rows), Decimal(0)) == big.accounted
    assert png.stat().st_size > 50_000


def test_cli_keeps_stdout_clean_and_exit_codes(world, tmp_path: Path) -> None:
    server, _ = world
    env = {"TWILIO_ACCOUNT_SID": server.account_sid, "TWILIO_AUTH_TOKEN": server.auth_token,
           "TWILIO_API_BASE_URL": os.environ["TWILIO_API_BASE_URL"]}
    result = tenantctl("usage", "--period", "2026-10", "--format", "json", "--fx", "GBP=1.27", "--mapping", "names",
                       "--tenants", str(tmp_path / "tenants"), cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["reconciliation"]["reconciled"] is True
    assert "Reconciliation" in result.stderr
    charted = tenantctl("usage", "--period", "2026-10", "--chart", "--mapping", "names", "--fx", "GBP=1.27",
                        "--tenants", str(tmp_path / "tenants"), "--root", str(tmp_path / "repo"), cwd=tmp_path, env=env)
    written = tmp_path / "repo" / ".tenantctl-reports" / "usage-2026-10-01..2026-10-31.png"
    assert charted.returncode == 0 and str(written) in charted.stderr, charted.stderr
    assert written.read_bytes()[:4] == b"\x89PNG" and not list(tmp_path.glob("*.png")), "never into the cwd unasked"
    future = tenantctl("usage", "--period", "2099-01", cwd=tmp_path, env=env)
    assert future.returncode == 2 and "in the future" in future.stderr and future.stdout == ""
    broken = tenantctl("usage", "--from", "2026-10-01", "--to", "nope", cwd=tmp_path, env=env)
    assert broken.returncode == 2 and broken.stdout == ""


def test_a_gap_is_reported_loudly() -> None:
    from provider.usage.fetch import Account, AccountUsage
    from provider.usage.report import build_report

    period = parse_period("2026-10", None, None, date(2026, 11, 24))
    usage = {"AC1": AccountUsage("AC1", {"totalprice": Decimal("10.00")}, frozenset({"usd"}))}
    own = AccountUsage("ACp", {"totalprice": Decimal("1.00")}, frozenset({"usd"}))
    everything = AccountUsage("ACp", {"totalprice": Decimal("11.25")}, frozenset({"usd"}))
    report = build_report(period=period, parent_sid="ACp", accounts=[Account("AC1", "tenant:x", "active")],
                          usage=usage, parent_own=own, parent_all=everything, tenants={}, account_tenants={"AC1": "x"})
    assert not report.reconciled and report.difference == Decimal("0.25")
    assert "NOT RECONCILED" in render.reconciliation_sentence(report)
    mixed = {"AC1": AccountUsage("AC1", {"totalprice": Decimal("1")}, frozenset({"usd", "eur"}))}
    with pytest.raises(Exception, match="several currencies"):
        build_report(period=period, parent_sid="ACp", accounts=[], usage=mixed, parent_own=own,
                     parent_all=everything, tenants={}, account_tenants={})


def test_billing_without_start_begins_when_the_subaccount_was_made(world, tmp_path: Path) -> None:
    """bayview-family-pharmacy has no billing.start; its subaccount is made on 20 October: October bills it 12
    days of 31 (20th to 31st), never the whole month."""
    server, _ = world
    server.backend.clock.set(datetime(2026, 10, 20, 8, tzinfo=UTC))
    client = make_client(server.account_sid, server.auth_token, server.base_url)
    client.api.v2010.accounts.create(friendly_name="tenant:bayview-family-pharmacy")
    server.backend.clock.set(datetime(2026, 11, 5, 12, tzinfo=UTC))
    from provider.tenancy import load_tenants
    billing = next(t for t in load_tenants([tmp_path / "tenants"]).tenants
                   if t.id == "bayview-family-pharmacy").billing
    assert billing is not None and billing.start is None
    line = {ln.label: ln for ln in run_usage(request(tmp_path)).lines}["bayview-family-pharmacy"]
    assert line.revenue == (billing.monthly_price * 12 / 31).quantize(Decimal("0.01"))
