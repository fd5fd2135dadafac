"""The one-shot commands that run parts: `publish` and `doctor`."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..deliver.channels import known_kinds
from ..deliver.probe import Check, Needs, Probe
from ..errors import ContentError
from ..logs import setup_logging
from ..service.announce import Announcer
from ..service.handover import hand_over, send_here, stored_versions
from ..service.leadership import Leadership
from ..service.reports import Reporter
from ..store.repo import Delivery

if TYPE_CHECKING:
    from rich.console import Console

    from ..domain import Channel

from .parts import content_of, git_credentials, open_store, preparer_of
from .term import App

log = logging.getLogger("bot")
HAND_OVER_WAIT = 600.0  # seconds `publish` waits for its deliveries


async def publish_once(
    settings: Settings, path: Path, only: list[str] | None, console: Console | None = None
) -> list[Delivery]:
    """`python -m bot publish`: send one post now; the deliveries as they ended.

    With a service running on the same database, the deliveries are handed to it (one sender
    keeps the pacing whole); otherwise this command sends them, leading for the moment.
    """
    content = content_of(settings)
    post = content.load_path(path)
    known = {c.name for c in settings.channel_list()}
    for name in only or []:
        if name not in known:
            raise ContentError(str(path), f"unknown channel {name!r}")
    tz = settings.association.tz
    store = open_store(settings)
    leadership = Leadership(store, clock=lambda: datetime.now(tz))
    versions = stored_versions(store, content)
    try:
        if leadership.try_take():
            app = App(settings, console=console, watch=False, store=store, leadership=leadership)
            app.announcer.versions = versions
            parts = (app.publishers.values(), app.outbox, app.leadership)
            ids = await send_here(app.announcer, store, *parts, post, only, wait=HAND_OVER_WAIT,
                                  learn=app.learn_channels)  # fmt: skip
        else:
            log.info("handing the post over to the running service: %s", leadership.holder())
            announcer = Announcer(
                store, preparer_of(settings), known_kinds(store, settings.channel_list()),
                wake=lambda _channel: None, report=Reporter([]).report,
                clock=lambda: datetime.now(tz), versions=versions,
            )  # fmt: skip
            ids = await hand_over(announcer, store, post, only, wait=HAND_OVER_WAIT)
        return [d for d in store.deliveries(post_key=post.key) if d.id in ids]
    finally:
        await leadership.close()
        store.close()


# -- checking the set-up -----------------------------------------------------------------------
async def doctor(settings: Settings) -> list[Check]:
    """`python -m bot doctor`: tokens, channels, admins, servers, git remote and database,
    looked at without sending anything."""
    from ..deliver.discord import point_at
    from ..deliver.discord_probe import DiscordProbe
    from ..deliver.telegram import make_bot
    from ..deliver.telegram_probe import TelegramProbe
    from ..service.doctor import Doctor, Target
    from ..store import schema

    redactor = setup_logging(settings.secret_values(), level=logging.WARNING)
    tg, dc = settings.secrets.telegram_bot_token, settings.secrets.discord_bot_token
    bot = make_bot(tg.get_secret_value(), settings.telegram.api_url) if tg is not None else None
    point_at(settings.discord.api_url)
    discord = DiscordProbe(
        dc.get_secret_value() if dc is not None else None, settings.webhook_urls(),
        guild_ids=settings.discord.guild_ids, scheduled_events=settings.discord.scheduled_events,
    )  # fmt: skip
    probes: dict[str, Probe] = {
        "telegram": TelegramProbe(bot, admins=settings.telegram.admins),
        "discord": discord,
        "discord-webhook": discord,
    }
    targets = [Target(c, _needs(c)) for c in settings.channel_list()] + [
        Target(dataclasses.replace(a, name=f"{a.platform} admin chat"), Needs(reports=True))
        for a in settings.admin_channels()
    ]
    url = settings.live_database_url
    checks = await Doctor(
        probes, targets, database=lambda: schema.database_state(url), head=schema.HEAD,
        auto_migrate=settings.database.auto_migrate, git=_remote_check(settings),
    ).run()  # fmt: skip
    clean = redactor.clean
    return [dataclasses.replace(c, detail=clean(c.detail), fix=clean(c.fix)) for c in checks]


def _needs(channel: Channel) -> Needs:
    """What a channel's configuration asks beyond posting: the rights doctor looks for."""
    return Needs(pin=channel.pin, crosspost=channel.crosspost, mention=channel.mention)


def _remote_check(settings: Settings) -> Callable[[], str] | None:
    cfg = settings.content.git
    if cfg is None:
        return None

    def check_remote() -> str:
        from ..ingest.git import GitSource

        source = GitSource(
            cfg.url, branch=cfg.branch, checkout=settings.content_root,
            credentials=git_credentials(settings), author=cfg.author,
        )  # fmt: skip
        return source.check_remote()

    return check_remote
