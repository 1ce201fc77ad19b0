"""Process-wide Twilio access for the dynamic providers: credentials, one client, and what this run created.

The engine runs every dynamic resource of a deployment in one provider process. Credentials arrive in
`configure()` (stack config) or from the environment, and live only here, in module state: never on a
provider instance, so they can never be pickled into the state file with it.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from twilio.rest import Client

from ..twilio_api import make_client
from ..twilio_api.budget import configure_budget
from ..twilio_api.credentials import Credentials, MissingCredentials, credentials_from

__all__ = ["Credentials", "MissingCredentials", "Session", "configure", "credentials_from", "current", "use"]

_LOCK = threading.Lock()


class Session:
    """One parent-credentials client plus the bookkeeping that saves calls without risking duplicates."""

    def __init__(self, credentials: Credentials, client: Client | None = None):
        self.credentials = credentials
        configure_budget(credentials.max_in_flight)
        self.client = client or make_client(credentials.account_sid, credentials.auth_token, credentials.base_url,
                                            timeout=credentials.timeout_s, api_key=credentials.api_key)
        self._fresh_accounts: set[str] = set()
        self._lock = threading.Lock()
        self._directory: dict[str, list[Any]] | None = None  # friendly name -> subaccounts, once loaded
        self._tokens: dict[str, str] = {}  # subaccount -> its auth token as last read (client_in)
        self._token_reads: dict[str, threading.Lock] = {}  # one read at a time per subaccount
        self._lookups = 0

    def subaccounts_named(self, friendly_name: str) -> list[Any]:
        """The parent's subaccounts with this friendly name. The first lookup of a run is one filtered query; from
        the second on, the whole directory is listed once (1 call per 1,000 subaccounts) and answered from memory,
        so creating many tenants costs no extra call per tenant."""
        with self._lock:
            if self._directory is not None:
                return list(self._directory.get(friendly_name, []))
            self._lookups += 1
            first = self._lookups == 1
        accounts = self.client.api.v2010.accounts
        if first:
            return [a for a in accounts.list(friendly_name=friendly_name) if a.sid != self.parent_sid]
        directory: dict[str, list[Any]] = {}
        for account in accounts.list(page_size=1000):
            if account.sid != self.parent_sid:
                directory.setdefault(account.friendly_name, []).append(account)
        with self._lock:
            if self._directory is None:
                self._directory = directory
            return list(self._directory.get(friendly_name, []))

    def remember(self, account: Any) -> None:
        """A subaccount this run created or renamed: keep the directory true."""
        with self._lock:
            if self._directory is not None:
                for named in self._directory.values():
                    named[:] = [a for a in named if a.sid != account.sid]
                self._directory.setdefault(account.friendly_name, []).append(account)

    def client_as(self, account_sid: str, auth_token: str,
                  reauthenticate: Callable[[], str] | None = None) -> Client:
        """A client authenticated as another account (a subaccount with its own token): Accounts v1 AuthTokens
        act on whoever authenticates, so a subaccount's token is rotated with the subaccount's credentials."""
        return make_client(account_sid, auth_token, self.credentials.base_url, timeout=self.credentials.timeout_s,
                           reauthenticate=reauthenticate)

    def client_in(self, account_sid: str) -> Client:
        """A client acting in a tenant's subaccount. Messaging v1 and Trust Hub act in whichever account
        authenticates, so the parent's credentials would make a tenant's service or registration in the parent:
        it authenticates with the subaccount's auth token, read with the parent's credentials once per account
        and process (a fleet's refresh would otherwise read it again for every resource; threads asking at once
        share one read). A token rotated since (here or outside) makes Twilio answer 401: the token is read
        again and the request repeated once."""
        def fresh() -> str:
            token = str(self.client.api.v2010.accounts(account_sid).fetch().auth_token)
            with self._lock:
                self._tokens[account_sid] = token
            return token

        with self._lock:
            reading = self._token_reads.setdefault(account_sid, threading.Lock())
        with reading:
            with self._lock:
                known = self._tokens.get(account_sid)
            token = known or fresh()
        return self.client_as(account_sid, token, reauthenticate=fresh)

    def forget_token(self, account_sid: str) -> None:
        """The subaccount's token just changed (a promotion): read it again next time, without a failed call."""
        with self._lock:
            self._tokens.pop(account_sid, None)

    @property
    def parent_sid(self) -> str:
        return self.credentials.account_sid

    def mark_fresh(self, account_sid: str) -> None:
        """This process created the account: it holds only what this process put in it."""
        with self._lock:
            self._fresh_accounts.add(account_sid)

    def is_fresh(self, account_sid: str) -> bool:
        with self._lock:
            return account_sid in self._fresh_accounts

    def spoil(self, account_sid: str) -> None:
        """After an ambiguous write, what the account holds is no longer known: look before creating."""
        with self._lock:
            self._fresh_accounts.discard(account_sid)


_credentials: Credentials | None = None
_session: Session | None = None


def configure(config: Any) -> None:
    """Called by every provider's configure(); a missing credential is only an error when Twilio is needed."""
    global _credentials, _session
    try:
        found = credentials_from(config)
    except MissingCredentials:
        return
    with _LOCK:
        if found != _credentials:
            _credentials, _session = found, None


def current() -> Session:
    global _credentials, _session
    with _LOCK:
        if _session is None:
            if _credentials is None:
                _credentials = credentials_from(None)
            made = Session(_credentials)
            if _credentials.api_key:
                require_main_key(made)  # before the session is shared: no call may slip past a refused key
            _session = made
        return _session


def require_main_key(session: Session) -> None:
    """Every run manages Accounts and Keys, which only the auth token and Main keys may: a Standard or Restricted
    key is named as such before the first write, instead of failing halfway through a deployment."""
    from twilio.base.exceptions import TwilioRestException

    key = session.credentials.api_key
    try:
        session.client.api.v2010.accounts(session.parent_sid).fetch()
    except TwilioRestException as error:
        kind = {20003: "a Standard API key", 70051: "a Restricted API key"}.get(error.code) \
            if error.status in (401, 403) else None
        if kind is None or error.status == 401 and error.code == 20003:
            raise MissingCredentials(f"twilio:apiKey {key} was refused for the parent account "
                                     f"{session.parent_sid} (HTTP {error.status}, error {error.code}): check the "
                                     "key SID, its secret twilio:apiSecret, and that the key belongs to this "
                                     "account") from None
        raise MissingCredentials(
            f"twilio:apiKey {key} is {kind}: only Main keys (or the auth token) may manage Accounts and Keys, "
            "which every run needs. Create a Main key in the Twilio Console (only the Console creates Main keys) "
            "and set it with `pulumi config set twilio:apiKey SK...` and `pulumi config set --secret "
            "twilio:apiSecret ...`, or use twilio:authToken") from None


def use(session: Session | None) -> None:
    """Install a session explicitly (the CLI-free driver and tests); None forgets it."""
    global _credentials, _session
    with _LOCK:
        _session = session
        _credentials = session.credentials if session else None
