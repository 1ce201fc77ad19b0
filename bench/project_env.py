"""Where the benchmarks run: the repository (REPO, put on sys.path so `provider` imports) and the project's
environment (`.venv`, made by `bash scripts/bootstrap.sh`). Run with another Python they would stop at an import with
a bare ModuleNotFoundError; `require` says what to run instead. Each script imports this first, from beside it."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
NEEDED = ("twilio", "pulumi", "aiohttp", "yaml", "jsonschema")


def require(*extra: str) -> None:
    missing = [name for name in (*NEEDED, *extra) if importlib.util.find_spec(name) is None]
    if missing:
        venv = REPO / ".venv" / "bin" / "python"
        script = Path(sys.argv[0]).resolve()
        shown = script.relative_to(REPO) if script.is_relative_to(REPO) else script
        how = "" if venv.exists() else "`bash scripts/bootstrap.sh` (once), then "
        sys.exit(f"{shown.name}: {', '.join(missing)} not installed for {sys.executable}; the benchmarks run in the "
                 f"project's environment: {how}`{venv.relative_to(REPO)} {shown}` (from {REPO})")
