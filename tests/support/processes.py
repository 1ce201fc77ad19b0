"""Which processes a test run started, from /proc: the run must leave none behind."""
from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def descendants(pid: int) -> list[int]:
    """Live (not zombie) descendants of `pid`, from /proc (Linux); [] where /proc is missing."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop(process: subprocess.Popen[Any], grace_s: float = 10) -> None:
    """SIGTERM, then SIGKILL if it does not go within the grace time; always reaped."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def helper_process(args: list[str], ready: Callable[[subprocess.Popen[Any]], T], grace_s: float = 10,
                   **popen: Any) -> Iterator[T]:
    """A helper process (Prism, a stand-in) that never outlives its test: whatever goes wrong while it starts
    (a timeout, a read error, a bad first line, Ctrl-C) or while it is used, it is stopped and reaped."""
    process = subprocess.Popen(args, **popen)
    try:
        yield ready(process)
    finally:
        stop(process, grace_s)
