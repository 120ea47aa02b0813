"""Fault injection for the reference backend (sandbox only).

A rule applies to the next ``count`` requests whose path starts with ``path_prefix`` (and method
matches, when given). What the client sees is what a real network does to it:

- ``drop_request``: the request is never processed; no answer comes before the client's timeout.
- ``drop_response``: the request is processed; its answer is lost (no answer before the timeout).
- ``delay``: the answer comes, ``delay_s`` late.
- ``error``: 500 without processing.  ``error_after``: processed, then 500.
- ``slow``: the handler itself pauses ``delay_s`` mid-work (to observe requests in flight).
- ``garble`` / ``wrong_shape``: 200 with a broken body, without processing (malformed replies).
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class FaultMode(StrEnum):
    DROP_REQUEST = "drop_request"
    DROP_RESPONSE = "drop_response"
    DELAY = "delay"
    ERROR = "error"
    ERROR_AFTER = "error_after"
    SLOW = "slow"
    GARBLE = "garble"  # 200 with a body that is not JSON
    WRONG_SHAPE = "wrong_shape"  # 200 with JSON of the wrong shape


@dataclass
class Rule:
    mode: FaultMode
    path_prefix: str
    method: str | None
    count: int
    delay_s: float


def _error() -> JSONResponse:
    return JSONResponse(
        {"code": "server_error", "message": "系统繁忙,请稍后再试", "detail": "injected fault"},
        status_code=500,
    )


class Faults:
    def __init__(self) -> None:
        self._rules: list[Rule] = []
        self._lock = threading.Lock()
        self.fired: list[tuple[str, str]] = []  # (mode, path), for tests and the fault simulation

    def add(self, rule: Rule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def take(self, method: str, path: str, modes: set[FaultMode]) -> Rule | None:
        with self._lock:
            for rule in self._rules:
                if (
                    rule.mode in modes
                    and path.startswith(rule.path_prefix)
                    and (rule.method is None or rule.method.upper() == method.upper())
                ):
                    rule.count -= 1
                    if rule.count <= 0:
                        self._rules.remove(rule)
                    self.fired.append((rule.mode.value, path))
                    return rule
        return None

    def inside(self, path: str, method: str = "POST") -> None:
        """Called by handlers mid-work: pause here when a ``slow`` rule matches."""
        rule = self.take(method, path, {FaultMode.SLOW})
        if rule:
            time.sleep(rule.delay_s)


_OUTER = set(FaultMode) - {FaultMode.SLOW}


class FaultMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, faults: Faults) -> None:
        super().__init__(app)
        self.faults = faults

    async def dispatch(self, request: Request, call_next) -> Response:
        if request.url.path.startswith("/v1/sandbox"):
            return await call_next(request)
        rule = self.faults.take(request.method, request.url.path, _OUTER)
        if rule is None:
            return await call_next(request)
        if rule.mode is FaultMode.DROP_REQUEST:
            await asyncio.sleep(rule.delay_s)
            return _error()  # arrives after the client gave up; nothing was done
        if rule.mode is FaultMode.ERROR:
            return _error()
        if rule.mode is FaultMode.GARBLE:
            return Response(b"<html>502 Bad Gateway</html>", media_type="application/json")
        if rule.mode is FaultMode.WRONG_SHAPE:
            return JSONResponse({"unexpected": True, "amount": "lots"})
        if rule.mode is FaultMode.DELAY:
            await asyncio.sleep(rule.delay_s)
            return await call_next(request)
        response = await call_next(request)
        # drain the processed answer, then lose it
        async for _chunk in response.body_iterator:
            pass
        if rule.mode is FaultMode.DROP_RESPONSE:
            await asyncio.sleep(rule.delay_s)
        return _error()
