"""The store every emulated Twilio API shares: one lock, the clock, SIDs, the tables, events, the request log, and
one persistence path (snapshot + journal) declared by the services' table lists.

No Twilio rule lives here: each API's folder declares its tables (name -> row dataclass, rows keyed by SID and
carrying `account_sid`, or being an account) and its rules over them.
"""
from __future__ import annotations

import json
import os
import random
import string
import tempfile
import threading
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from . import records
from .service import ROW_DROPPED, ROW_LOADED, Events

JOURNAL_COMPACT_MIN_BYTES = 1 << 20  # the --state journal is folded into a new snapshot past this size


class Clock:
    """UTC now, which tests and the usage report's fixtures can pin or move."""

    def __init__(self, fixed: datetime | None = None):
        self._fixed = fixed
        self._offset = timedelta(0)

    def now(self) -> datetime:
        base = self._fixed or datetime.now(UTC)
        return (base + self._offset).replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()

    def set(self, moment: datetime) -> None:
        self._fixed = moment.astimezone(UTC)
        self._offset = timedelta(0)

    def advance(self, delta: timedelta) -> None:
        self._offset += delta


@dataclass(frozen=True)
class RequestRecord:
    seq: int
    method: str
    path: str
    status: int
    account_sid: str | None
    fault: str | None
    at: str
    query: str = ""  # the URL's query string: which dates a usage read asked for

    @property
    def is_write(self) -> bool:
        return self.method in ("POST", "DELETE")


