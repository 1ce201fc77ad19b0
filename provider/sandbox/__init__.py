"""A stateful local stand-in for Twilio's REST API 2010-04-01 (the sandbox): moto-style layout.

models.py holds state and rules, responses.py HTTP in/out, urls.py routing, exceptions.py Twilio's errors,
server.py the aiohttp server, faults.py injected failures, inventory.py and usage.py the synthetic world.
"""
from .faults import FaultPlan
from .models import Clock, TwilioBackend
from .server import SandboxServer

__all__ = ["Clock", "FaultPlan", "SandboxServer", "TwilioBackend"]
