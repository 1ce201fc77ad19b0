"""The stand-in's HTTP server (aiohttp): auth, routing, faults, logging; usable in-process or as a command."""
from __future__ import annotations

import asyncio
import base64
import binascii
import json
import math
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from .. import urls
from ..backend import TwilioBackend
from . import auth
from .errors import (
    InvalidParameter,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    ServerError,
    ServiceUnavailable,
    TooManyRequests,
    TwilioApiError,
    Unauthenticated,
)
from .faults import FaultPlan
from .http import Call, Params
from .limits import DEFAULT_MAX_IN_FLIGHT, InFlightLimit

MAX_BODY_BYTES = 64 * 1024
ADMIN_PREFIX = "/__sandbox/"
MAX_ADVANCE_DAYS = 36500  # a hundred years: the clock stays a date Python (and Twilio's API) can write


def _basic_auth(header: str | None) -> tuple[str | None, str | None]:
    if not header or not header.startswith("Basic "):
        return None, None
    try:
        user, _, password = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
    except (binascii.Error, ValueError):  # not base64, not ASCII (a non-ASCII header), not UTF-8: no credentials
        return None, None
    return user, password


def _parse_form(text: str) -> dict[str, list[str]]:
    """Every value of every name, in order: list parameters (MessageSamples, ...) arrive as repeated keys, and
    Params refuses a repeated name wherever one value is expected."""
    if not text:
        return {}
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise InvalidParameter("Malformed form body: expected application/x-www-form-urlencoded") from None
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    return values


def _json(status: int, body: dict[str, Any] | None, headers: dict[str, str] | None = None) -> web.Response:
    headers = {"Twilio-Request-Id": f"RQ{uuid.uuid4().hex}", **(headers or {})}
    if body is None:
        return web.Response(status=status, headers=headers)
    return web.Response(status=status, body=json.dumps(body).encode(), content_type="application/json",
                        headers=headers)


