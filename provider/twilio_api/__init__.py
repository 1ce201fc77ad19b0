"""The one way this project talks to Twilio: the official SDK, pointed at Twilio or at the local stand-in."""
from .client import TWILIO_BASE_URL, RedirectingHttpClient, make_client
from .credentials import Credentials, MissingCredentials, credentials_from

__all__ = ["TWILIO_BASE_URL", "Credentials", "MissingCredentials", "RedirectingHttpClient", "credentials_from",
           "make_client"]
