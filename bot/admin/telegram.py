"""Admin commands on Telegram: a python-telegram-bot Application around the publisher's bot.

Updates come by getUpdates long polling. Commands count in private chats and in the configured
admin chat; other groups are ignored. Answers go to the admin's private chat with the bot (to
the admin chat when the bot may not write privately). The bot belongs to the publisher, which
shuts it down after the outbox drained, so stopping here never shuts the bot down.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from ..config import TelegramCfg
from ..domain import Channel
from ..errors import AdminError, DeliveryError
from ..format.model import Request
from ..format.profiles import PROFILES
from ..format.telegram import fit_text, text_request
from ..ingest.writer import MAX_PHOTO_BYTES, Photo
from ..service.admin import AdminOps
from .commands import COMMANDS, HELP_SUMMARY, NAMES, help_text
from .telegram_commands import Answer, Incoming, handle, needs_photos, split_command

Send = Callable[[Channel, Request], Awaitable[object]]
TELEGRAM_PROFILE = PROFILES["telegram"]

log = logging.getLogger(__name__)
ALBUM_WAIT = 1.0  # seconds to gather the other photos of an album sent with a command
STALE_AFTER = timedelta(minutes=10)
POLL_PROBLEM_FOR = 30.0  # seconds a polling error keeps the health check red
REFUSAL = "Sorry, these commands are for the association's admins. Please ask an admin for help."
MEMBER_HELP = ("This bot publishes the announcements of the {name}. Its commands are for the"
               " association's admins.")  # fmt: skip
FAILED = "Sorry, that did not work because of an error on my side. It has been logged."


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


class TelegramAdmin:
    def __init__(
        self,
        ops: AdminOps,
        bot: Bot,
        cfg: TelegramCfg,
        *,
        chats: Iterable[str],
        association: str,
        send: Send,
    ) -> None:
        self.admin, self.bot, self.association, self.send = ops, bot, association, send
        self.admin_chat = str(cfg.admin_chat) if cfg.admin_chat else None
        self.auth = ChatAdmins(bot, cfg.admins, list(chats) if cfg.chat_admins_are_admins else [])
        self.albums: dict[str, dict[int, Message]] = {}
        self._poll_error: tuple[datetime, str] | None = None
        self.application: Any = Application.builder().bot(bot).job_queue(None).build()
        commands = filters.UpdateType.MESSAGE & (filters.COMMAND | filters.CaptionRegex(r"^/\w"))
        self.application.add_handler(MessageHandler(commands, self._on_command, block=False))
        album_photo = filters.UpdateType.MESSAGE & filters.PHOTO
        self.application.add_handler(MessageHandler(album_photo, self._on_photo), group=1)

    async def start(self) -> None:
        await self.application.initialize()
        await self.application.start()
        await self.register_commands()
        await self.application.updater.start_polling(
            allowed_updates=["message"], timeout=timedelta(seconds=20),
            error_callback=self._poll_failed,
        )  # fmt: skip
        log.info("admin commands: listening on Telegram")

    def _poll_failed(self, exc: TelegramError) -> None:
        log.warning("Telegram polling: %s", exc)
        self._poll_error = (datetime.now(UTC), str(exc))

    def problem(self, now: datetime) -> str | None:
        """For the health check: polling stopped, or failing in the last half minute."""
        if not self.application.updater.running:
            return "Telegram: the admin commands stopped listening"
        if self._poll_error and (now - self._poll_error[0]).total_seconds() < POLL_PROBLEM_FOR:
            return f"Telegram: polling for commands fails: {self._poll_error[1]}"
        return None

    async def stop(self) -> None:
        if self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()

    async def register_commands(self) -> None:
        """Members see /help only; admins (and the admin chat) see every command."""
        helper = BotCommand("help", HELP_SUMMARY)
        full = [BotCommand(c.name, c.summary) for c in COMMANDS] + [helper]
        scopes: list[tuple[Any, list[BotCommand]]] = [(BotCommandScopeDefault(), [helper])]
        scopes += [(BotCommandScopeChat(uid), full) for uid in sorted(await self.auth.everyone())]
        if self.admin_chat:
            scopes.append((BotCommandScopeChat(self.admin_chat), full))
        for scope, listed in scopes:
            try:
                await self.bot.set_my_commands(listed, scope=scope)
            except TelegramError as exc:
                where = getattr(scope, "chat_id", "everyone")
                log.warning("Telegram: cannot set the command list for %s: %s", where, exc.message)

    # -- updates --------------------------------------------------------------------------------
    async def _on_photo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        if msg is None or not msg.media_group_id:
            return
        if msg.chat.type != "private" and str(msg.chat.id) != self.admin_chat:
            return
        cutoff = datetime.now(UTC) - timedelta(minutes=2)
        for group, items in list(self.albums.items()):
            if min(m.date for m in items.values()) < cutoff:
                del self.albums[group]
        self.albums.setdefault(msg.media_group_id, {})[msg.message_id] = msg

    async def _on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg, user, chat = update.message, update.effective_user, update.effective_chat
        if msg is None or user is None or chat is None:
            return
        parsed = split_command(msg.text or msg.caption or "", self.bot.username)
        if parsed is None:
            return
        command, args = parsed
        if chat.type != "private" and str(chat.id) != self.admin_chat:
            log.debug("Telegram: /%s in chat %s ignored (not the admin chat)", command, chat.id)
            return
        allowed = await self.auth.allows(user.id)
        if command in ("help", "start"):
            name = self.association
            text = help_text(name) if allowed else MEMBER_HELP.format(name=name)
            await self._answer(msg, user.id, [Answer(text)])
            return
        if not allowed:
            log.warning("Telegram: refused /%s from user %s (@%s) in chat %s",
                        command, user.id, user.username, chat.id)  # fmt: skip
            await self._answer(msg, user.id, [Answer(REFUSAL)])
            return
        await self._answer(msg, user.id, await self._run(msg, command, args))

    async def _run(self, msg: Message, command: str, args: str) -> list[Answer]:
        if command not in NAMES:
            return [Answer(f"/{command} is not a command I know; /help lists them.")]
        if msg.date < datetime.now(UTC) - STALE_AFTER:
            return [Answer(f"/{command} reached me late, probably while I was offline, so I did not"
                           " carry it out. Send it again if it is still wanted.")]  # fmt: skip
        reply = msg.reply_to_message
        try:
            photos = await self._photos(msg) if needs_photos(command) else []
            quoted = (reply.text or reply.caption) if reply is not None else None
            incoming = Incoming(command, args, quoted, photos)
            return await handle(self.admin, incoming)
        except AdminError as exc:
            return [Answer(str(exc))]
        except Exception:
            log.exception("Telegram: /%s failed", command)
            return [Answer(FAILED)]

    async def _photos(self, msg: Message) -> list[Photo]:
        messages = {msg.message_id: msg}
        if msg.media_group_id:
            await asyncio.sleep(ALBUM_WAIT)
            messages |= self.albums.pop(msg.media_group_id, {})
        found = [messages[k] for k in sorted(messages)]
        if msg.reply_to_message is not None:
            found.append(msg.reply_to_message)
        photos: list[Photo] = []
        for item in found:
            if not item.photo:
                continue
            size = item.photo[-1]
            if size.file_size and size.file_size > MAX_PHOTO_BYTES:
                mib = size.file_size / 2**20
                raise AdminError(f"A photo is {mib:.1f} MiB; the limit is 10 MiB.")
            data = await (await size.get_file()).download_as_bytearray()
            photos.append(Photo(bytes(data), f"message {item.message_id}"))
        return photos

    # -- answers --------------------------------------------------------------------------------
    async def _answer(self, msg: Message, user_id: int, answers: list[Answer]) -> None:
        private = msg.chat.type == "private"
        for answer in answers:
            if await self._send(user_id, answer, msg.message_id if private else None):
                continue
            if not private and await self._send(msg.chat.id, answer, msg.message_id):
                continue
            log.warning("Telegram: could not answer user %s", user_id)
            return

    async def _send(self, chat_id: int, answer: Answer, reply_to: int | None) -> bool:
        """One answer, through the sending path every message takes (paced, retried briefly)."""
        chat = Channel("admin-reply", "telegram", chat_id=str(chat_id))
        html = answer.text if answer.html else escape(fit_text(answer.text), quote=False)
        request = text_request(chat, html, purpose="answer")
        if reply_to is not None:
            request = TELEGRAM_PROFILE.reply(request, chat, str(reply_to))
        try:
            await self.send(chat, request)
        except DeliveryError as exc:
            log.warning("Telegram: answer to %s failed: %s", chat_id, exc)
            return False
        return True
