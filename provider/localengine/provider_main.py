"""Launch the real dynamic-provider server (`pulumi.dynamic`) so that it never outlives the process that started it.

The server holds the parent account's credentials once configured and listens on an unauthenticated loopback
port; if `tenantctl` is killed, nothing else would stop it. The parent keeps the write end of our stdin pipe:
when the parent dies, for any reason and however it is killed, the pipe closes and this process exits at once.
"""
from __future__ import annotations

import os
import runpy
import sys
import threading


def _exit_when_parent_goes() -> None:
    try:
        while sys.stdin.buffer.read(4096):
            pass  # the parent never writes; anything it might is ignored
    finally:
        os._exit(0)


def main() -> None:
    threading.Thread(target=_exit_when_parent_goes, name="parent-watch", daemon=True).start()
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
