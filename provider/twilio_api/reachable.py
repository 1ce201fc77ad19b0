"""Say at once, and what to run, when the Twilio a stack points at is not listening: never after a minute of
retries and a raw connection-pool message."""
from __future__ import annotations

import socket
from urllib.parse import urlsplit

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def unreachable(base_url: str | None, stack: str, timeout_s: float = 3) -> str | None:
    """Why `base_url` (a stand-in or a proxy) cannot be reached, or None (also for the real Twilio: no base URL)."""
    if not base_url:
        return None
    parts = urlsplit(base_url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=timeout_s).close()
    except OSError as error:
        hint = (f" The local Twilio stand-in is not running: start it, on its saved state, with "
                f"`./tenantctl sandbox --stack {stack}`" if parts.hostname in LOCAL_HOSTS else "")
        return f"cannot reach Twilio at {base_url} ({error.strerror or error}).{hint}"
    return None
