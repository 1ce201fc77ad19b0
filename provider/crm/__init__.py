"""What the CRM imports: a tenant's Twilio credentials, read from the stack outputs."""
from .credentials import CredentialsError, StackNotDeployed, TenantCredentials, stack_outputs, tenant_credentials

__all__ = ["CredentialsError", "StackNotDeployed", "TenantCredentials", "stack_outputs", "tenant_credentials"]
