"""US messaging registration as a plan and its steps: A2P 10DLC (customer profile, trust product, brand, campaign)
and toll-free verification. Pure planning (`plan`) decides what a run may do from what was last seen at Twilio and
what the tenant file declares; the flows (`a2p`, `tollfree`) carry it out with the tenant's own client."""
