"""Pulumi program entry point (Pulumi.yaml): everything lives in the importable `provider` package."""
from provider.program import run

run()
