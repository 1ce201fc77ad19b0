"""Property: whatever arrives over HTTP, the stand-in answers like Twilio — a documented error or a success —
never an internal error, never a dropped connection, and a refused request changes nothing."""
from __future__ import annotations

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provider.sandbox import SandboxServer

SEGMENTS = st.sampled_from(["2010-04-01", "Accounts", "Accounts.json", "{parent}", "{parent}.json",
                            "IncomingPhoneNumbers.json", "IncomingPhoneNumbers", "Local.json", "PN" + "0" * 32 + ".json",
                            "Keys.json", "Usage", "Records.json", "Daily.json", "Triggers.json", "AvailablePhoneNumbers",
                            "US", "..", "%00", "", "ÿ"])
PARAMS = st.sampled_from(["FriendlyName", "Status", "PhoneNumber", "AreaCode", "VoiceUrl", "VoiceMethod", "AccountSid",
                          "PageSize", "Page", "StartDate", "EndDate", "Category", "IncludeSubaccounts", "TriggerValue",
                          "UsageCategory", "CallbackUrl", "Recurring", "Bogus"])
VALUES = st.one_of(st.text(max_size=12), st.sampled_from(["closed", "suspended", "+14155550123", "415", "-1", "0",
                                                           "true", "2026-13-45", "totalprice", "https://x.example.com",
                                                           "AC" + "0" * 32]))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(method=st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH"]),
       segments=st.lists(SEGMENTS, min_size=1, max_size=6),
       params=st.dictionaries(PARAMS, VALUES, max_size=4),
       raw=st.one_of(st.none(), st.binary(max_size=64)))
def test_any_request_gets_a_twilio_answer(sandbox: SandboxServer, method: str, segments: list[str],
                                          params: dict[str, str], raw: bytes | None) -> None:
    path = "/" + "/".join(s.replace("{parent}", sandbox.account_sid) for s in segments)
    before = sandbox.backend.snapshot()
    response = requests.request(method, sandbox.base_url + path, auth=(sandbox.account_sid, sandbox.auth_token),
                                data=raw if raw is not None else params, timeout=10,
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        detail = {"detail"} if response.status_code in (401, 429) else set()
        assert set(body) == {"code", "message", "more_info", "status"} | detail
        assert body["status"] == response.status_code
        assert sandbox.backend.snapshot() == before, "a refused request changes nothing"
