"""Who may use the commands on Telegram: configured user ids, optionally the announcement
chats' administrators (asked of Telegram, cached for a few minutes)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from telegram import Bot
from telegram.error import TelegramError

log = logging.getLogger(__name__)


class ChatAdmins:
    """Who may use the commands: configured user ids, optionally the announcement chats' admins."""

    def __init__(self, bot: Bot, admins: Iterable[int], chats: Iterable[str], ttl: float = 300.0):
        self.bot, self.admins, self.chats, self.ttl = bot, set(admins), list(chats), ttl
        self._cache: dict[str, tuple[float, frozenset[int]]] = {}

    async def of_chat(self, chat_id: str) -> frozenset[int]:
        cached = self._cache.get(chat_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        try:
            members = await self.bot.get_chat_administrators(chat_id)
            ids = frozenset(m.user.id for m in members if not m.user.is_bot)
        except TelegramError as exc:
            log.warning("Telegram: cannot list the administrators of %s: %s", chat_id, exc.message)
            ids = cached[1] if cached else frozenset()
        self._cache[chat_id] = (time.monotonic() + self.ttl, ids)
        return ids

    async def everyone(self) -> set[int]:
        found = set(self.admins)
        for chat in self.chats:
            found |= await self.of_chat(chat)
        return found

    async def allows(self, user_id: int) -> bool:
        if user_id in self.admins:
            return True
        for chat in self.chats:
            if user_id in await self.of_chat(chat):
                return True
        return False