class Store:
    """Tables by name (`tables`), per-account row lists by name (`lists`, e.g. number ownership periods), and
    their persistence. Every public method of a service takes `lock`, so tests may read state from another thread
    while the server runs."""

    parent_sid: str  # set by the backend once the parent account exists or is restored

    def __init__(self, tables: dict[str, type], lists: dict[str, type], *, seed: int | None, clock: Clock | None,
                 state_file: Path | None, log_limit: int):
        self.lock = threading.RLock()
        self.clock = clock or Clock()
        self.rng = random.Random(seed)
        self.table_types, self.list_types = dict(tables), dict(lists)
        self.tables: dict[str, dict[str, Any]] = {name: {} for name in tables}
        self.lists: dict[str, dict[str, list[Any]]] = {name: {} for name in lists}
        self.events = Events()
        self.log: deque[RequestRecord] = deque(maxlen=log_limit)
        self.counters: Counter[str] = Counter()
        self._seq = 0
        self.state_file = state_file
        self._snapshot_bytes = 0
        self._journal_bytes = 0

    # ---- identifiers -------------------------------------------------------------------------------
    def new_sid(self, prefix: str) -> str:
        return f"{prefix}{self.rng.getrandbits(128):032x}"

    def secret(self, length: int = 32) -> str:
        alphabet = string.ascii_letters + string.digits
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    # ---- observability -----------------------------------------------------------------------------
    def record_request(self, method: str, path: str, status: int, account_sid: str | None,
                       fault: str | None = None, query: str = "") -> None:
        with self.lock:
            self._seq += 1
            record = RequestRecord(self._seq, method, path, status, account_sid, fault, self.clock.now().isoformat(),
                                   query)
            self.log.append(record)
            self.counters["requests"] += 1
            self.counters[f"{method} {status}"] += 1
            if record.is_write and 200 <= status < 300:
                self.counters["writes"] += 1
            if fault:
                self.counters[f"fault {fault}"] += 1

    def requests(self, since: int = 0) -> list[RequestRecord]:
        with self.lock:
            return [r for r in self.log if r.seq > since]

    @property
    def last_seq(self) -> int:
        with self.lock:
            return self._seq

    # ---- persistence -------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "version": 1,
                "parent_sid": self.parent_sid,
                **{name: [records.plain(row) for row in rows.values()] for name, rows in self.tables.items()},
                **{name: [records.plain(row) for held in rows.values() for row in held]
                   for name, rows in self.lists.items()},
            }

    @staticmethod
    def _owner(row: Any) -> str:
        """The account a row belongs to (an account belongs to itself)."""
        return row.account_sid if hasattr(row, "account_sid") else row.sid

    def _account_records(self, sids: Iterable[str]) -> dict[str, Any]:
        """Everything that belongs to these accounts: what one write can have changed."""
        wanted = set(sids)
        return {
            "sids": sorted(wanted),
            **{name: [records.plain(row) for row in rows.values() if self._owner(row) in wanted]
               for name, rows in self.tables.items()},
            **{name: [records.plain(row) for sid in sorted(wanted) for row in rows.get(sid, ())]
               for name, rows in self.lists.items()},
        }

    def restore(self) -> bool:
        """The saved state, snapshot then journal, if there is one (False: nothing saved yet)."""
        if self.state_file is None or not self.state_file.exists():
            return False
        self._load_records(json.loads(self.state_file.read_text()))
        self._snapshot_bytes = self.state_file.stat().st_size
        journal = self._journal_path()
        if journal is not None and journal.exists():
            for line in journal.read_text().splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    break  # a write torn by a crash: it was never acknowledged
                self._replace_accounts(entry)
        self.rng = random.Random(os.urandom(16))
        return True

    def _replace_accounts(self, entry: dict[str, Any]) -> None:
        """Journal replay: the accounts' records become exactly the entry's (idempotent, so replays are safe)."""
        sids = set(entry["sids"])
        for name, table in self.tables.items():
            for key in [k for k, row in table.items() if self._owner(row) in sids]:
                self.events.emit(ROW_DROPPED, name, table.pop(key))
        for rows in self.lists.values():
            for sid in sids:
                rows.pop(sid, None)
        self._load_records(entry)

    def _load_records(self, state: dict[str, Any]) -> None:
        """One path for every table: rows by the table lists (absent tables: state written before they existed)."""
        for name, cls in self.table_types.items():
            table = self.tables[name]
            for row in state.get(name, ()):
                loaded: Any = records.load(cls, row)
                table[loaded.sid] = loaded
                self.events.emit(ROW_LOADED, name, loaded)
        for name, cls in self.list_types.items():
            for row in state.get(name, ()):
                item: Any = records.load(cls, row)
                self.lists[name].setdefault(item.account_sid, []).append(item)

    def _journal_path(self) -> Path | None:
        return None if self.state_file is None else self.state_file.with_name(self.state_file.name + ".journal")

    def persist(self, *account_sids: str) -> None:
        """Durable before the answer goes out, O(1) amortized: a write appends the records of the accounts it
        touched to a journal (fsync); when the journal outgrows the snapshot, a new snapshot replaces both.
        A crash loses nothing acknowledged: replay applies the journal, entry by entry, onto the snapshot."""
        journal = self._journal_path()
        if journal is None:
            return
        if not account_sids or not self.state_file.exists():  # type: ignore[union-attr]
            self._compact()
            return
        line = json.dumps(self._account_records(account_sids), separators=(",", ":")) + "\n"
        with open(journal, "a") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
            self._journal_bytes = handle.tell()
        if self._journal_bytes > max(JOURNAL_COMPACT_MIN_BYTES, self._snapshot_bytes):
            self._compact()

    def close(self) -> None:
        """On a clean stop, fold the journal into the snapshot (a crash instead leaves it for replay)."""
        with self.lock:
            journal = self._journal_path()
            if journal is not None and journal.exists():
                self._compact()

    def _compact(self) -> None:
        """The whole state, atomically (temp file, fsync, rename), then an empty journal."""
        assert self.state_file is not None
        data = json.dumps(self.snapshot(), separators=(",", ":"))
        directory = self.state_file.resolve().parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".sandbox-state-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.state_file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._snapshot_bytes = len(data)
        journal = self._journal_path()
        if journal is not None:
            journal.unlink(missing_ok=True)  # replaying it onto the new snapshot would change nothing either
        self._journal_bytes = 0
