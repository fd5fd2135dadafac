"""Post → Discord requests: one embed with the photos attached, continuations, a gallery.

Long bodies continue in follow-up embeds (same colour, no title) so nothing is cut; the embed
title links back to the post on the website. An event's when and where are fields, in Discord's
timestamp markup so each member reads their own time. What the channel chose shapes the
messages: no sound (flag 4096), link buttons, a role pinged on event announcements, and in a
forum channel a thread of its own for each post.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC
from typing import Any

from ..domain import Channel, Media, Post
from ..i18n import Words, labels, words
from .body import announcement_body
from .details import EventInfo, Link, buttons, event_info, versions_block
from .discord_md import escape_md, href_md, measure, message_md, overhead
from .layout import FormatOptions, pack, post_url, tag_block
from .limits import DISCORD, char_len, fit
from .markdown import heading
from .model import Rendering, Request, Upload, sent_message

ALLOWED_MENTIONS: dict[str, Any] = {"parse": []}  # never ping @everyone from post text
SUPPRESS_NOTIFICATIONS = 1 << 12  # message flag: members get no sound


def nonce(identity: str, step: int) -> str:
    """Deterministic per delivery and step, at most 25 characters as Discord allows.

    `identity` names one delivery (the outbox's dedupe key: post or notice, channel, kind and
    version), so two different messages never share a nonce, while a resend of the same step
    after a crash or a lost answer carries the same one and Discord drops it.
    """
    return hashlib.sha256(f"{identity}#{step}".encode()).hexdigest()[:25]


def _route(channel: Channel, *, components: bool = False) -> str:
    if channel.platform == "discord-webhook":
        extra = "&with_components=true" if components else ""
        return "/webhooks/{webhook_id}/{webhook_token}?wait=true" + extra
    return f"/channels/{channel.channel_id}/messages"


def _request(
    channel: Channel, step: int, payload: dict[str, Any], files: Sequence[Media]
) -> Request:
    payload = {**payload}
    payload.setdefault("allowed_mentions", ALLOWED_MENTIONS)
    if channel.silent:
        payload["flags"] = SUPPRESS_NOTIFICATIONS
    uploads = tuple(
        Upload(f"files[{i}]", m.filename, m.path) for i, m in enumerate(files) if m.path
    )
    if uploads:
        payload["attachments"] = [
            {"id": str(i), "filename": u.filename} for i, u in enumerate(uploads)
        ]
    purpose = "post" if step == 0 else "continuation"
    path = _route(channel, components="components" in payload)
    if channel.kind == "forum":  # the first message opens the post's thread, the rest go in it
        path = f"/channels/{sent_message(0)}/messages" if step else path
    return Request("discord", "POST", payload, path=path, uploads=uploads, purpose=purpose)


def _image_ref(media: Media) -> dict[str, str]:
    return {"url": f"attachment://{media.filename}" if media.path else (media.url or "")}


def event_fields(info: EventInfo, say: Words, *, links: bool) -> list[dict[str, Any]]:
    """When (in each member's own zone: Discord's timestamp markup) and where, with a map."""
    start, end = int(info.start.timestamp()), info.end
    when = f"<t:{start}:F>"
    if end is not None and end > info.start:
        same_day = end.date() == info.start.date()
        when += f" – <t:{int(end.timestamp())}:{'t' if same_day else 'F'}>"
    when += f"\n<t:{start}:R>"
    if links:
        extra = [f"[{escape_md(say._(labels.ADD_TO_CALENDAR))}](<{info.calendar_url}>)"]
        if info.url:
            extra.append(f"[{escape_md(say._(labels.EVENT_PAGE))}](<{href_md(info.url)}>)")
        when += "\n" + " · ".join(extra)
    fields = [{"name": f"🗓 {say._(labels.WHEN)}", "value": when}]
    if info.location:
        place = escape_md(info.location[: DISCORD.field_value // 2])
        value = f"[{place}](<{info.map_url}>)" if info.map_url else place
        fields.append({"name": f"📍 {say._(labels.WHERE)}", "value": value})
    return fields


def link_buttons(links: Sequence[Link]) -> list[dict[str, Any]]:
    """Link buttons (type 2, style 5), five to a row, at most five rows."""
    buttons_ = [
        {"type": 2, "style": 5, "label": link.label[:80], "url": link.url} for link in links
    ][: 5 * 5]
    return [{"type": 1, "components": buttons_[i : i + 5]} for i in range(0, len(buttons_), 5)]


def _size(fields: Sequence[dict[str, Any]]) -> int:
    return sum(len(f["name"]) + len(f["value"]) for f in fields)


def render_discord(
    post: Post, media: Sequence[Media], opts: FormatOptions, channel: Channel
) -> Rendering:
    notes: list[str] = []
    say = words(channel.lang)
    url = post_url(post, opts)
    title = post.title
    info = event_info(post, opts, channel.lang)
    blocks, template_notes = announcement_body(post, opts, channel, info)
    notes.extend(template_notes)
    if len(title) > DISCORD.title:
        blocks.insert(0, heading(title))
        title = title[: DISCORD.title - 1] + "…"
    for tail in (versions_block(post, say), tag_block(post)):
        if tail is not None:
            blocks.append(tail)
    fields = event_fields(info, say, links=not channel.buttons) if info else []
    footer = opts.association[: DISCORD.footer]
    first_room = min(DISCORD.description, DISCORD.total - len(title) - len(footer) - _size(fields))
    parts = pack(blocks, first_room, DISCORD.description, measure, overhead, fill_first=False)
    photos = [m for m in media if m.path or m.url]
    main: dict[str, Any] = {"color": opts.color, "timestamp": post.date.astimezone(UTC).isoformat()}
    if title:
        main["title"] = title
    if url:
        main["url"] = url
    if parts:
        main["description"] = message_md(parts[0])
    if fields:
        main["fields"] = fields
    main["footer"] = {"text": footer}
    if photos:
        main["image"] = _image_ref(photos[0])
    embeds = [main]
    for photo in photos[1 : DISCORD.gallery]:
        extra: dict[str, Any] = {"image": _image_ref(photo)}
        if url:
            extra["url"] = url  # embeds sharing the url render as one gallery
        embeds.append(extra)
    first: dict[str, Any] = {"embeds": embeds}
    if channel.mention and post.event is not None:  # a role pinged on event announcements
        first["content"] = f"<@&{channel.mention}>"
        first["allowed_mentions"] = {"parse": [], "roles": [channel.mention]}
    if channel.buttons and (links := buttons(post, opts, channel.lang, info)):
        first["components"] = link_buttons(links)
    first_files = photos[: DISCORD.files]
    requests = [_request(channel, 0, first, first_files)]
    for part in parts[1:]:
        embed = {"description": message_md(part), "color": opts.color}
        requests.append(_request(channel, len(requests), {"embeds": [embed]}, []))
    # linked (not uploaded) photos beyond the gallery would not show in the first message
    rest = [m for m in first_files[DISCORD.gallery :] if not m.path] + photos[DISCORD.files :]
    for i in range(0, len(rest), DISCORD.files):
        chunk = rest[i : i + DISCORD.files]
        local = [m for m in chunk if m.path]
        urls = [m.url for m in chunk if not m.path and m.url]
        payload: dict[str, Any] = {"content": "\n".join(urls)} if urls else {}
        requests.append(_request(channel, len(requests), payload, local))
    if channel.kind == "forum":
        requests[0] = forum_thread(requests[0], channel, post)
    if len(opts.association) > DISCORD.footer:
        notes.append("the association name is longer than a Discord footer allows and was cut")
    return Rendering(tuple(requests), tuple(notes))


def forum_thread(request: Request, channel: Channel, post: Post) -> Request:
    """The first message as a forum post of its own: a thread named after the post's title,
    carrying the forum's tags whose names the post's tags match (five at most)."""
    first_line = (post.title or post.body).strip().split("\n", 1)[0]
    name = re.sub(r"[*_`~|]+", "", first_line).strip() or post.key  # a title, not Markdown
    wanted = {t.casefold() for t in post.tags}
    tags = [tag_id for tag_id, tag in channel.forum_tags if tag.casefold() in wanted][:5]
    payload: dict[str, Any] = {"name": name[:100], "message": request.params}
    if tags:
        payload["applied_tags"] = tags
    path = f"/channels/{channel.channel_id}/threads"
    return replace(request, params=payload, path=path, purpose="thread")


def fit_content(text: str, limit: int = DISCORD.content) -> str:
    """`text` cut at a line or sentence bound to fit a message's content, marked with …."""
    return fit(text, limit, char_len)


def content_request(channel: Channel, text: str, *, purpose: str = "text") -> Request:
    """A plain text message (a report), cut to Discord's content limit."""
    payload = {"content": fit_content(text), "allowed_mentions": ALLOWED_MENTIONS}
    return Request("discord", "POST", payload, path=_route(channel), purpose=purpose)
