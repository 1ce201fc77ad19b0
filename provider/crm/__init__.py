"""What the CRM imports: a tenant's Twilio credentials, read from the stack outputs."""
from .credentials import (
                          ApiKeyCredential,
                          CredentialsError,
                          StackNotDeployed,
                          TenantCredentials,
                          fleet_tenants,
                          stack_outputs,
                          tenant_credentials,
)

__all__ = ["ApiKeyCredential", "CredentialsError", "StackNotDeployed", "TenantCredentials", "fleet_tenants", "stack_outputs",
           "tenant_credentials"]
