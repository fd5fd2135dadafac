"""Telegram for `doctor`: `getMe`, `getChat` and `getChatMember` only; nothing is sent.

python-telegram-bot's errors become lines that say what is wrong and what to do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from telegram import Bot, ChatFullInfo
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError

from ..domain import Channel
from .probe import PROBE_TIMEOUT, Check, Needs, Unanswered, failed, passed, warning
from .telegram import _network_reason
from .telegram_rights import ChatFacts, MemberFacts, judge

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
T = TypeVar("T")


class TelegramProbe:
    def __init__(self, bot: Bot | None, *, admins: Sequence[int] = ()) -> None:
        self.bot = bot  # None: no token in the environment
        self.admins = list(admins)
        self._ready = False
        self._username = ""

    async def open(self, channels: Sequence[Channel]) -> list[Check]:
        if not channels and not self.admins:
            return []
        if self.bot is None:
            return [failed(
                "telegram", f"{TOKEN_ENV} is not set, so nothing can be sent to Telegram",
                f"set {TOKEN_ENV} to the token @BotFather gave the bot",
            )]  # fmt: skip
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                await self.bot.initialize()  # getMe
        except InvalidToken:
            return [failed(
                "telegram", "Telegram refused the bot token",
                f"set {TOKEN_ENV} to the bot's current token (@BotFather → /mybots → API Token)",
            )]  # fmt: skip
        except (NetworkError, TimeoutError) as exc:
            reason = _network_reason(exc) if isinstance(exc, NetworkError) else "timed out"
            return [failed(
                "telegram", f"Telegram did not answer: {reason}",
                "check the network, or [telegram] api_url for a self-hosted Bot API server",
            )]  # fmt: skip
        self._ready = True
        self._username = self.bot.username
        return [passed("telegram", f"the token works: the bot is @{self._username}")]

    async def close(self) -> None:
        if self.bot is not None and self._ready:
            await self.bot.shutdown()

    async def channel(self, channel: Channel, needs: Needs) -> list[Check]:
        name = channel.name
        if not self._ready or self.bot is None:
            return [warning(name, "not checked: no working Telegram token (see above)")]
        ref, key = channel.chat_id or "", "[telegram] admin_chat" if needs.reports else "chat_id"
        try:
            chat = _chat_facts(await self._call(name, ref, key, self.bot.get_chat(ref)))
            member = None
            if chat.type != "private":
                asked = self.bot.get_chat_member(chat.id, self.bot.id)
                found = await self._call(name, ref, key, asked)
                rights = {k: v for k, v in found.to_dict().items() if k.startswith("can_")}
                member = MemberFacts(found.status, rights)
        except Unanswered as exc:
            return [exc.check]
        return judge(name, chat, member, needs, channel.thread_id)

    async def extras(self) -> list[Check]:
        """Each admin in [telegram] admins has a private chat with the bot (answers and
        reports reach them only then)."""
        if not self._ready or self.bot is None:
            return []
        checks = []
        for user_id in self.admins:
            name = f"admin {user_id}"
            try:
                async with asyncio.timeout(PROBE_TIMEOUT):
                    user = await self.bot.get_chat(user_id)
            except (BadRequest, Forbidden) as exc:
                blocked = isinstance(exc, Forbidden)
                checks.append(warning(
                    name, "has blocked the bot" if blocked else
                    "has not started a private chat with the bot, so the bot's answers cannot "
                    "reach them", f"ask them to open https://t.me/{self._username} and press Start",
                ))  # fmt: skip
                continue
            except (TelegramError, TimeoutError) as exc:
                checks.append(failed(name, f"Telegram did not answer: {exc}", "try again"))
                continue
            who = " ".join(p for p in (user.first_name, user.last_name) if p) or user.username
            checks.append(passed(name, f"{who or user_id} has a private chat with the bot"))
        return checks

    async def _call(self, name: str, ref: str, key: str, call: Awaitable[T]) -> T:
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                return await call
        except BadRequest as exc:
            if "not found" in exc.message.lower():
                raise Unanswered(failed(
                    name, f"Telegram knows no chat {ref} that the bot can see",
                    f"check {key} (a public chat may be given as @username), and add the bot "
                    "to the chat (a channel: as an admin with 'Post messages')",
                )) from None  # fmt: skip
            raise Unanswered(failed(name, f"Telegram: {exc.message}", f"check {key}")) from None
        except Forbidden as exc:
            raise Unanswered(failed(
                name, f"Telegram refused: {exc.message} (chat {ref})",
                "add the bot to the chat again (a channel: as an admin with 'Post messages')",
            )) from None  # fmt: skip
        except (NetworkError, TimeoutError) as exc:
            reason = _network_reason(exc) if isinstance(exc, NetworkError) else "timed out"
            raise Unanswered(
                failed(name, f"Telegram did not answer: {reason}", "try again")
            ) from None


def _chat_facts(chat: ChatFullInfo) -> ChatFacts:
    title = chat.title or " ".join(p for p in (chat.first_name, chat.last_name) if p)
    permissions = chat.permissions.to_dict() if chat.permissions is not None else {}
    return ChatFacts(
        chat.id, chat.type, title or str(chat.id), bool(chat.is_forum), dict(permissions)
    )
