"""Post → Telegram Bot API requests (HTML parse mode, albums, captions, split text)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Any, Literal, Protocol

from ..domain import Channel, Media, Post
from .layout import FormatOptions, pack, telegram_blocks
from .limits import TELEGRAM, cut_point, utf16_len
from .model import Block, Rendering, Request, Span, Step, Upload

HTML = "HTML"


def span_html(span: Span) -> str:
    text = escape(span.text, quote=False)
    if span.code:
        text = f"<code>{text}</code>"
    if span.strike:
        text = f"<s>{text}</s>"
    if span.italic:
        text = f"<i>{text}</i>"
    if span.bold:
        text = f"<b>{text}</b>"
    if span.href:
        text = f'<a href="{escape(span.href, quote=True)}">{text}</a>'
    return text


def block_html(block: Block) -> str:
    if block.kind == "code":
        code = escape("".join(s.text for s in block.spans), quote=False)
        lang = re.sub(r"[^\w+#-]", "", block.lang)
        return (
            f'<pre><code class="language-{lang}">{code}</code></pre>'
            if lang
            else f"<pre>{code}</pre>"
        )
    inner = escape(block.prefix, quote=False) + "".join(span_html(s) for s in block.spans)
    return f"<blockquote>{inner}</blockquote>" if block.kind == "quote" else inner


def message_html(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for i, block in enumerate(blocks):
        if i:
            tight = block.kind == "item" and blocks[i - 1].kind == "item"
            out.append("\n" if tight else "\n\n")
        out.append(block_html(block))
    return "".join(out)


def visible_text(blocks: Sequence[Block]) -> str:
    """What a reader sees (and what Telegram counts) for `message_html(blocks)`."""
    return "\n\n".join(b.plain for b in blocks)


def _no_overhead(_: Block) -> int:
    return 0


def album_chunks(n: int) -> list[int]:
    """Sizes of the albums for `n` photos: at most 10 each, never a lone photo left over."""
    if n <= TELEGRAM.album_max:
        return [n] if n else []
    count = -(-n // TELEGRAM.album_max)
    base, extra = divmod(n, count)
    return [base + 1] * extra + [base] * (count - extra)


def _target(channel: Channel) -> dict[str, object]:
    params: dict[str, object] = {"chat_id": channel.chat_id}
    if channel.thread_id is not None:
        params["message_thread_id"] = channel.thread_id
    return params


def _photo_ref(media: Media, field: str, uploads: list[Upload]) -> str:
    if media.path:
        uploads.append(Upload(field, media.filename, media.path))
        return f"attach://{field}"
    return media.url or ""


def text_request(channel: Channel, html: str, *, purpose: str = "post") -> Request:
    params = {
        **_target(channel),
        "text": html,
        "parse_mode": HTML,
        "link_preview_options": {"is_disabled": True},
    }
    return Request("telegram", "sendMessage", params, purpose=purpose)


def fit_text(text: str, limit: int = TELEGRAM.text) -> str:
    """`text` cut at a line or sentence bound so it fits `limit` UTF-16 units, marked with …."""
    if utf16_len(text) <= limit:
        return text
    return text[: cut_point(text, limit - 2, utf16_len)].rstrip() + "\n…"


def render_telegram(
    post: Post, media: Sequence[Media], opts: FormatOptions, channel: Channel
) -> Rendering:
    blocks = telegram_blocks(post, opts)
    photos = [m for m in media if not m.as_document]
    documents = [m for m in media if m.as_document]
    first = TELEGRAM.caption if photos else TELEGRAM.text
    messages = pack(blocks, first, TELEGRAM.text, utf16_len, _no_overhead)
    requests: list[Request] = []
    caption: str | None = message_html(messages[0]) if photos and messages else None
    texts = messages[1:] if photos else messages
    start = 0
    for size in album_chunks(len(photos)):
        chunk, start = photos[start : start + size], start + size
        requests.append(_album(channel, chunk, caption, len(requests)))
        caption = None
    requests.extend(text_request(channel, message_html(m), purpose="text") for m in texts)
    for doc in documents:
        uploads: list[Upload] = []
        ref = _photo_ref(doc, "document", uploads)
        params = {**_target(channel), "document": ref}
        requests.append(Request("telegram", "sendDocument", params, uploads=tuple(uploads)))
    return Rendering(tuple(requests))


def _album(channel: Channel, photos: Sequence[Media], caption: str | None, step: int) -> Request:
    uploads: list[Upload] = []
    if len(photos) == 1:
        params: dict[str, object] = {
            **_target(channel),
            "photo": _photo_ref(photos[0], "photo", uploads),
        }
        if caption:
            params.update(caption=caption, parse_mode=HTML)
        return Request("telegram", "sendPhoto", params, uploads=tuple(uploads), purpose="album")
    items: list[dict[str, object]] = []
    for i, photo in enumerate(photos):
        item: dict[str, object] = {
            "type": "photo",
            "media": _photo_ref(photo, f"photo{step}_{i}", uploads),
        }
        if i == 0 and caption:
            item.update(caption=caption, parse_mode=HTML)
        items.append(item)
    params = {**_target(channel), "media": items}
    return Request("telegram", "sendMediaGroup", params, uploads=tuple(uploads), purpose="album")


# -- the profile: what every Telegram request of the bot has in common -------------------------
_TEXT = {"sendMessage"}
_MEDIA = {"sendMediaGroup", "sendPhoto", "sendDocument"}


class Sent(Protocol):
    """A message already sent (as the store records it)."""

    @property
    def method(self) -> str: ...

    @property
    def ids(self) -> list[str]: ...


def _caption(request: Request) -> str | None:
    params = request.params
    if request.method == "sendMediaGroup":
        caption = params["media"][0].get("caption")
        return str(caption) if caption is not None else None
    caption = params.get("caption")
    return str(caption) if caption is not None else None


def _message(channel: Channel, message_id: str) -> dict[str, Any]:
    return {"chat_id": channel.chat_id, "message_id": int(message_id)}


class TelegramProfile:
    """Limits, target, reply parameters, edits and plain texts of Telegram chats."""

    platform: Literal["telegram"] = "telegram"
    limits = TELEGRAM

    def render(
        self, post: Post, media: Sequence[Media], opts: FormatOptions, channel: Channel
    ) -> Rendering:
        return render_telegram(post, media, opts, channel)

    def text(self, channel: Channel, text: str, *, purpose: str = "text") -> Request:
        """Plain text (a report), escaped and cut to fit one message."""
        return text_request(channel, escape(fit_text(text, TELEGRAM.text - 96), quote=False),
                            purpose=purpose)  # fmt: skip

    def reply(self, request: Request, channel: Channel, message_id: str) -> Request:
        """`request`, answering the message `message_id` (still sent if that one is gone)."""
        reply = {"message_id": int(message_id), "allow_sending_without_reply": True}
        return request.with_params(reply_parameters=reply)

    def calendar(self, channel: Channel, media: Media) -> Request:
        """The follow-up that carries an event's .ics file."""
        assert media.path is not None
        params: dict[str, Any] = {**_target(channel), "document": "attach://calendar"}
        upload = Upload("calendar", media.filename, media.path)
        return Request("telegram", "sendDocument", params, uploads=(upload,), purpose="calendar")

    def edit(self, channel: Channel, new: Request, old: Sent) -> Request | None:
        """The edit that turns `old` into `new`, or None when only a re-send would do.

        Telegram cannot swap an album's photos: only its caption changes.
        """
        if new.method in _TEXT and old.method in _TEXT:
            params = {
                **_message(channel, old.ids[0]),
                "text": new.params["text"],
                "parse_mode": new.params.get("parse_mode"),
            }
            return Request("telegram", "editMessageText", params, purpose="edit")
        if new.method in _MEDIA and old.method in _MEDIA:
            params = {**_message(channel, old.ids[0]), "caption": _caption(new) or ""}
            if _caption(new):
                params["parse_mode"] = HTML
            return Request("telegram", "editMessageCaption", params, purpose="edit")
        return None

    def delete(self, channel: Channel, old: Sent) -> list[Request]:
        return [
            Request("telegram", "deleteMessage", _message(channel, mid), purpose="delete")
            for mid in old.ids
        ]

    def stamp(self, steps: Sequence[Step], identity: str) -> list[Step]:
        return list(steps)  # Telegram has no idempotency key
