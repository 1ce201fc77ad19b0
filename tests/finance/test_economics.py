"""`tenantctl economics` against a year of history in the stand-in (its clock placed in the past): every month
reconciles to the cent, the figures match hand computations, and closed months come from the cache."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from provider.economics.job import EconomicsRequest, run_economics
from provider.economics.metrics import Churn, measure_churn, tenant_economics
from provider.economics.months import Month, month_range
from provider.economics.series import MonthLine, MonthResult, allocate
from provider.sandbox import Clock, SandboxServer, TwilioBackend
from provider.tenancy import load_tenants
from provider.twilio_api import make_client
from provider.usage import PeriodError
from provider.usage.job import UsageJobError

from ..support.cli import tenantctl
from ..support.finance import served_for_finance
from ..support.paths import FIXTURES
from .test_usage import expected_cost

ECONOMICS = FIXTURES / "economics"
TODAY = datetime(2026, 11, 25, 12, tzinfo=UTC)
CENT = Decimal("0.01")


def at(server: SandboxServer, year: int, month: int, day: int) -> None:
    server.backend.clock.set(datetime(year, month, day, 9, tzinfo=UTC))


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SandboxServer, dict[str, str]]]:
    """A year of a small fleet: a plan change and a discount, a tenant that started mid-month, one that closed, one
    closed long enough ago that Twilio deleted its subaccount, an unbilled tenant and an unmapped account."""
    server = SandboxServer(TwilioBackend(seed=11, clock=Clock(datetime(2025, 11, 20, 9, tzinfo=UTC)))).start()
    client = make_client(server.account_sid, server.auth_token, server.base_url)
    sids: dict[str, str] = {}

    def create(tenant: str, name: str = "") -> None:
        sids[tenant] = client.api.v2010.accounts.create(friendly_name=name or f"tenant:{tenant}").sid

    for (year, month, day), event, tenant, detail in HISTORY:
        at(server, year, month, day)
        if event == "create":
            create(tenant, detail)
        elif event == "buy":
            client.api.v2010.accounts(sids[tenant]).incoming_phone_numbers.create(area_code=detail)
        else:
            client.api.v2010.accounts(sids[tenant]).update(status="closed")
    server.backend.clock.set(TODAY)
    with served_for_finance(server, ECONOMICS, tmp_path, monkeypatch):
        yield server, sids


# (day, event, tenant, detail): the fleet's year, in order
HISTORY = [((2025, 11, 25), "create", "legacy", "Legacy Pharmacy Co"), ((2025, 12, 1), "create", "delta-chemists", ""),
           ((2025, 12, 3), "create", "alpha-pharmacy", ""), ((2025, 12, 3), "buy", "alpha-pharmacy", "415"),
           ((2025, 12, 10), "create", "charlie-rx", ""), ((2026, 2, 5), "close", "delta-chemists", ""),
           ((2026, 3, 15), "create", "bravo-drug", ""), ((2026, 3, 15), "buy", "bravo-drug", "312"),
           ((2026, 7, 1), "create", "echo-apothecary", ""), ((2026, 11, 11), "close", "charlie-rx", "")]


def request(tmp_path: Path, **overrides) -> EconomicsRequest:
    values = dict(start="2025-12", end="2026-11", stack="none", categories=("calls", "sms", "phonenumbers"),
                  tenants_dir=str(tmp_path / "tenants"), only=None, fx={"GBP": Decimal("1.27")}, concurrency=4,
                  mapping="names", root=tmp_path, cache_dir=tmp_path / "cache", today=TODAY.date())
    values.update(overrides)
    return EconomicsRequest(**values)


def usage_reads(server: SandboxServer, since: int) -> list[dict[str, list[str]]]:
    return [parse_qs(r.query) for r in server.backend.requests(since) if "/Usage/Records" in r.path]


def test_every_month_reconciles_and_matches_the_stand_in(history, tmp_path: Path) -> None:
    server, sids = history
    report = run_economics(request(tmp_path))
    assert [r.month.label for r in report.months][0] == "2025-12" and len(report.months) == 12
    for result in report.months:
        assert result.reconciled and result.accounted == result.parent_total, result.month
        period = result.month.period(TODAY.date())
        expected_all = sum((expected_cost(server.backend, sid, period.start, period.end)
                            for sid in [server.account_sid, *sids.values()]), Decimal(0))
        assert result.parent_total == expected_all, f"{result.month}: the parent's total from an independent path"
        lines = {line.label: line for line in result.lines}
        for tenant in ("alpha-pharmacy", "bravo-drug", "charlie-rx", "echo-apothecary"):
            cost = expected_cost(server.backend, sids[tenant], period.start, period.end)
            assert (lines[tenant].own_cost if tenant in lines else Decimal(0)) == cost, (tenant, result.month)
        assert f"unmapped {sids['legacy']}" in lines, "an account no tenant file claims is shown, every month"
        assert lines["parent (own usage)"].kind == "parent"
    months = {r.month.label: {line.label: line for line in r.lines} for r in report.months}
    assert "delta-chemists" not in months["2026-01"], "Twilio deleted delta's subaccount 30 days after closing"
    deleted = [line for line in months["2026-01"].values() if line.kind == "deleted"]
    assert deleted and "delta-chemists" in deleted[0].label, "its spend stays in the parent's total, labelled"
    assert deleted[0].revenue == Decimal("39.00"), "and what it was billed is not lost with its subaccount"
    february = next(line for line in months["2026-02"].values() if line.kind == "deleted")
    assert february.revenue == (Decimal("39.00") * 5 / 28).quantize(CENT), "billed to its billing.end"


def test_revenue_follows_the_terms_of_each_day(history, tmp_path: Path) -> None:
    report = run_economics(request(tmp_path))
    months = {r.month.label: {line.label: line for line in r.lines} for r in report.months}
    # alpha: billed from Dec 3 at 99.00, half price until Jan 31, then 149.00 from April
    assert months["2025-12"]["alpha-pharmacy"].revenue == (Decimal("49.50") * 29 / 31).quantize(CENT)
    assert months["2026-01"]["alpha-pharmacy"].revenue == Decimal("49.50")
    assert months["2026-03"]["alpha-pharmacy"].revenue == Decimal("99.00")
    assert months["2026-04"]["alpha-pharmacy"].revenue == Decimal("149.00")
    assert months["2026-04"]["alpha-pharmacy"].plan == "growth"
    # bravo started mid-month, billed in GBP
    assert months["2026-03"]["bravo-drug"].revenue == (Decimal("199.00") * 17 / 31 * Decimal("1.27")).quantize(CENT)
    assert months["2026-03"]["bravo-drug"].billed_share == Decimal(17) / 31
    # charlie's billing ended on November 10 (closed the day after): 10 days of November
    assert months["2026-10"]["charlie-rx"].revenue == Decimal("59.00")
    assert months["2026-11"]["charlie-rx"].revenue == (Decimal("59.00") * 10 / 30).quantize(CENT)
    assert months["2026-11"]["charlie-rx"].status == "closed"
    # the month in progress is billed to today
    assert months["2026-11"]["alpha-pharmacy"].revenue == (Decimal("149.00") * 25 / 30).quantize(CENT)
    tenants = {t.label: t for t in report.tenants}
    assert tenants["charlie-rx"].ended == date(2026, 11, 10)
    assert tenants["charlie-rx"].ltv.value == tenants["charlie-rx"].margin and "realized" in \
        tenants["charlie-rx"].ltv.formula
    assert tenants["echo-apothecary"].revenue == 0 and tenants["echo-apothecary"].ltv.value is None
    assert "not billed" in tenants["echo-apothecary"].ltv.formula


def test_churn_is_measured_from_history_and_said_so(history, tmp_path: Path) -> None:
    report = run_economics(request(tmp_path))
    churn = report.churn
    # charlie and delta ended; exposure: each billed tenant from billing.start to its end (or today)
    spans = [(date(2025, 12, 3), TODAY.date()), (date(2026, 3, 15), TODAY.date()),
             (date(2025, 12, 10), date(2026, 11, 10)), (date(2025, 12, 1), date(2026, 2, 5))]
    exposure = sum((Decimal((end - start).days + 1) for start, end in spans), Decimal(0)) / Decimal("30.4375")
    assert churn.source == "measured" and churn.churned == 2
    assert churn.rate == 2 / exposure
    alpha = next(t for t in report.tenants if t.label == "alpha-pharmacy")
    assert alpha.ltv.value == alpha.average_margin.value / churn.rate
    assert "measured" in alpha.ltv.formula and "÷" in alpha.ltv.formula
    declared = run_economics(request(tmp_path, churn=Decimal("0.05")))
    assert declared.churn.source == "declared" and "--churn" in declared.churn.explanation
    alpha = next(t for t in declared.tenants if t.label == "alpha-pharmacy")
    assert alpha.ltv.value == alpha.average_margin.value / Decimal("0.05")


def test_closed_months_come_from_the_cache(history, tmp_path: Path) -> None:
    server, sids = history
    since = server.backend.requests()[-1].seq
    first = run_economics(request(tmp_path))
    reads = usage_reads(server, since)
    assert first.requests == len(reads) == first.accounts + 2, "one request per account for the whole range"
    assert all("/Monthly" in r.path for r in server.backend.requests(since) if "/Usage/Records" in r.path)
    since = server.backend.requests()[-1].seq
    again = run_economics(request(tmp_path))
    reads = usage_reads(server, since)
    assert reads and all(r["StartDate"] == ["2026-11-01"] for r in reads), "only the open month is asked for"
    assert [(r.month, r.lines) for r in again.months] == [(r.month, r.lines) for r in first.months]
    since = server.backend.requests()[-1].seq
    closed_only = run_economics(request(tmp_path, end="2026-10"))
    assert usage_reads(server, since) == [] and closed_only.reconciled, "a closed range costs no usage request"
    since = server.backend.requests()[-1].seq
    run_economics(request(tmp_path, end="2026-10", refetch=True))
    assert len(usage_reads(server, since)) == first.accounts + 2, "--refetch asks again"
    for cached in (tmp_path / "cache").rglob("*.json"):
        text = cached.read_text()
        assert server.auth_token not in text and "auth_token" not in text, "the cache never holds credentials"


def test_a_damaged_or_foreign_cache_costs_requests_not_wrong_figures(history, tmp_path: Path) -> None:
    server, _ = history
    first = run_economics(request(tmp_path))
    files = sorted((tmp_path / "cache").rglob("*.json"))
    files[0].write_text("{not json")
    document = json.loads(files[1].read_text())
    document["created"] = "2020-01-01"  # a sandbox started afresh reused the SID for another account
    files[1].write_text(json.dumps(document))
    since = server.backend.requests()[-1].seq
    again = run_economics(request(tmp_path))
    starts = sorted(r["StartDate"][0] for r in usage_reads(server, since))
    assert starts.count("2025-12-01") == 2, "the two unusable files were fetched again in full"
    assert [(r.month, r.lines) for r in again.months] == [(r.month, r.lines) for r in first.months]


@pytest.mark.parametrize("rule", ["usage_share", "even"])
def test_shared_costs_are_allocated_exactly_and_labelled(history, tmp_path: Path, rule: str) -> None:
    excluded = run_economics(request(tmp_path))
    shared = run_economics(request(tmp_path, shared_costs=rule))
    assert excluded.shared_costs == "exclude" and "left out" in excluded.shared_costs_rule
    assert rule in shared.shared_costs and "--shared-costs" in shared.shared_costs_rule
    for plain, allocated in zip(excluded.months, shared.months, strict=True):
        assert allocated.reconciled and allocated.parent_total == plain.parent_total
        parent = next(line for line in plain.lines if line.kind == "parent")
        tenant_lines = [line for line in allocated.lines if line.kind == "tenant"]
        assert sum((line.shared for line in tenant_lines), Decimal(0)) == parent.own_cost == allocated.allocated
        if rule == "even" and tenant_lines:
            shares = {line.shared for line in tenant_lines}
            assert max(shares) - min(shares) <= Decimal("0.0001")


def test_figures_match_a_hand_computation() -> None:
    """Three complete months of margin 100, 120, 140 (revenue 300, cost 200/180/160), CAC 600, churn 2 %."""
    loaded = load_tenants([ECONOMICS / "alpha-pharmacy.yaml"])
    alpha = loaded.tenants[0]
    months = [Month(2026, m) for m in (6, 7, 8)]
    results = []
    for month, cost in zip(months, ("200", "180", "160"), strict=True):
        line = MonthLine(month, "alpha-pharmacy", "tenant", "AC1", "active", {"other": Decimal(cost)},
                         Decimal(cost), Decimal(0), Decimal("300.00"), "growth", Decimal(1))
        results.append(MonthResult(month, False, (line,), Decimal(cost), Decimal(0)))
    churn = Churn(Decimal("0.02"), "declared", "2.00 % a month, declared")
    figures = tenant_economics(results, {"alpha-pharmacy": alpha}, churn, date(2026, 11, 25), {}, "USD")[0]
    assert figures.months_billed == 3 and figures.margin == Decimal(360)
    assert figures.average_margin.value == Decimal(120)
    assert figures.ltv.value == Decimal(6000), "LTV = 120 ÷ 2 %"
    assert figures.payback.value == Decimal(5), "CAC payback = 600 ÷ 120"
    assert figures.trend.value == Decimal(20) and not figures.falling
    assert "600.00 ÷ average monthly gross margin 120.00" in figures.payback.formula
    assert "120.00 ÷ monthly churn 2.00%" in figures.ltv.formula
    worse = [replace(r, lines=(replace(r.lines[0], revenue=Decimal("150.00")),)) for r in results]
    falling = tenant_economics(worse, {"alpha-pharmacy": alpha}, churn, date(2026, 11, 25), {}, "USD")[0]
    assert falling.negative and falling.payback.value is None and "never" in falling.payback.formula


def test_churn_from_history_by_hand() -> None:
    tenants = {t.id: t for t in load_tenants([ECONOMICS]).tenants}
    churn = measure_churn(tenants, {}, date(2026, 11, 25), None, "")
    assert churn.churned == 2 and churn.source == "measured"
    none_ended = {k: v for k, v in tenants.items() if v.status != "closed"}
    unknown = measure_churn(none_ended, {}, date(2026, 11, 25), None, "")
    assert unknown.rate is None and "declare churn.monthly_rate" in unknown.explanation


def test_allocation_adds_up_to_the_ten_thousandth() -> None:
    month = Month(2026, 5)

    def line(label: str, kind: str, cost: str) -> MonthLine:
        return MonthLine(month, label, kind, "", "active", {}, Decimal(cost), Decimal(0), None, None, Decimal(1))
    lines = [line("a", "tenant", "1"), line("b", "tenant", "1"), line("c", "tenant", "1"),
             line("parent (own usage)", "parent", "0.0100")]
    out, allocated = allocate(lines, "even")
    assert allocated == Decimal("0.0100") and sorted(x.shared for x in out[:3]) == [Decimal("0.0033"),
                                                                                    Decimal("0.0033"),
                                                                                    Decimal("0.0034")]
    assert sum((x.cost for x in out), Decimal(0)) == sum((x.cost for x in lines), Decimal(0))


def test_month_ranges() -> None:
    today = date(2026, 11, 25)
    assert [m.label for m in month_range(None, None, today)][::11] == ["2025-12", "2026-11"]
    assert len(month_range("2026-01", "2026-03", today)) == 3
    for start, end in (("2026-13", None), ("2026-05", "2026-04"), (None, "2027-01"), ("2026-12", None),
                       ("26-01", None), ("2000-01", "2026-11")):
        with pytest.raises(PeriodError):
            month_range(start, end, today)


def test_bad_assumptions_are_located_and_nothing_is_reported(history, tmp_path: Path) -> None:
    (tmp_path / "economics.yaml").write_text("churn:\n  monthly_rate: 0.02\nshared_costs: by_usage\n")
    with pytest.raises(UsageJobError) as error:
        run_economics(request(tmp_path))
    text = str(error.value)
    assert "economics.yaml:2:17 churn.monthly_rate" in text and "quote" in text
    assert "economics.yaml:3:15 shared_costs: must be one of: exclude, usage_share, even" in text
    (tmp_path / "economics.yaml").write_text('churn:\n  monthly_rate: "0.02"\n  note: board plan 2026\n'
                                             "shared_costs: usage_share\n")
    report = run_economics(request(tmp_path))
    assert report.churn.rate == Decimal("0.02") and "economics.yaml (board plan 2026)" in report.churn.explanation
    assert report.shared_costs == "usage_share" and "(economics.yaml)" in report.shared_costs_rule


def test_cli_formats_chart_and_exit_codes(history, tmp_path: Path) -> None:
    env = {k: v for k, v in __import__("os").environ.items() if k.startswith("TWILIO_")}
    base = ("economics", "--from", "2025-12", "--to", "2026-10", "--mapping", "names", "--fx", "GBP=1.27",
            "--stack", "none")
    table = tenantctl(*base, cwd=tmp_path, env=env)
    assert table.returncode == 0, table.stderr
    assert "Fleet by month" in table.stdout and "alpha-pharmacy" in table.stdout
    assert "LTV = average monthly gross margin ÷ monthly churn" in table.stdout
    assert "Churn:" in table.stdout and "measured" in table.stdout
    assert (tmp_path / ".tenantctl-cache" / "usage").is_dir(), "the cache sits under --root by default"
    document = json.loads(tenantctl(*base, "--format", "json", cwd=tmp_path, env=env).stdout)
    assert document["reconciled"] and len(document["months"]) == 11
    alpha = next(t for t in document["tenants"] if t["tenant"] == "alpha-pharmacy")
    assert "÷" in alpha["ltv"]["formula"] and Decimal(alpha["cac_payback_months"]["value"]) > 0
    csv_text = tenantctl(*base, "--format", "csv", "--tenant", "bravo-drug", cwd=tmp_path, env=env).stdout
    rows = csv_text.strip().splitlines()
    assert rows[0].startswith("month,tenant,kind") and all(",bravo-drug," in row for row in rows[1:])
    assert len(rows) - 1 == 8, "bravo from March to October"
    markdown = tenantctl(*base, "--format", "markdown", cwd=tmp_path, env=env).stdout
    assert "| month | tenants billed |" in markdown and "- Reconciliation:" in markdown
    chart = tmp_path / "economics.png"
    drawn = tenantctl(*base, "--chart", str(chart), "--format", "json", cwd=tmp_path, env=env)
    assert drawn.returncode == 0 and chart.stat().st_size > 10_000
    future = tenantctl("economics", "--to", "2099-01", cwd=tmp_path, env=env)
    assert future.returncode == 2 and "in the future" in future.stderr and not future.stdout
    bad = tenantctl(*base, "--churn", "120%", cwd=tmp_path, env=env)
    assert bad.returncode == 2 and "between 0 and 1" in bad.stderr


def test_chart_for_many_tenants_highlights_the_ones_to_look_at(history, tmp_path: Path) -> None:
    from provider.economics.chart import write_chart
    report = run_economics(request(tmp_path))
    drawn = write_chart(report, tmp_path / "chart.png")
    assert drawn[0] == report.tenants[0].label, "the first drawn in colour is the first in the table"


def test_pages_429s_and_an_unwritable_cache_change_no_figure(history, tmp_path: Path) -> None:
    server, _ = history
    calm = run_economics(request(tmp_path, cache_dir=None))
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory should be")
    server.faults.configure(rate=0.3, seed=5, kinds=("429",))
    server.faults.retry_after_s = 0
    stormy = run_economics(request(tmp_path, page_size=7, concurrency=8, cache_dir=blocked))
    assert server.backend.counters["fault 429"] > 3
    assert [(r.month, r.lines) for r in stormy.months] == [(r.month, r.lines) for r in calm.months]
    assert stormy.reconciled and stormy.cache_problem and "not-a-directory" in stormy.cache_problem


def test_a_consistent_edit_of_the_cache_is_detected_refetched_and_reported(history, tmp_path: Path) -> None:
    """An account's figure and the parent's total changed together (the month would still reconcile): the keyed
    digest fails, both entries are fetched again, the figures are Twilio's, and the report says which."""
    from provider.economics.render import sentences

    server, sids = history
    first = run_economics(request(tmp_path))
    directory = tmp_path / "cache" / server.account_sid
    victim = next(p for p in directory.glob("*.json") if p.name.startswith(next(iter(sids.values()))))
    parent_total = sorted(directory.glob(f"{server.account_sid}.*.json"))[0]

    def bump(path: Path) -> None:
        document = json.loads(path.read_text())
        month = sorted(document["months"])[0]
        prices = document["months"][month]["prices"]
        prices["totalprice"] = str(Decimal(prices["totalprice"]) + Decimal("100"))
        path.write_text(json.dumps(document))
    bump(victim)
    bump(parent_total)
    since = server.backend.requests()[-1].seq
    again = run_economics(request(tmp_path))
    assert len(again.cache_tampered) == 2, again.cache_tampered
    assert [(r.month, r.lines) for r in again.months] == [(r.month, r.lines) for r in first.months]
    assert sorted(r["StartDate"][0] for r in usage_reads(server, since)).count("2025-12-01") == 2
    assert any("failed the integrity check" in line for line in sentences(again))
