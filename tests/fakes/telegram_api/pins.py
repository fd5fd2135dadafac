"""pinChatMessage and unpinChatMessage with the rights they need, as the real server applies
them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .common import ApiError
from .decoding import _as_int, _Request
from .models import FakeChat


class _PinMethods:
    """The chat's pinned messages; only a bot with the right may change them."""

    pins: dict[int, list[int]]

    def _may_pin(self, chat: FakeChat) -> None:
        if chat.type == "private":
            return
        if not chat.bot_is_admin or not chat.bot_rights.get("can_pin_messages", True):
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
