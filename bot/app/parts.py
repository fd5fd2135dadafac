"""The parts built from the settings: content, formatting, queries, publishers, store."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..deliver.factory import publishers_for
from ..deliver.publisher import Publisher
from ..domain import Channel
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
        default_lang=a.default_lang,
        map_url=a.map_url,
    )


def content_of(settings: Settings) -> Content:
    c, a = settings.content, settings.association
    ctx = ParseContext(a.tz, c.publish_hour, a.default_lang)
    root = settings.content_root if c.git is not None else None
    content = Content(tuple(settings.content_dirs()), ctx, c.max_file_bytes, root)
    no_pages = _source_folders(c.no_pages, content)
    return dataclasses.replace(content, ctx=dataclasses.replace(ctx, no_pages=no_pages))


def _source_folders(folders: list[str], content: Content) -> tuple[str, ...]:
    """Folders named relative to a content folder (or to the folders' common parent), as the
    beginnings of post sources."""
    found: list[str] = []
    base = content.base.resolve()
    for folder in folders:
        for parent in (base, *content.folders):
            path = (parent / folder.strip("/")).resolve()
            if path != base and path.is_relative_to(base):
                found.append(path.relative_to(base).as_posix())
    return tuple(dict.fromkeys(found))


def preparer_of(settings: Settings, static_dir: Path | None = None) -> Preparer:
    """Images and calendars made ready to send, from the website's static folder (or another
    one: a draft's photos)."""
    return Preparer(
        static_dir=static_dir or settings.static_dir(),
        cache_dir=Path(settings.data_dir) / "cache",
        opts=format_options(settings),
        max_images=settings.content.max_images,
    )


def queries_of(
    settings: Settings,
    channels: list[Channel] | None = None,
    *,
    content: Content | None = None,
    preparer: Preparer | None = None,
) -> Queries:
    """What the read-only commands ask; a service passes the parts it already built."""
    return Queries(
        content or content_of(settings),
        preparer or preparer_of(settings),
        settings.channel_list() if channels is None else channels,
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
        webhooks=settings.webhook_urls(),
        timeout=settings.delivery.request_timeout,
        console=console,
    )
