"""Runs on one machine share preview slots: no more CPU-bound passes at once than slots, and a killed holder never
keeps its slot (the kernel drops its lock)."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from provider.localengine.cpu_gate import CpuGate, make_slots

from ..support.paths import REPO

HOLD = """
import sys, time
sys.path.insert(0, {repo!r})
from pathlib import Path
from provider.localengine.cpu_gate import CpuGate
with CpuGate(Path({slots!r})):
    print("holding", flush=True)
    time.sleep(60)
"""


def test_no_more_passes_at_once_than_slots(tmp_path: Path) -> None:
    slots = make_slots(tmp_path / "slots", 2)
    inside, most, lock = [0], [0], threading.Lock()

    def pass_() -> None:
        with CpuGate(slots):
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.2)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=pass_) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert most[0] == 2 and inside[0] == 0


def test_a_killed_holder_frees_its_slot_at_once(tmp_path: Path) -> None:
    slots = make_slots(tmp_path / "slots", 1)
    holder = subprocess.Popen([sys.executable, "-c", HOLD.format(repo=str(REPO), slots=str(slots))],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        waited = threading.Event()

        def wait_for_slot() -> None:
            with CpuGate(slots):
                waited.set()

        waiter = threading.Thread(target=wait_for_slot, daemon=True)
        waiter.start()
        assert not waited.wait(0.5), "the only slot is held"
        holder.kill()
        assert waited.wait(10), "the kernel released the dead holder's lock"
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_without_slots_nothing_waits(tmp_path: Path) -> None:
    with CpuGate(None), CpuGate(tmp_path):  # no directory, or one without slot files
        pass
