"""The one way a request leaves the process: paced under the platform's limits, sent by the
platform's publisher, errors translated to `DeliveryError`.

The outbox sends its steps through it (and retries later, persistently); reports and the
answers to admin commands go through it too (`send_now` retries a few times in place).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal, Protocol, TypeVar

from ..domain import Channel
from ..errors import DeliveryError
from ..format.model import Request
from .publisher import Publisher

T = TypeVar("T")

log = logging.getLogger(__name__)
MAX_WAIT = 30.0  # seconds `send_now` waits for a platform's retry_after at the most


class Pacer(Protocol):
    async def acquire(self, channel: Channel, request: Request) -> Any: ...

    def settle(self, reservation: Any, *, refused: bool = False) -> None: ...

    def penalize(
        self, channel: Channel, seconds: float, request: Request | None = None
    ) -> None: ...


class NoPacing:
    async def acquire(self, channel: Channel, request: Request) -> None:
        return None

    def settle(self, reservation: Any, *, refused: bool = False) -> None:
        return None

    def penalize(self, channel: Channel, seconds: float, request: Request | None = None) -> None:
        return None


class Observer(Protocol):
    """Told how each platform answers (health and metrics listen)."""

    def rate_limited(self, platform: str) -> None: ...

    def answered(self, platform: str, now: datetime, failure: str | None) -> None: ...


class Sender:
    def __init__(
        self,
        publishers: Mapping[str, Publisher],
        pacer: Pacer | None = None,
        *,
        observer: Observer | None = None,
    ) -> None:
        self.publishers = publishers  # by platform: telegram, discord
        self.pacer: Pacer = pacer or NoPacing()
        self.observer = observer

    @staticmethod
    def platform_of(channel: Channel) -> Literal["telegram", "discord"]:
        return "telegram" if channel.platform == "telegram" else "discord"

    def publisher_for(self, channel: Channel) -> Publisher:
        return self.publishers[self.platform_of(channel)]

    async def send(
        self,
        channel: Channel,
        request: Request,
        *,
        on_wire: Callable[[bool], None] | None = None,
    ) -> list[str]:
        """Send once, within the limits; the message ids, or `DeliveryError`.

        `on_wire(True)` is called once the request has its slot and goes out, `on_wire(False)`
        once it is answered: for a caller that must not cancel it meanwhile, or that counts
        how long a request takes (not how long it waited for its slot).
        """
        send = partial(self.publisher_for(channel).send, channel, request)
        try:
            ids = await self._paced(channel, request, send, on_wire)
        except DeliveryError as exc:
            self._observe(channel, exc)
            raise
        self._observe(channel, None)
        return ids

    async def ask(self, channel: Channel, read: Callable[[], Awaitable[T]]) -> T:
        """A reading call about `channel` (what kind it is), counted like any request against
        the platform's overall limit, so asking about many channels at start is not refused."""
        question = Request(self.platform_of(channel), "GET", {}, purpose="read")
        return await self._paced(channel, question, read)

    async def _paced(
        self,
        channel: Channel,
        request: Request,
        call: Callable[[], Awaitable[T]],
        on_wire: Callable[[bool], None] | None = None,
    ) -> T:
        """`call` in a slot the pacer booked for `request`; a 429 holds the destination up."""
        booked = await self.pacer.acquire(channel, request)
        if on_wire is not None:
            on_wire(True)
        try:
            answer = await call()
        except DeliveryError as exc:
            self.pacer.settle(booked, refused=exc.retry_after is not None)
            if exc.retry_after:
                self.pacer.penalize(channel, exc.retry_after, request)
            raise
        finally:
            if on_wire is not None:
                on_wire(False)
        self.pacer.settle(booked)
        return answer

    def _observe(self, channel: Channel, exc: DeliveryError | None) -> None:
        if self.observer is None:
            return
        platform = self.platform_of(channel)
        if exc is not None and exc.retry_after is not None:
            self.observer.rate_limited(platform)
            return
        unreachable = exc is not None and exc.retryable
        self.observer.answered(platform, datetime.now(UTC), str(exc) if unreachable else None)

    async def send_now(self, channel: Channel, request: Request, attempts: int = 3) -> list[str]:
        """Send a message someone waits for (an answer, a report), retrying briefly."""
        for attempt in range(1, attempts + 1):
            try:
                return await self.send(channel, request)
            except DeliveryError as exc:
                if not exc.retryable or attempt == attempts:
                    raise
                wait = min(MAX_WAIT, exc.retry_after or 0.5 * attempt)
                log.info("%s: %s; trying again in %.1fs", channel.name, exc, wait)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")
