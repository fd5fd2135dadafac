"""Post → Telegram Bot API requests (HTML parse mode, albums, captions, split text).

What the channel chose shapes them: no sound (`disable_notification`), URL buttons (an inline
keyboard; an album cannot carry one, so it goes on the message that follows), the channel's
language for the bot's own words. Link previews show only for a post without photos, of its
own page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Any

from ..domain import Channel, Media, Post
from ..i18n import Words, labels, words
from .body import announcement_body
from .details import EventInfo, Link, buttons, event_info, versions_block
from .layout import FormatOptions, pack, post_url, tag_block
from .limits import TELEGRAM, fit, utf16_len
from .markdown import heading, link_block
from .model import Block, Rendering, Request, Span, Upload

HTML = "HTML"
BUTTONS_PER_ROW = 2


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


def target(channel: Channel) -> dict[str, object]:
    """Where a message goes (the chat, its topic) and whether it makes a sound."""
    params: dict[str, object] = {"chat_id": channel.chat_id}
    if channel.thread_id is not None:
        params["message_thread_id"] = channel.thread_id
    if channel.silent:
        params["disable_notification"] = True
    return params


def _photo_ref(media: Media, field: str, uploads: list[Upload]) -> str:
    if media.path:
        uploads.append(Upload(field, media.filename, media.path))
        return f"attach://{field}"
    return media.url or ""


def text_request(
    channel: Channel, html: str, *, purpose: str = "post", preview: str | None = None
) -> Request:
    """A text message; `preview` is the one URL whose preview it shows (none by default)."""
    shown = {"url": preview, "prefer_small_media": True} if preview else {"is_disabled": True}
    params = {**target(channel), "text": html, "parse_mode": HTML, "link_preview_options": shown}
    return Request("telegram", "sendMessage", params, purpose=purpose)


# -- what the announcement says ------------------------------------------------------------------
def event_block(info: EventInfo, say: Words, *, links: bool) -> Block:
    """When and where, with a map link; without buttons, the calendar and event links too."""
    spans = [Span(f"🗓 {info.when}")]
    if info.location:
        spans += [Span("\n📍 "), Span(info.location, href=info.map_url)]
    if links:
        spans += [Span("\n📅 "), Span(say._(labels.ADD_TO_CALENDAR), href=info.calendar_url)]
        if info.url:
            spans += [Span("\n🔗 "), Span(say._(labels.EVENT_PAGE), href=info.url)]
    return Block("para", tuple(spans))


def telegram_blocks(
    post: Post, opts: FormatOptions, channel: Channel, info: EventInfo | None = None
) -> tuple[list[Block], tuple[str, ...]]:
    """Title, event details, text, the link to the post's page, other languages, tags
    (`info`: the post's `event_info` in the channel's language, when already worded)."""
    say = words(channel.lang)
    blocks = [heading(post.title)] if post.title else []
    if info is None:
        info = event_info(post, opts, channel.lang)
    if info is not None:
        blocks.append(event_block(info, say, links=not channel.buttons))
    body, notes = announcement_body(post, opts, channel, info)
    blocks.extend(body)
    if (url := post_url(post, opts)) and not channel.buttons:
        blocks.append(link_block(say._(labels.READ_ON_WEBSITE), url))
    for extra in (versions_block(post, say), tag_block(post)):
        if extra is not None:
            blocks.append(extra)
    return blocks, notes


def keyboard(links: Sequence[Link]) -> dict[str, Any]:
    """An inline keyboard of URL buttons, two to a row."""
    buttons_ = [{"text": link.label, "url": link.url} for link in links]
    rows = [buttons_[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons_), BUTTONS_PER_ROW)]
    return {"inline_keyboard": rows}


def _with_buttons(
    requests: list[Request], channel: Channel, links: Sequence[Link], title: str
) -> list[Request]:
    """The keyboard on the first message that can carry one: a photo or a text, not an album
    (then the text after it, or a short message of its own)."""
    if not links:
        return requests
    markup = keyboard(links)
    for i, request in enumerate(requests):
        if request.method in ("sendMessage", "sendPhoto"):
            requests[i] = request.with_params(reply_markup=markup)
            return requests
    own = text_request(channel, f"<b>{escape(title or '🔗', quote=False)}</b>", purpose="buttons")
    at = 1 if requests and requests[0].method == "sendMediaGroup" else len(requests)
    requests.insert(at, own.with_params(reply_markup=markup))
    return requests


def fit_text(text: str, limit: int = TELEGRAM.text) -> str:
    """`text` cut at a line or sentence bound so it fits `limit` UTF-16 units, marked with …."""
    return fit(text, limit, utf16_len)


def render_telegram(
    post: Post, media: Sequence[Media], opts: FormatOptions, channel: Channel
) -> Rendering:
    info = event_info(post, opts, channel.lang)
    blocks, notes = telegram_blocks(post, opts, channel, info)
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
    preview = None if photos else post_url(post, opts)  # a page's card where no photo shows
    for i, message in enumerate(texts):
        shown = None if i else preview
        requests.append(text_request(channel, message_html(message), purpose="text", preview=shown))
    for doc in documents:
        uploads: list[Upload] = []
        ref = _photo_ref(doc, "document", uploads)
        params = {**target(channel), "document": ref}
        requests.append(Request("telegram", "sendDocument", params, uploads=tuple(uploads)))
    if channel.buttons:
        links = buttons(post, opts, channel.lang, info)
        requests = _with_buttons(requests, channel, links, post.title)
    return Rendering(tuple(requests), notes)


def _album(channel: Channel, photos: Sequence[Media], caption: str | None, step: int) -> Request:
    uploads: list[Upload] = []
    if len(photos) == 1:
        params: dict[str, object] = {
            **target(channel),
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
    params = {**target(channel), "media": items}
    return Request("telegram", "sendMediaGroup", params, uploads=tuple(uploads), purpose="album")
