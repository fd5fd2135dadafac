"""Inline keyboards as the Bot API checks them: every button has a text and exactly one
action; ``callback_data`` is 1–64 bytes. Replies to button presses: at most 200 characters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .common import ApiError

MAX_CALLBACK_DATA = 64  # bytes
MAX_CALLBACK_ANSWER = 200  # characters
_ACTIONS = ("url", "callback_data", "switch_inline_query", "web_app", "login_url", "pay",
            "copy_text", "switch_inline_query_current_chat", "callback_game")  # fmt: skip


def check_markup(params: Mapping[str, Any]) -> None:
    markup = params.get("reply_markup")
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ApiError.bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup "
                                   "should be an Array of Arrays")  # fmt: skip
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text") or "").strip():
                raise ApiError.bad_request("text buttons are unallowed in the inline keyboard")
            if sum(1 for key in _ACTIONS if key in button) != 1:
                raise ApiError.bad_request("BUTTON_TYPE_INVALID")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                raise ApiError.bad_request("BUTTON_DATA_INVALID")


def check_callback_answer(params: Mapping[str, Any]) -> None:
    text = params.get("text")
    if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER:
        raise ApiError.bad_request("MESSAGE_TOO_LONG")
