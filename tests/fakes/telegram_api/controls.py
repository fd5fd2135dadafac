"""What tests call on :class:`FakeTelegram` to set it up, script it and inspect it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from .common import UPDATES_OFF_BY_DEFAULT, ChatType, JsonObject
from .decoding import _chat_key, _Upload
from .formatting import _autodetect_entities
from .models import Call, FakeChat, SentMessage, _Fault, _infer_chat_type, _strip_reply
from .rights import STATUSES


class _Controls:
    """Chats, scripted faults, queued updates and the records, for the tests' side."""

    def register_chat(
        self,
        chat_id: int | str,
        *,
        type: ChatType | None = None,
        title: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        is_forum: bool = False,
        owner_id: int | None = None,
        admin_ids: Iterable[int] = (),
        bot_is_admin: bool = True,
        bot_status: str | None = None,
        bot_rights: Mapping[str, bool] | None = None,
        permissions: Mapping[str, bool] | None = None,
        bot_can_pin: bool = True,
    ) -> FakeChat:
        """Make a chat known (and so reachable when ``known_chats`` restricts chats).

        ``chat_id`` may be ``"@username"``: the chat then gets a channel-style id.
        ``bot_status`` (``administrator``, ``member``, ``restricted`` or ``left``; default by
        ``bot_is_admin``) and ``bot_rights`` (``can_*`` fields over that status's defaults)
        make the bot's ChatMember object; ``permissions`` the group's ChatPermissions for
        members. Sending where they forbid it is refused as the Bot API refuses it.
        """
        status = bot_status or ("administrator" if bot_is_admin else "member")
        if not bot_can_pin:  # a shorthand of bot_rights: no right to pin
            bot_rights = {**(bot_rights or {}), "can_pin_messages": False}
        if status not in STATUSES:
            raise ValueError(f"bot_status must be one of {STATUSES}")
        key = _chat_key(chat_id)
        if key is None:
            raise ValueError(f"not a chat id: {chat_id!r}")
        if isinstance(key, str):
            username = username or key[1:]
            existing_id = self._usernames.get(key.lower())
            if existing_id is None:
                existing_id = self._next_channel_id
                self._next_channel_id -= 1
            numeric = existing_id
            kind: ChatType = type or "channel"
        else:
            numeric = key
            kind = type or _infer_chat_type(key)
        previous = self._chats.get(numeric)
        chat = FakeChat(
            id=numeric,
            type=kind,
            title=title,
            username=username,
            first_name=first_name,
            is_forum=is_forum,
            owner_id=owner_id,
            admin_ids=tuple(admin_ids),
            bot_is_admin=status == "administrator",
            kicked=previous.kicked if previous else False,
            next_message_id=previous.next_message_id if previous else 1,
            bot_status=status,
            bot_rights=dict(bot_rights or {}),
            permissions=dict(permissions) if permissions is not None else None,
        )
        self._chats[numeric] = chat
        if username:
            self._usernames["@" + username.lower()] = numeric
        return chat

    def chat(self, chat_id: int | str) -> FakeChat | None:
        key = _chat_key(chat_id)
        if isinstance(key, str):
            numeric = self._usernames.get(key.lower())
            return None if numeric is None else self._chats.get(numeric)
        return None if key is None else self._chats.get(key)

    def kick_bot(self, chat_id: int | str) -> None:
        """From now on the chat answers 403, as when the bot was kicked (or blocked)."""
        chat = self.chat(chat_id) or self.register_chat(chat_id)
        chat.kicked = True

    def readmit_bot(self, chat_id: int | str) -> None:
        chat = self.chat(chat_id)
        if chat is not None:
            chat.kicked = False

    def messages_in(self, chat_id: int | str) -> list[SentMessage]:
        """Messages the bot sent to the chat and has not deleted, oldest first."""
        chat = self.chat(chat_id)
        if chat is None:
            return []
        return [sent for sent in self.sent if sent.chat_id == chat.id and not sent.deleted]

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def commands_for(
        self, scope: Mapping[str, Any] | None = None, language_code: str = ""
    ) -> list[JsonObject]:
        """The command list set for exactly this scope and language."""
        return list(self.commands.get(self._scope_key(scope, language_code), []))

    def reset_rate_limits(self) -> None:
        self._flood.reset()

    def fail_next(
        self,
        method: str | None = None,
        *,
        status: int = 500,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        delay: float = 0.0,
        html: bool = False,
    ) -> None:
        """Script the next ``times`` answers to ``method`` (any method but getUpdates if None).

        ``retry_after`` makes it a 429 with ``parameters.retry_after``. ``delay`` holds the
        answer back (to run into client timeouts); with ``status=200`` the request is carried
        out normally first, so the message exists even if the client gave up waiting. ``html``
        answers with an HTML error page, as a front server (nginx) does for a 502 (with
        ``status=200``: after carrying the request out).
        """
        if retry_after is not None:
            status = HTTPStatus.TOO_MANY_REQUESTS
        self._faults.append(_Fault(method, status, retry_after, description, times, delay, html))

    def push_update(self, update: Mapping[str, Any]) -> int:
        """Queue an update for getUpdates and return its ``update_id``."""
        queued = dict(update)
        if "update_id" in queued:
            self._next_update_id = max(self._next_update_id, int(queued["update_id"]) + 1)
        else:
            queued["update_id"] = self._next_update_id
            self._next_update_id += 1
        kinds = set(queued) - {"update_id"}
        allowed = self._allowed_updates
        if allowed is None or not allowed:
            if not kinds & UPDATES_OFF_BY_DEFAULT:
                self._updates.append(queued)
        elif kinds & allowed:
            self._updates.append(queued)
        callback = queued.get("callback_query")
        if isinstance(callback, dict) and "id" in callback:
            self._callback_ids.add(str(callback["id"]))
        self._wake_pollers()
        return int(queued["update_id"])

    @property
    def pending_updates(self) -> list[JsonObject]:
        return list(self._updates)

    def make_user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JsonObject:
        user: JsonObject = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"User {user_id}",
        }
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def make_command_update(
        self,
        *,
        text: str,
        user_id: int,
        chat_id: int,
        chat_type: ChatType = "private",
        photo: bytes | None = None,
        reply_to: Mapping[str, Any] | None = None,
        caption: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        language_code: str | None = "en",
    ) -> JsonObject:
        """An update with a message from a user, ``bot_command`` and other entities marked.

        With ``photo`` the message is a photo whose caption is ``caption`` if given, else
        ``text``. ``reply_to`` is a Message object (for instance ``SentMessage.message``).
        The message takes the chat's next message id, so the bot can reply to it.
        """
        chat = self.chat(chat_id)
        if chat is None:
            kind = chat_type if (chat_type == "private") == (chat_id > 0) else None
            chat = self.register_chat(chat_id, type=kind, first_name=first_name)
        message: JsonObject = {"message_id": chat.take_message_id()}
        user = self.make_user(
            user_id, first_name=first_name, username=username, language_code=language_code
        )
        if chat.type == "channel":
            message["sender_chat"] = chat.as_chat()
        else:
            message["from"] = user
        message["chat"] = chat.as_chat()
        message["date"] = int(self._wall_clock())
        if reply_to is not None:
            message["reply_to_message"] = _strip_reply(dict(reply_to))
        if photo is not None:
            media = self._store_upload("photo", _Upload("photo.jpg", "image/jpeg", photo), {})
            body = caption if caption is not None else text
            message["photo"] = media.payload
            if body:
                message["caption"] = body
                entities = _autodetect_entities(body, [])
                if entities:
                    message["caption_entities"] = entities
        else:
            message["text"] = text
            entities = _autodetect_entities(text, [])
            if entities:
                message["entities"] = entities
        self._messages[(chat.id, message["message_id"])] = message
        return {"channel_post" if chat.type == "channel" else "message": message}

    def make_callback_update(
        self,
        *,
        data: str,
        user_id: int,
        message: Mapping[str, Any],
        query_id: str | None = None,
        language_code: str | None = "en",
    ) -> JsonObject:
        """An update with a callback query from an inline button under ``message``."""
        self._callback_counter += 1
        query: JsonObject = {
            "id": query_id or f"{4_000_000_000_000_000_000 + self._callback_counter}",
            "from": self.make_user(user_id, language_code=language_code),
            "message": _strip_reply(dict(message)),
            "chat_instance": str(-7_000_000_000_000_000_000 - self._callback_counter),
            "data": data,
        }
        return {"callback_query": query}
