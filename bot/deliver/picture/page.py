"""A preview document → one HTML page drawing each platform's messages (pure).

The document is what `python -m bot preview PATH --json` prints: the requests `publish` would
send. Each platform's first channel is drawn (the others are named in its header), Telegram on
the left and Discord on the right. The page loads nothing: images are `data:` URIs (or, without
`media`, file URLs of the uploads), a Content-Security-Policy forbids scripts and every other
source, and all text from the requests is escaped or re-emitted through a tag allow-list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .common import View, channel_requests
from .dcview import discord_channel
from .media import MediaFile
from .tgview import telegram_chat

DEFAULT_TZ = ZoneInfo("Asia/Tokyo")
PLATFORMS = ("telegram", "discord")
PANE_WIDTH = 420
PANE_GAP = 6

_PACKAGE = __name__.rpartition(".")[0]  # where the templates are installed


@dataclass(frozen=True)
class Pane:
    kind: str  # telegram | discord | empty
    name: str
    view: object = None


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader(_PACKAGE, "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _css() -> Markup:
    text = files(_PACKAGE).joinpath("templates/style.css").read_text(encoding="utf-8")
    return Markup(text.replace("</", "<\\/"))  # a packaged file, never request text


def platforms(platform: str | None) -> tuple[str, ...]:
    if platform is None:
        return PLATFORMS
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}: telegram or discord")
    return (platform,)


def page_width(platform: str | None = None) -> int:
    """The page's width in CSS pixels."""
    count = len(platforms(platform))
    return count * PANE_WIDTH + (count - 1) * PANE_GAP


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def seen_at(document: Mapping[str, Any], now: datetime | None) -> datetime:
    """When members see the messages: when the post is due, or `now` if that is later."""
    post = document.get("post") or {}
    due = _moment(post.get("due_at")) or _moment(post.get("date"))
    if due is None:
        return now or datetime(1970, 1, 1, tzinfo=UTC)
    return max(due, now) if now is not None else due


def page_html(
    document: dict[str, Any],
    *,
    platform: str | None = None,
    tz: ZoneInfo | None = None,
    now: datetime | None = None,
    media: Mapping[str, MediaFile] | None = None,
) -> str:
    """The HTML page that draws the document's messages.

    `tz`: the association's zone (default Asia/Tokyo) for times and `<t:…>` markup. `now`: the
    moment of previewing (times show when the post would reach members). `media`: the uploads
    read by `bot.deliver.picture.media.load_media`; without it images are referred to by file URL.
    """
    zone = tz or DEFAULT_TZ
    view = View(zone, seen_at(document, now), media)
    panes: list[Pane] = []
    for name in platforms(platform):
        channel, others, requests = channel_requests(document, name)
        if channel is None:
            panes.append(Pane("empty", name.capitalize()))
        elif name == "telegram":
            panes.append(Pane(name, channel, telegram_chat(channel, others, requests, view)))
        else:
            panes.append(Pane(name, channel, discord_channel(channel, others, requests, view)))
    post = document.get("post") or {}
    notes = [str(n) for n in [*document.get("problems", []), *document.get("warnings", [])]]
    template = _environment().get_template("page.html.j2")
    return template.render(
        title=str(post.get("title", "Preview")),
        css=_css(),
        width=page_width(platform),
        notes=notes,
        panes=panes,
    )
