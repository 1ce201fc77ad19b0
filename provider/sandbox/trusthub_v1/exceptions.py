"""Trust Hub v1 errors. Twilio documents few Trust Hub codes: a bundle or what it holds under review answers 409
(`UnderReview`, shared with messaging registration), a submission without a compliant evaluation 400 (`NotReady`);
the rest are 400 / 20001 invalid parameters. They live with the errors every API shares."""
from __future__ import annotations

from ..core.errors import InvalidParameter, NotFound, NotReady, UnderReview

__all__ = ["InvalidParameter", "NotFound", "NotReady", "UnderReview"]
