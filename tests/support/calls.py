"""What the stand-in's API tests check again and again: that Twilio refuses a call, and with what."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException


def refused(call: Callable[[], Any]) -> TwilioRestException:
    """The error Twilio (the stand-in) answered the call with; fails the test if it succeeded."""
    with pytest.raises(TwilioRestException) as raised:
        call()
    return raised.value
