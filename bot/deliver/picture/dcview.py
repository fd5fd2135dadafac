"""Discord REST requests → the messages a member sees in the channel (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup

from ...format.discord import SUPPRESS_NOTIFICATIONS
from .common import (
    FileChip,
    Picture,
    Source,
    Upload,
    View,
    file_chip,
    place,
    uploads_by,
    url_name,
)
from .dcmarkdown import Clock, inline, markdown
from .grid import discord_mosaic

MOSAIC_WIDTH = 340  # CSS px: attachments under a message
GALLERY_WIDTH = 306  # inside an embed
SUPPRESS_EMBEDS = 1 << 2
IMAGE_TYPES = ("png", "jpg", "jpeg", "gif", "webp")
STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "premium"}


@dataclass(frozen=True)
class Field:
    name: Markup
    value: Markup
    inline: bool


@dataclass(frozen=True)
class Embed:
    color: str | None
    author: Markup | None = None
    title: Markup | None = None
    title_link: bool = False
    description: Markup | None = None
    fields: tuple[tuple[Field, ...], ...] = ()
    pictures: tuple[Picture, ...] = ()
    gallery_height: float = 0
    thumbnail: Source | None = None
    footer: str | None = None
    stamp: str | None = None


@dataclass(frozen=True)
class DcButton:
    label: str
    style: str
    emoji: str = ""


@dataclass(frozen=True)
class DcMessage:
    author: str
    time: str
    thread: str | None = None  # a forum post's title
    content: Markup | None = None
    pictures: tuple[Picture, ...] = ()
    mosaic_height: float = 0
    files: tuple[FileChip, ...] = ()
    embeds: tuple[Embed, ...] = ()
    rows: tuple[tuple[DcButton, ...], ...] = ()
    silent: bool = False
    grouped: bool = False  # follows a message of the same author: no name line
    tags: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class DcChannel:
    channel: str
    others: tuple[str, ...]
    date: str
    messages: tuple[DcMessage, ...]


def stamp(moment: datetime, view: View) -> str:
    """How Discord writes a message's or an embed's time (en-US)."""
    local, today = moment.astimezone(view.tz), view.now.astimezone(view.tz).date()
    hour = local.strftime("%I:%M %p").lstrip("0")
    if local.date() == today:
        return f"Today at {hour}"
    if local.date() == today - timedelta(days=1):
        return f"Yesterday at {hour}"
    return f"{local:%m/%d/%Y} {hour}"


def _image(url: object, files: Mapping[str, Upload], view: View) -> Source | None:
    if not isinstance(url, str) or not url:
        return None
    if url.startswith("attachment://"):
        name = url.removeprefix("attachment://")
        upload = files.get(name)
        return view.image(upload.path if upload else None, name)
    return Source(None, url_name(url))


def _part(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _embed(data: Mapping[str, Any], files: Mapping[str, Upload], view: View, clock: Clock) -> Embed:
    color = data.get("color")
    author, footer = _part(data, "author"), _part(data, "footer")
    image, thumb = _part(data, "image"), _part(data, "thumbnail")
    when: str | None = None
    if isinstance(data.get("timestamp"), str):
        try:
            when = stamp(datetime.fromisoformat(data["timestamp"]), view)
        except ValueError:
            when = None
    picture = _image(image.get("url"), files, view)
    pictures, height = _grid([picture] if picture else [], GALLERY_WIDTH)
    return Embed(
        color=f"#{color:06x}" if isinstance(color, int) and 0 <= color <= 0xFFFFFF else None,
        author=inline(author["name"], clock) if author.get("name") else None,
        title=inline(str(data["title"]), clock) if data.get("title") else None,
        title_link=bool(data.get("url")),
        description=markdown(str(data["description"]), clock) if data.get("description") else None,
        fields=_fields(data.get("fields"), clock, narrow=bool(thumb)),
        pictures=pictures,
        gallery_height=height,
        thumbnail=_image(thumb.get("url"), files, view),
        footer=str(footer["text"]) if footer.get("text") else None,
        stamp=when,
    )


def _fields(items: object, clock: Clock, *, narrow: bool) -> tuple[tuple[Field, ...], ...]:
    rows: list[list[Field]] = []
    per_row = 2 if narrow else 3
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        f = Field(
            inline(str(item.get("name", "")), clock),
            markdown(str(item.get("value", "")), clock),
            bool(item.get("inline")),
        )
        if f.inline and rows and rows[-1][-1].inline and len(rows[-1]) < per_row:
            rows[-1].append(f)
        else:
            rows.append([f])
    return tuple(tuple(r) for r in rows)


def _grid(sources: Sequence[Source], width: float) -> tuple[tuple[Picture, ...], float]:
    if not sources:
        return (), 0.0
    grid = discord_mosaic([s.size for s in sources], width)
    return place(sources, grid), grid.height


def _gallery(embeds: list[dict[str, Any]], files: Mapping[str, Upload], view: View) -> list[Embed]:
    """Embeds that share the first one's url fold their images into its gallery (up to 4)."""
    clock = Clock(view.tz, view.now)
    out: list[Embed] = []
    index = 0
    while index < len(embeds):
        head = _embed(embeds[index], files, view, clock)
        url, index = embeds[index].get("url"), index + 1
        extra: list[Source] = [p.source for p in head.pictures]
        while url and index < len(embeds) and embeds[index].get("url") == url and len(extra) < 4:
            image = embeds[index].get("image")
            source = _image(image.get("url"), files, view) if isinstance(image, dict) else None
            if source is not None:
                extra.append(source)
            index += 1
        if len(extra) > 1:
            pictures, height = _grid(extra, GALLERY_WIDTH)
            head = Embed(**{**head.__dict__, "pictures": pictures, "gallery_height": height})
        out.append(head)
    return out


