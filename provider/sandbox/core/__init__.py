"""What every emulated Twilio API shares: the service base over the backend's store, and store events."""
