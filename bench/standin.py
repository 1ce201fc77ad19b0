"""The stand-in as the benchmarks run it: `tenantctl sandbox` in its own process, driven over its admin endpoints."""
from __future__ import annotations

import json
import subprocess
import sys

import requests

from project_env import REPO  # beside this script


class Sandbox:
    def __init__(self, *args: str) -> None:
        """`args`: extra `tenantctl sandbox` options (seed, caps, limits)."""
        self.process = subprocess.Popen([sys.executable, "-m", "provider.cli", "sandbox", *args],
                                        stdout=subprocess.PIPE, text=True, cwd=REPO)
        self.info = json.loads(self.process.stdout.readline())  # type: ignore[union-attr]
        self.auth = (self.info["account_sid"], self.info["auth_token"])

    def admin(self, method: str, path: str, **kwargs) -> dict:
        response = requests.request(method, f"{self.info['base_url']}/__sandbox/{path}", auth=self.auth, timeout=60,
                                    **kwargs)
        response.raise_for_status()
        return response.json()

    def seq(self) -> int:
        return self.admin("GET", "counters")["last_seq"]

    def calls(self, since: int) -> list[dict]:
        return self.admin("GET", "requests", params={"since": since})["requests"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
