"""A stateful local stand-in for Twilio (the sandbox), in moto's layout: one folder per Twilio API.

The root is the store every API shares and REST API 2010-04-01 (accounts, numbers, keys, usage, triggers):
models.py (state and rules, persistence), responses.py (HTTP in/out), urls.py (routing, and the registry of the
service folders), exceptions.py (Twilio's errors), server.py (aiohttp), faults.py, inventory.py, usage.py.
Each other API is a folder with models / responses / urls / exceptions, a service composed over the store
(`core.service.Service`; reverse notifications as store events): iam_v1, accounts_v1, messaging_v1, trusthub_v1,
voice_v1. A new Twilio API is one folder plus one line in urls.SERVICES.
"""
from .faults import FaultPlan
from .models import Clock, TwilioBackend
from .server import SandboxServer

__all__ = ["Clock", "FaultPlan", "SandboxServer", "TwilioBackend"]
