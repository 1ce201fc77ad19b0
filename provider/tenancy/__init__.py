"""Tenant files (YAML) to typed, immutable tenants, with located errors."""
from .loader import LoadResult, load_tenants, load_tenants_or_raise
from .model import (
    ApiKeySpec,
    AuthTokenRotation,
    Billing,
    Budget,
    Discount,
    NumberSearch,
    PhoneNumberSpec,
    PlanChange,
    SourceRef,
    Tenant,
    Webhooks,
)
from .problems import Problem, TenantFilesInvalid
from .rules import ValidationPolicy

__all__ = [
    "ApiKeySpec", "AuthTokenRotation", "Billing", "Budget", "Discount", "LoadResult", "NumberSearch", "PhoneNumberSpec", "PlanChange", "Problem", "SourceRef", "Tenant",
    "TenantFilesInvalid", "ValidationPolicy", "Webhooks", "load_tenants", "load_tenants_or_raise",
]
