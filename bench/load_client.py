"""Load generator for bench_sandbox.py: a separate process firing GETs at the stand-in over loopback.

Bounded: stops after --requests requests or --seconds seconds, whichever comes first. Prints one JSON line.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time

import aiohttp


async def run(url: str, user: str, password: str, total: int, concurrency: int, seconds: float) -> dict:
    auth = aiohttp.BasicAuth(user, password)
    done = errors = 0
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, auth=auth) as session:
        async def worker() -> None:
            nonlocal done, errors
            while done + errors < total and time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    async with session.get(url) as response:
                        await response.read()
                        if response.status == 200:
                            done += 1
                        else:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1
                latencies.append(time.perf_counter() - started)
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    return {"ok": done, "errors": errors, "seconds": elapsed, "rps": done / elapsed,
            "p50_ms": 1000 * latencies[len(latencies) // 2], "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("user")
    parser.add_argument("password")
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.url, args.user, args.password, args.requests, args.concurrency,
                                     args.seconds))))


if __name__ == "__main__":
    main()
