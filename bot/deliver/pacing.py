"""Pacing under the platforms' flood limits, so a burst is spread out instead of refused.

Telegram: about one message per second per chat (an album of N counts N), 20 per rolling
minute in a group or channel, 30 per rolling second overall. Discord: 50 requests per second
overall, of which 45 are paced here (discord.py already follows each route's bucket from the
response headers), and about 10 crossposts an hour per announcement channel (Discord's
documented limit; crossposts wait in a lane of their own, so the wait holds nothing else up).

Rolling windows are used rather than a leaky bucket: a bucket lets a full burst through and then
refills continuously, which can exceed "N in any window" and provoke the 429s this avoids.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..domain import Channel, crosspost_lane
from ..format.model import Request

# Discord allows 50 requests a second overall; discord.py makes some of its own that are not
# paced here (logging in, the gateway, answering interactions), so a few are left for them.
DISCORD_PER_SECOND = 45
SENDING = {"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendAnimation"}


@dataclass(frozen=True)
class TelegramRates:
    per_chat_interval: float = 1.0
    group_limit: int = 20
    group_window: float = 60.0
    global_limit: int = 30
    global_window: float = 1.0


CROSSPOSTS_PER_HOUR = 10  # per announcement channel, in any rolling hour


class RollingWindow:
    """At most `limit` units in any `window` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.sends: list[float] = []  # sorted times

    def wait(self, cost: int, now: float) -> float:
        cut = bisect.bisect_right(self.sends, now - self.window)
        del self.sends[:cut]
        excess = len(self.sends) + min(cost, self.limit) - self.limit
        return 0.0 if excess <= 0 else self.sends[excess - 1] + self.window - now

    def book(self, cost: int, at: float) -> None:
        for _ in range(cost):
            bisect.insort(self.sends, at)

    def unbook(self, cost: int, at: float) -> None:
        for _ in range(cost):
            index = bisect.bisect_left(self.sends, at)
            if index < len(self.sends) and self.sends[index] == at:
                del self.sends[index]


def message_cost(request: Request) -> int:
    """How many messages a request counts for against the flood limits (0: not paced)."""
    if request.platform != "telegram":
        return 1
    if request.method == "sendMediaGroup":
        return len(request.params.get("media", []))
    if request.method in SENDING or request.method.startswith("edit"):
        return 1
    return 0


@dataclass
class Reservation:
    """A booked slot; settled once the platform has answered."""

    channel: Channel
    cost: int
    at: float
    crosspost: bool = False


class Pacer:
    """Books a slot before each request, and moves it to when the platform answered.

    The server counts a request when it arrives, which can be later than the slot (a busy
    loop, a slow connection): measuring the next interval from the answer keeps the spacing
    the server sees. A request refused with 429 gives its slot back.
    """

    def __init__(
        self,
        rates: TelegramRates | None = None,
        *,
        discord_per_second: int = DISCORD_PER_SECOND,
        crossposts_per_hour: int = CROSSPOSTS_PER_HOUR,
        margin: float = 0.02,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rates = rates or TelegramRates()
        self.crossposts_per_hour = crossposts_per_hour
        self.margin = margin  # seconds of slack against clock jitter between us and the server
        self.monotonic = monotonic
        self._next_free: dict[str, float] = {}
        self._groups: dict[str, RollingWindow] = {}
        self._telegram = RollingWindow(self.rates.global_limit, self.rates.global_window)
        self._discord = RollingWindow(discord_per_second, 1.0)
        self._crossposts: dict[str, RollingWindow] = {}
        self._blocked: dict[str, float] = {}
        self._lock = asyncio.Lock()

    @staticmethod
    def _key(channel: Channel) -> str:
        return f"tg:{channel.chat_id}" if channel.platform == "telegram" else f"dc:{channel.name}"

    def _block_key(self, channel: Channel, crosspost: bool) -> str:
        """What a 429 holds up: the destination, or only its crossposts."""
        key = self._key(channel)
        return crosspost_lane(key) if crosspost else key

    def _windows(self, channel: Channel, crosspost: bool = False) -> list[RollingWindow]:
        if crosspost:
            if channel.name not in self._crossposts:
                self._crossposts[channel.name] = RollingWindow(self.crossposts_per_hour, 3600.0)
            return [self._discord, self._crossposts[channel.name]]
        if channel.platform != "telegram":
            return [self._discord]
        windows = [self._telegram]
        if str(channel.chat_id).startswith("-"):  # groups and channels
            key = self._key(channel)
            if key not in self._groups:
                rates = self.rates
                self._groups[key] = RollingWindow(rates.group_limit, rates.group_window)
            windows.append(self._groups[key])
        return windows

    def _wait(self, channel: Channel, cost: int, now: float, crosspost: bool = False) -> float:
        key = self._key(channel)
        blocked = self._blocked.get(self._block_key(channel, crosspost), 0.0)
        waits = [blocked - now, self._next_free.get(key, now) - now]
        waits += [w.wait(cost, now) for w in self._windows(channel, crosspost)]
        return max(waits)

    def _book(self, channel: Channel, cost: int, at: float, crosspost: bool = False) -> None:
        if channel.platform == "telegram":
            key = self._key(channel)
            self._next_free[key] = (
                max(self._next_free.get(key, at), at) + cost * self.rates.per_chat_interval
            )
        for window in self._windows(channel, crosspost):
            window.book(cost, at)

    def delay(self, channel: Channel, request: Request) -> float:
        """Seconds until `request` could go out (0: now)."""
        cost = message_cost(request)
        now = self.monotonic()
        return max(0.0, self._wait(channel, cost, now, request.purpose == "crosspost"))

    async def acquire(self, channel: Channel, request: Request) -> Reservation | None:
        """Return once sending `request` keeps every limit, with its booked slot."""
        cost = message_cost(request)
        if cost == 0:
            return None
        crosspost = request.purpose == "crosspost"
        while True:
            async with self._lock:
                now = self.monotonic()
                wait = self._wait(channel, cost, now, crosspost)
                if wait <= 0:
                    self._book(channel, cost, now, crosspost)
                    return Reservation(channel, cost, now, crosspost)
            await asyncio.sleep(wait + self.margin)

    def settle(self, reservation: Reservation | None, *, refused: bool = False) -> None:
        """The platform answered: count the request from now, or not at all if refused."""
        if reservation is None:
            return
        channel, cost, at = reservation.channel, reservation.cost, reservation.at
        windows = self._windows(channel, reservation.crosspost)
        for window in windows:
            window.unbook(cost, at)
        if refused:
            if channel.platform == "telegram":
                key = self._key(channel)
                self._next_free[key] = min(self._next_free.get(key, at), at)
            return
        now = self.monotonic()
        for window in windows:
            window.book(cost, now)
        if channel.platform == "telegram":
            key = self._key(channel)
            self._next_free[key] = max(
                self._next_free[key], now + cost * self.rates.per_chat_interval
            )

    def penalize(self, channel: Channel, seconds: float, request: Request | None = None) -> None:
        """The platform said to wait: nothing more goes to this destination until then (a
        refused crosspost holds up only the channel's crossposts)."""
        crosspost = request is not None and request.purpose == "crosspost"
        key = self._block_key(channel, crosspost)
        self._blocked[key] = max(self._blocked.get(key, 0.0), self.monotonic() + seconds)
