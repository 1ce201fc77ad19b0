"""A helper process a test starts (Prism, a stand-in) is stopped whatever goes wrong while it starts."""
from __future__ import annotations

import subprocess
import sys

import pytest
import requests

from ..support.processes import helper_process


def test_a_failure_while_starting_stops_the_helper() -> None:
    started: list[subprocess.Popen] = []

    def ready(process: subprocess.Popen) -> None:
        started.append(process)
        raise requests.ReadTimeout("the machine is too busy to answer in time")

    with pytest.raises(requests.ReadTimeout):
        with helper_process([sys.executable, "-c", "import time; time.sleep(60)"], ready):
            pass  # never reached
    assert started and started[0].poll() is not None, "stopped and reaped"


def test_a_helper_that_ignores_sigterm_is_killed() -> None:
    code = "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(60)"
    with helper_process([sys.executable, "-c", code], lambda p: p, grace_s=1,
                        stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout.readline().strip() == "up"
    assert process.poll() is not None
