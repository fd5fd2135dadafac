"""pinChatMessage and unpinChatMessage with the rights they need, and the rules of inline
keyboards (URL and callback buttons), as the real server applies them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .common import ApiError
from .decoding import _as_int, _Request
from .models import FakeChat

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


class _PinMethods:
    """The chat's pinned messages; only a bot with the right may change them."""

    pins: dict[int, list[int]]

    def _may_pin(self, chat: FakeChat) -> None:
        if chat.type == "private":
            return
        if not chat.bot_is_admin or not chat.bot_can_pin:
            raise ApiError.bad_request("not enough rights to manage pinned messages in the chat")

    def _pinnable(self, params: Mapping[str, Any]) -> tuple[FakeChat, int]:
        chat = self._target_chat(params)
        self._may_pin(chat)
        message_id = _as_int(params.get("message_id"), 0)
        return chat, message_id

    async def _pin_chat_message(self, req: _Request) -> bool:
        chat, message_id = self._pinnable(req.params)
        if (chat.id, message_id) not in self._messages:
            raise ApiError.bad_request("message to pin not found")
        pinned = self.pins.setdefault(chat.id, [])
        if message_id in pinned:
            pinned.remove(message_id)
        pinned.append(message_id)  # the newest pin shows on top
        self._pin_notifications.append((chat.id, message_id, not req.params.get(
            "disable_notification")))  # fmt: skip
        return True

    async def _unpin_chat_message(self, req: _Request) -> bool:
        chat, message_id = self._pinnable(req.params)
        pinned = self.pins.setdefault(chat.id, [])
        if not message_id:  # without an id: the most recent pin
            if pinned:
                pinned.pop()
            return True
        if message_id not in pinned:
            raise ApiError.bad_request("message to unpin not found")
        pinned.remove(message_id)
        return True

    def pinned_in(self, chat_id: int | str) -> list[int]:
        """The chat's pinned message ids, oldest pin first."""
        chat = self.chat(chat_id)
        return [] if chat is None else list(self.pins.get(chat.id, []))
