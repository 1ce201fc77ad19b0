"""Which processes a test run started, from /proc: the run must leave none behind."""
from __future__ import annotations

from pathlib import Path


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
