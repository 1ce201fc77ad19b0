"""Pulumi dynamic resources for Twilio. Importable and side-effect free: the engine's provider process
imports this module to unpickle providers by reference."""
from .api_key import ApiKey, ApiKeyArgs, ApiKeyProvider
from .auth_token import AuthTokenRotation, AuthTokenRotationArgs, AuthTokenRotationProvider
from .base import ProvisioningError
from .messaging_service import (
    MessagingSender,
    MessagingSenderArgs,
    MessagingSenderProvider,
    MessagingService,
    MessagingServiceArgs,
    MessagingServiceProvider,
)
from .phone_number import PhoneNumber, PhoneNumberArgs, PhoneNumberProvider
from .registration import (
    A2pRegistration,
    A2pRegistrationArgs,
    A2pRegistrationProvider,
    TollfreeVerification,
    TollfreeVerificationArgs,
    TollfreeVerificationProvider,
)
from .subaccount import (
    Subaccount,
    SubaccountArgs,
    SubaccountProvider,
    SubaccountStatus,
    SubaccountStatusArgs,
    SubaccountStatusProvider,
)
from .usage_trigger import UsageTrigger, UsageTriggerArgs, UsageTriggerProvider
from .voice import (
    DialingPermissions,
    DialingPermissionsArgs,
    DialingPermissionsProvider,
    EmergencyAddress,
    EmergencyAddressArgs,
    EmergencyAddressProvider,
    VoiceCaller,
    VoiceCallerArgs,
    VoiceCallerProvider,
    VoiceTrust,
    VoiceTrustArgs,
    VoiceTrustProvider,
)

__all__ = ["A2pRegistration", "A2pRegistrationArgs", "A2pRegistrationProvider", "ApiKey", "ApiKeyArgs",
           "ApiKeyProvider", "AuthTokenRotation", "AuthTokenRotationArgs", "AuthTokenRotationProvider",
           "DialingPermissions", "DialingPermissionsArgs", "DialingPermissionsProvider", "EmergencyAddress",
           "EmergencyAddressArgs", "EmergencyAddressProvider", "MessagingSender", "MessagingSenderArgs",
           "MessagingSenderProvider", "MessagingService", "MessagingServiceArgs", "MessagingServiceProvider",
           "PhoneNumber", "PhoneNumberArgs", "PhoneNumberProvider", "ProvisioningError", "Subaccount", "SubaccountArgs",
           "SubaccountProvider", "SubaccountStatus", "SubaccountStatusArgs", "SubaccountStatusProvider",
           "TollfreeVerification", "TollfreeVerificationArgs", "TollfreeVerificationProvider", "UsageTrigger",
           "UsageTriggerArgs", "UsageTriggerProvider", "VoiceCaller", "VoiceCallerArgs", "VoiceCallerProvider",
           "VoiceTrust", "VoiceTrustArgs", "VoiceTrustProvider"]
