"""Pacing under the platforms' flood limits, so a burst is spread out instead of refused.

Telegram: about one message per second per chat (an album of N counts N), 20 per rolling
minute in a group or channel, 30 per rolling second overall. Discord: 50 requests per second
overall (discord.py already follows each route's bucket from the response headers).

Rolling windows are used rather than a leaky bucket: a bucket lets a full burst through and then
refills continuously, which can exceed "N in any window" and provoke the 429s this avoids.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from ..domain import Channel
from ..format.model import Request

SENDING = {"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendAnimation"}


@dataclass(frozen=True)
class TelegramRates:
    per_chat_interval: float = 1.0
    group_limit: int = 20
    group_window: float = 60.0
    global_limit: int = 30
    global_window: float = 1.0


class RollingWindow:
    """At most `limit` units in any `window` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.sends: deque[float] = deque()

    def wait(self, cost: int, now: float) -> float:
        while self.sends and self.sends[0] <= now - self.window:
            self.sends.popleft()
        excess = len(self.sends) + min(cost, self.limit) - self.limit
        return 0.0 if excess <= 0 else self.sends[excess - 1] + self.window - now

    def book(self, cost: int, now: float) -> None:
        self.sends.extend([now] * cost)


def message_cost(request: Request) -> int:
    if request.platform != "telegram":
        return 1
    if request.method == "sendMediaGroup":
        return len(request.params.get("media", []))
    return 1


class Pacer:
    def __init__(
        self,
        rates: TelegramRates | None = None,
        *,
        discord_per_second: int = 50,
        margin: float = 0.02,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rates = rates or TelegramRates()
        self.margin = margin  # seconds of slack against clock jitter between us and the server
        self.monotonic = monotonic
        self._next_free: dict[str, float] = {}
        self._groups: dict[str, RollingWindow] = {}
        self._telegram = RollingWindow(self.rates.global_limit, self.rates.global_window)
        self._discord = RollingWindow(discord_per_second, 1.0)
        self._blocked: dict[str, float] = {}
        self._lock = asyncio.Lock()

    @staticmethod
    def _key(channel: Channel) -> str:
        return f"tg:{channel.chat_id}" if channel.platform == "telegram" else f"dc:{channel.name}"

    def _wait(self, channel: Channel, cost: int, now: float) -> float:
        key = self._key(channel)
        waits = [self._blocked.get(key, 0.0) - now]
        if channel.platform != "telegram":
            return max(*waits, self._discord.wait(1, now))
        waits.append(self._next_free.get(key, now) - now)
        waits.append(self._telegram.wait(cost, now))
        if str(channel.chat_id).startswith("-"):
            group = self._groups.setdefault(
                key, RollingWindow(self.rates.group_limit, self.rates.group_window)
            )
            waits.append(group.wait(cost, now))
        return max(waits)

    def _book(self, channel: Channel, cost: int, now: float) -> None:
        key = self._key(channel)
        if channel.platform != "telegram":
            self._discord.book(1, now)
            return
        start = max(self._next_free.get(key, now), now)
        self._next_free[key] = start + cost * self.rates.per_chat_interval
        self._telegram.book(cost, now)
        if key in self._groups:
            self._groups[key].book(cost, now)

    async def acquire(self, channel: Channel, request: Request) -> None:
        """Return once sending `request` keeps every limit; books it."""
        if request.platform == "telegram" and request.method not in SENDING:
            cost = 1 if request.method.startswith("edit") else 0
            if cost == 0:
                return
        else:
            cost = message_cost(request)
        while True:
            async with self._lock:
                now = self.monotonic()
                wait = self._wait(channel, cost, now)
                if wait <= 0:
                    self._book(channel, cost, now)
                    return
            await asyncio.sleep(wait + self.margin)

    def penalize(self, channel: Channel, seconds: float) -> None:
        """The platform said to wait: nothing more goes to this destination until then."""
        key = self._key(channel)
        self._blocked[key] = max(self._blocked.get(key, 0.0), self.monotonic() + seconds)
