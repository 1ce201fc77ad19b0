"""A client for the real dynamic-provider server (`python -m pulumi.dynamic`), spoken to over gRPC.

This is the process and the protocol the Pulumi engine uses; properties are (de)serialized with the SDK's own
`pulumi.runtime.rpc` functions, so a provider driven from here sees exactly what it sees under `pulumi up`.
"""
from __future__ import annotations

import asyncio
import atexit
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

REPO_ROOT = Path(__file__).resolve().parents[2]


class ProviderCallError(Exception):
    """The provider raised: `message` is what the engine would print (the provider's exception text)."""

    def __init__(self, method: str, details: str):
        lines = [line for line in details.strip().splitlines() if line.strip()]
        self.message = (lines[-1] if lines else details).removeprefix("provider.resources.base.ProvisioningError: ")
        super().__init__(f"{method} failed: {self.message}")
        self.details = details


@dataclass
class DiffOutcome:
    changes: bool
    replaces: list[str]
    delete_before_replace: bool


class _LoopPool:
    """Event loops lent to calling threads, one at a time each, and closed at exit.

    Serializing a call's properties must not cost a new event loop each time (the engine's threads make thousands
    of calls). Loops are not kept per thread: a thread-local loop is dropped unclosed when its thread ends, and
    the garbage collector may then close its self-pipe socket before the loop, which makes the loop's finalizer
    raise ("Invalid file descriptor: -1") on stderr."""

    def __init__(self) -> None:
        self._idle: list[asyncio.AbstractEventLoop] = []
        self._all: list[asyncio.AbstractEventLoop] = []
        self._lock = threading.Lock()
        atexit.register(self.close)

    def run(self, coro: Any) -> Any:
        with self._lock:
            loop = None
            while self._idle and (loop is None or loop.is_closed()):  # closed since (tenantctl closes idle loops)
                loop = self._idle.pop()
            if loop is None or loop.is_closed():
                loop = asyncio.new_event_loop()
                self._all.append(loop)
        try:
            return loop.run_until_complete(coro)
        finally:
            with self._lock:
                self._idle.append(loop)

    def close(self) -> None:
        with self._lock:
            for loop in self._all:
                if not loop.is_closed() and not loop.is_running():
                    loop.close()
            self._all.clear()
            self._idle.clear()


_loops = _LoopPool()


def serialize(props: dict[str, Any] | struct_pb2.Struct) -> struct_pb2.Struct:
    """Properties as the engine sends them; a Struct already is (Check's answer goes to Diff/Create as it came)."""
    if isinstance(props, struct_pb2.Struct):
        return props
    return _loops.run(rpc.serialize_properties(props, {}))


def deserialize(struct: struct_pb2.Struct, keep_unknowns: bool = False) -> dict[str, Any]:
    return rpc.deserialize_properties(struct, keep_unknowns)


class ProviderServer:
    """Starts `python -m pulumi.dynamic`, reads the port it prints, and calls it like the engine does."""

    def __init__(self, env: dict[str, str] | None = None, project: str = "twilio-tenants"):
        environment = {**os.environ, **(env or {}), "PULUMI_PROJECT": project}
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), environment.get("PYTHONPATH")]))
        # stderr goes to a file, not a pipe nobody drains: a chatty provider must never block on a full pipe.
        self._stderr = tempfile.TemporaryFile()
        # provider_main runs pulumi.dynamic's own server, and exits when our end of its stdin closes (we died).
        self.process = subprocess.Popen([sys.executable, "-m", "provider.localengine.provider_main"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                        env=environment)
        line = self.process.stdout.readline().decode().strip()  # type: ignore[union-attr]
        if not line.isdigit():
            log = self.stderr_text()
            self.close()
            raise RuntimeError(f"provider server did not start: {line!r} {log[-2000:]}")
        self.port = int(line)
        self.channel: grpc.Channel | None = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.calls: list[str] = []

    def stderr_text(self) -> str:
        """What the provider process wrote to stderr so far (its logs)."""
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def close(self) -> None:
        """Idempotent: stop the server process and free its pipes."""
        channel, self.channel = getattr(self, "channel", None), None
        if channel is not None:
            channel.close()
        self.process.kill()
        self.process.wait(timeout=10)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        self._stderr.close()

    def __enter__(self) -> ProviderServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, request: Any) -> Any:
        self.calls.append(method)
        try:
            return getattr(self.stub, method)(request, timeout=300)
        except grpc.RpcError as error:
            raise ProviderCallError(method, error.details() or str(error)) from None

    def configure(self, config: dict[str, str]) -> None:
        self._call("Configure", provider_pb2.ConfigureRequest(args=serialize(config), acceptSecrets=True))

    def check(self, urn: str, olds: dict[str, Any], news: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        checked, _, failures = self.check_inputs(urn, olds, news)
        return checked, failures

    def check_inputs(self, urn: str, olds: dict[str, Any], news: dict[str, Any]
                     ) -> tuple[dict[str, Any], struct_pb2.Struct, list[tuple[str, str]]]:
        """Check, with the checked inputs also as the provider answered them: the engine hands those on to Diff
        and Create as they are (no second serialization)."""
        response = self._call("Check", provider_pb2.CheckRequest(urn=urn, olds=serialize(olds), news=serialize(news)))
        return (deserialize(response.inputs, True), response.inputs,
                [(f.property, f.reason) for f in response.failures])

    def diff(self, urn: str, id_: str, olds: dict[str, Any], news: dict[str, Any] | struct_pb2.Struct) -> DiffOutcome:
        response = self._call("Diff", provider_pb2.DiffRequest(id=id_, urn=urn, olds=serialize(olds),
                                                               news=serialize(news)))
        return DiffOutcome(response.changes == provider_pb2.DiffResponse.DIFF_SOME, list(response.replaces),
                           response.deleteBeforeReplace)

    def create(self, urn: str, props: dict[str, Any] | struct_pb2.Struct) -> tuple[str, dict[str, Any]]:
        response = self._call("Create", provider_pb2.CreateRequest(urn=urn, properties=serialize(props)))
        return response.id, deserialize(response.properties)

    def read(self, urn: str, id_: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        response = self._call("Read", provider_pb2.ReadRequest(id=id_, urn=urn, properties=serialize(props)))
        return response.id, deserialize(response.properties)

    def update(self, urn: str, id_: str, olds: dict[str, Any], news: dict[str, Any] | struct_pb2.Struct
               ) -> dict[str, Any]:
        response = self._call("Update", provider_pb2.UpdateRequest(id=id_, urn=urn, olds=serialize(olds),
                                                                   news=serialize(news)))
        return deserialize(response.properties)

    def delete(self, urn: str, id_: str, props: dict[str, Any]) -> None:
        self._call("Delete", provider_pb2.DeleteRequest(id=id_, urn=urn, properties=serialize(props)))
