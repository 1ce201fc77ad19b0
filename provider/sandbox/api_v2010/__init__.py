"""REST API 2010-04-01 (api.twilio.com): accounts, incoming numbers, keys, usage records and triggers (`models.py`),
addresses (`addresses.py`), HTTP in/out (`responses.py`), routes (`urls.py`), errors with Twilio's codes
(`exceptions.py`)."""
