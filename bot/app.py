"""Composition root: builds every part from the settings, and runs them in one event loop.

Nothing imports this module but the command line. Each part gets only what it needs — its
configuration section, the store, the clock, the few other parts it talks to.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from .admin.runtime import Part, Running, start_all
from .config import Settings
from .deliver.console import ConsolePublisher
from .deliver.outbox import Outbox
from .deliver.pacing import Pacer
from .deliver.publisher import Publisher
from .deliver.sender import Sender
from .domain import Channel, Post, crosspost_lane, slug_of
from .errors import ConfigError, ContentError, DeliveryError
from .format.layout import FormatOptions
from .ingest.loader import Content
from .ingest.parse import ParseContext
from .ingest.watcher import ContentWatcher
from .logs import setup_logging
from .schedule.plan import JobSpec
from .schedule.scheduler import Scheduler
from .service.admin import AdminOps
from .service.announce import Announcer
from .service.guild_events import GuildEventApi, GuildEvents
from .service.leadership import Leadership
from .service.lifecycle import Lifecycle, Summary
from .service.prepare import Preparer
from .service.queries import Queries
from .service.reports import Reporter, to_chat
from .store.repo import Delivery, Store

log = logging.getLogger("bot")
HAND_OVER_WAIT = 600.0  # seconds `publish` waits for its deliveries


# -- parts built from the settings -------------------------------------------------------------
def format_options(settings: Settings) -> FormatOptions:
    a = settings.association
    return FormatOptions(
        association=a.name,
        site_url=a.site_url,
        post_url_template=a.post_url,
        color=a.color_int,
        tz=a.tz,
        default_lang=a.default_lang,
        map_url=a.map_url,
    )


def content_of(settings: Settings) -> Content:
    c = settings.content
    a = settings.association
    ctx = ParseContext(a.tz, c.publish_hour, a.default_lang, tuple(c.no_pages))
    return Content(Path(c.dir).resolve(), ctx, c.max_file_bytes)


def preparer_of(settings: Settings) -> Preparer:
    return Preparer(
        static_dir=Path(settings.content.static_dir),
        cache_dir=Path(settings.data_dir) / "cache",
        opts=format_options(settings),
        max_images=settings.content.max_images,
    )


def queries_of(settings: Settings) -> Queries:
    return Queries(
        content_of(settings),
        preparer_of(settings),
        settings.channel_list(),
        offsets=settings.reminders.offsets,
        recurring=settings.reminders.recurring,
        tz=settings.association.tz,
        warnings=settings.config_warnings(),
    )


def open_store(settings: Settings) -> Store:
    return Store(settings.database_url, migrate=settings.database.auto_migrate)


def build_publishers(settings: Settings, console: Console | None) -> dict[str, Publisher]:
    """Real publishers where a token (or webhook URL) is set, the console elsewhere."""
    if settings.dry_run:
        return {p: ConsolePublisher(p, console) for p in ("telegram", "discord")}
    publishers: dict[str, Publisher] = {}
    timeout = settings.delivery.request_timeout
    tg = settings.secrets.telegram_bot_token
    if tg is not None:
        from .deliver.telegram import TelegramPublisher, make_bot

        bot = make_bot(tg.get_secret_value(), settings.telegram.api_url, timeout)
        publishers["telegram"] = TelegramPublisher(bot)
    else:
        publishers["telegram"] = ConsolePublisher("telegram", console)
    from .deliver.discord import DiscordPublisher, make_client, point_at

    point_at(settings.discord.api_url)
    dc = settings.secrets.discord_bot_token
    hooks = {c.name: url for c in settings.channel_list() if (url := settings.webhook_url(c))}
    if dc is not None or hooks:
        token = dc.get_secret_value() if dc is not None else None
        publishers["discord"] = DiscordPublisher(make_client(), token, hooks, timeout=timeout)
    else:
        publishers["discord"] = ConsolePublisher("discord", console)
    return publishers


KIND_META = "discord-channel:"  # what a Discord channel was found to be, by its id


def with_kind(channel: Channel, info: dict[str, Any]) -> Channel:
    tags = tuple((str(t[0]), str(t[1])) for t in info.get("tags", []))
    return replace(channel, kind=info.get("kind", "text"), forum_tags=tags)


def known_kinds(store: Store, channels: list[Channel]) -> list[Channel]:
    """The channels, as the last start found them on Discord (forum, announcement)."""
    out = []
    for channel in channels:
        cached = store.get_meta(KIND_META + channel.channel_id) if channel.channel_id else None
        out.append(with_kind(channel, json.loads(cached)) if cached else channel)
    return out


def lanes(channels: dict[str, Channel]) -> dict[str, Channel]:
    """Where the outbox sends from: each channel, and the crosspost lane of each channel that
    crossposts (paced at Discord's hourly limit without holding the channel's posts up)."""
    found = dict(channels)
    for name, channel in channels.items():
        if channel.crosspost and channel.platform == "discord":
            found[crosspost_lane(name)] = channel
    return found


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
    ) -> None:
        self.settings = settings
        tz = settings.association.tz
        self.clock = clock or (lambda: datetime.now(tz))
        self.redactor = setup_logging(settings.secret_values())
        if announce_existing is None:  # a dry run keeps its own state: it shows the archive
            announce_existing = True if settings.dry_run else settings.content.announce_existing
        self.watch, self.with_admin = watch, with_admin
        self._own_store, self._own_leadership = store is None, leadership is None
        self.store = store or open_store(settings)
        self.leadership = leadership or Leadership(self.store, clock=self.clock)
        self.publishers = build_publishers(settings, console)
        self.sender = Sender(self.publishers, Pacer())
        self.channels = {c.name: c for c in known_kinds(self.store, settings.channel_list())}
        self.lanes = lanes(self.channels)  # the outbox's: each channel, and crosspost lanes
        sinks = [to_chat(c, self.sender.send_now) for c in settings.admin_channels()]
        interval = settings.delivery.report_interval
        self.reporter = Reporter(sinks, interval=interval, redactor=self.redactor)
        self.outbox = Outbox(
            self.store, self.sender, self.lanes, settings.delivery, clock=self.clock,
            report=self.reporter.report, owner=self.leadership.owner,
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
        self.queries = queries_of(settings)
        self.watcher = ContentWatcher(
            self.content.dir, self._on_files, debounce_ms=settings.content.debounce_ms
        )
        self._reconciled = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []
        self.admin: Running | None = None
        self.summary: Summary | None = None
        self.ready_after: float | None = None

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
            static_dir=Path(s.content.static_dir), offsets=s.reminders.offsets,
            publish_hour=s.content.publish_hour, tz=s.association.tz, clock=self.clock,
        )  # fmt: skip

    def _admin_parts(self) -> dict[str, Part]:
        from .deliver.discord import DiscordPublisher
        from .deliver.telegram import TelegramPublisher

        ops, parts = self.admin_ops(), dict[str, Part]()
        tg, cfg = self.publishers["telegram"], self.settings.telegram
        if isinstance(tg, TelegramPublisher) and (cfg.admins or cfg.chat_admins_are_admins):
            from .admin.telegram import TelegramAdmin

            chats = [c.chat_id for c in self.channels.values() if c.chat_id]
            parts["Telegram"] = TelegramAdmin(
                ops, tg.bot, cfg, chats=chats, association=self.settings.association.name,
                send=self.sender.send_now,
            )  # fmt: skip
        elif isinstance(tg, TelegramPublisher):
            log.info("admin commands: off on Telegram, no admins in [telegram] admins")
        dc = self.publishers["discord"]
        if isinstance(dc, DiscordPublisher) and dc.token:
            if not self.settings.discord.guild_ids:
                log.info("admin commands: off on Discord, no guilds in [discord] guild_ids")
            elif dc.client.user is None:
                log.warning("admin commands: off on Discord, the bot is not logged in")
            else:
                from .admin.discord import DiscordAdmin

                parts["Discord"] = DiscordAdmin(ops, dc.client, self.settings.discord)
        return parts

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
        await self._learn_channels()
        self.scheduler.start(paused=True)
        self.scheduler.sync_recurring(self.settings.reminders.recurring)
        if self.watch:  # watch first, so nothing written during the reconcile is missed
            self._tasks.append(asyncio.create_task(self.watcher.run(), name="watcher"))
            await self.watcher.ready.wait()
        loaded = await asyncio.to_thread(self.content.load_all, self.lifecycle.known_files())
        self.summary = await self.lifecycle.reconcile(loaded)
        self._reconciled.set()
        self.scheduler.resume()
        self.outbox.start()
        if self.with_admin and not self.settings.dry_run:
            self.admin = await start_all(self._admin_parts())
        self._tasks.append(asyncio.create_task(self._heartbeat(), name="heartbeat"))
        self.ready_after = time.perf_counter() - began
        return self.summary

    async def _learn_channels(self) -> None:
        """Ask Discord what each bot channel is (text, announcement, forum and its tags), and
        remember it for a start when Discord cannot be asked."""
        learn = getattr(self.publishers["discord"], "channel_info", None)
        for name, channel in list(self.channels.items()):
            if learn is None or channel.platform != "discord" or not channel.channel_id:
                continue
            try:
                info = await learn(channel.channel_id)
            except DeliveryError as exc:
                log.warning("channel %s: cannot tell what it is (%s)", name, exc)
                continue
            self.store.set_meta(KIND_META + channel.channel_id, json.dumps(info))
            self.channels[name] = learned = with_kind(channel, info)
            if channel.crosspost and learned.kind != "announcement":
                log.warning("channel %s: crosspost needs an announcement channel", name)
        self.lanes.update(lanes(self.channels))
        self.announcer.channels = list(self.channels.values())

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
            f"watching {self.content.dir}"
        )


# -- the commands that run parts ---------------------------------------------------------------
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
    setup_logging(settings.secret_values())
    tz = settings.association.tz
    store = open_store(settings)
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


async def publish_once(
    settings: Settings, path: Path, only: list[str] | None, console: Console | None = None
) -> list[Delivery]:
    """`python -m bot publish`: send one post now; the deliveries as they ended.

    With a service running on the same database, the deliveries are handed to it (one sender
    keeps the pacing whole); otherwise this command sends them, leading for the moment.
    """
    post = content_of(settings).load_path(path)
    known = {c.name for c in settings.channel_list()}
    for name in only or []:
        if name not in known:
            raise ContentError(str(path), f"unknown channel {name!r}")
    tz = settings.association.tz
    store = open_store(settings)
    leadership = Leadership(store, clock=lambda: datetime.now(tz))
    versions = stored_versions(store, content_of(settings))
    try:
        if leadership.try_take():
            app = App(settings, console=console, watch=False, store=store, leadership=leadership)
            app.announcer.versions = versions
            ids = await _send_here(app, post, only)
        else:
            log.info("handing the post over to the running service: %s", leadership.holder())
            announcer = Announcer(
                store, preparer_of(settings), known_kinds(store, settings.channel_list()),
                wake=lambda _channel: None, report=Reporter([]).report,
                clock=lambda: datetime.now(tz), versions=versions,
            )  # fmt: skip
            ids = await _hand_over(store, announcer, post, only)
        return [d for d in store.deliveries(post_key=post.key) if d.id in ids]
    finally:
        await leadership.close()
        store.close()


def stored_versions(store: Store, content: Content) -> Callable[[Post], list[Post]]:
    """A post and its other languages' versions the state knows to be out (for a command
    that has not read the whole content folder); the state is read once."""
    groups: dict[str, list[str]] | None = None

    def versions(post: Post) -> list[Post]:
        nonlocal groups
        if groups is None:
            groups = {}
            for key, state in store.posts().items():
                if state.state in ("published", "archived"):
                    groups.setdefault(slug_of(key), []).append(state.source)
        found = [post]
        for source in groups.get(post.shared_slug, []):
            if source != post.source:
                with contextlib.suppress(ContentError):
                    found.append(content.load(content.dir / source))
        return found

    return versions


async def _send_here(app: App, post: Post, only: list[str] | None) -> list[int]:
    try:
        for publisher in app.publishers.values():
            await publisher.start()
        await app._learn_channels()
        app.outbox.start()
        saved = app.store.save_post(post, "published", app.clock())
        ids = await app.announcer.publish(post, version=saved.version, only=only, kind="resend")
        await app.outbox.drain(timeout=HAND_OVER_WAIT)
        return ids
    finally:
        await app.outbox.stop(5)
        await app.leadership.release()
        for publisher in app.publishers.values():
            await publisher.close()


async def _hand_over(
    store: Store, announcer: Announcer, post: Post, only: list[str] | None
) -> list[int]:
    """Queue the deliveries for the running service and wait until they are done."""
    saved = store.save_post(post, "published", announcer.clock())
    ids = await announcer.publish(post, version=saved.version, only=only, kind="resend")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HAND_OVER_WAIT
    while loop.time() < deadline:
        states = {d.id: d.state for d in store.deliveries(post_key=post.key)}
        if all(states.get(i) in ("sent", "failed", "cancelled") for i in ids):
            break
        await asyncio.sleep(0.2)
    return ids
