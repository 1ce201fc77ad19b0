"""Messaging v1 (messaging.twilio.com): Messaging Services and their sender pools (`models.py`), US registration —
A2P brands, campaigns, toll-free verifications — (`registration.py`), HTTP in/out (`responses.py`), routes
(`urls.py`), errors with Twilio's codes (`exceptions.py`)."""
