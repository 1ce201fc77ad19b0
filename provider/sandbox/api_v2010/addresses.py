"""v2010 Addresses: a customer's postal addresses, which emergency calling (EmergencyEnabled) and Trust Hub's
address documents name. Deleting one is refused while a number or a document uses it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core.errors import InvalidParameter
from ..core.service import Service

if TYPE_CHECKING:
    from .models import Account


@dataclass
class Address:
    sid: str
    account_sid: str
    customer_name: str
    street: str
    city: str
    region: str
    postal_code: str
    iso_country: str
    friendly_name: str = ""
    street_secondary: str = ""
    emergency_enabled: bool = False
    date_created: datetime | None = None
    date_updated: datetime | None = None


TABLES: dict[str, type] = {"addresses": Address}


class Addresses(Service):
    # ---- addresses (v2010) -------------------------------------------------------------------------
    def create_address(self, account: Account, fields: dict[str, Any]) -> Address:
        with self.lock:
            missing = [name for name in ("customer_name", "street", "city", "region", "postal_code", "iso_country")
                       if not fields.get(name)]
            if missing:
                raise InvalidParameter(f"Address needs {', '.join(missing)}")
            if len(fields["iso_country"]) != 2:
                raise InvalidParameter("IsoCountry must be an ISO 3166-1 alpha-2 code")
            if fields.get("emergency_enabled") and fields["iso_country"] not in ("US", "CA"):
                raise InvalidParameter("An emergency address must be in the US or Canada (EmergencyEnabled)")
            now = self.clock.now()
            address = Address(sid=self._sid("AD"), account_sid=account.sid, date_created=now, date_updated=now,
                              **fields)
            self.tables["addresses"][address.sid] = address
            self._persist(account.sid)
            return address

    def list_addresses(self, account: Account, customer_name: str | None = None) -> list[Address]:
        with self.lock:
            return [a for a in self.tables["addresses"].values() if a.account_sid == account.sid
                    and (customer_name is None or a.customer_name == customer_name)]

    def fetch_address(self, account: Account, sid: str) -> Address:
        with self.lock:
            return self._mine("addresses", account, sid, f"/Accounts/{account.sid}/Addresses/{sid}")

    def delete_address(self, account: Account, sid: str) -> None:
        """Refused while a number names it as its emergency address or a document names it."""
        with self.lock:
            self.fetch_address(account, sid)
            users = [n.phone_number for n in self.numbers.values()
                     if n.emergency_address_sid == sid and n.emergency_status == "Active"]
            documents = [d.sid for d in self.tables["documents"].values()
                         if sid in ([d.attributes.get("address_sids")] if isinstance(d.attributes.get("address_sids"),
                                                                                     str)
                                    else d.attributes.get("address_sids") or [])]
            if users or documents:
                raise InvalidParameter(f"Address {sid} is in use ({', '.join(users + documents)}): remove it from "
                                       "them first")
            for number in self.numbers.values():
                if number.emergency_address_sid == sid:
                    number.emergency_address_sid = ""  # an inactive number forgets the address deleted
            del self.tables["addresses"][sid]
            self._persist(account.sid)
