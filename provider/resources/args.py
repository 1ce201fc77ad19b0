"""Typed inputs of a dynamic resource, declared once: the resource's constructor builds them, its provider reads
them (`from_props`), and the tests' kit takes the same type. Pulumi carries inputs as a plain dict, so the type only
converts at the edges; outputs live beside the inputs in the same dict, under their own names, and are declared
once too (`ResourceOutputs`): what a provider reads back from its own state is a typed field, not a string key."""
from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any, TypeVar

A = TypeVar("A", bound="ResourceArgs")


@dataclass(frozen=True)
class ResourceArgs:
    @classmethod
    def from_props(cls: type[A], props: dict[str, Any]) -> A:
        """The inputs among a resource's props (outputs and unknown keys are ignored). An input absent from props
        (state written before it existed) takes its declared default, else None."""
        values = {f.name: props[f.name] for f in fields(cls) if f.name in props}
        values.update({f.name: None for f in fields(cls) if f.name not in props and f.default is MISSING
                       and f.default_factory is MISSING})
        return cls(**values)

    def as_props(self) -> dict[str, Any]:
        """Shallow: values may be Pulumi Outputs, which must reach the engine as they are."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def with_outputs(self, *outputs: str) -> dict[str, Any]:
        """What a resource registers: its inputs, and each output unknown (None) until its provider answers."""
        return {**self.as_props(), **dict.fromkeys(outputs)}

    def changed(self, other: ResourceArgs, names: tuple[str, ...]) -> list[str]:
        return [name for name in names if getattr(self, name) != getattr(other, name)]


@dataclass(frozen=True)
class ResourceOutputs(ResourceArgs):
    """What a provider answers beside its inputs. Every field may be absent from state (a create that never
    finished, state written before the output existed): absent reads as the field's default, else None."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True)
class SidOutputs(ResourceOutputs):
    """The outputs of a resource Twilio answers with nothing else worth keeping."""
    sid: str | None = None
