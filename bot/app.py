"""Composition root: builds every part from the settings and owns the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.console import Console

from .config import Settings
from .deliver.console import ConsolePublisher
from .deliver.outbox import Outbox
from .deliver.pacing import Pacer
from .deliver.publisher import Publisher
from .domain import Channel
from .errors import ConfigError, DeliveryError
from .format.discord import content_request
from .format.telegram import text_request
from .guild_events import GuildEventApi, GuildEvents
from .ingest.loader import load_all
from .ingest.watcher import ContentWatcher
from .leadership import Leadership
from .report import Redactor, Reporter, Sender
from .schedule.plan import JobSpec
from .schedule.scheduler import Scheduler
from .service import Service, Summary
from .store.repo import Store

if TYPE_CHECKING:
    from .admin.runtime import AdminHandle

log = logging.getLogger("bot")


def secrets_of(settings: Settings) -> list[str]:
    """Every secret a log line or report could carry: tokens, passwords, webhook tokens."""
    values = [
        s.get_secret_value()
        for s in (
            settings.secrets.telegram_bot_token,
            settings.secrets.discord_bot_token,
            settings.secrets.database_url,
        )
        if s is not None
    ]
    if settings.secrets.database_url is not None:
        password = urlsplit(settings.secrets.database_url.get_secret_value()).password
        values += [password] if password else []
    for channel in settings.channel_list():
        if url := settings.webhook_url(channel):
            values.append(url)
            values += [part for part in url.split("/") if len(part) >= 32]  # the webhook token
    return values


def setup_logging(settings: Settings, level: int = logging.INFO) -> Redactor:
    redactor = Redactor(secrets_of(settings))
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in root.handlers:
        for old in [f for f in handler.filters if isinstance(f, Redactor)]:
            handler.removeFilter(old)
        handler.addFilter(redactor)
    for noisy in ("httpx", "httpcore", "apscheduler", "discord.http", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for chatty in ("discord.client", "discord.state"):  # voice and intents notices
        logging.getLogger(chatty).setLevel(logging.ERROR)
    return redactor


def build_publishers(settings: Settings, console: Console | None) -> dict[str, Publisher]:
    """Real publishers where a token (or webhook URL) is set, the console elsewhere."""
    if settings.dry_run:
        return {p: ConsolePublisher(p, console) for p in ("telegram", "discord")}
    publishers: dict[str, Publisher] = {}
    tg = settings.secrets.telegram_bot_token
    if tg is not None:
        from .deliver.telegram import TelegramPublisher, make_bot

        bot = make_bot(
            tg.get_secret_value(), settings.telegram.api_url, settings.delivery.request_timeout
        )
        publishers["telegram"] = TelegramPublisher(bot)
    else:
        publishers["telegram"] = ConsolePublisher("telegram", console)
    from .deliver.discord import DiscordPublisher, make_client, point_at

    point_at(settings.discord.api_url)
    dc = settings.secrets.discord_bot_token
    hooks = {c.name: url for c in settings.channel_list() if (url := settings.webhook_url(c))}
    if dc is not None or hooks:
        token = dc.get_secret_value() if dc is not None else None
        timeout = settings.delivery.request_timeout
        publishers["discord"] = DiscordPublisher(make_client(), token, hooks, timeout=timeout)
    else:
        publishers["discord"] = ConsolePublisher("discord", console)
    return publishers


class App:
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
    ) -> None:
        self.settings = settings
        tz = settings.association.tz
        self.clock = clock or (lambda: datetime.now(tz))
        self.redactor = setup_logging(settings)
        # a dry run sends nothing and keeps its own state: its first start shows the archive
        if announce_existing is None and settings.dry_run:
            announce_existing = True
        self.announce_existing = announce_existing
        self.watch = watch
        self.with_admin = with_admin
        self._own_store = store is None
        self.store = store or Store(settings.database_url, migrate=settings.database.auto_migrate)
        self._own_leadership = leadership is None
        self.leadership = leadership or Leadership(self.store, clock=self.clock)
        self.publishers = build_publishers(settings, console)
        self.channels = {c.name: c for c in settings.channel_list()}
        self.reporter = Reporter(
            [], interval=settings.delivery.report_interval, redactor=self.redactor
        )
        self.outbox = Outbox(
            self.store,
            self.publishers,
            self.channels,
            settings.delivery,
            clock=self.clock,
            pacer=Pacer(),
            report=self.reporter.report,
            owner=self.leadership.owner,
        )
        self.reporter.senders = self._admin_senders()
        self.scheduler = Scheduler(
            settings.database_url, tz=tz, on_due=self._on_due, clock=self.clock
        )
        self.service = Service(
            settings,
            self.store,
            self.outbox,
            self.reporter,
            clock=self.clock,
            planner=self.scheduler,
        )
        self.service.guild_events = self._guild_events()
        self.watcher = ContentWatcher(
            Path(settings.content.dir), self._on_files, debounce_ms=settings.content.debounce_ms
        )
        self._reconciled = asyncio.Event()
        self._tasks: list[asyncio.Task[object]] = []
        self.admin: AdminHandle | None = None
        self.started = asyncio.Event()
        self.summary: Summary | None = None
        self.ready_after: float | None = None

    def _guild_events(self) -> GuildEvents | None:
        cfg = self.settings.discord
        publisher = self.publishers["discord"]
        if (
            not cfg.scheduled_events
            or not cfg.guild_ids
            or not hasattr(publisher, "create_guild_event")
        ):
            return None
        api: GuildEventApi = publisher  # type: ignore[assignment]
        return GuildEvents(
            api, cfg.guild_ids, self.store, self.service.options, self.reporter.report
        )

    def _admin_senders(self) -> list[Sender]:
        senders: list[Sender] = []
        tg, dc = self.settings.telegram.admin_chat, self.settings.discord.admin_channel
        if tg:
            senders.append(self._sender(Channel("admin", "telegram", chat_id=tg)))
        if dc:
            senders.append(self._sender(Channel("admin", "discord", channel_id=dc)))
        return senders

    def _sender(self, channel: Channel) -> Sender:
        """Sends report text straight to an admin chat (not through the outbox), paced."""

        async def send(text: str) -> None:
            publisher = self.outbox.publisher_for(channel)
            if channel.platform == "telegram":
                request = text_request(channel, escape(text[:4000], quote=False))
            else:
                request = content_request(channel, text)
            booked = await self.outbox.pacer.acquire(channel, request)
            try:
                await publisher.send(channel, request)
            finally:
                self.outbox.pacer.settle(booked)

        return send

    async def _on_files(self, changed: set[Path], removed: set[Path]) -> None:
        await self._reconciled.wait()  # events seen during start-up wait for the reconcile
        await self.service.files_changed(changed, removed)

    async def _on_due(self, job: JobSpec) -> None:
        await self.service.on_due(job)

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
        self.scheduler.start(paused=True)
        self.scheduler.sync_recurring(self.settings.reminders.recurring)
        if self.watch:  # watch first, so nothing written during the reconcile is missed
            self._tasks.append(asyncio.create_task(self.watcher.run(), name="watcher"))
            await self.watcher.ready.wait()
        loaded = await asyncio.to_thread(
            load_all,
            self.service.content_dir,
            self.service.ctx,
            self.settings.content.max_file_bytes,
            self.service.known_files(),
        )
        self.summary = await self.service.reconcile(
            loaded, announce_existing=self.announce_existing
        )
        self._reconciled.set()
        self.scheduler.resume()
        self.outbox.start()
        if self.with_admin and not self.settings.dry_run:
            from .admin.runtime import start_admin

            self.admin = await start_admin(self)
        self._tasks.append(asyncio.create_task(self._heartbeat(), name="heartbeat"))
        self.ready_after = time.perf_counter() - began
        self.started.set()
        return self.summary

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
        for task in self._tasks:
            if task.get_name() == "watcher":  # a batch being applied is finished first
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.shield(task), timeout=grace)
        if self.admin is not None:
            with contextlib.suppress(Exception):
                await self.admin.stop()
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
            f"watching {self.service.content_dir}"
        )


async def run_service(
    settings: Settings, *, console: Console | None = None, announce_existing: bool | None = None
) -> None:
    """`python -m bot run`: stand by until this process leads, then work until told to stop.

    Losing the lease (the database unreachable for longer than the lease) stops the work and
    goes back to standing by, so two processes never both work for long.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    setup_logging(settings)
    tz = settings.association.tz
    store = Store(settings.database_url, migrate=settings.database.auto_migrate)
    leadership = Leadership(store, clock=lambda: datetime.now(tz))
    try:
        while await leadership.wait(stop):
            app = App(
                settings, console=console, announce_existing=announce_existing, store=store,
                leadership=leadership,
            )  # fmt: skip
            try:
                await app.start()
                log.info("leading: %s", app.describe())
                lost = asyncio.ensure_future(leadership.lost.wait())
                stopping = asyncio.ensure_future(stop.wait())
                await asyncio.wait((lost, stopping), return_when=asyncio.FIRST_COMPLETED)
                lost.cancel()
                stopping.cancel()
            finally:
                log.info("stopping")
                await app.stop()
    finally:
        await leadership.close()
        store.close()
