"""A stateful local stand-in for Twilio (the sandbox), in moto's layout: one folder per Twilio API.

core/ is what every API shares: the store (lock, clock, SIDs, tables, events, request log, snapshot + journal,
one persistence path declared by the APIs' table lists), HTTP helpers and paging, errors, who may call what, the
aiohttp server, faults and the concurrency limit. Each API is a folder with models (rows and rules, a service over
the store), responses (HTTP in/out), urls (host, routes, the permission each route needs) and exceptions:
api_v2010, iam_v1, accounts_v1, messaging_v1, trusthub_v1, voice_v1. backend.py composes the store and the
services; urls.py is the registry. A new Twilio API is one folder, its tables and service in backend.py, and one
line in urls.SERVICES.
"""
from .backend import TwilioBackend
from .core.faults import FaultPlan
from .core.server import SandboxServer
from .core.store import Clock

__all__ = ["Clock", "FaultPlan", "SandboxServer", "TwilioBackend"]
