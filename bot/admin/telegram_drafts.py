"""Drafts on Telegram: shown with an inline keyboard, decided by the presses of its buttons
(callback queries), a time for Schedule… given by replying to the bot's question.

The callback data is only a lookup key: who pressed is checked again here (admins and editors
are answered, anyone else refused) and by the drafts service (only admins decide).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, Message, User

from ..format.admin import force_reply
from ..i18n import Words, words
from ..ingest.writer import Photo
from ..service.answers import quoted
from ..service.drafts import Drafts, Outcome, Person, Shown
from ..store.repo import ShownAt
from .buttons import buttons, parse_data
from .telegram_answers import Send, answer_press, drop_buttons, send_answer
from .telegram_commands import Answer, Drafter
from .when import EXAMPLES, WhenError, parse_when

log = logging.getLogger(__name__)
Role = Callable[[int], Awaitable[str | None]]  # user id → admin, editor or None


def refusal(w: Words) -> str:
    return w._("Sorry, these commands are for the association's admins. Please ask an admin for "
               "help.")  # fmt: skip


def person(user: User, role: str, w: Words) -> Person:
    name = user.full_name + (f" (@{user.username})" if user.username else "")
    return Person("telegram", str(user.id), name, w.lang, admin=role == "admin")


class TelegramDrafts:
    def __init__(
        self, drafts: Drafts, send: Send, *, role: Role, admin_chat: str | None,
        admins: Sequence[int], tz: ZoneInfo, clock: Callable[[], datetime], publish_hour: int,
    ) -> None:  # fmt: skip
        self.drafts, self.send, self.role = drafts, send, role
        self.admin_chat, self.admins = admin_chat, list(admins)
        self.tz, self.clock, self.publish_hour = tz, clock, publish_hour

    def drafter(self, author: Person, w: Words) -> Drafter:
        async def make(
            title: str, text: str, photos: Sequence[Photo], channels: Sequence[str] | None,
            publish_at: datetime | None,
        ) -> list[Answer]:  # fmt: skip
            shown = await self.drafts.create(
                author, title, text, photos, channels, publish_at=publish_at, w=w
            )
            return [self.answer(shown, w)]

        return make

    def answer(self, shown: Shown, w: Words) -> Answer:
        keys = buttons(shown, w, self.tz)
        return Answer(shown.caption, picture=shown.picture, buttons=keys, draft=shown.draft.token)

    # -- the Desk of the drafts service -----------------------------------------------------
    async def review(self, shown: Shown) -> bool:
        """An editor's draft, with Approve / Reject, in the admin chat (without one: to each
        configured admin privately)."""
        targets = [self.admin_chat] if self.admin_chat else [str(a) for a in self.admins]
        answer = self.answer(shown, self.drafts.desk_words)
        reached = False
        for chat in targets:
            if message := await send_answer(self.send, chat, answer):
                self.drafts.note(shown.draft.token, ShownAt("telegram", chat, message, "review"))
                reached = True
        return reached

    async def tell(self, to: Person, text: str) -> None:
        await send_answer(self.send, to.id, Answer(text))

    # -- presses and replies ----------------------------------------------------------------
    async def on_press(self, query: CallbackQuery) -> None:
        user, message = query.from_user, query.message
        w = words(user.language_code)
        chat = message.chat.id if message is not None else user.id
        role = await self.role(user.id)
        if role is None:
            log.warning("Telegram: refused a button press from user %s (@%s)", user.id,
                        user.username)  # fmt: skip
            await answer_press(self.send, chat, query.id, refusal(w), alert=True)
            return
        parsed = parse_data(query.data)
        if parsed is None:
            log.warning("Telegram: a button press from user %s carries data the bot never "
                        "made: %r", user.id, (query.data or "")[:64])  # fmt: skip
            text = w._("This button is not one of mine; nothing was done.")
            await answer_press(self.send, chat, query.id, text, alert=True)
            return
        token, action = parsed
        actor = person(user, role, w)
        if action == "schedule":
            outcome = self.drafts.check(token, action, actor, w)
            if outcome is None:
                await self._ask_time(token, chat, message.message_id if message else None, w)
                text = w._("Reply to my question with the time.")
                await answer_press(self.send, chat, query.id, text, alert=False)
                return
        else:
            outcome = await self.drafts.press(token, action, actor, w)
        await self._settle(outcome, chat, message.message_id if message else None, query.id)

    async def _ask_time(self, token: str, chat: int, reply_to: int | None, w: Words) -> None:
        draft = self.drafts.get(token)
        title = quoted(draft.title) if draft else ""
        ask = w._("When should {title} go out? Reply to this message with the time, like "
                  "{examples}.").format(title=title, examples=EXAMPLES)  # fmt: skip
        markup = force_reply("fri 18:00")
        # not sent (logged): the admin may press again
        if message := await send_answer(self.send, chat, Answer(ask), reply_to, markup=markup):
            self.drafts.note(token, ShownAt("telegram", str(chat), message, "ask"))

    async def _settle(
        self, outcome: Outcome, chat: int, message_id: int | None, query_id: str
    ) -> None:
        """A decision is answered below the draft; a refusal in an alert. Buttons that can do
        nothing any more go."""
        await answer_press(self.send, chat, query_id, outcome.text, alert=not outcome.done)
        if outcome.close and message_id is not None:
            await drop_buttons(self.send, chat, message_id)
        if outcome.done:
            await send_answer(self.send, chat, Answer(outcome.text), reply_to=message_id)

    async def on_reply(self, msg: Message) -> bool:
        """A reply to the bot's question for a draft's time; False for any other message."""
        reply, user = msg.reply_to_message, msg.from_user
        if reply is None or user is None:
            return False
        draft = self.drafts.asked("telegram", str(msg.chat.id), str(reply.message_id))
        if draft is None:
            return False
        w = words(user.language_code)
        role = await self.role(user.id)
        if role is None:
            await send_answer(self.send, user.id, Answer(refusal(w)))
            return True
        try:
            when = parse_when(msg.text or "", now=self.clock(), default_hour=self.publish_hour,
                              w=w)  # fmt: skip
        except WhenError as exc:
            await send_answer(self.send, msg.chat.id, Answer(str(exc)), reply_to=msg.message_id)
            return True
        outcome = await self.drafts.press(draft.token, "schedule", person(user, role, w), w,
                                          when=when)  # fmt: skip
        await send_answer(self.send, msg.chat.id, Answer(outcome.text), reply_to=msg.message_id)
        if outcome.close:
            for seen in draft.shown:
                if seen.platform == "telegram" and seen.role in ("draft", "review"):
                    await drop_buttons(self.send, seen.chat, seen.message)
        return True
