"""A stand-in `pulumi` for tests of the Automation API path where the CLI cannot be installed.

It answers the commands `pulumi.automation` sends (version, stack select, preview, up, refresh, stack output,
stack history) by running the same stack engine-less (`tenantctl local …`) and translating its step log into
Pulumi engine events, so the Automation API's own code parses real-looking answers. A stack exists once
`.fake-backend/<stack>` exists (as after `pulumi stack init`; `org/stack` is `org__stack` there, and its config
is `Pulumi.<stack>.yaml` as with the real CLI); `.fake-backend/<stack>.fail-preview` makes its
preview fail as the CLI's does (exit 255, `error:` on stderr). Each call is recorded, with the environment the
runner gave it, in `.fake-backend/calls.jsonl`. Tests only: the real CLI is the production path.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VERSION = "v3.200.0"  # file-based event log (newer CLIs stream events over gRPC; the SDK handles both)
OP_TYPES = {"alias": "same", "gone": "delete"}  # our step names that Pulumi spells otherwise


def option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args else None


def record(backend: Path, args: list[str]) -> None:
    backend.mkdir(exist_ok=True)
    with (backend / "calls.jsonl").open("a") as calls:
        calls.write(json.dumps({"args": args, "budget": os.environ.get("TWILIO_MAX_IN_FLIGHT"),
                                "automation": os.environ.get("PULUMI_AUTOMATION_API")}) + "\n")


def deploy(action: str, stack: str, backend: Path, event_log: str | None, refresh: bool) -> int:
    """`tenantctl local ACTION`, its steps written to the event log as Pulumi engine events."""
    with tempfile.TemporaryDirectory() as tmp:
        steps = Path(tmp) / "steps.jsonl"
        done = subprocess.run([sys.executable, "-m", "provider.cli", "local", action, "--stack", stack,
                               "--root", os.getcwd(), "--event-log", str(steps),
                               *(["--refresh"] if refresh and action != "refresh" else [])],
                              capture_output=True, text=True)
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        events = [json.loads(line) for line in steps.read_text().splitlines()] if steps.exists() else []
    counts = next((e["summary"] for e in events if "summary" in e), {})
    counts = {OP_TYPES.get(op, op): n for op, n in counts.items()}
    if event_log:
        with open(event_log, "a", encoding="utf-8") as log:
            for sequence, event in enumerate(e for e in events if "op" in e):
                op = OP_TYPES.get(event["op"], event["op"])
                log.write(json.dumps({"sequence": sequence, "timestamp": int(time.time()), "resourcePreEvent": {
                    "metadata": {"op": op, "urn": event["label"], "type": "", "provider": ""}}}) + "\n")
            log.write(json.dumps({"sequence": len(events), "timestamp": int(time.time()),
                                  "summaryEvent": {"maybeCorrupt": False, "durationSeconds": 1,
                                                   "resourceChanges": counts}}) + "\n")
            log.write(json.dumps({"sequence": len(events) + 1, "timestamp": int(time.time()), "cancelEvent": {}})
                      + "\n")
    (backend / f"{stack}.last.json").write_text(json.dumps({"action": action, "ok": done.returncode == 0,
                                                            "counts": counts}))
    return done.returncode


def history(backend: Path, stack: str) -> None:
    last_path = backend / f"{stack}.last.json"
    if not last_path.exists():
        print("[]")
        return
    last = json.loads(last_path.read_text())
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
    print(json.dumps([{"kind": last["action"], "startTime": stamp, "endTime": stamp, "message": "",
                       "environment": {}, "config": {}, "result": "succeeded" if last["ok"] else "failed",
                       "version": 1, "resourceChanges": last["counts"]}]))


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "--non-interactive"]
    backend = Path.cwd() / ".fake-backend"
    record(backend, args)
    if args[:1] == ["version"]:
        print(VERSION)
        return 0
    qualified = option(args, "--stack") or ""
    stack, marker = qualified.rsplit("/", 1)[-1], qualified.replace("/", "__")
    if args[:2] == ["stack", "init"]:
        (backend / args[2].replace("/", "__")).touch()
        return 0
    if qualified and not (backend / marker).exists():
        print(f"error: no stack named '{qualified}' found", file=sys.stderr)
        return 255
    if args[:2] == ["stack", "select"]:
        return 0
    if args[:1] == ["preview"] and (backend / f"{marker}.fail-preview").exists():
        print("error: preview failed: a resource would be refused (test)", file=sys.stderr)
        return 255
    if args[:1] in (["preview"], ["up"], ["refresh"]):
        return deploy(args[0], stack, backend, option(args, "--event-log"), "--refresh" in args)
    if args[:2] == ["stack", "output"]:
        name = [args[2]] if len(args) > 2 and not args[2].startswith("-") else []
        return subprocess.run([sys.executable, "-m", "provider.cli", "local", "output", *name, "--stack", stack,
                               "--root", os.getcwd(), *(["--show-secrets"] if "--show-secrets" in args else [])]
                              ).returncode
    if args[:2] == ["stack", "history"]:
        history(backend, stack)
        return 0
    print(f"fake pulumi: unsupported command {args}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
