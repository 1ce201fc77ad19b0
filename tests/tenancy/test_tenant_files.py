"""The tenant loader: examples load into typed tenants; every broken file gives located, readable problems."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from provider.tenancy import Problem, TenantFilesInvalid, ValidationPolicy, load_tenants
from provider.tenancy.loader import MAX_FILE_BYTES

from ..support.paths import EXAMPLES

MINIMAL = "id: {id}\ndisplay_name: Test Pharmacy\nstatus: active\n"


def write(directory: Path, name: str, text: str | bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, policy: ValidationPolicy = ValidationPolicy()) -> list[Problem]:
    result = load_tenants([path], policy)
    assert not result.ok, "expected problems"
    return list(result.problems)


def only_problem(path: Path, policy: ValidationPolicy = ValidationPolicy()) -> Problem:
    problems = problems_of(path, policy)
    assert len(problems) == 1, problems
    return problems[0]


def test_examples_load_into_typed_tenants() -> None:
    result = load_tenants([EXAMPLES])
    assert result.ok, [str(p) for p in result.problems]
    assert len(result.tenants) >= 10
    by_id = {t.id: t for t in result.tenants}
    assert set(by_id) == {p.stem for p in EXAMPLES.glob("*.yaml")}

    north = by_id["northside-pharmacy"]
    assert north.budget is not None and north.budget.monthly_limit_usd == Decimal("150.00")
    assert north.budget.thresholds() == ((80, Decimal("120.00")), (100, Decimal("150.00")))
    assert north.billing is not None and north.billing.monthly_price == Decimal("249.00")
    refills = north.number("refills")
    merged = north.number_webhooks(refills)
    assert merged.voice_url == "https://crm.example.com/twilio/northside-pharmacy/refills"
    assert merged.sms_url == north.webhooks.sms_url, "tenant defaults apply where the number does not override"
    assert refills.search is not None and refills.search.type == "toll_free"


def test_examples_cover_every_schema_feature() -> None:
    tenants = load_tenants([EXAMPLES]).require_valid()
    numbers = [n for t in tenants for n in t.phone_numbers]
    assert any(n.search for n in numbers), "a bought number"
    assert any(n.number for n in numbers), "an adopted or transferred number"
    assert any(n.webhooks.as_dict() for n in numbers), "a per-number override"
    assert any(t.subaccount_sid for t in tenants) and any(n.sid for n in numbers), "adoption by SID"
    assert {t.status for t in tenants} >= {"active", "suspended"}
    assert any(t.budget for t in tenants) and any(t.api_key for t in tenants)
    assert any(t.billing and t.billing.currency != "USD" for t in tenants)
    # Mobile numbers need a regulatory bundle wherever Twilio sells them: no example may ask for one yet.
    assert {n.search.type for n in numbers if n.search} == {"local", "toll_free"}


def test_tenants_are_immutable() -> None:
    tenant = load_tenants([EXAMPLES]).tenants[0]
    with pytest.raises(AttributeError):
        tenant.status = "closed"  # type: ignore[misc]


def test_problem_names_file_line_column_field_and_rule(tmp_path: Path) -> None:
    path = write(tmp_path / "tenants", "pharmacy-x", MINIMAL.format(id="pharmacy-x") + (
        "phone_numbers:\n"
        "  - name: main\n"
        "    search: {country: US, type: local, capabilities: [voice]}\n"
        "  - name: second\n"
        "    number: \"+14155550111\"\n"
        "    webhooks:\n"
        "      voice_url: http://crm.example.com/voice\n"
    ))
    problem = only_problem(path)
    assert str(problem) == (
        "tenants/pharmacy-x.yaml:10:18 phone_numbers[1].webhooks.voice_url: must be an https URL; "
        "got 'http://crm.example.com/voice'"
    )


def test_every_error_is_listed_not_only_the_first(tmp_path: Path) -> None:
    path = write(tmp_path, "pharmacy-x", (
        "id: pharmacy-x\n"
        "display_name: 12\n"
        "status: paused\n"
        "api_key: yes\n"
        "colour: blue\n"
    ))
    problems = problems_of(path)
    fields = {p.field: p for p in problems}
    assert set(fields) == {"display_name", "status", "api_key", "colour"}
    assert fields["status"].message == "must be one of: active, suspended, closed; got 'paused'"
    assert fields["api_key"].line == 4 and "true or false" in fields["api_key"].message
    assert fields["colour"].message.startswith("unknown field")


def test_unknown_field_points_at_the_key_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "pharmacy-x", MINIMAL.format(id="pharmacy-x") + "webhooks:\n  voice_ulr: https://a.example.com/v\n")
    problem = only_problem(path)
    assert (problem.line, problem.column, problem.field) == (5, 3, "webhooks.voice_ulr")
    assert "did you mean `voice_url`" in problem.message


def test_missing_required_field(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "pharmacy-x", "id: pharmacy-x\ndisplay_name: X\n"))
    assert (problem.field, problem.message) == ("status", "is required but missing")


def test_unquoted_phone_number_gets_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "pharmacy-x", MINIMAL.format(id="pharmacy-x") + "phone_numbers:\n  - name: main\n    number: +14155550100\n")
    problem = only_problem(path)
    assert problem.field == "phone_numbers[0].number"
    assert "quote the value" in problem.message and problem.line == 6


def test_number_needs_exactly_one_of_number_or_search(tmp_path: Path) -> None:
    path = write(tmp_path, "pharmacy-x", MINIMAL.format(id="pharmacy-x") + (
        "phone_numbers:\n  - name: main\n    number: \"+14155550100\"\n"
        "    search: {country: US, type: local, capabilities: [sms]}\n  - name: empty\n"
    ))
    problems = problems_of(path)
    assert [p.field for p in problems] == ["phone_numbers[0]", "phone_numbers[1]"]
    assert all("exactly one of `number`" in p.message for p in problems)


def test_yaml_one_point_two_scalars_country_no_stays_text(tmp_path: Path) -> None:
    path = write(tmp_path, "pharmacy-x", MINIMAL.format(id="pharmacy-x") + (
        "phone_numbers:\n  - name: main\n    search: {country: NO, type: mobile, capabilities: [sms]}\n"
    ))
    # Read as the text "NO" (Norway), not as false: refused for what Norway needs, a regulatory bundle.
    problem = only_problem(path)
    assert problem.field == "phone_numbers[0].search.country" and "in NO (Norway)" in problem.message


# Each a whole tenant file, where its problem is, and what the message says (data: tests/tenancy/malformed_files.json).
MALFORMED = json.loads((Path(__file__).parent / "malformed_files.json").read_text())


@pytest.mark.parametrize(("text", "line", "column", "message"),
                         [(case["text"], case["line"], case["column"], case["message"]) for case in MALFORMED],
                         ids=[case["message"] for case in MALFORMED])
def test_malformed_files_get_located_errors(tmp_path: Path, text: str, line: int, column: int, message: str) -> None:
    problem = only_problem(write(tmp_path, "pharmacy-x", text))
    assert message in problem.message, problem
    assert (problem.line, problem.column) == (line, column), problem


def test_alias_is_refused_before_expansion(tmp_path: Path) -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    problem = only_problem(write(tmp_path, "pharmacy-x", bomb))
    assert "anchors" in problem.message or "aliases" in problem.message


def test_binary_garbage(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "pharmacy-x", b"id: x\n\x00\x01\x02\xff\xfe"))
    assert "not UTF-8" in problem.message or "binary" in problem.message
    assert problem.line == 2


def test_non_utf8_reports_the_byte_and_line(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "pharmacy-x", "id: pharmacy-x\ndisplay_name: Caf\xe9\n".encode("latin-1")))
    assert problem.message == "is not UTF-8 text (byte 0xe9 at offset 32)"
    assert (problem.line, problem.column) == (2, 18)


def test_control_characters_are_refused(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "pharmacy-x", "id: pharmacy-x\ndisplay_name: a\x07b\n"))
    assert problem.message.startswith("YAML error") and problem.line == 2


def test_huge_file_is_refused_without_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "pharmacy-x", MINIMAL.format(id="pharmacy-x") + "# " + "x" * MAX_FILE_BYTES + "\n")
    assert "too large" in only_problem(path).message


def test_id_must_match_file_name(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "pharmacy-x", MINIMAL.format(id="pharmacy-y")))
    assert (problem.field, problem.line) == ("id", 1)
    assert "must equal the file name `pharmacy-x`" in problem.message


def test_bad_slug(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "Pharmacy_X", MINIMAL.format(id="Pharmacy_X")))
    assert problem.field == "id" and "lowercase slug" in problem.message


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://user:pw@crm.example.com/v", "must not contain credentials"),
        ("https://localhost/voice", "private or local host"),
        ("https://127.0.0.1/voice", "private or local address"),
        ("https://10.1.2.3/voice", "private or local address"),
        ("https://[::1]/voice", "private or local address"),
        ("https://crm.internal/voice", "private or local host"),
        ("https://intranet/voice", "private or local host"),
        ("https://crm.example.com:99999/voice", "not a valid URL"),
    ],
)
def test_webhook_url_safety_in_prod(tmp_path: Path, url: str, message: str) -> None:
    path = write(tmp_path, "pharmacy-x", MINIMAL.format(id="pharmacy-x") + f"webhooks:\n  sms_url: {url}\n")
    problem = only_problem(path)
    assert problem.field == "webhooks.sms_url" and message in problem.message


def test_private_hosts_are_allowed_outside_prod(tmp_path: Path) -> None:
    path = write(tmp_path, "pharmacy-x", MINIMAL.format(id="pharmacy-x") + "webhooks:\n  sms_url: https://localhost:8443/sms\n")
    assert load_tenants([path], ValidationPolicy.for_stack("sandbox")).ok
    assert not load_tenants([path], ValidationPolicy.for_stack("prod")).ok


def test_money_is_exact_and_at_most_two_decimals(tmp_path: Path) -> None:
    base = MINIMAL.format(id="pharmacy-x")
    good = write(tmp_path / "a", "pharmacy-x", base + "billing: {plan: p, monthly_price: 19.99, currency: USD}\n")
    assert load_tenants([good]).require_valid()[0].billing.monthly_price == Decimal("19.99")
    bad = write(tmp_path / "b", "pharmacy-x", base + "billing: {plan: p, monthly_price: 19.999, currency: USD}\n")
    assert only_problem(bad).field == "billing.monthly_price"
    negative = write(tmp_path / "c", "pharmacy-x", base + "billing: {plan: p, monthly_price: -5, currency: USD}\n")
    assert only_problem(negative).field == "billing.monthly_price"


BILLING_OVER_TIME = """billing:
  plan: starter
  monthly_price: "99.00"
  currency: USD
  start: "2026-02-10"
  acquisition_cost: "1200.50"
  changes:
    - from: "{first_change}"
      plan: growth
    - from: "2026-04-01"
      monthly_price: "149.00"
  discounts:
    - percent: "{percent}"
      until: "2026-03-31"
    - monthly_amount: "20.00"
      from: "{second_discount}"
