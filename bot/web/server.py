"""The HTTP side of the service: ``/healthz``, ``/metrics`` and the git push webhook (aiohttp)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from ..service.health import Health
from .hooks import (
    DELIVERY_HEADERS,
    EVENT_HEADERS,
    PayloadError,
    PushEvent,
    RecentDeliveries,
    decode_payload,
    first_header,
    has_signature,
    push_event,
    signature_valid,
)
from .metrics import Metrics, package_version

log = logging.getLogger(__name__)

OnPush = Callable[[PushEvent], Awaitable[None]]
_NO_STORE = {"Cache-Control": "no-store"}
# After refusing a body, unread bytes are drained (never kept) this long so that the client
# reads the answer before the connection closes; aiohttp's default of 10 s lets a stalled
# client hold a connection and delays shutdown as long.
LINGER_SECONDS = 1.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


class WebServer:
    """Serves health, metrics and (with a secret and a handler) the push webhook."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        health: Health,
        metrics: Metrics,
        on_push: OnPush | None,
        webhook_secret: str | None,
        branch: str | None = None,
        max_body: int = 1 << 20,
        clock: Callable[[], datetime] = _utc_now,
        version: str | None = None,
    ) -> None:
        self._host = host
        self._requested_port = port
        self._health = health
        self._metrics = metrics
        self._on_push = on_push
        self._secret = webhook_secret or None
        self._branch = branch
        self._max_body = max_body
        self._clock = clock
        self._version = version or package_version()
        self._recent = RecentDeliveries()
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._started = time.monotonic()

    @property
    def port(self) -> int:
        """The bound port (the one the system picked when asked for port 0)."""
        if self._port is None:
            raise RuntimeError("the web server is not started")
        return self._port

    @property
    def webhook_enabled(self) -> bool:
        return self._secret is not None and self._on_push is not None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics_page)
        if self.webhook_enabled:
            app.router.add_post("/hooks/git", self._git_hook, expect_handler=self._expect)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(
            self.app(), access_log=None, handle_signals=False, lingering_time=LINGER_SECONDS
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._requested_port)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._started = time.monotonic()
        log.info(
            "HTTP on %s port %d: /healthz, /metrics%s", self._host, self._port,
            ", /hooks/git" if self.webhook_enabled else " (push webhook off)",
        )  # fmt: skip

    async def stop(self) -> None:
        """Stop serving; a fetch still running from a push is cancelled."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- routes ----------------------------------------------------------------------------
    async def _healthz(self, request: web.Request) -> web.Response:
        now = self._clock()
        problems = self._health.problems(now)
        body = {
            "status": "unhealthy" if problems else "ok",
            "role": self._health.role,
            "problems": problems,
            "version": self._version,
            "uptime_seconds": int(time.monotonic() - self._started),
            "time": now.isoformat(timespec="seconds"),
        }
        return web.json_response(body, status=503 if problems else 200, headers=_NO_STORE)

    async def _metrics_page(self, request: web.Request) -> web.Response:
        body = self._metrics.render()  # in the loop: the pending reader may touch its objects
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST, **_NO_STORE})

    async def _expect(self, request: web.Request) -> web.StreamResponse | None:
        """``Expect: 100-continue``: refuse an oversized body before the client sends it."""
        if self._too_long(request):
            return self._too_large(request)
        if request.headers.get("Expect", "").lower() != "100-continue":
            raise web.HTTPExpectationFailed(text="only Expect: 100-continue is understood\n")
        if request.version >= (1, 1):
            await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            request.writer.output_size = 0
        return None

    async def _git_hook(self, request: web.Request) -> web.StreamResponse:
        if self._too_long(request):
            return self._too_large(request)
        if not has_signature(request.headers):
            return self._refuse(request, 401, "unauthorized", "no signature header")
        body = await _read_at_most(request, self._max_body)
        if body is None:
            return self._too_large(request)
        assert self._secret is not None
        if not signature_valid(self._secret, body, request.headers):
            return self._refuse(request, 401, "unauthorized", "the signature does not match")
        delivery = first_header(request.headers, DELIVERY_HEADERS)
        event = first_header(request.headers, EVENT_HEADERS) or "push"
        try:
            payload = decode_payload(body, request.content_type)
            push = push_event(payload, delivery) if event == "push" else None
        except PayloadError as exc:
            return self._refuse(request, 400, "bad_request", str(exc))
        if delivery is not None and self._recent.replayed(delivery, self._clock()):
            log.info("push webhook: delivery %s was already handled; ignored", delivery)
            return self._done("replay")
        if push is None:
            log.debug("push webhook: %s event (delivery %s) needs no fetch", event, delivery)
            return self._done("ping" if event == "ping" else "ignored")
        if self._branch is not None and push.ref != f"refs/heads/{self._branch}":
            log.debug("push webhook: %s is not the followed branch; ignored", push.ref)
            return self._done("ignored")
        log.info(
            "push webhook: %s %s → %s by %s (%d commits, delivery %s); fetching",
            push.ref, push.before, push.after, push.pusher, push.commits, delivery,
        )  # fmt: skip
        self._schedule(push)
        return self._done("push")

    # -- helpers ---------------------------------------------------------------------------
    def _too_long(self, request: web.Request) -> bool:
        length = request.content_length
        return length is not None and length > self._max_body

    def _refuse(self, request: web.Request, status: int, outcome: str, why: str) -> web.Response:
        self._metrics.webhook(outcome)
        log.warning("push webhook from %s refused (%d): %s", request.remote, status, why)
        return web.Response(status=status, text=f"{why}\n")

    def _too_large(self, request: web.Request) -> web.Response:
        why = f"the body is longer than {self._max_body} bytes"
        response = self._refuse(request, 413, "too_large", why)
        response.force_close()  # the rest of the body is never read into memory
        return response

    def _done(self, outcome: str) -> web.Response:
        self._metrics.webhook(outcome)
        return web.Response(status=204)

    def _schedule(self, push: PushEvent) -> None:
        assert self._on_push is not None
        task = asyncio.create_task(self._run_push(self._on_push, push))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_push(self, on_push: OnPush, push: PushEvent) -> None:
        try:
            await on_push(push)
        except Exception:
            log.exception("the fetch after push %s failed", push.delivery or push.after)


async def _read_at_most(request: web.Request, limit: int) -> bytes | None:
    """The whole body, or ``None`` as soon as it passes ``limit`` bytes (the rest unread)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.readany():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
