"""`tenantctl audit`: what the parent account holds at Twilio that no tenant file declares, and what the files declare
that Twilio no longer has. Read-only."""
from .findings import Finding, audit_findings
from .holdings import Holdings, read_holdings

__all__ = ["Finding", "Holdings", "audit_findings", "read_holdings"]
