"""Twilio tenant provisioning as code: tenant model, Twilio sandbox, Pulumi dynamic providers and reports.

Importing this package has no side effects: the Pulumi engine imports it in the provider process too.
"""
