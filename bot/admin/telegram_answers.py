"""Answers on Telegram through the one sending path: texts, preview pictures with their
captions, inline keyboards, and the answers to button presses."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from html import escape

from PIL import Image

from ..domain import Channel
from ..errors import DeliveryError
from ..format.admin import (
    callback_answer,
    drop_keyboard,
    inline_keyboard,
    telegram_picture,
    with_markup,
)
from ..format.model import Request
from ..format.profiles import PROFILES
from ..format.telegram import fit_text, text_request
from .telegram_commands import Answer

Send = Callable[[Channel, Request], Awaitable[object]]
TELEGRAM_PROFILE = PROFILES["telegram"]
log = logging.getLogger(__name__)


def chat_of(chat_id: int | str) -> Channel:
    return Channel("admin-reply", "telegram", chat_id=str(chat_id))


def answer_request(chat: Channel, answer: Answer) -> Request:
    request: Request | None = None
    if answer.picture is not None:
        try:
            with Image.open(answer.picture) as image:
                width, height = image.size
            size = answer.picture.stat().st_size
            request = telegram_picture(chat, str(answer.picture), answer.text, width=width,
                                       height=height, size=size)  # fmt: skip
        except OSError as exc:
            log.warning("Telegram: the preview picture is unreadable (%s); sending text", exc)
    if request is None:
        html = answer.text if answer.html else escape(fit_text(answer.text), quote=False)
        request = text_request(chat, html, purpose="answer")
    if answer.buttons:
        request = with_markup(request, inline_keyboard(answer.buttons))
    return request


async def send_answer(
    send: Send, chat_id: int | str, answer: Answer, reply_to: int | None = None,
    *, markup: dict[str, object] | None = None,
) -> str | None:  # fmt: skip
    """Send one answer (with `markup` as its reply markup, when given); the new message's id,
    or None when it could not be sent (logged)."""
    chat = chat_of(chat_id)
    request = answer_request(chat, answer)
    if markup is not None:
        request = with_markup(request, markup)
    if reply_to is not None:
        request = TELEGRAM_PROFILE.reply(request, chat, str(reply_to))
    try:
        ids = await send(chat, request)
    except DeliveryError as exc:
        log.warning("Telegram: answer to %s failed: %s", chat_id, exc)
        return None
    listed = ids if isinstance(ids, list) else []
    return str(listed[0]) if listed else ""


async def answer_press(
    send: Send, chat_id: int | str, query_id: str, text: str, alert: bool
) -> None:
    """Stop the button's spinner, with a short notice."""
    try:
        await send(chat_of(chat_id), callback_answer(query_id, text, alert=alert))
    except DeliveryError as exc:
        log.warning("Telegram: cannot answer a button press: %s", exc)


async def drop_buttons(send: Send, chat_id: int | str, message_id: int | str) -> None:
    try:
        await send(chat_of(chat_id), drop_keyboard(str(chat_id), str(message_id)))
    except DeliveryError as exc:
        log.warning("Telegram: cannot take the buttons off message %s: %s", message_id, exc)
