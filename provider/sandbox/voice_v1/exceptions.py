"""Voice v1 errors. Twilio documents no dedicated codes for dialing-permission requests: malformed ones answer
400 / 20001 (the generic invalid-parameter code), as the stand-in's other APIs do."""
from __future__ import annotations

from ..core.errors import InvalidParameter


class InvalidUpdateRequest(InvalidParameter):
    """A BulkCountryUpdates `UpdateRequest` that is not a JSON array of well-formed country updates."""


class InheritanceOn(InvalidParameter):
    """A subaccount that inherits the parent's permissions has none of its own to change (stand-in assumption:
    Twilio's Console greys the controls out; the stand-in refuses rather than accept a change with no effect)."""