"""


def test_billing_over_time_is_read_and_its_dates_checked(tmp_path: Path) -> None:
    base = MINIMAL.format(id="pharmacy-x")
    good = write(tmp_path / "a", "pharmacy-x", base + BILLING_OVER_TIME.format(
        first_change="2026-03-01", percent="12.5", second_discount="2026-06-01"))
    billing = load_tenants([good]).require_valid()[0].billing
    assert billing is not None and billing.acquisition_cost == Decimal("1200.50")
    assert billing.terms_on(date(2026, 2, 20)) == ("starter", Decimal("99.00"))
    assert billing.terms_on(date(2026, 3, 5)) == ("growth", Decimal("99.00")), "a change keeps what it does not set"
    assert billing.terms_on(date(2026, 4, 1)) == ("growth", Decimal("149.00"))
    assert billing.monthly_price_on(date(2026, 3, 31)) == Decimal("99.00") * Decimal("0.875")
    assert billing.monthly_price_on(date(2026, 5, 1)) == Decimal("149.00")
    assert billing.monthly_price_on(date(2026, 6, 1)) == Decimal("129.00")
    cases = {
        ("2026-02-01", "10", "2026-06-01"): ("billing.changes[0].from", "is not after billing.start"),
        ("2026-04-02", "10", "2026-06-01"): ("billing.changes[1].from", "in date order"),
        ("2026-03-01", "100.5", "2026-06-01"): ("billing.discounts[0].percent", "from 0 to 100"),
        ("2026-03-01", "10", "2026-03-15"): ("billing.discounts[1]", "overlaps discounts[0]"),
        ("2026-02-30", "10", "2026-06-01"): ("billing.changes[0].from", "not a real date"),
    }
    for (change, percent, discount), (field, words) in cases.items():
        bad = write(tmp_path / f"{change}-{percent}-{discount}", "pharmacy-x", base + BILLING_OVER_TIME.format(
            first_change=change, percent=percent, second_discount=discount))
        problem = only_problem(bad)
        assert (problem.field, words in problem.message) == (field, True), problem
        assert problem.line > 1, "located at the line to fix"
    both = write(tmp_path / "both", "pharmacy-x", base + 'billing: {plan: p, monthly_price: "9", currency: USD, '
                 'discounts: [{percent: "5", monthly_amount: "1"}]}\n')
    assert "exactly one of them" in only_problem(both).message


def test_names_and_numbers_unique_within_a_tenant(tmp_path: Path) -> None:
    path = write(tmp_path, "pharmacy-x", MINIMAL.format(id="pharmacy-x") + (
        "phone_numbers:\n"
        "  - {name: main, number: \"+14155550100\"}\n"
        "  - {name: main, number: \"+14155550100\"}\n"
    ))
    messages = {p.field: p.message for p in problems_of(path)}
    assert "already used by phone_numbers[0]" in messages["phone_numbers[1].name"]
    assert "already listed as phone_numbers[0]" in messages["phone_numbers[1].number"]


def test_area_code_only_for_north_america(tmp_path: Path) -> None:
    path = write(tmp_path, "pharmacy-x", MINIMAL.format(id="pharmacy-x") + (
        "phone_numbers:\n  - name: main\n    search: {country: GB, type: local, area_code: \"20\", capabilities: [voice]}\n"
    ))
    fields = [p.field for p in load_tenants([path]).problems]
    assert "phone_numbers[0].search.area_code" in fields


def test_cross_file_number_claimed_twice(tmp_path: Path) -> None:
    entry = "phone_numbers:\n  - name: main\n    number: \"+14155550100\"\n"
    write(tmp_path, "pharmacy-a", MINIMAL.format(id="pharmacy-a") + entry)
    write(tmp_path, "pharmacy-b", MINIMAL.format(id="pharmacy-b") + entry)
    result = load_tenants([tmp_path])
    assert [str(p) for p in result.problems] == [
        "pharmacy-b.yaml:6:13 phone_numbers[0].number: phone number +14155550100 is also claimed by "
        "pharmacy-a.yaml:6 (phone_numbers[0].number)"
    ]
    assert [t.id for t in result.tenants] == ["pharmacy-a"]
    with pytest.raises(TenantFilesInvalid) as raised:
        result.require_valid()
    assert "pharmacy-b.yaml:6:13" in str(raised.value)


def test_cross_file_duplicate_id_and_subaccount(tmp_path: Path) -> None:
    sid = "AC" + "a" * 32
    write(tmp_path / "eu", "pharmacy-a", MINIMAL.format(id="pharmacy-a") + f"subaccount_sid: {sid}\n")
    write(tmp_path / "us", "pharmacy-a", MINIMAL.format(id="pharmacy-a") + f"subaccount_sid: {sid}\n")
    messages = [p.message for p in load_tenants([tmp_path / "eu", tmp_path / "us"]).problems]
    assert any(m.startswith("tenant id pharmacy-a is also claimed by eu/pharmacy-a.yaml:1") for m in messages)
    assert any(m.startswith(f"subaccount SID {sid} is also claimed") for m in messages)


def test_missing_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = load_tenants([tmp_path / "nope"])
    assert [p.message for p in result.problems] == ["no such file or directory"]


def test_broken_copy_of_an_example(tenant_dir: Path) -> None:
    path = tenant_dir / "northside-pharmacy.yaml"
    path.write_text(path.read_text().replace("type: toll_free", "type: tollfree"))
    result = load_tenants([tenant_dir])
    assert [str(p) for p in result.problems] == [
        "tenants/northside-pharmacy.yaml:29:13 phone_numbers[1].search.type: "
        "must be one of: local, mobile, toll_free; got 'tollfree'"
    ]
    assert len(result.tenants) == len(list(tenant_dir.glob("*.yaml"))) - 1


@pytest.mark.parametrize(("country", "kind", "expected"), [
    ("UK", "local", "'UK' is not an ISO 3166-1 country code; the ISO code is GB"),
    ("XX", "local", "'XX' is not an ISO 3166-1 country code"),
    ("GB", "mobile", "need a regulatory bundle or an address"),
    ("DE", "local", "need a regulatory bundle or an address"),
    ("CA", "mobile", "need a regulatory bundle or an address"),
])
def test_countries_are_iso_codes_and_regulated_ones_are_refused(tmp_path: Path, country: str, kind: str,
                                                                 expected: str) -> None:
    path = write(tmp_path, "pharmacy-x", MINIMAL.format(id="pharmacy-x") + (
        f"phone_numbers:\n  - name: main\n    search: {{country: {country}, type: {kind}, capabilities: [voice]}}\n"))
    problem = only_problem(path)
    assert (problem.line, problem.field) == (6, "phone_numbers[0].search.country") and expected in problem.message


def test_exact_numbers_outside_north_america_and_voice_only_senders_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "pharmacy-x", MINIMAL.format(id="pharmacy-x") + (
        "phone_numbers:\n  - name: uk\n    number: \"+442079460000\"\n"
        "  - name: calls\n    search: {country: US, type: local, capabilities: [voice]}\n"
        "messaging:\n  senders: [calls]\n"))
    problems = {p.field: p for p in load_tenants([path]).problems}
    assert "21613" in problems["phone_numbers[0].number"].message
    assert "21715" in problems["messaging.senders[0]"].message and problems["messaging.senders[0]"].line == 10
