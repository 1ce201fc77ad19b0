"""The messaging block of a tenant file: every mistake located at its line and field, nothing applied."""
from __future__ import annotations

from pathlib import Path

import pytest

from provider.tenancy import ValidationPolicy, load_tenants

from ..support.paths import EXAMPLES

BASE = (EXAMPLES / "northside-pharmacy.yaml").read_text()


def _problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "t").mkdir(exist_ok=True)
    (tmp_path / "t" / "northside-pharmacy.yaml").write_text(text)
    return [str(p) for p in load_tenants([str(tmp_path / "t")], ValidationPolicy.for_stack("prod")).problems]


def test_the_examples_declare_10dlc_and_toll_free() -> None:
    tenants = {t.id: t for t in load_tenants([str(EXAMPLES)]).require_valid()}
    north, sunrise = tenants["northside-pharmacy"].messaging, tenants["sunrise-rx"].messaging
    assert north and north.a2p_10dlc and north.senders == ("main",) and north.service.validity_period == 14400
    assert sunrise and sunrise.toll_free and sunrise.toll_free.numbers == ("hotline",)


def test_senders_must_be_the_tenants_own_numbers(tmp_path: Path) -> None:
    found = _problems(tmp_path, BASE.replace("senders: [main]", "senders: [main, pager]"))
    line = BASE.splitlines().index("  senders: [main]") + 1
    assert any(f":{line}:" in p and "messaging.senders[1]" in p and "`pager`" in p for p in found), found


def test_registration_needs_the_business(tmp_path: Path) -> None:
    start, end = BASE.index("  business:"), BASE.index("  a2p_10dlc:")
    found = _problems(tmp_path, BASE[:start] + BASE[end:])
    assert any("messaging: registration" in p and "needs `business`" in p for p in found), found


def test_toll_free_verification_is_for_toll_free_senders(tmp_path: Path) -> None:
    text = BASE.replace("  a2p_10dlc:", "  toll_free:\n    numbers: [main]\n    use_case_categories: "
                        "[ACCOUNT_NOTIFICATIONS]\n    use_case_summary: Refill reminders to opted-in patients.\n"
                        "    message_sample: Your refill is ready. Reply STOP to opt out.\n    opt_in_type: WEB_FORM\n"
                        "    opt_in_image_urls: [https://example.com/o.png]\n    message_volume: \"1,000\"\n"
                        "  a2p_10dlc:")
    found = _problems(tmp_path, text)
    assert any("messaging.toll_free.numbers[0]" in p and "not a toll-free number" in p for p in found), found


def test_bad_values_are_named(tmp_path: Path) -> None:
    found = _problems(tmp_path, BASE.replace('ein: "12-3456789"', 'ein: "123456789"').replace(
        "validity_period: 14400", "validity_period: 99999"))
    assert any("messaging.business.ein" in p and "NN-NNNNNNN" in p for p in found), found
    found = _problems(tmp_path, BASE.replace("    inbound_url: https://crm.example.com", "    inbound_url: "
                                             "https://10.0.0.1"))
    assert any("messaging.service.inbound_url" in p for p in found), found