class SandboxApp:
    def __init__(self, backend: TwilioBackend, faults: FaultPlan | None = None,
                 limit: InFlightLimit | None = None):
        self.backend = backend
        self.faults = faults or FaultPlan()
        self.limit = limit or InFlightLimit()

    def _account_of(self, request: web.Request) -> str | None:
        """The account a request counts against for the concurrency limit: the one whose credentials sent it, and
        only when they are right: a stranger naming another account's SID with a wrong password (401 anyway)
        must not use up that account's limit and get its valid requests refused."""
        user, password = _basic_auth(request.headers.get("Authorization"))
        if not user:
            return None
        try:
            principal = self.backend.v2010.authenticate(user, password)
        except TwilioApiError:
            return None
        return principal.key.account_sid if principal.key is not None else principal.account.sid

    def make(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.path.startswith(ADMIN_PREFIX):
            return await self.admin(request)
        counted = self._account_of(request)
        in_flight = self.limit.enter(counted)
        if in_flight is not None:  # refused at the door: never processed
            error = TooManyRequests(in_flight=in_flight)
            self.backend.record_request(request.method, request.path, 429, counted, None)
            with self.backend.lock:
                self.backend.counters["throttled 20429"] += 1
            return _json(error.status, error.body(), dict(error.headers))
        try:
            fault = self.faults.decide(request.method)
            if self.faults.latency_ms:
                await asyncio.sleep(self.faults.latency_ms / 1000)
            if fault == "drop":
                return self._drop(request, fault)
            status, body, headers, account_sid = await self._serve(request, fault)
            self.backend.record_request(request.method, request.path, status, account_sid, fault,
                                        request.query_string)
            if fault == "commit-drop":
                return self._drop(request, fault)
            if fault == "slow":
                await asyncio.sleep(self.faults.slow_ms / 1000)
            return _json(status, body, headers)
        finally:
            self.limit.leave(counted)

    def _drop(self, request: web.Request, fault: str) -> web.StreamResponse:
        if fault == "drop":
            self.backend.record_request(request.method, request.path, 0, None, fault)
        if request.transport is not None:
            request.transport.abort()  # the client sees the connection closed without a response
        return web.Response(status=204)

    async def _serve(self, request: web.Request, fault: str | None
                     ) -> tuple[int, dict[str, Any] | None, dict[str, str], str | None]:
        account_sid = None
        try:
            if fault == "429":
                raise TooManyRequests(self.faults.retry_after_s)
            if fault == "500":
                raise ServerError("Internal Server Error (injected)")
            if fault == "503":
                raise ServiceUnavailable("Service Unavailable (injected)")
            principal = self.backend.v2010.authenticate(*_basic_auth(request.headers.get("Authorization")))
            account_sid = principal.account.sid
            host = request.headers.get("X-Forwarded-Host", urls.API_HOST)
            route = urls.resolve(request.path, host)
            if route is None:
                raise NotFound(request.path if host == urls.API_HOST else f"{host}{request.path} (this stand-in "
                               f"serves {', '.join(urls.SERVED_HOSTS)})")
            methods, args = route
            handler = methods.get(request.method)
            if handler is None:
                raise MethodNotAllowed(f"Method {request.method} not allowed on {request.path}; "
                                       f"allowed: {', '.join(sorted(methods))}")
            auth.authorize(principal, handler, request.path)
            params = {name: request.query.getall(name) for name in request.query.keys()}
            if request.method in ("POST", "DELETE") and request.can_read_body:
                if request.content_type not in ("application/x-www-form-urlencoded", "application/octet-stream", ""):
                    raise InvalidParameter(f"Content-Type {request.content_type} is not supported; "
                                           "send application/x-www-form-urlencoded")
                try:
                    raw = await request.read()
                except web.HTTPRequestEntityTooLarge:
                    raise PayloadTooLarge(f"Request body larger than {MAX_BODY_BYTES} bytes") from None
                try:
                    form = _parse_form(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    raise InvalidParameter("Request body is not UTF-8") from None
                overlap = set(form) & set(params)
                if overlap:
                    raise InvalidParameter(f"Parameter {', '.join(sorted(overlap))} given in both URL and body")
                params.update(form)
            call = Call(self.backend, principal, request.method, request.path, args, Params(params))
            status, body = handler(call)
            return status, body, {}, account_sid
        except TwilioApiError as error:
            return error.status, error.body(), dict(error.headers), account_sid
        except Exception as error:  # a bug in the stand-in must still look like Twilio, and say what broke
            failure = ServerError(f"Sandbox internal error: {type(error).__name__}: {error}")
            return failure.status, failure.body(), {}, account_sid

    async def admin(self, request: web.Request) -> web.Response:
        """Observability and control for tests and benchmarks; needs the parent's credentials."""
        try:
            principal = self.backend.v2010.authenticate(*_basic_auth(request.headers.get("Authorization")))
            if principal.account.sid != self.backend.parent_sid or principal.key is not None:
                raise Unauthenticated()
        except TwilioApiError as error:
            return _json(error.status, error.body(), dict(error.headers))
        action = request.path[len(ADMIN_PREFIX):]
        try:
            return await self._admin_action(action, request)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:  # bad JSON, types, values
            return _json(400, {"code": 20001, "status": 400, "message": f"bad admin request: {error}",
                               "more_info": "https://www.twilio.com/docs/errors/20001"})

    async def _admin_action(self, action: str, request: web.Request) -> web.Response:
        """Test and benchmark controls; any malformed input raises ValueError/TypeError/KeyError (a 400)."""
        if action == "requests" and request.method == "GET":
            since = int(request.query.get("since", "0"))
            return _json(200, {"requests": [r.__dict__ for r in self.backend.requests(since)],
                               "last_seq": self.backend.last_seq})
        if action == "counters" and request.method == "GET":
            return _json(200, {"counters": dict(self.backend.counters), "last_seq": self.backend.last_seq})
        if action == "state" and request.method == "GET":
            return _json(200, self.backend.snapshot())
        if action == "clock" and request.method == "POST":
            data = await _json_object(request)
            if "set" in data:
                moment = datetime.fromisoformat(str(data["set"]))
                if moment.tzinfo is None:
                    raise ValueError("set must carry a time zone, e.g. 2026-11-20T12:00:00+00:00")
                if not 2000 <= moment.year < 2100:
                    raise ValueError("set must be a moment from 2000 to 2099 (dates 30 days on must still exist)")
                self.backend.clock.set(moment)
            if "advance_days" in data:
                days = float(data["advance_days"])
                if not math.isfinite(days) or not 0 <= days <= MAX_ADVANCE_DAYS or \
                        (self.backend.clock.now() + timedelta(days=days)).year >= 2100:
                    raise ValueError(f"advance_days must be a number from 0 to {MAX_ADVANCE_DAYS}, staying before 2100")
                self.backend.clock.advance(timedelta(days=days))
            return _json(200, {"now": self.backend.clock.now().isoformat()})
        if action == "main-keys" and request.method == "POST":
            # The Console's "create API key, type Main": the only way Twilio makes one.
            data = await _json_object(request)
            main = self.backend.v2010.create_main_key(self.backend.parent, str(data.get("friendly_name") or "Main key"))
            return _json(201, {"sid": main.sid, "secret": main.secret, "key_type": main.key_type})
        if action == "limits" and request.method == "POST":
            data = await _json_object(request)
            self.limit.configure(data["max_in_flight"])
            return _json(200, {"max_in_flight": self.limit.max_in_flight, "refused": self.limit.refused})
        if action == "faults" and request.method == "POST":
            data = await _json_object(request)
            kinds = tuple(data["kinds"]) if "kinds" in data else None
            if kinds is not None and not all(isinstance(k, str) for k in kinds):
                raise TypeError("kinds must be a list of fault names")
            numbers = {k: data.get(k) for k in ("rate", "latency_ms", "slow_ms", "seed")}
            for key, value in numbers.items():
                if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                    raise TypeError(f"{key} must be a number")
            self.faults.configure(rate=numbers["rate"], kinds=kinds, seed=numbers["seed"],
                                  latency_ms=numbers["latency_ms"], slow_ms=numbers["slow_ms"])
            return _json(200, {"rate": self.faults.rate, "kinds": list(self.faults.kinds)})
        return _json(404, NotFound(request.path).body())


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError as error:
        raise ValueError(f"the body is not JSON ({error})") from None
    if not isinstance(data, dict):
        raise TypeError("the body must be a JSON object")
    return data


class SandboxServer:
    """The stand-in on a real 127.0.0.1 port, in a background thread: start()/stop() or `with`."""

    def __init__(self, backend: TwilioBackend | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 faults: FaultPlan | None = None, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT):
        self.backend = backend or TwilioBackend()
        self.app = SandboxApp(self.backend, faults, InFlightLimit(max_in_flight))
        self.host, self.port = host, port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def faults(self) -> FaultPlan:
        return self.app.faults

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def account_sid(self) -> str:
        return self.backend.parent_sid

    @property
    def auth_token(self) -> str:
        return self.backend.parent.auth_token

    def connection_info(self) -> dict[str, str]:
        return {"base_url": self.base_url, "account_sid": self.account_sid, "auth_token": self.auth_token}

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app.make(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, backlog=1024)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def start(self) -> SandboxServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(self._start())
            except BaseException as error:  # report start-up failures (port in use) to the caller
                failure.append(error)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())  # type: ignore[union-attr]
            self._loop.close()

        self._thread = threading.Thread(target=run, name="twilio-sandbox", daemon=True)
        self._thread.start()
        ready.wait(timeout=30)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            self._loop = None
            self.backend.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def serve(self, ready: asyncio.Event | None = None) -> None:
        """Run in the current event loop until cancelled (the `tenantctl sandbox` command); `ready` is set once
        the port is bound, so the caller can announce where to reach it."""
        await self._start()
        if ready is not None:
            ready.set()
        try:
            await asyncio.Event().wait()
        finally:
            await self._runner.cleanup()  # type: ignore[union-attr]
            self.backend.close()
