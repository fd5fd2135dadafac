"""Following the website's repository: the clone at start, then a fetch every `poll` seconds
or at once when the push webhook says so; what a fetch changed goes the way file events go.

A failing fetch (remote unreachable, token refused, branch deleted…) is reported and the bot
goes on from the last good checkout; the next fetch may succeed. With `push`, post files the
admins write are committed and pushed; when that fails the admins are told, and the post still
goes out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BotError
from .announce import Report
from .monitor import Monitor

if TYPE_CHECKING:
    from ..ingest.git.process import Repository
    from ..ingest.git.results import SyncResult

log = logging.getLogger(__name__)
OnChanges = Callable[[set[Path], set[Path]], Awaitable[object]]


class Follower:
    def __init__(
        self,
        source: Repository,
        *,
        poll: float,
        report: Report,
        clock: Callable[[], datetime],
        monitor: Monitor,
    ) -> None:
        self.source = source
        self.root = source.checkout.resolve()
        self.folders = source.folders  # as configured, relative to the checkout
        self.poll = poll
        self.report = report
        self.clock = clock
        self.monitor = monitor
        self._now = asyncio.Event()
        self._stop = asyncio.Event()

    @property
    def cloned(self) -> bool:
        return self.source.outcome.head is not None

    async def sync(self) -> SyncResult | None:
        """One fetch (a clone the first time); None when it failed (reported)."""
        try:
            result = await self.source.sync()
        except BotError as exc:
            await self._failed(str(exc))
            return None
        missing = self.source.outcome.missing
        if missing and len(missing) == len(self.folders):
            names = ", ".join(f"{m}/" for m in missing)
            await self._failed(f"the repository has no {names}: is it the website's?")
        else:
            self.monitor.git(None, self.clock())
        for line in result.dropped:
            await self.report("git:dropped", f"Website repository: {line}")
        return result

    async def _failed(self, reason: str) -> None:
        self.monitor.git(f"git: {reason}", self.clock())
        await self.report("git", f"Could not follow the website's repository: {reason}")

    def changes(self, result: SyncResult) -> tuple[set[Path], set[Path]]:
        """The files a fetch changed, as the watcher would report them (changed, removed)."""
        changed: set[Path] = set()
        removed: set[Path] = set()
        for change in result.changes:
            path = self.root / change.path
            if change.kind == "deleted":
                removed.add(path)
            else:
                changed.add(path)
            if change.old_path:
                removed.add(self.root / change.old_path)
        return changed, removed

    def fetch_now(self) -> None:
        """A push arrived: fetch without waiting for the next poll."""
        self._now.set()

    async def run(self, on_changes: OnChanges) -> None:
        """Fetch every `poll` seconds (or at once on a push) until `stop()`."""
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake(), timeout=self.poll)
            if self._stop.is_set():
                return
            self._now.clear()
            result = await self.sync()
            if result is not None and result.changes:
                changed, removed = self.changes(result)
                try:
                    await on_changes(changed, removed)
                except Exception:  # one bad batch must not stop the following
                    log.exception("applying the repository's changes failed")

    async def _wake(self) -> None:
        stop = asyncio.ensure_future(self._stop.wait())
        now = asyncio.ensure_future(self._now.wait())
        try:
            await asyncio.wait((stop, now), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            now.cancel()

    def stop(self) -> None:
        self._stop.set()

    async def publish(self, paths: Sequence[Path], message: str) -> None:
        """Commit and push files the bot wrote; the admins are told when that fails."""
        try:
            commit = await self.source.publish(list(paths), message)
        except BotError as exc:
            await self.report(
                "git:push", f"The post went out, but could not be pushed to the website: {exc}"
            )
            return
        log.info("git: pushed %s (%s)", commit[:7], message)


class PushRelay:
    """The push webhook's handler: a fetch now, when this process leads and follows a
    repository; nothing on a standby (the leader got the same push)."""

    def __init__(self) -> None:
        self.follower: Follower | None = None

    async def __call__(self, event: object) -> None:
        if self.follower is not None:
            self.follower.fetch_now()
        else:
            log.info("push webhook on a standby (or without [content.git]): nothing to fetch")
