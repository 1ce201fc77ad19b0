"""A `twilio.rest.Client` whose requests go to a chosen base URL (the SDK has no base-URL option) and are
retried where that is safe (see retry.py). The SDK itself never retries a 429."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import requests
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from .budget import slot
from .retry import RETRYABLE_STATUS, AmbiguousCreate, Deadline, RetryPolicy, is_create

TWILIO_BASE_URL = "https://api.twilio.com"
DEFAULT_TIMEOUT_S = 15.0


def _never_sent(error: BaseException) -> bool:
    """True when the connection was refused or timed out while connecting: the request never left."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    seen = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, NewConnectionError):
            return True
        reason = getattr(current, "reason", None)
        nxt = reason if isinstance(reason, BaseException) else None
        if nxt is None and current.args and isinstance(current.args[0], BaseException):
            nxt = current.args[0]
        current = nxt or current.__cause__ or current.__context__
    return False


TWILIO_HOST = re.compile(r"https://(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.twilio\.com)(?P<path>/.*)?\Z")


class RedirectingHttpClient(TwilioHttpClient):
    """Rewrites every https://<product>.twilio.com to `base_url` (saying which host was meant in
    X-Forwarded-Host: one stand-in serves them all), and retries with backoff where repeating is safe."""

    def __init__(self, base_url: str | None = None, timeout: float = DEFAULT_TIMEOUT_S,
                 retry: RetryPolicy | None = None, reauthenticate: Callable[[], str] | None = None,
                 **kwargs: Any):
        """reauthenticate: a fresh secret when Twilio answers 401 to the one given (a token rotated meanwhile)."""
        super().__init__(timeout=timeout, **kwargs)
        self.base_url = (base_url or TWILIO_BASE_URL).rstrip("/")
        self.retry = retry or RetryPolicy()
        self.retries = 0
        self.reauthenticate = reauthenticate
        self._auth: tuple[str, str] | None = None  # the fresh credentials, once reauthenticated

    def target(self, url: str) -> str:
        match = TWILIO_HOST.match(url.split("?", 1)[0]) if self.base_url != TWILIO_BASE_URL else None
        if match is None:
            return url
        return self.base_url + url[len("https://") + len(match.group("host")):]

    def send(self, method: str, url: str, params: Any = None, data: Any = None, headers: Any = None,
             *args: Any, **kwargs: Any) -> Response:
        """One attempt, no retry: the seam the contract checker in the tests hooks into. Waits for a slot of the
        process's in-flight budget, if one is set (budget.py)."""
        match = TWILIO_HOST.match(url.split("?", 1)[0])
        if match is not None and self.base_url != TWILIO_BASE_URL:
            headers = {**(headers or {}), "X-Forwarded-Host": match.group("host")}
        with slot():
            return super().request(method, self.target(url), params, data, headers, *args, **kwargs)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        """A request, retried where safe; with `reauthenticate`, a 401 is answered once with fresh credentials and
        the request repeated (Twilio authenticates before it processes anything: a 401 was never applied)."""
        if self._auth is not None and kwargs.get("auth"):
            kwargs["auth"] = self._auth
        response = self._request_with_retries(method, url, *args, **kwargs)
        if response.status_code == 401 and self.reauthenticate is not None and kwargs.get("auth"):
            self._auth = (kwargs["auth"][0], self.reauthenticate())
            kwargs["auth"] = self._auth
            response = self._request_with_retries(method, url, *args, **kwargs)
        return response

    def _request_with_retries(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        creating = is_create(method, url)
        deadline = Deadline(self.retry)
        path = url.replace(TWILIO_BASE_URL, "")
        while True:
            try:
                response = self.send(method, url, *args, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as error:
                safe = not creating or _never_sent(error)
                if safe and deadline.another():
                    self.retries += 1
                    continue
                if not safe:
                    raise AmbiguousCreate(method, path, type(error).__name__) from error
                raise
            if response.status_code in RETRYABLE_STATUS:
                if response.status_code == 429 or not creating:
                    if deadline.another(response.headers.get("Retry-After")):
                        self.retries += 1
                        continue
                    return response
                raise AmbiguousCreate(method, path, f"HTTP {response.status_code}")
            return response


def make_client(account_sid: str, secret: str, base_url: str | None = None,
                http_client: TwilioHttpClient | None = None, timeout: float = DEFAULT_TIMEOUT_S,
                retry: RetryPolicy | None = None, api_key: str | None = None,
                reauthenticate: Callable[[], str] | None = None) -> Client:
    """A client for `account_sid`, authenticating with its auth token, or with `api_key` (SK...) and that key's
    secret; `base_url` None means the real Twilio. reauthenticate: see RedirectingHttpClient."""
    return Client(api_key or account_sid, secret, account_sid=account_sid,
                  http_client=http_client or RedirectingHttpClient(base_url, timeout, retry=retry,
                                                                   reauthenticate=reauthenticate))
