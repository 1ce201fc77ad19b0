"""What finance reads: totals that add up on the page in every format, one money format per field, committed
exchange rates, billing that starts or ends mid-period, and failures in words."""
from __future__ import annotations

import csv
import io
import json
import os
import re
from decimal import Decimal
from pathlib import Path

from provider.usage import render
from provider.usage.job import UsageJobError, run_usage

from ..support.cli import tenantctl
from .test_usage import request, world  # noqa: F401 - the usage world fixture


def test_totals_add_up_on_the_page_in_every_format(world, tmp_path: Path) -> None:  # noqa: F811
    report = run_usage(request(tmp_path))
    assert any(line.kind == "parent" for line in report.lines) and any(line.revenue is None for line in report.lines)
    document = json.loads(render.to_json(report))
    totals = {k: Decimal(v) for k, v in document["totals"].items()}
    assert totals["margin"] == totals["revenue"] - totals["cost"]
    assert sum(Decimal(line["margin"]) for line in document["lines"]) == totals["margin"]
    assert sum(Decimal(line["cost"]) for line in document["lines"]) == totals["cost"]
    rows = list(csv.DictReader(io.StringIO(render.to_csv(report))))
    assert sum(Decimal(r["revenue"]) - Decimal(r["cost"]) for r in rows) == \
        sum(Decimal(r["margin"]) for r in rows)
    markdown = render.to_markdown(report)
    footer = next(line for line in markdown.splitlines() if line.startswith("| **total**"))
    cost, revenue, margin = (Decimal(v.replace(",", "")) for v in re.findall(r"\*\*(-?[0-9,]+\.[0-9]{2})\*\*",
                                                                               footer)[-3:])
    assert margin == revenue - cost
    assert markdown.count("Reconciliation:") == 1


def test_money_has_one_format_per_field(world, tmp_path: Path) -> None:  # noqa: F811
    report = run_usage(request(tmp_path))
    document = json.loads(render.to_json(report))
    for line in document["lines"]:
        for key, value in line.items():
            if key.startswith("cost"):
                assert re.fullmatch(r"-?[0-9]+\.[0-9]{4}", value), (key, value)
            elif key == "revenue":
                assert re.fullmatch(r"-?[0-9]+\.[0-9]{2}", value), (key, value)
            elif key == "margin":
                assert re.fullmatch(r"-?[0-9]+\.[0-9]{4}", value), (key, value)
            elif key == "margin_pct":
                assert value is None or re.fullmatch(r"-?[0-9]+\.[0-9]", value), (key, value)
    for row in csv.DictReader(io.StringIO(render.to_csv(report))):
        assert "," not in "".join(row[k] for k in row if k.startswith("cost") or k in ("revenue", "margin"))


def test_committed_exchange_rates_need_no_flag_and_are_named(world, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "fx-rates.yaml").write_text('as_of: "2026-11-01"\nrates:\n  GBP: "1.30"\n')
    report = run_usage(request(tmp_path, fx={}))
    citycare = next(line for line in report.lines if line.label == "citycare-chemists")
    assert citycare.revenue == Decimal("199.00") * Decimal("1.30")
    assert "fx-rates.yaml, as of 2026-11-01" in render.to_markdown(report)
    overridden = run_usage(request(tmp_path, fx={"GBP": Decimal("1.25")}))
    assert next(line for line in overridden.lines if line.label == "citycare-chemists").revenue == \
        Decimal("199.00") * Decimal("1.25")
    (tmp_path / "fx-rates.yaml").write_text("rates:\n  GBP: 1.30\n")
    try:
        run_usage(request(tmp_path, fx={}))
    except UsageJobError as error:
        assert "must be quoted" in str(error)
    else:
        raise AssertionError("an unquoted (float) rate is refused")


def test_billing_that_starts_or_ends_mid_period_is_prorated(world, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "tenants" / "northside-pharmacy.yaml"
    undated = re.sub(r'\n  start: "[0-9-]+"', "", path.read_text())  # whatever start the example declares
    path.write_text(undated.replace('currency: USD', 'currency: USD\n  start: "2026-10-17"'))
    river = tmp_path / "tenants" / "riverbend-pharmacy.yaml"
    assert "billing" in river.read_text()
    river.write_text(re.sub(r"(currency: USD)", r'\1\n  end: "2026-10-10"', river.read_text(), count=1))
    lines = {line.label: line for line in run_usage(request(tmp_path)).lines}
    cent = Decimal("0.01")
    assert lines["northside-pharmacy"].revenue == (Decimal("249.00") * Decimal(15) / Decimal(31)).quantize(cent)
    price = Decimal(re.search(r'monthly_price: "([0-9.]+)"', river.read_text()).group(1))
    assert lines["riverbend-pharmacy"].revenue == (price * Decimal(10) / Decimal(31)).quantize(cent)
    path.write_text(path.read_text().replace('start: "2026-10-17"', 'start: "2026-02-30"'))
    result = tenantctl("validate", str(path), cwd=tmp_path)
    assert result.returncode == 1 and "billing.start: is not a real date" in result.stdout


def test_a_wrong_parent_token_is_said_in_words(world, tmp_path: Path) -> None:  # noqa: F811
    server, _ = world
    env = {"TWILIO_ACCOUNT_SID": server.account_sid, "TWILIO_AUTH_TOKEN": "wrong-token",
           "TWILIO_API_BASE_URL": os.environ["TWILIO_API_BASE_URL"]}
    result = tenantctl("usage", "--period", "2026-10", "--fx", "GBP=1.27", "--tenants", str(tmp_path / "tenants"),
                       cwd=tmp_path, env=env)
    assert result.returncode == 1 and result.stdout == ""
    assert "Twilio refused the parent credentials" in result.stderr and "TWILIO_AUTH_TOKEN" in result.stderr
    assert "TwilioException" not in result.stderr and "Traceback" not in result.stderr
