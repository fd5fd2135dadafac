"""The Telegram profile: what every Telegram request of the bot has in common — target,
replies, edits, deletions, plain texts, pins."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any, Literal

from ..domain import Channel, Media, Post
from .layout import FormatOptions
from .limits import TELEGRAM
from .model import Rendering, Request, Sent, Step, Upload, sent_message
from .telegram import HTML, fit_text, render_telegram, target, text_request

_TEXT = {"sendMessage"}
_MEDIA = {"sendMediaGroup", "sendPhoto", "sendDocument"}
_KEPT = ("reply_markup",)  # an edit that leaves these out removes them


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
    """Target, reply parameters, edits, pins and plain texts of Telegram chats."""

    platform: Literal["telegram"] = "telegram"

    def render(
        self, post: Post, media: Sequence[Media], opts: FormatOptions, channel: Channel
    ) -> Rendering:
        return render_telegram(post, media, opts, channel)

    def text(self, channel: Channel, text: str, *, purpose: str = "text") -> Request:
        """Plain text (a report), escaped and cut to fit one message."""
        html = escape(fit_text(text, TELEGRAM.text - 96), quote=False)
        return text_request(channel, html, purpose=purpose)

    def reply(self, request: Request, channel: Channel, message_id: str) -> Request:
        """`request`, answering the message `message_id` (still sent if that one is gone)."""
        reply = {"message_id": int(message_id), "allow_sending_without_reply": True}
        return request.with_params(reply_parameters=reply)

    def answer(
        self, requests: Sequence[Request], channel: Channel, message_id: str
    ) -> list[Request]:
        """A notice's messages, the first answering the announcement `message_id`."""
        if not requests:
            return []
        return [self.reply(requests[0], channel, message_id), *requests[1:]]

    def calendar(self, channel: Channel, media: Media) -> Request:
        """The follow-up that carries an event's .ics file."""
        assert media.path is not None
        params: dict[str, Any] = {**target(channel), "document": "attach://calendar"}
        upload = Upload("calendar", media.filename, media.path)
        return Request("telegram", "sendDocument", params, uploads=(upload,), purpose="calendar")

    def edit(self, channel: Channel, new: Request, old: Sent) -> Request | None:
        """The edit that turns `old` into `new`, or None when only a re-send would do.

        Telegram cannot swap an album's photos: only its caption changes. Buttons and the link
        preview are restated, since an edit without them removes them.
        """
        kept = {k: new.params[k] for k in _KEPT if k in new.params}
        if new.method in _TEXT and old.method in _TEXT:
            params = {
                **_message(channel, old.ids[0]),
                "text": new.params["text"],
                "parse_mode": new.params.get("parse_mode"),
                **kept,
            }
            if "link_preview_options" in new.params:
                params["link_preview_options"] = new.params["link_preview_options"]
            return Request("telegram", "editMessageText", params, purpose="edit")
        if new.method in _MEDIA and old.method in _MEDIA:
            params = {**_message(channel, old.ids[0]), "caption": _caption(new) or "", **kept}
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

    def pin(self, channel: Channel) -> Request | None:
        """Pin the announcement's first message, without notifying the chat's members."""
        params: dict[str, Any] = {"chat_id": channel.chat_id, "message_id": sent_message(0)}
        params["disable_notification"] = True
        return Request("telegram", "pinChatMessage", params, purpose="pin")

    def unpin(self, channel: Channel, message_id: str) -> Request | None:
        params = _message(channel, message_id)
        return Request("telegram", "unpinChatMessage", params, purpose="unpin")

    def crosspost(self, channel: Channel) -> Request | None:
        return None  # Telegram channels have no followers' servers to publish to
