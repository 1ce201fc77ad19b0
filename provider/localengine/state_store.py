"""The engine-less mode's state file: resources and stack outputs, with every secret encrypted the Pulumi way.

Secrets are the values a resource declares in `additional_secret_outputs` and the stack outputs the program
marked secret; they are stored as `{"secure": "v1:..."}` with the stack's passphrase crypter, never in clear.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pulumi.runtime import rpc

from ..stackfiles import PassphraseCrypter
from .engine import EngineState, ResourceState

STATE_DIR = ".pulumi-local"


def state_path(root: Path, stack: str) -> Path:
    """Where a stack's engine-less state lives in a project (the CRM and the CLI read it without deploying)."""
    return root / STATE_DIR / f"{stack}.json"

SECRET_SIG = rpc._special_secret_sig  # the SDK's marker for a secret value in serialized properties
SIG_KEY = rpc._special_sig_key


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def reveal(value: Any) -> Any:
    """Plain data from outputs that may hold secret markers (for the credentials read-out only)."""
    if is_secret(value):
        return reveal(value["value"])
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def masked(value: Any) -> Any:
    """What `pulumi stack output --json` prints without --show-secrets: every secret leaf is "[secret]"."""
    if is_secret(value):
        return "[secret]"
    if isinstance(value, dict):
        return {k: masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


class LocalStateStore:
    def __init__(self, path: Path, crypter: PassphraseCrypter):
        self.path = path
        self.crypter = crypter

    def _seal(self, value: Any) -> Any:
        if is_secret(value):
            return {"secure": self.crypter.encrypt(json.dumps(reveal(value)))}
        if isinstance(value, dict):
            return {k: self._seal(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._seal(v) for v in value]
        return value

    def _open(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"secure"}:
            return {SIG_KEY: SECRET_SIG, "value": json.loads(self.crypter.decrypt(value["secure"]))}
        if isinstance(value, dict):
            return {k: self._open(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._open(v) for v in value]
        return value

    def load(self) -> tuple[EngineState, dict[str, Any]]:
        """State (each resource knowing its secret output names) and stack outputs."""
        if not self.path.exists():
            return EngineState(), {}
        document = json.loads(self.path.read_text())
        state = EngineState()
        for urn, raw in document["resources"].items():
            raw = self._open(raw)
            for name in raw.get("secret_outputs", []):
                if is_secret(raw["outputs"].get(name)):
                    raw["outputs"][name] = raw["outputs"][name]["value"]
            state.resources[urn] = ResourceState(**raw)
        return state, self._open(document.get("outputs", {}))

    def save(self, state: EngineState, outputs: dict[str, Any]) -> None:
        """Atomic: a reader (or a crash) sees the previous file or this one, and secrets are sealed in both."""
        resources = {}
        for urn, resource in list(state.resources.items()):
            names = resource.secret_outputs
            outs = {k: ({SIG_KEY: SECRET_SIG, "value": v} if k in names and v is not None else v)
                    for k, v in resource.outputs.items()}
            resources[urn] = self._seal({"urn": urn, "type": resource.type, "id": resource.id,
                                         "inputs": resource.inputs, "outputs": outs, "protect": resource.protect,
                                         "secret_outputs": names,
                                         **({"retain": True} if resource.retain else {})})
        document = {"version": 1, "resources": resources, "outputs": self._seal(outputs)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".state-")
        with os.fdopen(fd, "w") as handle:
            json.dump(document, handle, indent=1, sort_keys=True)
        os.replace(tmp, self.path)
