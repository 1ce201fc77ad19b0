"""Voice v1 (voice.twilio.com): dialing permissions per country and their inheritance, one folder as moto keeps a
service: `models.py` (state and rules), `responses.py` (HTTP in/out), `urls.py` (routes and the permission each
needs), `exceptions.py` (errors with Twilio's codes). The backend holds one `DialingPermissions` (composition: it
gets the backend's store, lock and clock)."""
