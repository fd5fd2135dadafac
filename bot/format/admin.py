"""Requests of the admin side, as data: a preview picture, buttons, answers to button presses.

The labels and the callback data come from the admin handlers; here they become the shapes
each platform takes, within its limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..domain import Channel
from .discord import ALLOWED_MENTIONS, fit_content
from .limits import TELEGRAM
from .model import Request, Upload
from .telegram import HTML, fit_text

Buttons = Sequence[Sequence[tuple[str, str]]]  # rows of (label, data)
PICTURE_NAME = "preview.png"
CALLBACK_TEXT = 200  # answerCallbackQuery's text limit, in characters
DISCORD_LABEL = 80
DISCORD_ROW = 5  # buttons per action row


def fits_telegram_photo(width: int, height: int, size: int) -> bool:
    """Whether Telegram takes the image as a photo (else it goes as a document)."""
    short, long = sorted((max(width, 1), max(height, 1)))
    return (
        size <= TELEGRAM.photo_bytes
        and width + height <= TELEGRAM.photo_dim_sum
        and long / short <= TELEGRAM.photo_ratio
    )


def telegram_picture(
    chat: Channel, path: str, caption: str, *, width: int, height: int, size: int
) -> Request:
    """A PNG with a plain caption: a photo, or a document when too large to be one."""
    kind = "photo" if fits_telegram_photo(width, height, size) else "document"
    params = {
        "chat_id": chat.chat_id,
        kind: "attach://picture",
        "caption": escape(fit_text(caption, TELEGRAM.caption), quote=False),
        "parse_mode": HTML,
    }
    method = "sendPhoto" if kind == "photo" else "sendDocument"
    upload = Upload("picture", PICTURE_NAME, path)
    return Request("telegram", method, params, uploads=(upload,), purpose="answer")


def inline_keyboard(buttons: Buttons) -> dict[str, object]:
    """Telegram's inline keyboard: buttons that send their data back as callback queries."""
    rows = [[{"text": label, "callback_data": data} for label, data in row] for row in buttons]
    return {"inline_keyboard": [row for row in rows if row]}


def force_reply(placeholder: str) -> dict[str, object]:
    """Opens the reply field in Telegram's apps, with a hint of what to type."""
    return {"force_reply": True, "input_field_placeholder": placeholder[:64]}


def with_markup(request: Request, markup: dict[str, object]) -> Request:
    return request.with_params(reply_markup=markup)


def callback_answer(query_id: str, text: str, *, alert: bool = False) -> Request:
    """The answer to a button press: a short notice (an alert box with `alert`)."""
    short = text if len(text) <= CALLBACK_TEXT else text[: CALLBACK_TEXT - 1] + "…"
    params: dict[str, object] = {"callback_query_id": query_id, "text": short}
    if alert:
        params["show_alert"] = True
    return Request("telegram", "answerCallbackQuery", params, purpose="answer")


def drop_keyboard(chat_id: str, message_id: str) -> Request:
    """Takes the inline keyboard off a message."""
    params = {"chat_id": chat_id, "message_id": int(message_id)}
    return Request("telegram", "editMessageReplyMarkup", params, purpose="answer")


def discord_buttons(buttons: Buttons) -> list[dict[str, object]]:
    """Discord action rows of buttons (secondary style) whose custom ids come back as
    component interactions."""
    rows: list[dict[str, object]] = []
    for row in buttons:
        for start in range(0, len(row), DISCORD_ROW):
            items = [
                {"type": 2, "style": 2, "label": label[:DISCORD_LABEL], "custom_id": data}
                for label, data in row[start : start + DISCORD_ROW]
            ]
            rows.append({"type": 1, "components": items})
    return rows


def discord_picture(
    channel: Channel, path: str | None, content: str, buttons: Buttons = ()
) -> Request:
    """A message with the PNG attached (when there is one) and buttons."""
    payload: dict[str, object] = {"content": fit_content(content),
                                  "allowed_mentions": ALLOWED_MENTIONS}  # fmt: skip
    if buttons:
        payload["components"] = discord_buttons(buttons)
    uploads: tuple[Upload, ...] = ()
    if path is not None:
        uploads = (Upload("files[0]", PICTURE_NAME, path),)
        payload["attachments"] = [{"id": "0", "filename": PICTURE_NAME}]
    route = f"/channels/{channel.channel_id}/messages"
    return Request("discord", "POST", payload, path=route, uploads=uploads, purpose="answer")