def _northside(tmp_path: Path, change) -> Path:
    import yaml
    source = (EXAMPLES / "northside-pharmacy.yaml").read_text()
    data = yaml.safe_load(source)
    change(data)
    (tmp_path / "northside-pharmacy.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return tmp_path / "northside-pharmacy.yaml"


@pytest.mark.parametrize("change,field,words", [
    (lambda d: d["messaging"]["a2p_10dlc"].pop("opt_out_message"), "messaging.a2p_10dlc", "opt_out_message"),
    (lambda d: d["messaging"]["a2p_10dlc"].update(opt_out_keywords=["END"]), "messaging.a2p_10dlc.opt_out_keywords",
     "must include STOP"),
    (lambda d: d["messaging"]["a2p_10dlc"]["samples"].__setitem__(
        0, "Northside Pharmacy: your prescription for Xanax is ready. Reply STOP to opt out."),
     "messaging.a2p_10dlc.samples[0]", "30941"),
    (lambda d: d["messaging"]["a2p_10dlc"]["samples"].__setitem__(0, "Your order is ready for pickup today."),
     "messaging.a2p_10dlc.samples[0]", "must name the brand"),
    (lambda d: (d.update(hipaa=True), d["messaging"]["service"].update(inbound_method="GET")),
     "messaging.service.inbound_method", "23006"),
    (lambda d: d.update(sending_rules={"max_per_week": 5}), "sending_rules.max_per_week", "three a week"),
    (lambda d: (d.update(hipaa=True), d["webhooks"].update(voice_url="https://twimlets.com/echo?Twiml=x")),
     "webhooks.voice_url", "Twimlets, which Twilio does not list as HIPAA eligible"),
    (lambda d: (d.update(hipaa=True), d["webhooks"].update(sms_url="https://ＴＷＩＭＬＥＴＳ。com./echo")),
     "webhooks.sms_url", "Twimlets"),  # spelled as HTTP clients fold it
    (lambda d: (d.update(hipaa=True), d["phone_numbers"][0].setdefault("webhooks", {}).update(
        sms_url="https://channels.autopilot.twilio.com/v1/AC1/UA1/twilio-messaging")),
     "phone_numbers[0].webhooks.sms_url", "Autopilot"),
    (lambda d: (d.update(hipaa=True), d["messaging"]["service"].update(
        inbound_url="https://webhooks.twilio.com/v1/Accounts/AC1/Proxy/KS1/Webhooks/Message")),
     "messaging.service.inbound_url", "an unlisted Twilio product"),
])
def test_lawful_texting_is_checked_before_anything_is_sent(tmp_path: Path, change, field: str, words: str) -> None:
    result = load_tenants([_northside(tmp_path, change)], ValidationPolicy(allow_private_hosts=True))
    found = {p.field: p for p in result.problems}
    assert field in found and words in found[field].message, result.problems
    assert found[field].line > 1, "located at the line to fix"


def test_a_hipaa_tenant_may_hand_calls_and_messages_to_eligible_twilio_products(tmp_path: Path) -> None:
    from provider.tenancy.hipaa_rules import CONFIGURED, ELIGIBLE

    def eligible_targets(d) -> None:
        d.update(hipaa=True)
        d["webhooks"].update(voice_url="https://northside-1234.twil.io/voice",
                             sms_url="https://webhooks.twilio.com/v1/Accounts/AC1/Flows/FW1")
        d["messaging"]["service"].update(inbound_url="https://handler.twilio.com/twiml/EH1")

    result = load_tenants([_northside(tmp_path, eligible_targets)], ValidationPolicy(allow_private_hosts=True))
    assert result.ok, result.problems
    assert set(CONFIGURED.values()) <= ELIGIBLE, "every product a tenant file configures is on Twilio's list"


def test_the_crm_read_out_carries_the_sending_rules_and_the_hipaa_checklist(tmp_path: Path) -> None:
    from provider.localengine.program_runner import run_program
    from provider.program import run

    path = _northside(tmp_path, lambda d: d.update(hipaa=True, sending_rules={"quiet_hours": {"start": "20:00",
                                                                                           "end": "09:00"}}))
    monitor = run_program(lambda: run(str(path.parent)), engine=None, stack="test", config={})
    northside = monitor.stack_outputs["tenants"]["northside-pharmacy"]
    rules = northside["sending_rules"]
    assert rules["quiet_hours"]["start"] == "20:00" and rules["max_per_day"] == 1 and rules["max_sms_length"] == 160
    assert any("64.1200" in source for source in rules["sources"])
    assert any("BAA" in item for item in northside["hipaa"]["console_checklist"])


SUNRISE = (EXAMPLES / "sunrise-rx.yaml").read_text()


def test_toll_free_consent_data_is_checked_like_a_campaigns(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir(exist_ok=True)

    def problems(text: str) -> list[str]:
        (tmp_path / "t" / "sunrise-rx.yaml").write_text(text)
        return [str(p) for p in load_tenants([str(tmp_path / "t")], ValidationPolicy.for_stack("prod")).problems]
    unnamed = SUNRISE.replace('help_message_sample: "Sunrise Rx: call', 'help_message_sample: "We are here: call')
    line = next(i for i, t in enumerate(SUNRISE.splitlines(), 1) if "help_message_sample:" in t)
    assert any(f":{line}:" in p and "messaging.toll_free.help_message_sample" in p and "brand" in p
               for p in problems(unnamed))
    drug = SUNRISE.replace("you will get pickup and order texts", "you will get oxycodone refill texts")
    assert any("opt_in_confirmation_message" in p and "oxycodone" in p for p in problems(drug))
    no_stop = SUNRISE.replace('message_sample: "Sunrise Rx: your order is ready for pickup. Reply STOP to opt out."',
                              'message_sample: "Sunrise Rx: your order is ready for pickup."')
    assert any("messaging.toll_free.message_sample" in p and "opt out" in p for p in problems(no_stop))
    plain = SUNRISE.replace("privacy_policy_url: https://", "privacy_policy_url: http://")
    assert any("messaging.toll_free.privacy_policy_url" in p for p in problems(plain))
    assert problems(SUNRISE) == []


def test_toll_free_consent_data_is_sent_to_twilio() -> None:
    from dataclasses import asdict

    from provider.registration.tollfree import verification_fields

    sunrise = next(t for t in load_tenants([str(EXAMPLES)]).tenants if t.id == "sunrise-rx")
    assert sunrise.messaging and sunrise.messaging.toll_free and sunrise.messaging.business
    fields = verification_fields(asdict(sunrise.messaging.business), asdict(sunrise.messaging.toll_free))
    assert fields["opt_in_confirmation_message"].startswith("Sunrise Rx:") and fields["opt_in_keywords"] == ["START"]
    assert fields["privacy_policy_url"].startswith("https://") and "age_gated_content" not in fields


@pytest.mark.parametrize("bad", ["N", "Northside Rx", "2025", "Rx#1", "Café Rx", "---", "Northside\\n"])
def test_an_alpha_sender_twilio_would_refuse_is_named_at_its_line(tmp_path: Path, bad: str) -> None:
    found = _problems(tmp_path, BASE.replace("messaging:\n", f"messaging:\n  alpha_sender: \"{bad}\"\n", 1))
    line = BASE.splitlines().index("messaging:") + 2
    assert any(f":{line}:" in p and "messaging.alpha_sender" in p and "21709" in p for p in found), found


@pytest.mark.parametrize("good", ["Northside", "Rx-North&Co", "N1 Rx+_"])
def test_an_alpha_sender_twilio_takes_is_loaded(tmp_path: Path, good: str) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "northside-pharmacy.yaml").write_text(
        BASE.replace("messaging:\n", f"messaging:\n  alpha_sender: \"{good}\"\n", 1))
    tenant, = load_tenants([str(tmp_path / "t")]).require_valid()
    assert tenant.messaging and tenant.messaging.alpha_sender == good


def test_the_alpha_sender_rule_is_the_stand_ins() -> None:
    """validate refuses exactly what Twilio (the stand-in) refuses with 21709, nothing kinder."""
    from provider.sandbox.messaging_v1.models import ALPHA_SENDER
    from provider.tenancy.schema import _ecma_pattern, tenant_schema

    pattern = tenant_schema()["$defs"]["messaging"]["properties"]["alpha_sender"]["pattern"]
    assert pattern == f"^{ALPHA_SENDER.pattern}$"
    for name in ["N", "Northside Rx", "2025", "Rx#1", "Café Rx", "---", "Northside\n", "Northside", "Rx-North&Co",
                 "N1 Rx+_", "a b"]:
        assert bool(_ecma_pattern(pattern).search(name)) == bool(ALPHA_SENDER.fullmatch(name)), name
