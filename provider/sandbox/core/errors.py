"""Twilio API errors with Twilio's codes, statuses and JSON body shape: the ones every API answers with."""
from __future__ import annotations

from typing import Any


def param_name(attr: str) -> str:
    """Twilio's parameter name for one of our attribute names (validity_period -> ValidityPeriod), for messages."""
    return "".join(part.capitalize() for part in attr.split("_"))


class TwilioApiError(Exception):
    """Rendered as Twilio's error body: {code, message, more_info, status}."""

    status = 400
    code = 20001
    headers: dict[str, str] = {}
    detail: str | None = None  # real 401 and 429 bodies carry a `detail` sentence besides `message`

    def __init__(self, message: str, code: int | None = None, status: int | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        if headers:
            self.headers = headers

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        return body


class InvalidParameter(TwilioApiError):
    status, code = 400, 20001


class Unauthenticated(TwilioApiError):
    status, code = 401, 20003
    detail = "Your AccountSid or AuthToken was incorrect."

    def __init__(self, message: str = "Authenticate"):
        super().__init__(message, headers={"WWW-Authenticate": 'Basic realm="Twilio API"'})


class PermissionDenied(TwilioApiError):
    status, code = 403, 20003


class AccountNotActive(TwilioApiError):
    status, code = 401, 20005


class NotFound(TwilioApiError):
    status, code = 404, 20404

    def __init__(self, path: str):
        super().__init__(f"The requested resource {path} was not found")


class MethodNotAllowed(TwilioApiError):
    status, code = 405, 20004


class PayloadTooLarge(TwilioApiError):
    status, code = 413, 20001


class TooManyRequests(TwilioApiError):
    status, code = 429, 20429
    detail = "Too many concurrent requests for this account; the request was not processed. Retry later."

    def __init__(self, retry_after_s: int | None = None, in_flight: int | None = None):
        headers = {} if retry_after_s is None else {"Retry-After": str(retry_after_s)}
        if in_flight is not None:
            headers["Twilio-Concurrent-Requests"] = str(in_flight)
        super().__init__("Too Many Requests", headers=headers)


class ServerError(TwilioApiError):
    status, code = 500, 20500


class ServiceUnavailable(TwilioApiError):
    status, code = 503, 20503


class AuthorizationFailed(TwilioApiError):
    """70051: a Restricted key asked for something its policy does not allow (or restricted keys cannot do)."""

    status, code = 401, 70051


class UnderReview(TwilioApiError):
    """What is being reviewed cannot change until Twilio decides (stand-in's code: Twilio documents none)."""

    status, code = 409, 20409


class NotReady(TwilioApiError):
    """A registration step whose prerequisite is not approved yet (stand-in's wording; Twilio answers 400)."""

    status, code = 400, 20001
