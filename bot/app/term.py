"""One leadership term's work: everything the leading process runs, built and started."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..admin.runtime import Part, Running, admin_parts, start_all
from ..config import Settings
from ..deliver.channels import known_kinds, lanes, learn_kinds
from ..deliver.outbox import Outbox
from ..deliver.pacing import Pacer
from ..deliver.sender import Sender
from ..errors import ConfigError, DeliveryError
from ..ingest.watcher import ContentWatcher
from ..logs import setup_logging
from ..schedule.plan import JobSpec
from ..schedule.scheduler import Scheduler
from ..service.admin import AdminOps, Written
from ..service.announce import Announcer
from ..service.drafts import Drafts
from ..service.follow import Follower
from ..service.guild_events import GuildEventApi, GuildEvents
from ..service.health import Health, HealthMonitor
from ..service.leadership import Leadership
from ..service.lifecycle import Lifecycle, Summary
from ..service.monitor import MetricsSink, Monitor
from ..service.pictures import Pictures
from ..service.queries import Queries
from ..service.reports import Reporter, to_chat
from ..store.repo import Store

if TYPE_CHECKING:
    from rich.console import Console

    from ..deliver.painter import Painter

from .parts import (
    build_publishers,
    content_of,
    git_source,
    open_store,
    preparer_of,
    queries_of,
)

log = logging.getLogger("bot")


# -- one leadership term's work ----------------------------------------------------------------
class App:
    """Everything the leading process runs: watcher, scheduler, outbox, admin commands."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        console: Console | None = None,
        announce_existing: bool | None = None,
        watch: bool = True,
        with_admin: bool = True,
        store: Store | None = None,
        leadership: Leadership | None = None,
        health: Health | None = None,
        metrics: MetricsSink | None = None,
    ) -> None:
        self.settings = settings
        tz = settings.association.tz
        self.clock = clock or (lambda: datetime.now(tz))
        self.source = git_source(settings)
        secrets = settings.secret_values() + (self.source.secrets() if self.source else [])
        self.redactor = setup_logging(secrets)
        self.health = health or Health()
        self.monitor = Monitor(self.health, metrics)
        # told how reading the posts goes (a large first start); `run` sets it
        self.progress: Callable[[int, int], None] | None = None
        if announce_existing is None:  # a dry run keeps its own state: it shows the archive
            announce_existing = True if settings.dry_run else settings.content.announce_existing
        self.watch, self.with_admin = watch, with_admin
        self._own_store, self._own_leadership = store is None, leadership is None
        self.store = store or open_store(settings)
        self.leadership = leadership or Leadership(self.store, clock=self.clock)
        self.publishers = build_publishers(settings, console)
        self.sender = Sender(self.publishers, Pacer(), observer=self.monitor)
        self.channels = {c.name: c for c in known_kinds(self.store, settings.channel_list())}
        self.lanes = lanes(self.channels)  # the outbox's: each channel, and crosspost lanes
        sinks = [to_chat(c, self.sender.send_now) for c in settings.admin_channels()]
        interval = settings.delivery.report_interval
        self.reporter = Reporter(sinks, interval=interval, redactor=self.redactor)
        self.outbox = Outbox(
            self.store, self.sender, self.lanes, settings.delivery, clock=self.clock,
            report=self.reporter.report, owner=self.leadership.owner, observer=self.monitor,
        )  # fmt: skip
        self.scheduler = Scheduler(settings.database_url, tz=tz, on_due=self._on_due,
                                   clock=self.clock)  # fmt: skip
        self.preparer = preparer_of(settings)
        self.content = content_of(settings)
        self.announcer = Announcer(
            self.store, self.preparer, list(self.channels.values()),
            recurring=settings.reminders.recurring, wake=self.outbox.wake,
            report=self.reporter.report, clock=self.clock,
        )  # fmt: skip
        self.lifecycle = Lifecycle(
            self.store, self.announcer, self.content, offsets=settings.reminders.offsets,
            report=self.reporter.report, clock=self.clock, planner=self.scheduler,
            guild_events=self._guild_events(), announce_existing=announce_existing,
            retract_removed=settings.content.retract_removed, wake=self.outbox.wake,
        )  # fmt: skip
        self.queries = queries_of(
            settings, list(self.channels.values()), content=self.content, preparer=self.preparer
        )
        self.follower = self._follower()
        self.health_monitor = HealthMonitor(
            self.health, self._health_changed, clock=self.clock, report_after=180.0
        )
        self.watcher = ContentWatcher(
            self.content, self._on_files, debounce_ms=settings.content.debounce_ms
        )
        self._reconciled = asyncio.Event()
        self._probes: list[str] = []
        self._tasks: list[asyncio.Task[Any]] = []
        self.admin: Running | None = None
        self.painter: Painter | None = None  # the Chromium of the admins' preview pictures
        self.summary: Summary | None = None
        self.ready_after: float | None = None

    def _follower(self) -> Follower | None:
        git = self.settings.content.git
        if self.source is None or git is None:
            return None
        return Follower(
            self.source,
            poll=git.poll_seconds,
            report=self.reporter.report,
            clock=self.clock,
            monitor=self.monitor,
        )

    def _guild_events(self) -> GuildEvents | None:
        cfg, publisher = self.settings.discord, self.publishers["discord"]
        if not cfg.scheduled_events or not cfg.guild_ids:
            return None
        if not hasattr(publisher, "create_guild_event"):
            return None
        api: GuildEventApi = publisher  # type: ignore[assignment]
        opts = self.preparer.opts
        return GuildEvents(api, cfg.guild_ids, self.store, opts, self.reporter.report)

    def admin_ops(self) -> AdminOps:
        s = self.settings
        return AdminOps(
            self.lifecycle, self.store, self.scheduler, self.queries, self.channels,
            static_dir=s.static_dir(), announce_dir=self.content.dir / s.content.announce_dir,
            offsets=s.reminders.offsets, written=self._written(),
            publish_hour=s.content.publish_hour, tz=s.association.tz, clock=self.clock,
        )  # fmt: skip

    def drafts(self, ops: AdminOps) -> Drafts:
        """Drafts waiting for a decision, and the preview pictures the admins see."""
        from ..deliver.painter import Painter

        s, data = self.settings, Path(self.settings.data_dir)
        folder = data / "drafts"  # each draft's photos, until it is published
        queries = Queries(self.content, preparer_of(s, folder), list(self.channels.values()),
                          offsets=s.reminders.offsets, tz=s.association.tz)  # fmt: skip
        self.painter = Painter(tz=s.association.tz, clock=self.clock)
        pictures = Pictures(self.painter, data / "cache" / "pictures")
        return Drafts(
            ops, self.store, queries, pictures, folder, ctx=self.content.ctx, clock=self.clock,
            desk_lang=s.association.locale,
        )  # fmt: skip

    def _admin_parts(self) -> dict[str, Part]:
        ops = self.admin_ops()
        return admin_parts(
            ops, self.publishers, self.settings.telegram, self.settings.discord,
            self.settings.admin, drafts=self.drafts(ops),
            chats=[c.chat_id for c in self.channels.values() if c.chat_id],
            association=self.settings.association.name, send=self.sender.send_now,
        )  # fmt: skip

    async def _on_files(self, changed: set[Path], removed: set[Path]) -> None:
        await self._reconciled.wait()  # events seen during start-up wait for the reconcile
        await self.lifecycle.files_changed(changed, removed)

    async def _on_due(self, job: JobSpec) -> None:
        await self.lifecycle.on_due(job)

    async def start(self) -> Summary:
        began = time.perf_counter()
        if not self.leadership.leading and not self.leadership.try_take():
            raise ConfigError(
                f"another process leads ({self.leadership.holder()}); "
                "`python -m bot run` would stand by until it stops"
            )
        for name, publisher in self.publishers.items():
            try:
                await publisher.start()
            except DeliveryError as exc:
                if not exc.retryable:
                    raise ConfigError(f"{name}: {exc}") from None
                log.warning("%s is not reachable yet (%s); deliveries will retry", name, exc)
        await self.learn_channels()
        self.scheduler.start(paused=True)
        self.scheduler.sync_recurring(self.settings.reminders.recurring)
        self._probe("scheduler", self._scheduler_problem)
        self.monitor.watch_platforms(list(self.publishers))
        self._probes += list(self.publishers)
        if self.follower is not None:
            await self.follower.sync()  # the clone, or what changed while the bot was down
        elif self.watch:  # watch first, so nothing written during the reconcile is missed
            self._tasks.append(asyncio.create_task(self.watcher.run(), name="watcher"))
            await self.watcher.ready.wait()
        if self.follower is None or self.follower.cloned:
            await self._reconcile()
        else:
            log.warning("no clone of the website's repository yet: posts are read once it works")
        if self.follower is not None:
            follow = self.follower.run(self._on_repository)
            self._tasks.append(asyncio.create_task(follow, name="git"))
        self.scheduler.resume()
        self.outbox.start()
        if self.with_admin and not self.settings.dry_run:
            parts = self._admin_parts()
            self.admin = await start_all(parts)
            for name, part in parts.items():
                if part in self.admin.parts and hasattr(part, "problem"):
                    self._probe(f"{name} commands", part.problem)
        self._tasks.append(asyncio.create_task(self._heartbeat(), name="heartbeat"))
        self._tasks.append(asyncio.create_task(self.health_monitor.run(), name="health"))
        self.ready_after = time.perf_counter() - began
        return self.summary or Summary()

    async def learn_channels(self) -> None:
        """Ask the platforms what each channel is (a forum and its tags, an announcement
        channel); what they answer shapes the messages from now on."""
        await learn_kinds(self.sender, self.store, self.channels)
        self.lanes.update(lanes(self.channels))
        self.announcer.channels = self.queries.channels = list(self.channels.values())

    async def _reconcile(self) -> None:
        known = self.lifecycle.known_files()
        loaded = await asyncio.to_thread(self.content.load_all, known, self.progress)
        self.summary = await self.lifecycle.reconcile(loaded)
        self._reconciled.set()

    async def _on_repository(self, changed: set[Path], removed: set[Path]) -> None:
        if not self._reconciled.is_set():  # the first clone arrived late: a first start now
            await self._reconcile()
            return
        await self.lifecycle.files_changed(changed, removed)

    def _written(self) -> Written | None:
        """With [content.git] push = true, post files admins write go to the website too."""
        git = self.settings.content.git
        if self.follower is None or git is None or not git.push:
            return None
        return self.follower.publish

    def _probe(self, name: str, probe: Callable[[datetime], str | None]) -> None:
        self.health.register(name, probe)
        self._probes.append(name)

    def _scheduler_problem(self, now: datetime) -> str | None:
        return None if self.scheduler.running else "the scheduler is not running"

    async def _health_changed(self, text: str) -> None:
        await self.reporter.report(f"health:{text[:80]}", text)

    async def _heartbeat(self) -> None:
        """Records liveness; warns when the loop was blocked far longer than expected."""
        loop = asyncio.get_running_loop()
        expected = loop.time()
        while True:
            expected += 30.0
            await asyncio.sleep(max(0.0, expected - loop.time()))
            lag = loop.time() - expected
            self.store.set_meta("heartbeat", self.clock().isoformat())
            if lag > 10:
                await self.reporter.report("stall", f"the service stalled for {lag:.0f}s")

    async def stop(self, grace: float = 25.0) -> None:
        """Stop taking work, give the lease up (a standby takes over now), then let the
        requests on the wire finish: this process's claims keep them its own meanwhile."""
        self.watcher.stop()
        self.health_monitor.stop()
        if self.follower is not None:
            self.follower.stop()
        for name in self._probes:
            self.health.unregister(name)
        for task in self._tasks:
            if task.get_name() in ("watcher", "git"):  # a batch being applied is finished
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.shield(task), timeout=grace)
        if self.admin is not None:
            await self.admin.stop()
        if self.painter is not None:
            await self.painter.close()
        self.scheduler.shutdown()
        await self.leadership.release()
        await self.outbox.stop(grace)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.reporter.close(), timeout=5)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for publisher in self.publishers.values():
            with contextlib.suppress(Exception):
                await publisher.close()
        if self._own_leadership:
            await self.leadership.close()
        if self._own_store:
            self.store.close()

    def describe(self) -> str:
        mode = "dry run (console)" if self.settings.dry_run else "live"
        return (
            f"ready in {self.ready_after or 0:.2f}s: {mode}, {len(self.channels)} channels, "
            f"watching {', '.join(str(f) for f in self.content.folders)}"
        )
