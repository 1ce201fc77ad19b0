"""Trust Hub v1 (trusthub.twilio.com): customer profiles, trust products, what they hold and their phone numbers
(`models.py`), HTTP in/out (`responses.py`), routes (`urls.py`), errors (`exceptions.py`)."""
