"""Rate-limit buckets (per route and major parameter, and global) reported through the
``X-RateLimit-*`` headers, real 429s, and the faults tests script with ``fail_next``."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from .common import JsonObject, _ApiError, _Reply
from .records import Call, _Request
from .routing import _Route


class _Window:
    """A fixed rate-limit window: ``limit`` requests per ``per`` seconds."""

    def __init__(self, limit: int, per: float) -> None:
        self.limit = limit
        self.per = per
        self.started = -math.inf
        self.count = 0

    def hit(self, now: float) -> tuple[bool, int, float]:
        if now >= self.started + self.per:
            self.started = now
            self.count = 0
        reset_after = _ceil_ms(self.started + self.per - now)
        if self.count >= self.limit:
            return False, 0, reset_after
        self.count += 1
        return True, self.limit - self.count, reset_after


@dataclass
class _Fault:
    route: str | None
    status: int
    retry_after: float | None
    is_global: bool
    times: int
    delay: float
    code: int | None
    message: str | None
    scope: str | None


def _ceil_ms(seconds: float) -> float:
    return max(0.0, math.ceil(seconds * 1000) / 1000)


def _bucket_hash(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:32]


class _RateLimiting:
    """Scripted faults and rate limits of :class:`FakeDiscord`."""

    def _take_fault(self, call: Call) -> _Fault | None:
        for fault in self._faults:
            if fault.route is None or call.matches(fault.route):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _fault_reply(self, fault: _Fault) -> _Reply:
        if fault.status == 429:
            retry_after = fault.retry_after if fault.retry_after is not None else 0.1
            scope = fault.scope or ("global" if fault.is_global else "user")
            body: JsonObject = {
                "message": fault.message or "You are being rate limited.",
                "retry_after": retry_after,
                "global": fault.is_global,
            }
            if fault.code is not None:
                body["code"] = fault.code
            return _Reply(429, body, self._too_many_headers(retry_after, scope, fault.is_global))
        reasons = {
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
            504: "Gateway Timeout",
        }
        text = fault.message or f"{fault.status}: {reasons.get(fault.status, 'Error')}"
        return _Reply(fault.status, {"message": text, "code": fault.code or 0})

    @staticmethod
    def _too_many_headers(retry_after: float, scope: str, is_global: bool) -> dict[str, str]:
        headers = {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": scope,
            "Via": "1.1 google",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        return headers

    def _bucket_for(
        self, route: _Route, params: Mapping[str, str]
    ) -> tuple[str, str, tuple[int, float]]:
        if route.key == "POST /channels/{channel_id}/messages":
            return "message-create", params["channel_id"], self.message_rate
        if route.key == "POST /webhooks/{webhook_id}/{webhook_token}":
            return "webhook-execute", params["webhook_id"], self.webhook_rate
        if route.key.endswith("/crosspost"):
            return "crosspost", params["channel_id"], self.crosspost_rate
        major = "+".join(
            params[name]
            for name in ("channel_id", "guild_id", "webhook_id", "interaction_id")
            if name in params
        )
        return route.key, major, self.route_rate

    def _consume_rate_limit(self, route: _Route, req: _Request) -> dict[str, str]:
        if not self.enforce_rate_limits:
            return {}
        now = time.monotonic()
        if route.auth or req.call.authenticated:
            allowed, _, reset_after = self._global_window.hit(now)
            if not allowed:
                self.rate_limit_hits += 1
                req.call.rate_limited = True
                raise _ApiError(
                    429,
                    "You are being rate limited.",
                    body={
                        "message": "You are being rate limited.",
                        "retry_after": reset_after,
                        "global": True,
                    },
                    headers=self._too_many_headers(reset_after, "global", True),
                )
        name, major, (limit, per) = self._bucket_for(route, req.params)
        window = self._windows.get((name, major))
        if window is None:
            window = self._windows[(name, major)] = _Window(limit, per)
        allowed, remaining, reset_after = window.hit(now)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{_ceil_ms(time.time() + reset_after):.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": _bucket_hash(name),
        }
        if not allowed:
            self.rate_limit_hits += 1
            req.call.rate_limited = True
            raise _ApiError(
                429,
                "You are being rate limited.",
                body={
                    "message": "You are being rate limited.",
                    "retry_after": reset_after,
                    "global": False,
                },
                headers={**headers, **self._too_many_headers(reset_after, "user", False)},
            )
        return headers
