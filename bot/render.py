"""Post → requests for one channel: prepares the images, then calls the platform's formatter."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .config import Settings
from .domain import Channel, Media, Post
from .format.discord import render_discord
from .format.layout import FormatOptions, post_url
from .format.model import Rendering, Request, Upload
from .format.telegram import render_telegram
from .ingest.media import prepare_media


def format_options(settings: Settings) -> FormatOptions:
    a = settings.association
    return FormatOptions(
        association=a.name,
        site_url=a.site_url,
        post_url_template=a.post_url,
        color=a.color_int,
        tz=a.tz,
    )


@dataclass(frozen=True)
class Prepared:
    post: Post
    media: tuple[Media, ...]
    problems: tuple[str, ...]
    calendar: Media | None = None


class Renderer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.options = format_options(settings)
        self.cache_dir = Path(settings.data_dir) / "cache" / "images"

    def prepare(self, post: Post) -> Prepared:
        report = prepare_media(
            post.images,
            static_dir=Path(self.settings.content.static_dir),
            site_url=self.settings.association.site_url,
            cache_dir=self.cache_dir,
            max_images=self.settings.content.max_images,
        )
        calendar = ics_media(post, self.options, Path(self.settings.data_dir) / "cache" / "ics")
        return Prepared(post, report.media, tuple(report.problems), calendar)

    def render(self, prepared: Prepared, channel: Channel) -> Rendering:
        if channel.platform == "telegram":
            rendering = render_telegram(prepared.post, prepared.media, self.options, channel)
        else:
            rendering = render_discord(prepared.post, prepared.media, self.options, channel)
        if prepared.calendar is not None:
            extra = ics_request(channel, prepared.calendar)
            rendering = replace(rendering, requests=(*rendering.requests, extra))
        return rendering


def channels_for(post: Post, channels: list[Channel]) -> list[Channel]:
    """The channels a post goes to: those it names, else all whose tag filter it passes."""
    if post.channels is not None:
        wanted = set(post.channels)
        return [c for c in channels if c.name in wanted]
    return [c for c in channels if not c.tags or set(c.tags) & set(post.tags)]


def ics_media(post: Post, opts: FormatOptions, cache_dir: Path) -> Media | None:
    """The event as an .ics file members can add to their calendars."""
    if post.event is None:
        return None
    from .schedule.ics import event_ics  # icalendar only for event posts

    data = event_ics(
        post, tz=opts.tz, url=post_url(post, opts), prodid=opts.association, now=post.date
    )
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{post.key}-{post.digest[:12]}.ics"
    path.write_bytes(data)
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in post.key)
    return Media(
        src=str(path), filename=f"{safe.strip('-') or 'event'}.ics", path=str(path), size=len(data)
    )


def ics_request(channel: Channel, media: Media) -> Request:
    """A follow-up carrying the calendar file."""
    assert media.path is not None
    if channel.platform == "telegram":
        params: dict[str, Any] = {"chat_id": channel.chat_id, "document": "attach://calendar"}
        if channel.thread_id is not None:
            params["message_thread_id"] = channel.thread_id
        upload = Upload("calendar", media.filename, media.path)
        return Request("telegram", "sendDocument", params, uploads=(upload,), purpose="calendar")
    path = (
        "/webhooks/{webhook_id}/{webhook_token}?wait=true"
        if channel.platform == "discord-webhook"
        else f"/channels/{channel.channel_id}/messages"
    )
    payload = {
        "attachments": [{"id": 0, "filename": media.filename}],
        "allowed_mentions": {"parse": []},
    }
    upload = Upload("files[0]", media.filename, media.path)
    return Request("discord", "POST", payload, path=path, uploads=(upload,), purpose="calendar")
