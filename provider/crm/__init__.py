"""What the CRM imports: a tenant's Twilio credentials, read from the stack outputs."""
from .credentials import (CredentialsError, StackNotDeployed, TenantCredentials, fleet_tenants, stack_outputs,
                          tenant_credentials)

__all__ = ["CredentialsError", "StackNotDeployed", "TenantCredentials", "fleet_tenants", "stack_outputs",
           "tenant_credentials"]
