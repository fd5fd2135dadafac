"""The persistent outbox: each delivery row is sent step by step, one worker per channel.

A step's message ids are committed right after the platform answers, so after a crash only
the one step in flight can be sent twice (Discord drops that resend through its nonce).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from ..config import DeliveryCfg
from ..domain import Channel
from ..errors import DeliveryError
from ..format.model import Request, Step, needs_sent, resolve_sent
from ..store.repo import Delivery, Store
from .sender import Sender

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
Report = Callable[[str, str], Awaitable[None]]  # (kind, text)
ACTIONS = ("pin", "unpin", "crosspost")  # requests that act on a message and make none
NOT_YET = timedelta(seconds=5)  # a crosspost whose announcement is still on its way waits


class Observer(Protocol):
    """Told what the workers do (health and metrics listen)."""

    def sending(self, channel: str, since: datetime) -> None: ...

    def idle(self, channel: str) -> None: ...

    def worker_ended(self, channel: str, reason: str) -> None: ...

    def workers_stopped(self, channels: list[str]) -> None: ...

    def finished(self, channel: str, state: str) -> None: ...

    def first_sent(self, seconds: float) -> None: ...


def role_of(kind: str) -> str:
    return "post" if kind in ("publish", "edit", "retract", "resend") else "reminder"


class _Wait(Exception):
    """The message a request acts on is not sent yet."""


def backoff(attempt: int, cfg: DeliveryCfg, rng: random.Random) -> float:
    """Exponential with full jitter in [0.5, 1.5] of the step, capped."""
    return min(cfg.backoff_max, cfg.backoff_base * 2 ** max(0, attempt - 1)) * rng.uniform(0.5, 1.5)


class Outbox:
    def __init__(
        self,
        store: Store,
        sender: Sender,
        channels: Mapping[str, Channel],
        cfg: DeliveryCfg,
        *,
        clock: Clock,
        report: Report | None = None,
        rng: random.Random | None = None,
        owner: str | None = None,
        observer: Observer | None = None,
    ) -> None:
        self.store = store
        self.sender = sender
        self.channels = channels
        self.cfg = cfg
        self.clock = clock
        self.report = report
        self.rng = rng or random.Random()
        self.owner = owner  # this process, as claims name it (None: the only process)
        self.observer = observer
        self._wake = {name: asyncio.Event() for name in channels}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._queue_watch: asyncio.Task[None] | None = None
        self._stopping = False
        self._busy: set[str] = set()
        self._sending: set[str] = set()  # channels with a request on the wire

    # -- control ------------------------------------------------------------------------------
    def wake(self, channel: str | None = None) -> None:
        """Tell one channel's worker (or all) that there may be work."""
        flags = (
            self._wake.values()
            if channel is None
            else [self._wake[channel]]
            if channel in self._wake
            else []
        )
        for flag in flags:
            flag.set()

    def start(self) -> None:
        resumed = self.store.reset_abandoned(self.clock())
        if resumed:
            log.info("resuming %d deliveries interrupted by the last stop", resumed)
        self._stopping = False
        self._workers = {
            name: asyncio.create_task(self._worker(name), name=f"outbox:{name}")
            for name in self.channels
        }
        for name, task in self._workers.items():
            task.add_done_callback(functools.partial(self._ended, name))
        self._queue_watch = asyncio.create_task(self._watch_queue(), name="outbox:queue")

    async def stop(self, grace: float = 20.0) -> None:
        """Let each request on the wire finish, then park the rest for the next start.

        Workers that wait (for a slot, a retry or work) stop at once; only a request already
        sent is waited for, up to `grace` seconds.
        """
        self._stopping = True
        self.wake()
        if self._queue_watch is not None:
            self._queue_watch.cancel()
            await asyncio.gather(self._queue_watch, return_exceptions=True)
            self._queue_watch = None
        if not self._workers:
            return
        for name, task in self._workers.items():
            if name not in self._sending:  # a lane's name while its request is on the wire
                task.cancel()
        _, pending = await asyncio.wait(self._workers.values(), timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*self._workers.values(), return_exceptions=True)
        self.store.release_claims(self.owner)
        if self.observer is not None:
            self.observer.workers_stopped(list(self._workers))
        self._workers = {}

    def _ended(self, name: str, task: asyncio.Task[None]) -> None:
        """A worker that ends while the outbox runs is a problem an operator must see."""
        if self._stopping or self.observer is None:
            return
        error = None if task.cancelled() else task.exception()
        log.error("outbox worker %s ended: %s", name, error or "cancelled")
        self.observer.worker_ended(name, repr(error) if error else "cancelled")

    async def drain(self, timeout: float = 60.0) -> bool:  # noqa: ASYNC109
        """Wait until nothing is due (used by one-shot commands and tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if not self._busy and not self.store.unfinished(list(self.channels)):
                return True
            self.wake()
            await asyncio.sleep(0.02)
        return False

    # -- work ---------------------------------------------------------------------------------
    async def _watch_queue(self, every: float = 1.0) -> None:
        """Wake the workers when another process (`publish`) queued a delivery."""
        seen = self.store.latest_id()
        while not self._stopping:
            await asyncio.sleep(every)
            try:
                latest = self.store.latest_id()
            except Exception as exc:
                log.warning("outbox: cannot read the queue (%s)", type(exc).__name__)
                continue
            if latest != seen:
                seen = latest
                self.wake()

    async def _worker(self, name: str) -> None:
        flag = self._wake[name]
        while not self._stopping:
            delivery = self.store.claim_next(name, self.clock(), self.owner)
            if delivery is not None:
                self._busy.add(name)
                try:
                    await self._process(delivery)
                except Exception:  # a bug must not kill the worker: park the delivery
                    log.exception("delivery %s to %s crashed", delivery.id, name)
                    await self._retry(delivery, "internal error", None)
                finally:
                    self._busy.discard(name)
                continue
            flag.clear()
            due = self.store.next_due(name, self.clock())
            wait = 30.0 if due is None else max(0.0, (due - self.clock()).total_seconds())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(flag.wait(), timeout=min(wait, 30.0) + 0.001)

    async def _process(self, delivery: Delivery) -> None:
        channel = self.channels[delivery.channel]
        if delivery.not_after is not None and self.clock() >= delivery.not_after:
            self._finish(delivery, "cancelled", "the event has started")
            log.info("dropped %s of %s: the event has started", delivery.kind, delivery.post_key)
            return
        for index in range(delivery.progress, len(delivery.requests)):
            if self._stopping:  # parked as "sending"; stop() hands it back to the queue
                return
            step = Step.from_json(delivery.requests[index])
            try:
                request = self._filled(delivery, channel.name, step)
            except _Wait:
                self.store.postpone(delivery.id, self.clock() + NOT_YET, "waiting for the "
                                    "announcement to be sent", self.clock())  # fmt: skip
                return
            except KeyError:
                self._finish(delivery, "cancelled", "the message it acts on was never sent")
                return
            try:
                ids = await self.sender.send(
                    channel, request, on_wire=functools.partial(self._on_wire, delivery.channel)
                )
            except DeliveryError as exc:
                if exc.retry_after is not None and request.purpose == "crosspost":
                    wait = timedelta(seconds=exc.retry_after + 1)  # queued, never dropped
                    self.store.postpone(delivery.id, self.clock() + wait, str(exc), self.clock())
                elif exc.retryable:
                    await self._retry(delivery, str(exc), exc.retry_after)
                else:
                    await self._fail(delivery, str(exc))
                return
            if index == 0 and delivery.created_at is not None:
                self._observe("first_sent", (self.clock() - delivery.created_at).total_seconds())
            slot = index if step.slot is None else step.slot
            recorded = list(step.keep_ids) if step.keep_ids is not None else ids
            if request.purpose in ACTIONS:
                self.store.advance(delivery, index, self.clock())
            elif request.purpose == "delete":
                self.store.mark_gone(delivery.post_key or "", delivery.channel, [slot])
            else:
                self.store.record_step(
                    delivery, index, slot, step.request.method, recorded, role_of(delivery.kind),
                    self.clock(),
                )  # fmt: skip
        self._finish(delivery, "sent")

    def _on_wire(self, lane: str, sending: bool) -> None:
        """A lane's request went out (after its slot) or was answered: `stop()` waits for a
        request on the wire, and the health check times it."""
        if sending:
            self._sending.add(lane)
            self._observe("sending", lane, self.clock())
        else:
            self._sending.discard(lane)
            self._observe("idle", lane)

    def _filled(self, delivery: Delivery, channel: str, step: Step) -> Request:
        """The step's request, naming the messages it acts on by their ids.

        Those are the post's in the channel, or, for a step with a `source`, those that the
        delivery sent (a crosspost waits for its announcement; `_Wait` meanwhile).
        """
        request = step.request
        if not needs_sent(request):
            return request
        if step.source is not None:
            ids = self.store.delivery_ids(step.source)
            if not ids and self.store.delivery_state(step.source) in ("pending", "sending"):
                raise _Wait
        else:
            ids = {s.step: s.ids for s in self.store.sent(delivery.post_key or "", channel)}
        return resolve_sent(request, ids)

    async def _retry(self, delivery: Delivery, error: str, retry_after: float | None) -> None:
        now = self.clock()
        attempt = delivery.attempts + 1
        if attempt >= self.cfg.max_attempts:
            await self._fail(delivery, f"gave up after {attempt} attempts: {error}")
            return
        wait = backoff(attempt, self.cfg, self.rng)
        if retry_after is not None:
            wait = retry_after + self.rng.uniform(0.0, 0.1 * retry_after + 0.05)
        self.store.retry_later(delivery.id, now + timedelta(seconds=wait), error, now)
        log.warning(
            "delivery %s to %s: %s; attempt %d, next in %.1fs",
            delivery.id,
            delivery.channel,
            error,
            attempt,
            wait,
        )

    def _observe(self, what: str, *args: Any) -> None:
        if self.observer is not None:
            getattr(self.observer, what)(*args)

    def _finish(self, delivery: Delivery, state: str, error: str | None = None) -> None:
        self.store.finish(delivery.id, state, self.clock(), error)
        self._observe("finished", delivery.channel, state)

    async def _fail(self, delivery: Delivery, error: str) -> None:
        self._finish(delivery, "failed", error)
        what = f"post {delivery.post_key}" if delivery.post_key else delivery.kind
        text = f"Delivery of {what} to {delivery.channel} failed: {error}"
        log.error(text)
        if self.report is not None:
            await self.report(f"failed:{delivery.channel}", text)
