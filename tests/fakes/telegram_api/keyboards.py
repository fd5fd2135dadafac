"""Inline keyboards as the Bot API checks them: at most 8 buttons a row and 100 in all; every
button has a text and exactly one action; a URL is http(s) or tg; ``callback_data`` is 1–64
bytes. Replies to button presses: at most 200 characters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .common import ApiError

MAX_CALLBACK_ANSWER = 200  # characters
BUTTON_KINDS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
MAX_CALLBACK_BYTES = 64
MAX_ROW = 8  # buttons in one row of an inline keyboard
MAX_BUTTONS = 100


def check_inline_keyboard(markup: Any) -> None:
    """Refuse a `reply_markup` inline keyboard the way the Bot API does."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ApiError.bad_request("can't parse inline keyboard: field \"inline_keyboard\" must "
                                   "be an Array of Array")  # fmt: skip
    if sum(len(r) for r in rows) > MAX_BUTTONS or any(len(r) > MAX_ROW for r in rows):
        raise ApiError.bad_request("BUTTONS_TOO_MUCH")
    for row in rows:
        for button in row:
            _check_button(button)


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError.bad_request("can't parse inline keyboard button: Field \"text\" must be "
                                   "of type String")  # fmt: skip
    if not button["text"].strip():
        raise ApiError.bad_request("can't parse inline keyboard button: text must be non-empty")
    kinds = [k for k in BUTTON_KINDS if k in button]
    if not kinds:
        raise ApiError.bad_request("can't parse inline keyboard button: Text buttons are "
                                   "unallowed in the inline keyboard")  # fmt: skip
    if len(kinds) > 1:
        raise ApiError.bad_request("can't parse inline keyboard button: only one of the "
                                   "optional fields can be used")  # fmt: skip
    if "url" in button:
        url = button["url"]
        parts = urlsplit(url) if isinstance(url, str) else None
        if (
            parts is None
            or parts.scheme not in ("http", "https", "tg")
            or not (parts.netloc or parts.scheme == "tg")
        ):
            raise ApiError.bad_request("BUTTON_URL_INVALID")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES:
            raise ApiError.bad_request("BUTTON_DATA_INVALID")


def check_callback_answer(params: Mapping[str, Any]) -> None:
    text = params.get("text")
    if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER:
        raise ApiError.bad_request("MESSAGE_TOO_LONG")
