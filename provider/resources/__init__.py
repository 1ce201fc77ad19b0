"""Pulumi dynamic resources for Twilio. Importable and side-effect free: the engine's provider process
imports this module to unpickle providers by reference. Each module declares what it exports (`__all__`): a
resource added to a module is exported without an edit here."""
from . import api_key, auth_token, messaging_service, phone_number, registration, subaccount, usage_trigger, voice
from .api_key import *  # noqa: F403
from .auth_token import *  # noqa: F403
from .base import ProvisioningError as ProvisioningError
from .messaging_service import *  # noqa: F403
from .phone_number import *  # noqa: F403
from .registration import *  # noqa: F403
from .subaccount import *  # noqa: F403
from .usage_trigger import *  # noqa: F403
from .voice import *  # noqa: F403

MODULES = (api_key, auth_token, messaging_service, phone_number, registration, subaccount, usage_trigger, voice)
__all__ = sorted(["ProvisioningError", *(name for module in MODULES for name in module.__all__)])
