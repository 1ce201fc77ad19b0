"""What the CRM imports: a tenant's Twilio credentials, read from the stack outputs."""
from .credentials import CredentialsError, TenantCredentials, tenant_credentials

__all__ = ["CredentialsError", "TenantCredentials", "tenant_credentials"]
