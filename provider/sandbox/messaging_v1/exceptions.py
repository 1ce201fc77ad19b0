"""Messaging v1 errors with Twilio's codes (the sender pool, A2P brands and campaigns, toll-free verification)."""
from __future__ import annotations

from ..core.errors import TwilioApiError


class NotSmsCapable(TwilioApiError):
    """A number without SMS or MMS capability cannot be a Messaging Service sender."""
    status, code = 400, 21715


class NumberInAnotherService(TwilioApiError):
    """21712: a number belongs to one Messaging Service; it must leave that one first."""

    status, code = 400, 21712


class SenderPoolFull(TwilioApiError):
    """21714: a Messaging Service holds at most 400 numbers."""

    status, code = 400, 21714


class UpdateLimitReached(TwilioApiError):
    """21724: a registration may be updated or resubmitted only so many times."""

    status, code = 400, 21724


class BrandNotApproved(TwilioApiError):
    """21717: a campaign is registered only for an approved brand."""

    status, code = 400, 21717


class BrandNotResubmittable(TwilioApiError):
    """21725: only a FAILED brand is resubmitted."""

    status, code = 400, 21725


class NotTollFree(TwilioApiError):
    """30436: a toll-free verification needs a toll-free number."""

    status, code = 400, 30436


class InvalidNumberSid(TwilioApiError):
    """21421: the PhoneNumberSid given to a Messaging Service is not a number of the account."""

    status, code = 400, 21421


class EditWindowClosed(TwilioApiError):
    """30824: a rejected toll-free verification is edited only within its edit window (and only for rejection
    reasons that allow an edit); afterwards a new verification is submitted."""

    status, code = 400, 30824
