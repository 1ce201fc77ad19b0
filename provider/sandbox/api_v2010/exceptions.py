"""REST API 2010-04-01's own errors, with the codes Twilio uses for them."""
from __future__ import annotations

from ..core.errors import TwilioApiError


class NumberNotAvailable(TwilioApiError):
    status, code = 400, 21422


class BundleRequired(TwilioApiError):
    """A number of a country and type Twilio regulates: a BundleSid of an approved regulatory bundle is needed."""
    status, code = 400, 21649


class AddressRequired(TwilioApiError):
    status, code = 400, 21631


class TransferNeedsBundle(TwilioApiError):
    """Moving a regulated number to another account: the target account needs its own approved bundle."""
    status, code = 400, 21613


class InvalidPhoneNumber(TwilioApiError):
    status, code = 400, 21421


class InvalidAreaCode(TwilioApiError):
    status, code = 400, 21451


class NoNumbersInAreaCode(TwilioApiError):
    status, code = 400, 21452


class TransferTargetUnrelated(TwilioApiError):
    status, code = 400, 21473


class TransferNeedsParentCredentials(TwilioApiError):
    status, code = 400, 21474


class InvalidStatus(TwilioApiError):
    status, code = 400, 21475


class ParentStatusChange(TwilioApiError):
    status, code = 400, 21477


class AccountClosed(TwilioApiError):
    status, code = 400, 21479


class SubaccountLimit(TwilioApiError):
    """21480: the parent has as many subaccounts as it may (1,000 unless Twilio raised the cap)."""

    status, code = 400, 21480

    def __init__(self, existing: int, limit: int):
        super().__init__(f"Reached maximum number of subaccounts ({existing} of {limit}); closed subaccounts count "
                         "until Twilio deletes them 30 days after closing")


class NoSecondaryAuthToken(TwilioApiError):
    status, code = 404, 20404
