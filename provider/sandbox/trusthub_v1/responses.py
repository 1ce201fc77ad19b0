"""HTTP in and out for Trust Hub v1 (trusthub.twilio.com) and the v2010 Addresses a profile's address document
names. Every Trust Hub call acts in the account that authenticates."""
from __future__ import annotations

from typing import Any

from ..core.errors import InvalidParameter
from ..core.http import Call, Response, iso, json_param, v1_page
from .models import Assignment, Bundle, ChannelEndpoint, Evaluation, bundle_status

HOST = "trusthub.twilio.com"
BASE = f"https://{HOST}/v1"
COLLECTION = {"customer_profile": "CustomerProfiles", "trust_product": "TrustProducts"}


def _account(call: Call, write: bool = False) -> Any:
    return call.backend.v2010.target_account(call.principal, call.principal.account.sid, write=write)


def _kind(call: Call) -> str:
    return "customer_profile" if call.path.startswith("/v1/CustomerProfiles") else "trust_product"


# ---- bundles -----------------------------------------------------------------------------------------
def bundle_json(call: Call, b: Bundle) -> dict[str, Any]:
    status = bundle_status(b, call.backend.clock.now())
    url = f"{BASE}/{COLLECTION[b.kind]}/{b.sid}"
    prefix = "customer_profiles" if b.kind == "customer_profile" else "trust_products"
    return {
        "sid": b.sid, "account_sid": b.account_sid, "policy_sid": b.policy_sid, "friendly_name": b.friendly_name,
        "status": status, "valid_until": None, "email": b.email, "status_callback": b.status_callback or None,
        "date_created": iso(b.date_created), "date_updated": iso(b.date_updated), "url": url,
        "links": {f"{prefix}_entity_assignments": f"{url}/EntityAssignments",
                  f"{prefix}_evaluations": f"{url}/Evaluations",
                  f"{prefix}_channel_endpoint_assignment": f"{url}/ChannelEndpointAssignments"},
        "errors": [{"code": 22215, "message": b.failure_reason}] if status == "twilio-rejected" else None,
    }


def create_bundle(call: Call) -> Response:
    p = call.params
    name, email, policy, callback = p.get("FriendlyName"), p.get("Email"), p.get("PolicySid"), p.get("StatusCallback")
    p.reject_unknown()
    if not name or not email or not policy:
        raise InvalidParameter("FriendlyName, Email and PolicySid are required")
    bundle = call.backend.trusthub.create_bundle(_account(call, write=True), _kind(call), name, email, policy, callback or "")
    return 201, bundle_json(call, bundle)


def list_bundles(call: Call) -> Response:
    p = call.params
    filters = {k: v for k in ("Status", "FriendlyName", "PolicySid") if (v := p.get(k)) is not None}
    found = call.backend.trusthub.list_bundles(_account(call), _kind(call), filters.get("FriendlyName"), filters.get("Status"),
                                      filters.get("PolicySid"))
    return v1_page(call, HOST, "results", found, lambda b: bundle_json(call, b), filters)


