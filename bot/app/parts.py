"""The parts built from the settings: content, formatting, queries, publishers, store."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..deliver.factory import publishers_for
from ..deliver.publisher import Publisher
from ..format.layout import FormatOptions
from ..ingest.loader import Content
from ..ingest.parse import ParseContext
from ..service.prepare import Preparer
from ..service.queries import Queries
from ..store.repo import Store

if TYPE_CHECKING:
    from rich.console import Console

    from ..ingest.git.credentials import GitCredentials
    from ..ingest.git.process import Repository

log = logging.getLogger("bot")


# -- parts built from the settings -------------------------------------------------------------
def format_options(settings: Settings) -> FormatOptions:
    a = settings.association
    return FormatOptions(
        association=a.name,
        site_url=a.site_url,
        post_url_template=a.post_url,
        color=a.color_int,
        tz=a.tz,
    )


def content_of(settings: Settings) -> Content:
    c = settings.content
    ctx = ParseContext(settings.association.tz, c.publish_hour)
    root = settings.content_root if c.git is not None else None
    return Content(tuple(settings.content_dirs()), ctx, c.max_file_bytes, root)


def preparer_of(settings: Settings) -> Preparer:
    return Preparer(
        static_dir=settings.static_dir(),
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


def git_source(settings: Settings) -> Repository | None:
    git = settings.content.git
    if git is None:
        return None
    from ..ingest.git.process import Repository

    return Repository(
        git.url, branch=git.branch, checkout=settings.content_root,
        credentials=git_credentials(settings),
        author=git.author, timeout=max(settings.delivery.request_timeout, 60.0),
        folders=[str(d) for d in settings.content.dir],
    )  # fmt: skip


def git_credentials(settings: Settings) -> GitCredentials:
    from ..ingest.git.credentials import GitCredentials

    secrets = settings.secrets
    return GitCredentials(
        token=secrets.git_token.get_secret_value() if secrets.git_token else None,
        ssh_key=secrets.git_ssh_key,
        username=secrets.git_username,
    )


def open_store(settings: Settings) -> Store:
    return Store(settings.database_url, migrate=settings.database.auto_migrate)


def build_publishers(settings: Settings, console: Console | None) -> dict[str, Publisher]:
    """Real publishers where a token (or webhook URL) is set, the console elsewhere."""
    tg, dc = settings.secrets.telegram_bot_token, settings.secrets.discord_bot_token
    return publishers_for(
        dry_run=settings.dry_run,
        telegram_token=tg.get_secret_value() if tg is not None else None,
        telegram_api=settings.telegram.api_url,
        discord_token=dc.get_secret_value() if dc is not None else None,
        discord_api=settings.discord.api_url,
        webhooks={c.name: url for c in settings.channel_list() if (url := settings.webhook_url(c))},
        timeout=settings.delivery.request_timeout,
        console=console,
    )
