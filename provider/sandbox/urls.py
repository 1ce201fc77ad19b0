"""The registry of emulated Twilio APIs, and routing: a path, on the Twilio host it was meant for, to its handler.

Each API is a folder (moto's layout) with a `urls` module holding HOST and ROUTES, whose handlers carry the
Restricted-key permission they need. A new Twilio API is its folder plus one line in SERVICES.
"""
from __future__ import annotations

import re

from .accounts_v1 import urls as accounts_v1
from .api_v2010 import urls as api_v2010
from .core.http import Handler
from .iam_v1 import urls as iam_v1
from .messaging_v1 import urls as messaging_v1
from .trusthub_v1 import urls as trusthub_v1
from .voice_v1 import urls as voice_v1

SERVICES = (api_v2010, iam_v1, accounts_v1, messaging_v1, trusthub_v1, voice_v1)
SERVICE_PERMISSIONS: dict[str, str] = {
    handler.__name__: permission for service in SERVICES for _, methods in service.ROUTES
    for handler, permission in methods.values() if permission}

API_HOST = api_v2010.HOST
# One base URL serves every Twilio host: the client rewrites https://<product>.twilio.com and says which host it
# meant in X-Forwarded-Host (paths are kept as they are).
ROUTES_BY_HOST: dict[str, list[tuple[re.Pattern[str], dict[str, Handler]]]] = {}
for _service in SERVICES:
    ROUTES_BY_HOST.setdefault(_service.HOST, []).extend(
        (re.compile(pattern + r"\Z"), {method: handler for method, (handler, _) in methods.items()})
        for pattern, methods in _service.ROUTES)
SERVED_HOSTS = tuple(sorted(ROUTES_BY_HOST))


def resolve(path: str, host: str = API_HOST) -> tuple[dict[str, Handler], dict[str, str]] | None:
    """The handlers for the path (on that Twilio host) and its named parts, or None for an unknown one."""
    for pattern, methods in ROUTES_BY_HOST.get(host, []):
        match = pattern.match(path)
        if match:
            return methods, {k: v for k, v in match.groupdict().items() if v is not None}
    return None
