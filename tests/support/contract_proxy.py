"""A validating reverse proxy: whatever a provider process sends to the stand-in is checked against Twilio's spec.

The provider server is a separate process with its own client, so the contract check sits on the wire: the
proxy forwards each call to the stand-in and validates request and answer on the way, as if they were made at
https://api.twilio.com.
"""
from __future__ import annotations

import asyncio
import threading
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web

from .contract import ContractChecker, ContractViolation


class ContractProxy:
    def __init__(self, upstream: str, checker: ContractChecker):
        self.upstream = upstream.rstrip("/")
        self.checker = checker
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("authorization", "content-type", "x-forwarded-host",
                                                                             "accept", "user-agent")}
        try:
            async with self._session.request(request.method, self.upstream + request.path_qs, data=body,
                                             headers=headers) as answer:
                payload = await answer.read()
                status, content_type = answer.status, answer.headers.get("Content-Type", "")
                passed = {k: v for k, v in answer.headers.items() if k.lower() in ("retry-after", "www-authenticate",
                                                                                  "twilio-request-id")}
        except (TimeoutError, aiohttp.ClientError):
            if request.transport is not None:
                request.transport.abort()  # the upstream dropped: so does the proxy
            return web.Response(status=204)
        auth = request.headers.get("Authorization")
        creds = None
        if auth and auth.startswith("Basic "):
            import base64
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            creds = (user, password)
        form = parse_qsl(body.decode(), keep_blank_values=True) if request.method == "POST" else []
        try:
            host = request.headers.get("X-Forwarded-Host", "api.twilio.com")  # the host the client meant
            self.checker.check(request.method, f"https://{host}" + request.path_qs, [], form, creds,
                               status, payload.decode())
        except ContractViolation:
            pass  # recorded in checker.violations; the test fails on them at teardown
        return web.Response(status=status, body=payload if status != 204 else None,
                            headers={**passed, **({"Content-Type": content_type} if content_type else {})})

    def start(self) -> ContractProxy:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)

            async def boot() -> None:
                self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
                app = web.Application(client_max_size=1024 * 1024)
                app.router.add_route("*", "/{tail:.*}", self._handle)
                self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
                await self._runner.setup()
                site = web.TCPSite(self._runner, "127.0.0.1", 0)
                await site.start()
                self.port = self._runner.addresses[0][1]

            self._loop.run_until_complete(boot())
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._session.close())
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="contract-proxy", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
