"""A `twilio.rest.Client` whose requests go to a chosen base URL (the SDK has no base-URL option)."""
from __future__ import annotations

from typing import Any, Optional

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

TWILIO_BASE_URL = "https://api.twilio.com"
DEFAULT_TIMEOUT_S = 15.0


class RedirectingHttpClient(TwilioHttpClient):
    """Rewrites https://api.twilio.com to `base_url`; everything else is the SDK's own client."""

    def __init__(self, base_url: Optional[str] = None, timeout: float = DEFAULT_TIMEOUT_S, **kwargs: Any):
        super().__init__(timeout=timeout, **kwargs)
        self.base_url = (base_url or TWILIO_BASE_URL).rstrip("/")

    def target(self, url: str) -> str:
        if self.base_url != TWILIO_BASE_URL and url.startswith(TWILIO_BASE_URL):
            return self.base_url + url[len(TWILIO_BASE_URL):]
        return url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        return super().request(method, self.target(url), *args, **kwargs)


def make_client(account_sid: str, auth_token: str, base_url: Optional[str] = None,
                http_client: Optional[TwilioHttpClient] = None, timeout: float = DEFAULT_TIMEOUT_S) -> Client:
    """A client for `account_sid`; `base_url` None means the real Twilio."""
    return Client(account_sid, auth_token, http_client=http_client or RedirectingHttpClient(base_url, timeout))
