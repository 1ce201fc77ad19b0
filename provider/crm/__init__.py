"""What the CRM imports: a tenant's Twilio credentials, read from the stack outputs."""
from .credentials import CredentialsError, TenantCredentials, stack_outputs, tenant_credentials

__all__ = ["CredentialsError", "TenantCredentials", "stack_outputs", "tenant_credentials"]
