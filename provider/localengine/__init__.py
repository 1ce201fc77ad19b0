"""Driving the dynamic providers through the real provider server, without the Pulumi CLI."""
from .engine import UNKNOWN, ApplyError, EngineState, LocalEngine, ResourceState, Step, count_steps, describe_counts
from .provider_server import ProviderCallError, ProviderServer

__all__ = ["ApplyError", "EngineState", "LocalEngine", "ProviderCallError", "ProviderServer", "ResourceState", "Step",
           "UNKNOWN", "count_steps", "describe_counts"]
