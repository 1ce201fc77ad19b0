"""Run the Pulumi program in-process, with every resource registration served by the local engine.

The SDK's in-process runtime hook (`pulumi.runtime.set_mocks` with a custom monitor) receives each resource the
program registers — type, name, inputs with the serialized provider, parent, `protect` — exactly as the engine's
resource monitor would. Custom (dynamic) resources go to LocalEngine, which drives the real provider server; the
stack's exports are captured. This is the engine-less mode; the Pulumi CLI remains the production path.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime import rpc
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.stack import run_pulumi_func

from .engine import ApplyError, LocalEngine
from .provider_server import ProviderCallError

RECORDED_OUTPUTS = ("sid", "auth_token", "owner_account_sid", "secret", "phone_number")


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    protect: bool
    additional_secret_outputs: list[str]
    aliases: list[str]
    retain_on_delete: bool = False
    inputs: dict[str, Any] = field(default_factory=dict)


class _Mocks(pulumi_mocks.Mocks):
    def __init__(self, monitor: EngineMonitor):
        self.monitor = monitor

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        return self.monitor.serve(args)

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise NotImplementedError(f"the program calls no functions ({args.token})")


class EngineMonitor(pulumi_mocks.MockMonitor):
    """A resource monitor whose custom resources are created by `engine` (None: record only, for tests)."""

    def __init__(self, engine: LocalEngine | None):
        super().__init__(_Mocks(self))
        self.engine = engine
        self.registrations: dict[str, Registration] = {}
        self.stack_outputs: dict[str, Any] = {}
        self._by_type_and_name: dict[tuple[str, str], Registration] = {}
        self._lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:
        """Registrations arrive on several threads; (type, name) is unique in this program and ties them up."""
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type != "pulumi:pulumi:Stack":
            registration = Registration(
                urn, request.type, request.name, request.parent, request.custom, request.protect,
                list(request.additionalSecretOutputs), [self._alias_urn(request, a) for a in request.aliases],
                bool(request.retainOnDelete))
            with self._lock:
                self.registrations[urn] = registration
                self._by_type_and_name[(request.type, request.name)] = registration
        return super().RegisterResource(request)

    def _alias_urn(self, request: Any, alias: Any) -> str:
        """An alias as the engine resolves it: a full URN, or a spec whose blank parts are the resource's own."""
        if alias.urn:
            return str(alias.urn)
        spec = alias.spec
        parent = "" if spec.noParent else (spec.parentUrn or request.parent)
        return self.make_urn(parent, spec.type or request.type, spec.name or request.name)

    def serve(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        with self._lock:
            registration = self._by_type_and_name[(args.typ, args.name)]
        registration.inputs = dict(args.inputs)
        if not args.custom:
            return None, {}
        if self.engine is None:  # recording only: computed outputs get recognisable stand-in values
            computed = {k: f"{args.name}:{k}" for k in RECORDED_OUTPUTS}
            return f"{args.name}-id", {**computed, **args.inputs}
        outputs = self.engine.register(registration.urn, args.typ, dict(args.inputs), protect=registration.protect,
                                       secret_outputs=registration.additional_secret_outputs,
                                       aliases=registration.aliases, retain=registration.retain_on_delete)
        resource = self.engine.state.resources.get(registration.urn)
        return (resource.id if resource else None), outputs


def _quiet_about_reported_failures(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """When one registration fails the run fails with that error; the other registrations' futures, failed
    alike, are then dropped unread. asyncio would print each one, formatting tracebacks from whatever thread
    collects the future (CPython 3.11's traceback formatting is not thread-safe: it parses source with ast).
    Those failures are already reported by the run's own error: say nothing more."""
    if isinstance(context.get("exception"), (ApplyError, ProviderCallError)):
        return
    loop.default_exception_handler(context)


@contextmanager
def _no_source_positions() -> Iterator[None]:
    """The SDK walks the whole call stack (and stats every file on it) for each resource, so that the engine can
    show where in the program it was declared. The local engine never shows that: skip the walk (about a tenth
    of a program's CPU). Under `pulumi up` nothing changes; an SDK without that hook is left as it is."""
    original = getattr(sdk_resource, "_get_stack_trace", None)
    if original is None:
        yield
        return
    sdk_resource._get_stack_trace = source_pb2.StackTrace  # an empty trace: no source position
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original


def run_program(program: Callable[[], Any], *, engine: LocalEngine | None, stack: str,
                config: dict[str, str], project: str = "twilio-tenants", preview: bool = False) -> EngineMonitor:
    """Run `program` once against `engine`; returns the monitor with registrations and stack outputs."""
    monitor = EngineMonitor(engine)
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(_quiet_about_reported_failures)
    asyncio.set_event_loop(loop)
    try:
        pulumi.runtime.set_all_config(config, secret_keys=[k for k in config
                                                                  if k.endswith(("authToken", "apiSecret"))])
        pulumi_mocks.set_mocks(monitor.mocks, project=project, stack=stack, preview=preview, monitor=monitor)
        with _no_source_positions():
            try:
                loop.run_until_complete(run_pulumi_func(program))
            except Exception as error:
                # One tenant's failure must not withhold the others' outputs (their credentials, new keys):
                # what did resolve is handed to the caller with the error.
                error.partial_outputs = _resolved_exports(loop)  # type: ignore[attr-defined]
                raise
        exported = getattr(pulumi.runtime.settings.get_root_resource(), "outputs", None)  # the Stack's exports
        if exported:
            # What `pulumi up` sends the engine: the exports serialized, which keeps a secret a secret *leaf*.
            # The SDK's Stack first `massage`s them (objects into dicts); the program exports only dicts, lists
            # and Outputs, which serialize alike without it, and massage's apply per leaf was 8 % of a run's CPU.
            # Read back as plain JSON: rpc.deserialize_properties would lift a nested secret to its container.
            struct = loop.run_until_complete(rpc.serialize_properties(dict(exported), {}))
            monitor.stack_outputs = json_format.MessageToDict(struct)
    finally:
        pulumi.runtime.settings.reset_options()
        _cancel_leftovers(loop)
        loop.close()
        asyncio.set_event_loop(None)
    return monitor


PARTIAL_EXPORT_TIMEOUT_S = 10.0


def _resolved_exports(loop: asyncio.AbstractEventLoop) -> dict[str, dict[str, Any]]:
    """After a failed run: each exported map's entries (`tenants` -> each tenant) that resolved, serialized as the
    whole export would be; an entry depending on a failed resource is listed under `<name>!failed` instead. The SDK has waited for every
    registration before raising, so nothing here waits on a resource still in flight."""
    exported = getattr(pulumi.runtime.settings.get_root_resource(), "outputs", None) or {}
    resolved: dict[str, dict[str, Any]] = {}
    for name, value in dict(exported).items():
        if not isinstance(value, dict):
            continue
        for key, entry in value.items():
            try:
                struct = loop.run_until_complete(asyncio.wait_for(
                    rpc.serialize_properties({name: {key: entry}}, {}), PARTIAL_EXPORT_TIMEOUT_S))
            except Exception:  # noqa: BLE001 - this entry depends on what failed: it keeps its last outputs
                resolved.setdefault(f"{name}!failed", {})[key] = None
                continue
            resolved.setdefault(name, {})[key] = json_format.MessageToDict(struct)[name][key]
    return resolved


def _cancel_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """A failed run leaves the SDK's other outputs waiting on futures that will never resolve. Cancel and settle
    them before the loop closes, or asyncio prints each one as destroyed while pending (noise after the real
    error, from whichever thread collects it)."""
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


__all__ = ["EngineMonitor", "Registration", "run_program"]
