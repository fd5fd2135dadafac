"""Telegram Bot API requests → the messages a member sees in the chat (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

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
from .grid import telegram_album
from .tghtml import telegram_html, telegram_plain

MEDIA_WIDTH = 376  # CSS px: a bubble's width, photos edge to edge
VISUAL = ("photo", "video", "animation")
SERVICE = {
    "pinChatMessage": "pinned a message",
    "unpinChatMessage": "unpinned a message",
    "deleteMessage": "a message was deleted",
}


@dataclass(frozen=True)
class Button:
    text: str
    link: bool  # a URL button (drawn with the arrow Telegram puts on them)


@dataclass(frozen=True)
class TgMessage:
    pictures: tuple[Picture, ...] = ()
    media_height: float = 0
    text: Markup | None = None
    files: tuple[FileChip, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()
    silent: bool = False
    service: str | None = None  # a service line instead of a bubble
    time: str = ""


@dataclass(frozen=True)
class TgChat:
    channel: str
    others: tuple[str, ...]
    date: str
    messages: tuple[TgMessage, ...]


def _text(params: Mapping[str, Any], key: str) -> Markup | None:
    value = params.get(key)
    if not isinstance(value, str) or not value:
        return None
    if str(params.get("parse_mode", "")).upper() == "HTML":
        return telegram_html(value)
    return telegram_plain(value)


def _buttons(params: Mapping[str, Any]) -> tuple[tuple[Button, ...], ...]:
    markup = params.get("reply_markup")
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list):
        return ()
    out: list[tuple[Button, ...]] = []
    for row in rows:
        if isinstance(row, list) and row:
            buttons = (
                Button(str(b.get("text", "")), "url" in b or "login_url" in b)
                for b in row
                if isinstance(b, dict)
            )
            out.append(tuple(buttons))
    return tuple(out)


def _source(ref: object, fields: Mapping[str, Upload], view: View) -> Source:
    if not isinstance(ref, str) or not ref:
        return Source(None, "photo")
    if ref.startswith("attach://"):
        field = ref.removeprefix("attach://")
        upload = fields.get(field)
        return view.image(upload.path, upload.filename) if upload else Source(None, field)
    if ref.startswith(("http://", "https://")):
        return Source(None, url_name(ref))
    return Source(None, "photo")  # a file_id: already on Telegram's servers


def _file(ref: object, fields: Mapping[str, Upload], view: View) -> FileChip:
    if isinstance(ref, str) and ref.startswith("attach://"):
        upload = fields.get(ref.removeprefix("attach://"))
        if upload is None:
            return file_chip(ref.removeprefix("attach://"), None)
        return file_chip(upload.filename, view.file_bytes(upload.path))
    if isinstance(ref, str) and ref.startswith(("http://", "https://")):
        return file_chip(url_name(ref), None)
    return file_chip("file", None)


def _album(sources: Sequence[Source]) -> tuple[tuple[Picture, ...], float]:
    grid = telegram_album([s.size for s in sources], MEDIA_WIDTH)
    return place(sources, grid), grid.height


def message(request: Mapping[str, Any], view: View, time: str) -> TgMessage | None:
    method = str(request.get("method", ""))
    params: Mapping[str, Any] = request.get("params") or {}
    fields = uploads_by(request, "field")
    common: dict[str, Any] = {
        "buttons": _buttons(params),
        "silent": bool(params.get("disable_notification")),
        "time": time,
    }
    if method == "sendMessage":
        return TgMessage(text=_text(params, "text"), **common)
    if method in ("sendPhoto", "sendVideo", "sendAnimation"):
        kind = method.removeprefix("send").lower()
        pictures, height = _album([_source(params.get(kind), fields, view)])
        return TgMessage(pictures, height, _text(params, "caption"), **common)
    if method in ("sendDocument", "sendAudio"):
        chip = _file(params.get(method.removeprefix("send").lower()), fields, view)
        return TgMessage(text=_text(params, "caption"), files=(chip,), **common)
    if method == "sendMediaGroup":
        items = [m for m in params.get("media") or [] if isinstance(m, dict)]
        visual = [_source(m.get("media"), fields, view) for m in items if m.get("type") in VISUAL]
        chips = tuple(
            _file(m.get("media"), fields, view) for m in items if m.get("type") not in VISUAL
        )
        captioned = next((m for m in items if m.get("caption")), None)
        caption = _text(captioned, "caption") if captioned else None
        pictures, height = _album(visual) if visual else ((), 0.0)
        return TgMessage(pictures, height, caption, chips, **common)
    if method in SERVICE:
        return TgMessage(service=SERVICE[method], time=time)
    if method.startswith(("edit", "get", "set", "answer")):
        return None  # changes or questions, nothing new in the chat
    return TgMessage(service=f"{method}", time=time)


def telegram_chat(
    channel: str, others: Sequence[str], requests: Sequence[Mapping[str, Any]], view: View
) -> TgChat:
    local = view.now.astimezone(view.tz)
    time = local.strftime("%H:%M")
    messages = [m for r in requests if (m := message(r, view, time)) is not None]
    return TgChat(channel, tuple(others), f"{local:%B} {local.day}", tuple(messages))