def fetch_bundle(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, bundle_json(call, call.backend.trusthub.fetch_bundle(_account(call), _kind(call), call.args["sid"]))


def update_bundle(call: Call) -> Response:
    p = call.params
    status = p.get("Status")
    fields = {attr: v for attr, name in (("friendly_name", "FriendlyName"), ("email", "Email"),
                                         ("status_callback", "StatusCallback")) if (v := p.get(name)) is not None}
    p.reject_unknown()
    bundle = call.backend.trusthub.update_bundle(_account(call, write=True), _kind(call), call.args["sid"], fields, status)
    return 200, bundle_json(call, bundle)


def delete_bundle(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.trusthub.delete_bundle(_account(call, write=True), _kind(call), call.args["sid"])
    return 204, None


# ---- assignments and evaluations ---------------------------------------------------------------------
def assignment_json(call: Call, a: Assignment) -> dict[str, Any]:
    kind = _kind(call)
    return {"sid": a.sid, f"{kind}_sid": a.bundle_sid, "account_sid": a.account_sid, "object_sid": a.object_sid,
            "date_created": iso(a.date_created),
            "url": f"{BASE}/{COLLECTION[kind]}/{a.bundle_sid}/EntityAssignments/{a.sid}"}


def create_assignment(call: Call) -> Response:
    object_sid = call.params.get("ObjectSid")
    call.params.reject_unknown()
    if not object_sid:
        raise InvalidParameter("ObjectSid is required")
    found = call.backend.trusthub.assign(_account(call, write=True), _kind(call), call.args["bundle"], object_sid)
    return 201, assignment_json(call, found)


def list_assignments(call: Call) -> Response:
    found = call.backend.trusthub.list_assignments(_account(call), _kind(call), call.args["bundle"])
    return v1_page(call, HOST, "results", found, lambda a: assignment_json(call, a))


def fetch_assignment(call: Call) -> Response:
    call.params.reject_unknown()
    found = call.backend.trusthub.fetch_assignment(_account(call), _kind(call), call.args["bundle"], call.args["sid"])
    return 200, assignment_json(call, found)


def delete_assignment(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.trusthub.unassign(_account(call, write=True), _kind(call), call.args["bundle"], call.args["sid"])
    return 204, None


def evaluation_json(call: Call, e: Evaluation) -> dict[str, Any]:
    kind = _kind(call)
    return {"sid": e.sid, "account_sid": e.account_sid, "policy_sid": e.policy_sid, f"{kind}_sid": e.bundle_sid,
            "status": e.status, "results": list(e.results), "date_created": iso(e.date_created),
            "url": f"{BASE}/{COLLECTION[kind]}/{e.bundle_sid}/Evaluations/{e.sid}"}


def create_evaluation(call: Call) -> Response:
    policy = call.params.get("PolicySid")
    call.params.reject_unknown()
    if not policy:
        raise InvalidParameter("PolicySid is required")
    found = call.backend.trusthub.evaluate(_account(call, write=True), _kind(call), call.args["bundle"], policy)
    return 201, evaluation_json(call, found)


def list_evaluations(call: Call) -> Response:
    found = call.backend.trusthub.list_evaluations(_account(call), _kind(call), call.args["bundle"])
    return v1_page(call, HOST, "results", found, lambda e: evaluation_json(call, e))


def fetch_evaluation(call: Call) -> Response:
    call.params.reject_unknown()
    found = call.backend.trusthub.fetch_evaluation(_account(call), _kind(call), call.args["bundle"], call.args["sid"])
    return 200, evaluation_json(call, found)


# ---- channel endpoint assignments (phone numbers) ----------------------------------------------------
def channel_endpoint_json(call: Call, e: ChannelEndpoint) -> dict[str, Any]:
    kind = _kind(call)
    return {"sid": e.sid, f"{kind}_sid": e.bundle_sid, "account_sid": e.account_sid,
            "channel_endpoint_type": e.channel_endpoint_type, "channel_endpoint_sid": e.channel_endpoint_sid,
            "date_created": iso(e.date_created),
            "url": f"{BASE}/{COLLECTION[kind]}/{e.bundle_sid}/ChannelEndpointAssignments/{e.sid}"}


def create_channel_endpoint(call: Call) -> Response:
    endpoint_type, endpoint_sid = call.params.get("ChannelEndpointType"), call.params.get("ChannelEndpointSid")
    call.params.reject_unknown()
    if not endpoint_type or not endpoint_sid:
        raise InvalidParameter("ChannelEndpointType and ChannelEndpointSid are required")
    found = call.backend.trusthub.assign_channel_endpoint(_account(call, write=True), _kind(call), call.args["bundle"],
                                                 endpoint_type, endpoint_sid)
    return 201, channel_endpoint_json(call, found)


def list_channel_endpoints(call: Call) -> Response:
    endpoint_sid = call.params.get("ChannelEndpointSid")
    call.params.get("ChannelEndpointSids")
    filters = call.params.filters("ChannelEndpointSid")
    found = call.backend.trusthub.list_channel_endpoints(_account(call), _kind(call), call.args["bundle"], endpoint_sid)
    return v1_page(call, HOST, "results", found, lambda e: channel_endpoint_json(call, e), filters)


def fetch_channel_endpoint(call: Call) -> Response:
    call.params.reject_unknown()
    found = call.backend.trusthub.fetch_channel_endpoint(_account(call), _kind(call), call.args["bundle"], call.args["sid"])
    return 200, channel_endpoint_json(call, found)


def delete_channel_endpoint(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.trusthub.unassign_channel_endpoint(_account(call, write=True), _kind(call), call.args["bundle"],
                                           call.args["sid"])
    return 204, None


# ---- end users and supporting documents --------------------------------------------------------------
def _table(call: Call) -> str:
    return "end_users" if call.path.startswith("/v1/EndUsers") else "documents"


def item_json(table: str, item: Any) -> dict[str, Any]:
    path = "EndUsers" if table == "end_users" else "SupportingDocuments"
    body = {"sid": item.sid, "account_sid": item.account_sid, "friendly_name": item.friendly_name,
            "type": item.type, "attributes": dict(item.attributes), "date_created": iso(item.date_created),
            "date_updated": iso(item.date_updated), "url": f"{BASE}/{path}/{item.sid}"}
    if table == "documents":
        body.update(mime_type=None, status="DRAFT")
    return body


def create_item(call: Call) -> Response:
    name, type_, attributes = call.params.get("FriendlyName"), call.params.get("Type"), json_param(call, "Attributes")
    call.params.reject_unknown()
    if not name or not type_:
        raise InvalidParameter("FriendlyName and Type are required")
    table = _table(call)
    return 201, item_json(table, call.backend.trusthub.create_item(_account(call, write=True), table, name, type_, attributes))


def list_items(call: Call) -> Response:
    table = _table(call)
    return v1_page(call, HOST, "results", call.backend.trusthub.list_items(_account(call), table),
                   lambda i: item_json(table, i))


def fetch_item(call: Call) -> Response:
    call.params.reject_unknown()
    table = _table(call)
    return 200, item_json(table, call.backend.trusthub.fetch_item(_account(call), table, call.args["sid"]))


def update_item(call: Call) -> Response:
    name, attributes = call.params.get("FriendlyName"), json_param(call, "Attributes")
    call.params.reject_unknown()
    table = _table(call)
    return 200, item_json(table, call.backend.trusthub.update_item(_account(call, write=True), table, call.args["sid"], name,
                                                          attributes))


def delete_item(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.trusthub.delete_item(_account(call, write=True), _table(call), call.args["sid"])
    return 204, None
