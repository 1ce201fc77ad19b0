"""What every Twilio dynamic provider shares: configure(), readable errors, and create-at-most-once."""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, ReadResult, ResourceProvider
from pulumi.runtime.rpc import UNKNOWN  # the SDK's marker for a value known only after apply
from twilio.base.exceptions import TwilioException, TwilioRestException

from .. import naming
from ..twilio_api.retry import AmbiguousCreate, Deadline, RetryPolicy
from . import session

T = TypeVar("T")


class ProvisioningError(Exception):
    """A Twilio call failed in a way retrying cannot fix; the message says what, never a credential."""


def is_not_found(error: BaseException) -> bool:
    return isinstance(error, TwilioRestException) and error.status == 404


def explain(action: str, error: BaseException) -> ProvisioningError:
    if isinstance(error, ProvisioningError):
        return error
    if isinstance(error, TwilioRestException):
        return ProvisioningError(f"Twilio refused to {action}: HTTP {error.status}, error {error.code}: {error.msg}")
    if isinstance(error, AmbiguousCreate):
        return ProvisioningError(f"could not {action}: {error}; nothing was found that it created, run again")
    return ProvisioningError(f"could not {action}: {type(error).__name__}: {error}")


def create_once(action: str, create: Callable[[], T], find: Callable[[], T | None],
                policy: RetryPolicy | None = None, in_doubt: Callable[[], None] = lambda: None) -> T:
    """Create, and after an ambiguous failure look for what the attempt made before trying again.

    `find` must return what a previous attempt created (by number, friendly name, ...) or None.
    `in_doubt` is told as soon as an attempt is ambiguous (so later creates stop trusting shortcuts).
    """
    deadline = Deadline(policy or RetryPolicy())
    while True:
        try:
            return create()
        except AmbiguousCreate as error:
            in_doubt()
            found = find()
            if found is not None:
                return found
            if not deadline.another():
                raise explain(action, error) from None
        except TwilioRestException as error:
            raise explain(action, error) from None


def known(value: Any) -> bool:
    """A non-empty text that is not a preview's unknown (the marker, or the SDK's Unknown object)."""
    return isinstance(value, str) and value != "" and value != UNKNOWN


def tenant_of(props: dict[str, Any]) -> str:
    """The tenant a resource belongs to, from its deterministic friendly name (tenant:<id>[/...])."""
    name = str(props.get("friendly_name") or "")
    if name.startswith(naming.PREFIX):
        return name[len(naming.PREFIX):].split("/", 1)[0]
    return str(props.get("tenant_id") or "?")


def _calls_twilio(method: Callable[..., T], operation: str) -> Callable[..., T]:
    """Whatever fails inside an operation reaches the engine as one readable ProvisioningError naming the tenant,
    the HTTP status and Twilio's code: never a raw SDK or HTTP-library exception."""
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any) -> T:
        try:
            return method(self, *args)
        except ProvisioningError as error:
            raise ProvisioningError(f"tenant {tenant_of(args[-1])}: {error}") from None
        except Exception as error:
            what = f"{operation} {type(self).__name__.removesuffix('Provider')}"
            raise ProvisioningError(f"tenant {tenant_of(args[-1])}: {explain(what, error)}") from None
    return wrapper


class TwilioProvider(ResourceProvider):
    """Base of the providers. Holds no state of its own: it is pickled into every resource's inputs."""

    serialize_as_secret_always = False  # it carries no secret; credentials come from configure()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for operation in ("create", "read", "update", "delete", "diff"):
            if operation in cls.__dict__:
                setattr(cls, operation, _calls_twilio(cls.__dict__[operation], operation))

    def configure(self, req: ConfigureRequest) -> None:
        session.configure(req.config)

    @property
    def session(self) -> session.Session:
        return session.current()

    @staticmethod
    def failures(pairs: Iterable[tuple[str, str | None]]) -> list[CheckFailure]:
        return [CheckFailure(prop, reason) for prop, reason in pairs if reason]

    @staticmethod
    def checked(news: dict[str, Any], failures: list[CheckFailure]) -> CheckResult:
        return CheckResult(news, failures)

    def deleted_with_account(self, account_sid: str, error: BaseException) -> bool:
        """True when a delete failed only because the account is closed: Twilio already let go of everything."""
        if not (isinstance(error, TwilioRestException) and error.code in (20005, 20003)):
            return False
        try:
            return self.session.client.api.v2010.accounts(account_sid).fetch().status == "closed"
        except TwilioException:
            return False

    @staticmethod
    def gone() -> ReadResult:
        """What read() answers for a resource deleted outside Pulumi: the engine drops it from state."""
        return ReadResult("", {})

    @staticmethod
    def fetch_live(fetch: Callable[[], T], what: str) -> T | None:
        """The live resource, or None when Twilio no longer has it (404); anything else is a clear error."""
        try:
            return fetch()
        except Exception as error:
            if is_not_found(error):
                return None
            raise explain(f"read {what}", error) from None

    def delete_quietly(self, delete: Callable[[], Any], account_sid: str, what: str) -> None:
        """Delete; already gone, or gone with its closed account, counts as done."""
        try:
            delete()
        except Exception as error:
            if not is_not_found(error) and not self.deleted_with_account(account_sid, error):
                raise explain(f"delete {what}", error) from None

    def __reduce__(self) -> tuple[type, tuple[()]]:
        """Pickled as "call this importable class with no arguments": no state, and no dict at all.

        Pulumi's serialize_provider wraps pickle's dict writer once more on every call and never unwraps it, so
        in a program with about a thousand dynamic resources, pickling any dict recursed past Python's limit
        (RecursionError). A provider that pickles no dict is immune however many resources the program has.
        """
        return (type(self), ())


__all__ = ["ProvisioningError", "TwilioException", "TwilioProvider", "create_once", "explain", "is_not_found"]
