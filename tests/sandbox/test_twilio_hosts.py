"""One base URL serves every Twilio host: the client rewrites https://<product>.twilio.com and names the host it
meant in X-Forwarded-Host; the stand-in routes by that host (only api.twilio.com is served so far)."""
from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioException

from provider.sandbox import SandboxServer
from provider.twilio_api import make_client
from provider.twilio_api.client import RedirectingHttpClient


def test_every_twilio_host_is_rewritten_to_the_base_url() -> None:
    client = RedirectingHttpClient("http://127.0.0.1:9")
    assert client.target("https://api.twilio.com/2010-04-01/Accounts.json") == \
        "http://127.0.0.1:9/2010-04-01/Accounts.json"
    assert client.target("https://accounts.twilio.com/v1/AuthTokens/Promote") == \
        "http://127.0.0.1:9/v1/AuthTokens/Promote"
    assert client.target("https://messaging.twilio.com/v1/Services?PageSize=50") == \
        "http://127.0.0.1:9/v1/Services?PageSize=50"
    assert client.target("https://example.com/x") == "https://example.com/x", "only Twilio's hosts"
    assert RedirectingHttpClient().target("https://iam.twilio.com/v1/Keys") == "https://iam.twilio.com/v1/Keys"


def test_the_stand_in_routes_by_the_host_the_client_meant(sandbox: SandboxServer) -> None:
    client = make_client(sandbox.account_sid, sandbox.auth_token, sandbox.base_url)
    assert client.api.v2010.accounts(sandbox.account_sid).fetch().sid == sandbox.account_sid
    with pytest.raises(TwilioException) as raised:  # served on accounts.twilio.com: nothing to promote yet
        client.accounts.v1.auth_token_promotion().update()
    assert "no secondary Auth Token to promote" in str(raised.value)
    with pytest.raises(TwilioException) as raised:  # verify.twilio.com is not served
        client.verify.v2.services.create(friendly_name="x")
    assert "verify.twilio.com/v2/Services" in str(raised.value)
    assert client.messaging.v1.services.list() == []  # served: the path alone would not say which API
    for host, status in (("messaging.twilio.com", 200), ("conversations.twilio.com", 404)):
        answer = requests.get(sandbox.base_url + "/v1/Services", auth=(sandbox.account_sid, sandbox.auth_token),
                              headers={"X-Forwarded-Host": host}, timeout=10)
        assert answer.status_code == status, host
    path = f"/2010-04-01/Accounts/{sandbox.account_sid}.json"
    auth = (sandbox.account_sid, sandbox.auth_token)
    elsewhere = requests.get(sandbox.base_url + path, auth=auth, headers={"X-Forwarded-Host": "messaging.twilio.com"},
                             timeout=10)
    assert elsewhere.status_code == 404, "a 2010 path on another host is not the 2010 API"
    assert requests.get(sandbox.base_url + path, auth=auth, timeout=10).status_code == 200, "no header: api"
