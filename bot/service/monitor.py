"""What the parts report as they work, turned into health (for /healthz and the admins) and
metrics (for /metrics): the outbox's workers, the sender's platforms, the repository follower.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Protocol

from .health import Health

DOWN_AFTER = timedelta(seconds=30)  # a platform failing this long (network, 5xx) is down


class MetricsSink(Protocol):
    def delivered(self, channel: str, state: str) -> None: ...

    def rate_limited(self, platform: str) -> None: ...

    def detect_to_send(self, seconds: float) -> None: ...

    def git_synced(self, when: datetime) -> None: ...


class Monitor:
    def __init__(self, health: Health, metrics: MetricsSink | None = None) -> None:
        self.health = health
        self.metrics = metrics
        self._failing: dict[str, tuple[datetime, str]] = {}

    # -- the outbox ---------------------------------------------------------------------------
    def sending(self, channel: str, since: datetime) -> None:
        self.health.busy(channel, since)

    def idle(self, channel: str) -> None:
        self.health.idle(channel)

    def worker_ended(self, channel: str, reason: str) -> None:
        self.health.ended(channel, reason)

    def workers_stopped(self, channels: list[str]) -> None:
        for channel in channels:
            self.health.forget(channel)

    def finished(self, channel: str, state: str) -> None:
        if self.metrics is not None:
            self.metrics.delivered(channel, state)

    def first_sent(self, seconds: float) -> None:
        if self.metrics is not None:
            self.metrics.detect_to_send(seconds)

    # -- the platforms ------------------------------------------------------------------------
    def rate_limited(self, platform: str) -> None:
        if self.metrics is not None:
            self.metrics.rate_limited(platform)

    def answered(self, platform: str, now: datetime, failure: str | None) -> None:
        """A platform answered (`failure` None) or could not be reached (network, 5xx)."""
        if failure is None:
            self._failing.pop(platform, None)
        elif platform not in self._failing:
            self._failing[platform] = (now, failure)
        else:
            self._failing[platform] = (self._failing[platform][0], failure)

    def platform_problem(self, platform: str, now: datetime) -> str | None:
        failing = self._failing.get(platform)
        if failing is None or now - failing[0] < DOWN_AFTER:
            return None
        return f"{platform.title()} unreachable: {failing[1]}"

    def watch_platforms(self, platforms: list[str]) -> None:
        for platform in platforms:
            self.health.register(platform, functools.partial(self.platform_problem, platform))

    # -- the website's repository ---------------------------------------------------------------
    def git(self, problem: str | None, now: datetime) -> None:
        self.health.set("git", problem)
        if problem is None and self.metrics is not None:
            self.metrics.git_synced(now)