def _rows(components: object) -> tuple[tuple[DcButton, ...], ...]:
    rows: list[tuple[DcButton, ...]] = []
    for row in components if isinstance(components, list) else []:
        if not isinstance(row, dict) or row.get("type") != 1:
            continue
        buttons = []
        for item in row.get("components") or []:
            if isinstance(item, dict) and item.get("type") == 2:
                emoji = _part(item, "emoji")
                style = STYLES.get(int(item.get("style") or 2), "secondary")
                buttons.append(DcButton(str(item.get("label", "")), style, emoji.get("name", "")))
        if buttons:
            rows.append(tuple(buttons))
    return tuple(rows)


def _referenced(embeds: Sequence[Mapping[str, Any]]) -> set[str]:
    names: set[str] = set()
    for embed in embeds:
        for key in ("image", "thumbnail", "author", "footer"):
            part = embed.get(key)
            for attr in ("url", "icon_url"):
                value = part.get(attr) if isinstance(part, dict) else None
                if isinstance(value, str) and value.startswith("attachment://"):
                    names.add(value.removeprefix("attachment://"))
    return names


def message(request: Mapping[str, Any], view: View, author: str, time: str) -> DcMessage:
    params: Mapping[str, Any] = request.get("params") or {}
    thread: str | None = None
    tags: tuple[str, ...] = ()
    if str(request.get("path", "")).rstrip("/").endswith("/threads") and "message" in params:
        thread = str(params.get("name", ""))
        tags = tuple(str(t) for t in params.get("applied_tags") or [])
        params = params["message"] if isinstance(params["message"], dict) else {}
    files = uploads_by(request, "filename")
    flags = int(params.get("flags") or 0)
    raw = [e for e in params.get("embeds") or [] if isinstance(e, dict)]
    embeds = [] if flags & SUPPRESS_EMBEDS else _gallery(raw, files, view)
    loose = [name for name in files if name not in _referenced(raw)]
    images = [n for n in loose if n.rsplit(".", 1)[-1].lower() in IMAGE_TYPES]
    pictures, height = _grid([view.image(files[n].path, n) for n in images], MOSAIC_WIDTH)
    chips = tuple(file_chip(n, view.file_bytes(files[n].path)) for n in loose if n not in images)
    content = params.get("content")
    clock = Clock(view.tz, view.now)
    return DcMessage(
        author=str(params.get("username") or author),
        time=time,
        thread=thread,
        content=markdown(content, clock) if isinstance(content, str) and content else None,
        pictures=pictures,
        mosaic_height=height,
        files=chips,
        embeds=tuple(embeds),
        rows=_rows(params.get("components")),
        silent=bool(flags & SUPPRESS_NOTIFICATIONS),
        tags=tags,
    )


def discord_channel(
    channel: str,
    others: Sequence[str],
    requests: Sequence[Mapping[str, Any]],
    view: View,
    author: str = "Announcements",
) -> DcChannel:
    time = stamp(view.now, view)
    messages: list[DcMessage] = []
    for request in requests:
        if str(request.get("method", "POST")).upper() != "POST":
            continue  # edits and deletions change nothing new
        if str(request.get("path", "")).endswith("/crosspost"):
            continue  # published to other servers: nothing new here
        msg = message(request, view, author, time)
        if messages and messages[-1].author == msg.author and msg.thread is None:
            msg = DcMessage(**{**msg.__dict__, "grouped": True})
        messages.append(msg)
    local = view.now.astimezone(view.tz)
    date = f"{local:%B} {local.day}, {local.year}"
    return DcChannel(channel, tuple(others), date, tuple(messages))
