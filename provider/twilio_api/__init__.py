"""The one way this project talks to Twilio: the official SDK, pointed at Twilio or at the local stand-in."""
from .client import TWILIO_BASE_URL, RedirectingHttpClient, make_client

__all__ = ["TWILIO_BASE_URL", "RedirectingHttpClient", "make_client"]
