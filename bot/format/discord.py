"""Post → Discord requests: one embed with the photos attached, continuations, a gallery.

Long bodies continue in follow-up embeds (same colour, no title) so nothing is cut; the embed
title links back to the post on the website.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC
from typing import Any, Literal, Protocol

from ..domain import Channel, Media, Post
from .layout import FormatOptions, body_blocks, pack, post_url, tag_block
from .limits import DISCORD, char_len, cut_point
from .markdown import heading
from .model import Block, Rendering, Request, Span, Step, Upload

_ESCAPE = re.compile(r"([\\*_~`|\[\]<])")
_LINE_START = re.compile(r"(?m)^(\s*)([#>\-+]|\d+\.)")
ALLOWED_MENTIONS: dict[str, Any] = {"parse": []}  # never ping @everyone from post text
_NONCE_KEYS = ("nonce", "enforce_nonce")


def _escape_inline(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def _escape_line_start(m: re.Match[str]) -> str:
    mark = m.group(2)  # Discord honours a backslash before punctuation only: `12\.`, not `\12.`
    return m.group(1) + (mark[:-1] + "\\." if mark.endswith(".") else "\\" + mark)


def _escape_line_starts(text: str) -> str:
    return _LINE_START.sub(_escape_line_start, text)


def escape_md(text: str) -> str:
    return _escape_line_starts(_escape_inline(text))


def measure(text: str) -> int:
    """Upper bound of the rendered length of plain text (escapes included)."""
    return char_len(escape_md(text))


def _href_md(href: str) -> str:
    return href.replace(">", "%3E").replace(")", "%29")


def _span_md(span: Span) -> str:
    if span.code:
        body = span.text.replace("`", "ˋ")
        text = f"`{body}`"
    else:
        text = _escape_inline(span.text)  # line starts are escaped once the block is assembled
    if span.strike:
        text = f"~~{text}~~"
    if span.italic:
        text = f"*{text}*"
    if span.bold:
        text = f"**{text}**"
    if span.href:
        text = f"[{text}](<{_href_md(span.href)}>)"
    return text


def overhead(block: Block) -> int:
    """Characters markup adds to a block beyond its escaped text (an upper bound)."""
    total = 0
    for s in block.spans:
        total += 2 * s.code + 4 * s.strike + 2 * s.italic + 4 * s.bold
        total += len(_href_md(s.href)) + 6 if s.href else 0
    if block.kind == "quote":
        total += 2 * (block.plain.count("\n") + 1)
    if block.kind == "code":
        total += len(block.lang) + 8
    return total


def block_md(block: Block) -> str:
    if block.kind == "code":
        code = "".join(s.text for s in block.spans).replace("```", "``\u200b`")
        lang = re.sub(r"[^\w+#-]", "", block.lang)
        return f"```{lang}\n{code}\n```"
    text = _escape_line_starts(
        _escape_inline(block.prefix) + "".join(_span_md(s) for s in block.spans)
    )
    if block.kind == "quote":
        return "\n".join("> " + line for line in text.split("\n"))
    return text


def message_md(blocks: Sequence[Block]) -> str:
    return "\n\n".join(block_md(b) for b in blocks)


def nonce(identity: str, step: int) -> str:
    """Deterministic per delivery and step, at most 25 characters as Discord allows.

    `identity` names one delivery (the outbox's dedupe key: post or notice, channel, kind and
    version), so two different messages never share a nonce, while a resend of the same step
    after a crash or a lost answer carries the same one and Discord drops it.
    """
    return hashlib.sha256(f"{identity}#{step}".encode()).hexdigest()[:25]


def _route(channel: Channel) -> str:
    if channel.platform == "discord-webhook":
        return "/webhooks/{webhook_id}/{webhook_token}?wait=true"
    return f"/channels/{channel.channel_id}/messages"


def _request(
    channel: Channel, step: int, payload: dict[str, Any], files: Sequence[Media]
) -> Request:
    payload = {**payload, "allowed_mentions": ALLOWED_MENTIONS}
    uploads = tuple(
        Upload(f"files[{i}]", m.filename, m.path) for i, m in enumerate(files) if m.path
    )
    if uploads:
        payload["attachments"] = [
            {"id": str(i), "filename": u.filename} for i, u in enumerate(uploads)
        ]
    purpose = "post" if step == 0 else "continuation"
    return Request(
        "discord", "POST", payload, path=_route(channel), uploads=uploads, purpose=purpose
    )


def _image_ref(media: Media) -> dict[str, str]:
    return {"url": f"attachment://{media.filename}" if media.path else (media.url or "")}


def render_discord(
    post: Post, media: Sequence[Media], opts: FormatOptions, channel: Channel
) -> Rendering:
    notes: list[str] = []
    url = post_url(post, opts)
    title = post.title
    blocks = body_blocks(post, opts)
    if len(title) > DISCORD.title:
        blocks.insert(0, heading(title))
        title = title[: DISCORD.title - 1] + "…"
    if tags := tag_block(post):
        blocks.append(tags)
    footer = opts.association[: DISCORD.footer]
    first_room = min(DISCORD.description, DISCORD.total - len(title) - len(footer))
    parts = pack(blocks, first_room, DISCORD.description, measure, overhead, fill_first=False)
    photos = [m for m in media if m.path or m.url]
    main: dict[str, Any] = {"color": opts.color, "timestamp": post.date.astimezone(UTC).isoformat()}
    if title:
        main["title"] = title
    if url:
        main["url"] = url
    if parts:
        main["description"] = message_md(parts[0])
    main["footer"] = {"text": footer}
    if photos:
        main["image"] = _image_ref(photos[0])
    embeds = [main]
    for photo in photos[1 : DISCORD.gallery]:
        extra: dict[str, Any] = {"image": _image_ref(photo)}
        if url:
            extra["url"] = url  # embeds sharing the url render as one gallery
        embeds.append(extra)
    first_files = photos[: DISCORD.files]
    requests = [_request(channel, 0, {"embeds": embeds}, first_files)]
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
    if len(opts.association) > DISCORD.footer:
        notes.append("the association name is longer than a Discord footer allows and was cut")
    return Rendering(tuple(requests), tuple(notes))


def fit_content(text: str, limit: int = DISCORD.content) -> str:
    """`text` cut at a line or sentence bound to fit a message's content, marked with …."""
    if len(text) <= limit:
        return text
    return text[: cut_point(text, limit - 2, char_len)].rstrip() + "\n…"


