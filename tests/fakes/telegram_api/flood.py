"""Flood control: per chat, per group and overall limits, driven by a replaceable clock."""

from __future__ import annotations

from collections import deque


class ManualClock:
    """A monotonic clock that only moves when told to; pass it as ``clock=``."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _window_wait(sends: deque[float], cost: int, limit: int, window: float, now: float) -> float:
    while sends and sends[0] <= now - window:
        sends.popleft()
    excess = len(sends) + cost - limit
    if excess <= 0:
        return 0.0
    if cost > limit:
        return window
    return sends[excess - 1] + window - now


class _FloodControl:
    """Per chat: one message per interval with a small burst tolerance (a virtual schedule,
    so an album of N items books N intervals). Per group and overall: rolling windows."""

    def __init__(
        self,
        *,
        per_chat_interval: float,
        per_chat_tolerance: float,
        group_limit: int,
        group_window: float,
        global_limit: int,
        global_window: float,
    ) -> None:
        self.per_chat_interval = per_chat_interval
        self.per_chat_tolerance = per_chat_tolerance
        self.group_limit = group_limit
        self.group_window = group_window
        self.global_limit = global_limit
        self.global_window = global_window
        self._next_free: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}
        self._all_sends: deque[float] = deque()

    def admit(self, chat_id: int, cost: int, now: float) -> float:
        """Book ``cost`` messages and return 0, or return the seconds to wait (nothing booked)."""
        next_free = self._next_free.get(chat_id)
        waits = [0.0 if next_free is None else next_free - self.per_chat_tolerance - now]
        group = self._group_sends.setdefault(chat_id, deque()) if chat_id < 0 else None
        if group is not None:
            waits.append(_window_wait(group, cost, self.group_limit, self.group_window, now))
        waits.append(
            _window_wait(self._all_sends, cost, self.global_limit, self.global_window, now)
        )
        wait = max(waits)
        if wait > 0:
            return wait
        start = now if next_free is None else max(next_free, now)
        self._next_free[chat_id] = start + cost * self.per_chat_interval
        if group is not None:
            group.extend([now] * cost)
        self._all_sends.extend([now] * cost)
        return 0.0

    def reset(self) -> None:
        self._next_free.clear()
        self._group_sends.clear()
        self._all_sends.clear()
