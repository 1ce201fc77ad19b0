"""Accounts v1 (accounts.twilio.com): auth-token rotation — HTTP in/out (`responses.py`) and routes (`urls.py`);
the tokens are the store's accounts."""