def content_request(channel: Channel, text: str, *, purpose: str = "text") -> Request:
    """A plain text message (a report), cut to Discord's content limit."""
    payload = {"content": fit_content(text), "allowed_mentions": ALLOWED_MENTIONS}
    return Request("discord", "POST", payload, path=_route(channel), purpose=purpose)


# -- the profile: what every Discord request of the bot has in common --------------------------
class Sent(Protocol):
    """A message already sent (as the store records it)."""

    @property
    def ids(self) -> list[str]: ...


class DiscordProfile:
    """Limits, routes, replies, nonces and edits of a bot channel, or of a webhook."""

    platform: Literal["discord"] = "discord"
    limits = DISCORD

    def __init__(self, *, webhook: bool) -> None:
        self.webhook = webhook

    def render(
        self, post: Post, media: Sequence[Media], opts: FormatOptions, channel: Channel
    ) -> Rendering:
        return render_discord(post, media, opts, channel)

    def text(self, channel: Channel, text: str, *, purpose: str = "text") -> Request:
        return content_request(channel, text, purpose=purpose)

    def reply(self, request: Request, channel: Channel, message_id: str) -> Request:
        """`request`, answering the message `message_id`; a webhook cannot, and sends it plain."""
        if self.webhook:
            return request
        reference = {
            "message_id": message_id,
            "channel_id": channel.channel_id,
            "fail_if_not_exists": False,
        }
        return request.with_params(message_reference=reference)

    def calendar(self, channel: Channel, media: Media) -> Request:
        """The follow-up that carries an event's .ics file."""
        assert media.path is not None
        payload = {
            "attachments": [{"id": 0, "filename": media.filename}],
            "allowed_mentions": ALLOWED_MENTIONS,
        }
        upload = Upload("files[0]", media.filename, media.path)
        return Request(
            "discord", "POST", payload, path=_route(channel), uploads=(upload,), purpose="calendar"
        )

    def _message_path(self, channel: Channel, message_id: str) -> str:
        if self.webhook:
            return f"/webhooks/{{webhook_id}}/{{webhook_token}}/messages/{message_id}"
        return f"/channels/{channel.channel_id}/messages/{message_id}"

    def edit(self, channel: Channel, new: Request, old: Sent) -> Request:
        """Discord messages are patched whole."""
        payload = {k: v for k, v in new.params.items() if k not in _NONCE_KEYS}
        path = self._message_path(channel, old.ids[0])
        return Request("discord", "PATCH", payload, path=path, uploads=new.uploads, purpose="edit")

    def delete(self, channel: Channel, old: Sent) -> list[Request]:
        path = self._message_path(channel, old.ids[0])
        return [Request("discord", "DELETE", {}, path=path, purpose="delete")]

    def stamp(self, steps: Sequence[Step], identity: str) -> list[Step]:
        """Give every message a delivery creates its own nonce, with `enforce_nonce`.

        Webhooks take no nonce; edits and deletions need none.
        """
        if self.webhook:
            return list(steps)
        out: list[Step] = []
        for index, step in enumerate(steps):
            request = step.request
            if request.method == "POST":
                params = {k: v for k, v in request.params.items() if k not in _NONCE_KEYS}
                params.update(nonce=nonce(identity, index), enforce_nonce=True)
                step = replace(step, request=replace(request, params=params))
            out.append(step)
        return out
