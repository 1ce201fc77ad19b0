"""Trust Hub objects the stand-in tests build again and again: a tenant's complete secondary customer profile."""
from __future__ import annotations

from typing import Any

from twilio.rest import Client

from provider.sandbox.trusthub_v1.models import SANDBOX_PRIMARY_PROFILE_SID, SECONDARY_PROFILE_POLICY


def secondary_profile(client: Client, account_sid: str, ein: str = "12-3456789", legal_name: str = "Northside Pharmacy LLC",
             ) -> Any:
    hub = client.trusthub.v1
    profile = hub.customer_profiles.create(friendly_name="northside", email="ops@northside.example",
                                           policy_sid=SECONDARY_PROFILE_POLICY)
    business = hub.end_users.create(friendly_name="business", type="customer_profile_business_information",
                                    attributes={"business_name": legal_name, "business_identity": "direct_customer",
                                                "business_type": "Limited Liability Corporation",
                                                "business_industry": "HEALTHCARE",
                                                "business_registration_identifier": "EIN",
                                                "business_registration_number": ein,
                                                "business_regions_of_operation": "USA_AND_CANADA",
                                                "website_url": "https://northside.example"})
    person = hub.end_users.create(friendly_name="rep", type="authorized_representative_1",
                                  attributes={"first_name": "Ana", "last_name": "Diaz", "email": "ana@northside.example",
                                              "phone_number": "+14155550100", "business_title": "Owner",
                                              "job_position": "CEO"})
    address = client.api.v2010.accounts(account_sid).addresses.create(
        customer_name="Northside Pharmacy", street="1 Main St", city="Springfield", region="IL", postal_code="62701",
        iso_country="US")
    document = hub.supporting_documents.create(friendly_name="address", type="customer_profile_address",
                                               attributes={"address_sids": address.sid})
    for sid in (business.sid, person.sid, document.sid, SANDBOX_PRIMARY_PROFILE_SID):
        profile.customer_profiles_entity_assignments.create(object_sid=sid)
    return profile
