"""Closed months of usage on disk, so a 12-month report re-run asks Twilio only for the open month.

One JSON file per (parent, account, scope): `<dir>/<parent SID>/<account SID>.<scope>.json`, holding per month every
category Twilio returned (the category set is "all": any `--category` choice reads the same entry). An entry records
the account's creation day: a sandbox started afresh can reuse a SID for a different account, and then the entry is
not used. Only SIDs, days and prices are stored, never credentials. Files are replaced atomically, each written by the
one thread that fetched its account.

Closed months are financial records: each entry carries a keyed digest (HMAC-SHA256) whose key is derived from the
parent's credential (the stack's secret), which is never stored beside it. An entry edited by hand, however
consistently, fails the check: it is fetched again and the report names it.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..usage.fetch import AccountUsage
from .months import Month

VERSION = 2  # 2: entries carry a keyed digest; version 1 entries are fetched again


def cache_key(secret: str) -> bytes:
    """The digest key: derived from the parent's auth token (or Main key secret), so only who holds it can write an
    entry the report believes. The secret itself never touches the disk."""
    return hmac.new(secret.encode(), b"tenantctl economics cache v2", hashlib.sha256).digest()


class MonthCache:
    def __init__(self, directory: Path | None, parent_sid: str, key: bytes = b""):
        self.directory = directory / parent_sid if directory else None
        self.key = key
        self.problem: str | None = None  # why an entry could not be written (the report is still right)
        self.tampered: list[str] = []  # entries whose digest did not match: fetched again, and said so

    def _digest(self, document: dict[str, object]) -> str:
        body = json.dumps({k: v for k, v in document.items() if k != "digest"}, sort_keys=True).encode()
        return hmac.new(self.key, body, hashlib.sha256).hexdigest()

    def _file(self, account_sid: str, scope: str) -> Path | None:
        return self.directory / f"{account_sid}.{scope}.json" if self.directory else None

    def read(self, account_sid: str, scope: str, created: date | None) -> dict[Month, AccountUsage]:
        path = self._file(account_sid, scope)
        if path is None or not path.exists():
            return {}
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if document.get("version") != VERSION or document.get("created") != _day(created):
                return {}
            if not hmac.compare_digest(str(document.get("digest", "")), self._digest(document)):
                self.tampered.append(f"{account_sid}.{scope}")
                return {}
            return {Month.parse(label, "cache"): AccountUsage(account_sid,
                                                              {c: Decimal(p) for c, p in entry["prices"].items()},
                                                              frozenset(entry["units"]))
                    for label, entry in document["months"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            return {}  # a damaged cache costs requests, never a wrong figure

    def write(self, account_sid: str, scope: str, created: date | None, months: dict[Month, AccountUsage]) -> None:
        path = self._file(account_sid, scope)
        if path is None or not months:
            return
        try:
            self._replace(path, account_sid, scope, created, months)
        except OSError as error:  # a full disk or a read-only directory costs requests next time, not this report
            self.problem = f"{path.parent}: {error.strerror or error}"

    def _replace(self, path: Path, account_sid: str, scope: str, created: date | None,
                 months: dict[Month, AccountUsage]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {"version": VERSION, "account_sid": account_sid, "scope": scope, "created": _day(created),
                    "months": {m.label: {"prices": {c: f"{p:f}" for c, p in sorted(u.prices.items())},
                                         "units": sorted(u.units)} for m, u in sorted(months.items())}}
        document["digest"] = self._digest(document)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(document, out, indent=1)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
