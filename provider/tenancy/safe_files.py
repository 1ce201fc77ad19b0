"""Reading a reviewed file of the repository (a tenant file, economics.yaml, fx-rates.yaml) safely.

A pull request can add a symbolic link: `tenants/x.yaml -> /etc/passwd` would have its target read, and its keys
echoed back in annotations. A link that leaves the repository is refused without reading the target. Binary and
non-UTF-8 contents are errors in words, never a traceback.
"""
from __future__ import annotations

import os
from pathlib import Path

MARKERS = (".git", "Pulumi.yaml")


def repository_of(path: Path) -> Path:
    """The nearest folder above `path` holding a checkout or a Pulumi project; else the folder holding `path`."""
    folder = Path(os.path.abspath(path)).parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in MARKERS):
            return candidate
    return folder


def escaping_link(path: Path) -> str | None:
    """Why `path` must not be read (a link, anywhere on its way, to outside its repository), or None."""
    if not any(p.is_symlink() for p in (path, *Path(os.path.abspath(path)).parents) if p != Path("/")):
        return None
    root = repository_of(path).resolve()
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None  # a dangling link or a loop: the caller's own error says so
    if target == root or root in target.parents:
        return None
    return (f"is a symbolic link to {os.readlink(path) if path.is_symlink() else target}, outside the repository "
            f"({root}); it was not read. Tenant and finance files must be files of the repository")


class UnreadableFile(ValueError):
    pass


def read_text(path: Path, label: str) -> str:
    """The file's text (UTF-8), or UnreadableFile saying why in words."""
    escaping = escaping_link(path)
    if escaping:
        raise UnreadableFile(f"{label} {escaping}")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"{label} cannot be read: {error.strerror or error}") from None
    if b"\0" in data:
        raise UnreadableFile(f"{label} is a binary file, not YAML text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"{label} is not UTF-8 text (byte {error.start})") from None
