"""Usage categories are a hierarchy (calls ⊇ calls-inbound, calls-outbound; totalprice ⊇ all): the stand-in's
sums are consistent, and the report never counts the same money twice and gets "other" right."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from twilio.rest import Client

from provider.sandbox import usage as synthetic
from provider.usage.categories import overlap
from provider.usage.job import UsageJobError, run_usage

from .test_usage import request, world  # noqa: F401 - the usage world fixture


def test_every_parent_category_is_the_exact_sum_of_its_parts() -> None:
    owned = [synthetic.Ownership("ACx", "+14155550100", "local", date(2026, 1, 1), None),
             synthetic.Ownership("ACx", "+18005550100", "toll_free", date(2026, 1, 5), None)]
    for offset in range(40):
        day = date(2026, 1, 1) + timedelta(days=offset)
        for sid in ("ACx", "ACy", "ACz"):
            daily = synthetic.daily_usage(sid, day, offset % 7 != 3, owned if sid == "ACx" else [])
            for parent, parts in synthetic.PARTS.items():
                assert daily[parent].price == sum((daily[p].price for p in parts), Decimal(0)), (parent, day)
                if parent != "totalprice":
                    assert daily[parent].count == sum(daily[p].count for p in parts)


def test_usage_records_list_the_subcategories_with_consistent_totals(parent: Client) -> None:
    records = parent.api.v2010.accounts(parent.account_sid).usage.records.list(include_subaccounts=True)
    prices = {r.category: Decimal(r.price) for r in records}
    assert {"calls-inbound", "calls-outbound", "sms-inbound", "sms-outbound", "phonenumbers-local",
            "phonenumbers-tollfree"} <= set(prices)
    assert prices["calls"] == prices["calls-inbound"] + prices["calls-outbound"]
    assert prices["totalprice"] == prices["calls"] + prices["sms"] + prices["phonenumbers"]
    trigger = parent.api.v2010.accounts(parent.account_sid).usage.triggers.create(
        callback_url="https://crm.example.com/t", trigger_value="10", usage_category="calls-outbound",
        recurring="monthly")
    assert trigger.usage_category == "calls-outbound", "triggers accept sub-categories too"


def test_overlapping_categories_are_refused() -> None:
    assert overlap(["calls", "calls-inbound"]) == ("calls-inbound", "calls")
    assert overlap(["calls-inbound", "sms-outbound", "phonenumbers-local"]) is None


def test_the_report_with_subcategories_counts_nothing_twice(world, tmp_path: Path) -> None:  # noqa: F811
    chosen = ("calls-inbound", "sms-outbound", "phonenumbers-local")
    parents = run_usage(request(tmp_path))
    parts = run_usage(request(tmp_path, categories=chosen))
    assert parts.reconciled and parts.parent_total == parents.parent_total
    by_label = {line.label: line for line in parents.lines}
    for line in parts.lines:
        assert line.cost == by_label[line.label].cost, "the total per tenant does not depend on what is shown"
        assert sum(line.costs.values(), Decimal(0)) == line.cost, "shown + other == total, nothing twice"
        assert line.costs["other"] >= 0
        assert line.costs["calls-inbound"] <= by_label[line.label].costs["calls"]
    with pytest.raises(UsageJobError) as raised:
        run_usage(request(tmp_path, categories=("calls", "calls-inbound")))
    assert "part of 'calls'" in str(raised.value) and raised.value.exit_code == 2


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=6))
def test_category_cells_shown_add_up_to_the_cost_shown(ten_thousandths: list[int]) -> None:
    from decimal import Decimal

    from provider.usage.render import cents_adding_up

    parts = [Decimal(n) / 10000 for n in ten_thousandths]
    total = sum(parts, Decimal(0))
    shown = cents_adding_up(parts, total)
    assert sum(shown, Decimal(0)) == total.quantize(Decimal("0.01"))
    assert all(abs(s - p) < Decimal("0.01") for s, p in zip(shown, parts, strict=True)), "each cell stays its own"


def test_the_example_that_did_not_add_up() -> None:
    from decimal import Decimal

    from provider.usage.render import cents_adding_up

    parts = [Decimal("0.7849"), Decimal("0.5749"), Decimal("0.0749")]
    assert cents_adding_up(parts, sum(parts, Decimal(0))) == [Decimal("0.79"), Decimal("0.57"), Decimal("0.07")]
