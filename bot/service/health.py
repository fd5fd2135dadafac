"""Health of the running service: what is wrong now, and telling the admins when it lasts.

``Health`` is pure bookkeeping with the clock passed in: parts push their problems
(``set``), or register a probe polled when asked; outbox workers report when they start and
finish a request, so one stuck on a request for more than ``stuck_after`` seconds shows up.
``HealthMonitor`` polls it and notifies the admins of a problem that lasts ``report_after``
seconds, once, and once more when it clears.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger(__name__)

Probe = Callable[[datetime], str | None]
LEADER = "leader"
WORKER = "outbox worker"  # what the problems of a worker call it


@dataclass(frozen=True)
class _Worker:
    since: datetime | None = None  # busy on one request since then
    ended: str | None = None  # the task ended, for this reason


class Health:
    """Problems of the parts of one process, by name; an empty report means healthy."""

    def __init__(self, *, stuck_after: float = 60.0, role: str = LEADER) -> None:
        self.stuck_after = stuck_after
        self.role = role
        self._pushed: dict[str, str] = {}
        self._probes: dict[str, Probe] = {}
        self._workers: dict[str, _Worker] = {}

    # -- reported by the parts -------------------------------------------------------------
    def set(self, name: str, problem: str | None) -> None:
        """``name`` has ``problem`` now, or none (``None``), e.g. ``set("git", "fetch …")``."""
        if problem is None:
            self._pushed.pop(name, None)
        else:
            self._pushed[name] = problem

    def register(self, name: str, probe: Probe) -> None:
        """``probe(now)`` returns the problem of ``name`` or ``None``; polled by ``problems``."""
        self._probes[name] = probe

    def unregister(self, name: str) -> None:
        self._probes.pop(name, None)

    def busy(self, worker: str, since: datetime) -> None:
        """``worker`` started a request at ``since``."""
        self._workers[worker] = _Worker(since=since)

    def idle(self, worker: str) -> None:
        """``worker`` runs and waits for work."""
        self._workers[worker] = _Worker()

    def ended(self, worker: str, reason: str) -> None:
        """``worker``'s task is gone: a problem until it reports ``busy`` or ``idle`` again."""
        self._workers[worker] = _Worker(ended=reason)

    def forget(self, worker: str) -> None:
        """``worker`` was removed on purpose (a channel dropped from the configuration)."""
        self._workers.pop(worker, None)

    # -- asked by /healthz and the monitor ---------------------------------------------------
    def report(self, now: datetime) -> dict[str, str]:
        """Each current problem by name, in name order."""
        found = dict(self._pushed)
        for name, probe in self._probes.items():
            try:
                problem = probe(now)
            except Exception as exc:
                log.exception("health probe %s failed", name)
                problem = f"{name}: the health check itself failed ({type(exc).__name__})"
            if problem is not None:
                found[name] = problem
        for worker, state in self._workers.items():
            problem = self._worker_problem(worker, state, now)
            if problem is not None:
                found[f"{WORKER}:{worker}"] = problem
        return dict(sorted(found.items()))

    def problems(self, now: datetime) -> list[str]:
        return list(self.report(now).values())

    def _worker_problem(self, worker: str, state: _Worker, now: datetime) -> str | None:
        if state.ended is not None:
            return f"{WORKER} {worker} ended: {state.ended}"
        if state.since is not None:
            busy_for = (now - state.since).total_seconds()
            if busy_for > self.stuck_after:
                return f"{WORKER} {worker} stuck for {int(busy_for)} s"
        return None


@dataclass
class _Tracked:
    since: datetime
    text: str
    reported: bool = False
    cleared: bool = False  # gone, its recovery not yet told


class HealthMonitor:
    """Notifies a problem present for ``report_after`` seconds once, and its recovery once."""

    def __init__(
        self,
        health: Health,
        notify: Callable[[str], Awaitable[None]],
        *,
        clock: Callable[[], datetime],
        report_after: float = 180.0,
        interval: float = 15.0,
    ) -> None:
        self._health = health
        self._notify = notify
        self._clock = clock
        self._report_after = report_after
        self._interval = interval
        self._tracked: dict[str, _Tracked] = {}
        self._stop = asyncio.Event()

    async def run(self) -> None:
        """Check every ``interval`` seconds until ``stop()``."""
        while not self._stop.is_set():
            try:
                await self.check(self._clock())
            except Exception:
                log.exception("health check pass failed; trying again in %s s", self._interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._interval)

    def stop(self) -> None:
        self._stop.set()

    async def check(self, now: datetime) -> None:
        """One pass: track what is wrong at ``now`` and notify what is due."""
        current = self._health.report(now)
        for name, text in current.items():
            tracked = self._tracked.get(name)
            if tracked is None:
                self._tracked[name] = _Tracked(since=now, text=text)
            else:
                tracked.text = text
                tracked.cleared = False
        for name, tracked in list(self._tracked.items()):
            if name not in current:
                if not tracked.reported:
                    del self._tracked[name]  # it came and went: nobody needs to hear of it
                    continue
                tracked.cleared = True
            if tracked.cleared:
                if await self._send(_recovered(tracked, now)):
                    del self._tracked[name]
            elif not tracked.reported and self._lasted(tracked, now):
                tracked.reported = await self._send(_alert(tracked, now))

    def _lasted(self, tracked: _Tracked, now: datetime) -> bool:
        return (now - tracked.since).total_seconds() >= self._report_after

    async def _send(self, text: str) -> bool:
        try:
            await self._notify(text)
        except Exception:
            log.exception("could not notify the admins of a health change; retrying later")
            return False
        return True


def _when(moment: datetime, now: datetime) -> str:
    local = moment.astimezone(now.tzinfo)
    if local.date() == now.date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _alert(tracked: _Tracked, now: datetime) -> str:
    return f"⚠️ Health: {tracked.text} since {_when(tracked.since, now)}"


def _recovered(tracked: _Tracked, now: datetime) -> str:
    return f"✅ Recovered: {tracked.text} (from {_when(tracked.since, now)} to {_when(now, now)})"
