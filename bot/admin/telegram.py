"""Admin commands on Telegram: a python-telegram-bot Application around the publisher's bot.

Updates come by getUpdates long polling. Commands count in private chats and in the configured
admin chat; other groups are ignored. Answers go to the admin's private chat with the bot (to
the admin chat when the bot may not write privately). The bot belongs to the publisher, which
shuts it down after the outbox drained, so stopping here never shuts the bot down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    Chat,
    Message,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from ..config import AdminCfg, TelegramCfg
from ..errors import AdminError
from ..i18n import Words, words
from ..service.admin import AdminOps
from ..service.drafts import Drafts
from ..store.repo import ShownAt
from .commands import COMMANDS, EDITOR_COMMANDS, HELP_SUMMARY, NAMES, failed, help_text
from .telegram_answers import Send, answer_press, send_answer
from .telegram_auth import ChatAdmins
from .telegram_commands import (
    Answer,
    Incoming,
    handle,
    needs_photos,
    preview_answers,
    split_command,
    unknown_command,
)
from .telegram_drafts import TelegramDrafts, person, refusal
from .telegram_photos import Albums

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=10)
POLL_PROBLEM_FOR = 30.0  # seconds a polling error keeps the health check red
REFUSAL = refusal(words("en"))


def member_help(name: str, w: Words) -> str:
    return w._("This bot publishes the announcements of the {name}. Its commands are for the "
               "association's admins.").format(name=name)  # fmt: skip


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
        drafts: Drafts,
        admin_cfg: AdminCfg,
    ) -> None:
        self.admin, self.bot, self.association, self.send = ops, bot, association, send
        self.admin_chat = str(cfg.admin_chat) if cfg.admin_chat else None
        self.auth = ChatAdmins(bot, cfg.admins, list(chats) if cfg.chat_admins_are_admins else [])
        self._poll_error: tuple[datetime, str] | None = None
        self.confirm, self.editors = admin_cfg.confirm, set(admin_cfg.editors)
        self.drafts = TelegramDrafts(
            drafts, send, role=self.role, admin_chat=self.admin_chat, admins=cfg.admins,
            tz=ops.queries.tz, clock=ops.clock, publish_hour=ops.publish_hour,
        )  # fmt: skip
        drafts.desks["telegram"] = self.drafts
        self.albums = Albums()
        self.menus: set[str] = set()  # the languages whose command lists are set
        self.background: set[asyncio.Task[None]] = set()
        self.application: Any = Application.builder().bot(bot).job_queue(None).build()
        commands = filters.UpdateType.MESSAGE & (filters.COMMAND | filters.CaptionRegex(r"^/\w"))
        self.application.add_handler(MessageHandler(commands, self._on_command, block=False))
        replies = filters.UpdateType.MESSAGE & filters.REPLY & filters.TEXT & ~filters.COMMAND
        self.application.add_handler(MessageHandler(replies, self._on_reply, block=False))
        self.application.add_handler(CallbackQueryHandler(self._on_button, block=False))
        album_photo = filters.UpdateType.MESSAGE & filters.PHOTO
        self.application.add_handler(MessageHandler(album_photo, self._on_photo), group=1)

    async def start(self) -> None:
        await self.application.initialize()
        await self.application.start()
        await self.register_commands()
        await self.application.updater.start_polling(
            allowed_updates=["message", "callback_query"], timeout=timedelta(seconds=20),
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
        for task in self.background:
            task.cancel()
        if self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()

    async def role(self, user_id: int) -> str | None:
        """admin, editor, or None for anyone else."""
        if await self.auth.allows(user_id):
            return "admin"
        return "editor" if user_id in self.editors else None

    async def register_commands(self, langs: Sequence[str] = ("en",)) -> None:
        """Members see /help only; admins (and the admin chat) every command, editors theirs.

        English at start; the lists for apps in Khmer or Japanese when someone writing in that
        language first sends a command (its catalogue is loaded then anyway)."""
        admins = sorted(await self.auth.everyone())
        editors = sorted(self.editors - set(admins))
        for lang in langs:
            self.menus.add(lang)
            w = words(lang)
            helper = BotCommand("help", w._(HELP_SUMMARY))
            full = [BotCommand(c.name, w._(c.summary)) for c in COMMANDS] + [helper]
            drafting = [c for c in full if c.command in EDITOR_COMMANDS or c is helper]
            scopes: list[tuple[Any, list[BotCommand]]] = [(BotCommandScopeDefault(), [helper])]
            scopes += [(BotCommandScopeChat(uid), full) for uid in admins]
            scopes += [(BotCommandScopeChat(uid), drafting) for uid in editors]
            if self.admin_chat:
                scopes.append((BotCommandScopeChat(self.admin_chat), full))
            for scope, listed in scopes:
                await self._set_commands(listed, scope, None if lang == "en" else lang)

    async def _set_commands(self, listed: list[BotCommand], scope: Any, lang: str | None) -> None:
        try:
            await self.bot.set_my_commands(listed, scope=scope, language_code=lang)
        except TelegramError as exc:
            where = getattr(scope, "chat_id", "everyone")
            log.warning("Telegram: cannot set the command list for %s: %s", where, exc.message)

    # -- updates --------------------------------------------------------------------------------
    def _ignored(self, chat: Chat) -> bool:
        """A group other than the admin chat: its messages are not for the bot."""
        return chat.type != "private" and str(chat.id) != self.admin_chat

    async def _on_photo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        if msg is None or not msg.media_group_id:
            return
        if self._ignored(msg.chat):
            return
        self.albums.note(msg)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            await self.drafts.on_press(query)
        except Exception:
            log.exception("Telegram: a button press failed")
            chat = query.message.chat.id if query.message else query.from_user.id
            text = failed(words(query.from_user.language_code))
            await answer_press(self.send, chat, query.id, text, alert=True)

    async def _on_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        if msg is None:
            return
        if self._ignored(msg.chat):
            return
        try:
            await self.drafts.on_reply(msg)
        except Exception:
            log.exception("Telegram: a reply with a time failed")
            language = msg.from_user.language_code if msg.from_user else None
            await send_answer(self.send, msg.chat.id, Answer(failed(words(language))))

    async def _on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg, user, chat = update.message, update.effective_user, update.effective_chat
        if msg is None or user is None or chat is None:
            return
        parsed = split_command(msg.text or msg.caption or "", self.bot.username)
        if parsed is None:
            return
        command, args = parsed
        if self._ignored(chat):
            log.debug("Telegram: /%s in chat %s ignored (not the admin chat)", command, chat.id)
            return
        role, w = await self.role(user.id), words(user.language_code)
        if w.lang not in self.menus:
            self.menus.add(w.lang)
            task = asyncio.create_task(self.register_commands((w.lang,)))
            self.background.add(task)
            task.add_done_callback(self.background.discard)
        if command in ("help", "start"):
            name = self.association
            text = help_text(name, w, editor=role == "editor") if role else member_help(name, w)
            await self._answer(msg, user.id, [Answer(text)])
            return
        if role is None or (role == "editor" and command not in EDITOR_COMMANDS):
            log.warning("Telegram: refused /%s from user %s (@%s) in chat %s",
                        command, user.id, user.username, chat.id)  # fmt: skip
            await self._answer(msg, user.id, [Answer(refusal(w))])
            return
        await self._answer(msg, user.id, await self._run(msg, command, args, role, w))

    async def _run(
        self, msg: Message, command: str, args: str, role: str, w: Words
    ) -> list[Answer]:
        if command not in NAMES:
            return [Answer(unknown_command(command, w))]
        if msg.date < datetime.now(UTC) - STALE_AFTER:
            late = w._("{command} reached me late, probably while I was offline, so I did not "
                       "carry it out. Send it again if it is still wanted.")  # fmt: skip
            return [Answer(late.format(command=f"/{command}"))]
        reply, user = msg.reply_to_message, msg.from_user
        try:
            if command == "preview":
                return await self._preview(args, w)
            photos = await self.albums.photos(msg, w) if needs_photos(command) else []
            quoted = (reply.text or reply.caption) if reply is not None else None
            incoming = Incoming(command, args, quoted, photos)
            drafter = None
            if user is not None and (self.confirm or role != "admin"):
                drafter = self.drafts.drafter(person(user, role, w), w)
            return await handle(self.admin, incoming, w, drafter)
        except AdminError as exc:
            return [Answer(str(exc))]
        except Exception:
            log.exception("Telegram: /%s failed", command)
            return [Answer(failed(w))]

    async def _preview(self, query: str, w: Words) -> list[Answer]:
        """The picture of both platforms, the description as its caption; without a renderer,
        the text preview."""
        preview = self.admin.preview(query, w)
        picture = await self.drafts.drafts.picture(preview.document)
        if picture is None:
            return preview_answers(preview)
        return [Answer(preview.text, picture=picture)]

    # -- answers --------------------------------------------------------------------------------
    async def _answer(self, msg: Message, user_id: int, answers: list[Answer]) -> None:
        """Privately (as a reply there), else in the chat of the command."""
        private = msg.chat.type == "private"
        for answer in answers:
            where, sent = (
                user_id,
                await send_answer(self.send, user_id, answer, msg.message_id if private else None),
            )
            if sent is None and not private:
                where = msg.chat.id
                sent = await send_answer(self.send, msg.chat.id, answer, msg.message_id)
            if sent is None:
                log.warning("Telegram: could not answer user %s", user_id)
                return
            if answer.draft and sent:
                at = ShownAt("telegram", str(where), sent, "draft")
                self.drafts.drafts.note(answer.draft, at)
