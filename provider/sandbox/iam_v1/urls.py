"""IAM v1 routes on iam.twilio.com. Keys are account administration: Restricted keys never reach them (see
`permissions.ACCOUNT_ADMIN`), so each route's permission is None."""
from __future__ import annotations

from ..core.http import sid_segment
from . import responses as c

HOST = c.HOST
ROUTES = [
    (r"/v1/Keys", {"GET": (c.iam_list_keys, None), "POST": (c.iam_create_key, None)}),
    (r"/v1/Keys/" + sid_segment("SK"), {"GET": (c.iam_fetch_key, None), "POST": (c.iam_update_key, None),
                                        "DELETE": (c.iam_delete_key, None)}),
]
