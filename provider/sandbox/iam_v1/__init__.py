"""IAM v1 (iam.twilio.com): API keys — HTTP in/out (`responses.py`) and routes (`urls.py`); the keys' state
and rules are the store's, shared with the v2010 Keys."""
