"""The stand-in's wire format and its answers to bad input, over raw HTTP: Twilio-style errors, never a crash."""
from __future__ import annotations

import re
from email.utils import parsedate_to_datetime

import pytest
import requests

from provider.sandbox import SandboxServer

API = "/2010-04-01"


@pytest.fixture
def http(sandbox: SandboxServer):
    session = requests.Session()
    session.auth = (sandbox.account_sid, sandbox.auth_token)

    def call(method: str, path: str, **kwargs) -> requests.Response:
        return session.request(method, sandbox.base_url + path, timeout=10, **kwargs)
    return call


def assert_twilio_error(response: requests.Response, status: int, code: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    detail = {"detail"} if status in (401, 429) else set()  # real 401 and 429 bodies also carry `detail`
    assert set(body) == {"code", "message", "more_info", "status"} | detail
    assert (body["status"], body["code"]) == (status, code)
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}" and body["message"]
    return body


def test_missing_and_malformed_auth(sandbox: SandboxServer) -> None:
    url = f"{sandbox.base_url}{API}/Accounts.json"
    response = requests.get(url, timeout=10)
    assert_twilio_error(response, 401, 20003)
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    response = requests.get(url, headers={"Authorization": "Basic !!!not-base64"}, timeout=10)
    assert_twilio_error(response, 401, 20003)


def test_unknown_paths_wrong_sids_and_methods(http, sandbox: SandboxServer) -> None:
    assert_twilio_error(http("GET", "/nope"), 404, 20404)
    assert_twilio_error(http("GET", f"{API}/Accounts/ACnot-a-sid.json"), 404, 20404)
    assert_twilio_error(http("GET", f"{API}/Accounts/{'AC' + '0' * 32}.json"), 404, 20404)
    account = sandbox.account_sid
    assert_twilio_error(http("GET", f"{API}/Accounts/{account}/IncomingPhoneNumbers/{'PN' + '0' * 32}.json"),
                        404, 20404)
    assert_twilio_error(http("GET", f"{API}/Accounts/{account}/IncomingPhoneNumbers/XX123.json"), 404, 20404)
    body = assert_twilio_error(http("DELETE", f"{API}/Accounts.json"), 405, 20004)
    assert "GET" in body["message"] and "POST" in body["message"]
    assert_twilio_error(http("PUT", f"{API}/Accounts/{account}.json"), 405, 20004)


def test_bad_bodies_change_nothing(http, sandbox: SandboxServer) -> None:
    before = len(sandbox.backend.accounts)
    url = f"{API}/Accounts.json"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert_twilio_error(http("POST", url, data="FriendlyName", headers=form), 400, 20001)
    assert_twilio_error(http("POST", url, data=b"FriendlyName=%ff%fe", headers=form), 400, 20001)
    assert_twilio_error(http("POST", url, data="FriendlyName=a&FriendlyName=b", headers=form), 400, 20001)
    assert_twilio_error(http("POST", url, json={"FriendlyName": "x"}), 400, 20001)
    assert_twilio_error(http("POST", url, data={"FriendlyName": "x", "Colour": "blue"}), 400, 20001)
    assert_twilio_error(http("POST", url, data={"FriendlyName": "x" * 65}), 400, 20001)
    assert_twilio_error(http("POST", url, data={"FriendlyName": "x" * 70_000}), 413, 20001)
    assert len(sandbox.backend.accounts) == before, "no half-applied change"


def test_invalid_values(http, sandbox: SandboxServer) -> None:
    sub = http("POST", f"{API}/Accounts.json", data={"FriendlyName": "tenant:v"}).json()
    assert_twilio_error(http("POST", f"{API}/Accounts/{sub['sid']}.json", data={"Status": "paused"}), 400, 21475)
    numbers = f"{API}/Accounts/{sub['sid']}/IncomingPhoneNumbers.json"
    assert_twilio_error(http("POST", numbers, data={"PhoneNumber": "4155550100"}), 400, 21421)
    assert_twilio_error(http("POST", numbers, data={}), 400, 21450)
    assert_twilio_error(http("POST", numbers, data={"PhoneNumber": "+14155550700", "VoiceMethod": "PUT"}), 400, 21403)
    assert_twilio_error(http("POST", numbers, data={"PhoneNumber": "+14155550700", "VoiceUrl": "ftp://x"}), 400, 21402)
    assert http("GET", numbers).json()["incoming_phone_numbers"] == []
    assert_twilio_error(http("GET", f"{API}/Accounts.json", params={"PageSize": "0"}), 400, 20001)
    assert_twilio_error(http("GET", f"{API}/Accounts/{sub['sid']}/Usage/Records.json",
                             params={"StartDate": "yesterday"}), 400, 20001)
    assert_twilio_error(http("GET", f"{API}/Accounts/{sub['sid']}/Usage/Records.json",
                             params={"Category": "pizza"}), 400, 20001)


def test_paging_envelope_and_wire_format(http, sandbox: SandboxServer) -> None:
    for i in range(5):
        http("POST", f"{API}/Accounts.json", data={"FriendlyName": f"tenant:p{i}"})
    first = http("GET", f"{API}/Accounts.json", params={"PageSize": "2"})
    assert first.headers["Content-Type"].startswith("application/json")
    body = first.json()
    list_keys = set(body) - {"first_page_uri", "end", "previous_page_uri", "uri", "page_size", "start",
                             "next_page_uri", "page"}
    assert list_keys == {"accounts"}, "exactly one list key"
    assert (body["page"], body["page_size"], body["start"], body["end"]) == (0, 2, 0, 1)
    assert body["previous_page_uri"] is None
    assert body["next_page_uri"].startswith(f"{API}/Accounts.json?") and "Page=1" in body["next_page_uri"]
    assert body["uri"].startswith("/") and body["first_page_uri"].startswith("/")
    seen = [a["sid"] for a in body["accounts"]]
    next_uri = body["next_page_uri"]
    while next_uri:
        page = http("GET", next_uri).json()
        seen += [a["sid"] for a in page["accounts"]]
        next_uri = page["next_page_uri"]
    assert len(seen) == len(set(seen)) == 7, "5 made here, the parent and the demo legacy subaccount"
    account = body["accounts"][0]
    assert re.fullmatch(r"AC[0-9a-f]{32}", account["sid"])
    assert parsedate_to_datetime(account["date_created"]).utcoffset().total_seconds() == 0
    assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000", account["date_created"])
    assert "Twilio-Request-Id" in first.headers


def test_release_answers_204_without_body(http, sandbox: SandboxServer) -> None:
    number = http("POST", f"{API}/Accounts/{sandbox.account_sid}/IncomingPhoneNumbers.json",
                  data={"AreaCode": "212"}).json()
    response = http("DELETE", f"{API}/Accounts/{sandbox.account_sid}/IncomingPhoneNumbers/{number['sid']}.json")
    assert response.status_code == 204 and response.content == b""


def test_admin_endpoints_need_the_parent(sandbox: SandboxServer, http) -> None:
    assert requests.get(f"{sandbox.base_url}/__sandbox/counters", timeout=5).status_code == 401
    http("GET", f"{API}/Accounts.json")
    counters = http("GET", "/__sandbox/counters").json()["counters"]
    assert counters["GET 200"] >= 1
    log = http("GET", "/__sandbox/requests").json()["requests"]
    assert log[-1]["path"] == f"{API}/Accounts.json" and log[-1]["account_sid"] == sandbox.account_sid
