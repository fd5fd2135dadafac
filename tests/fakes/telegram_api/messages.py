"""The building blocks of the message methods: target chat, thread, reply, formatted text
and caption, flood admission, the new Message object and its record."""

from __future__ import annotations

import math
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from .common import MAX_CAPTION_LENGTH, ApiError, JsonObject, MessageKind
from .decoding import _as_int, _chat_key
from .formatting import FormattedText, format_text
from .keyboards import check_inline_keyboard
from .models import FakeChat, SentMessage, _apply_media, _kicked_description, _Media, _strip_reply


class _MessageBuilding:
    """Shared by the sending, editing and chat methods of :class:`FakeTelegram`."""

    def _bot_user(self) -> JsonObject:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def _resolve_chat(self, ref: Any) -> FakeChat:
        key = _chat_key(ref)
        if key is None:
            raise ApiError.bad_request("chat not found")
        chat = self.chat(key)
        if chat is not None:
            return chat
        if self._restrict_chats:
            raise ApiError.bad_request("chat not found")
        return self.register_chat(key)

    def _target_chat(self, params: Mapping[str, Any]) -> FakeChat:
        ref = params.get("chat_id")
        if ref is None or ref == "":
            raise ApiError.bad_request("chat_id is empty")
        chat = self._resolve_chat(ref)
        if chat.kicked:
            raise ApiError(HTTPStatus.FORBIDDEN, _kicked_description(chat))
        return chat

    def _thread_id(self, chat: FakeChat, params: Mapping[str, Any]) -> int | None:
        thread_id = params.get("message_thread_id")
        if thread_id in (None, "", 0):
            return None
        if not isinstance(thread_id, int) or chat.type in ("group", "channel"):
            raise ApiError.bad_request("message thread not found")
        return thread_id

    def _reply_target(self, chat: FakeChat, params: Mapping[str, Any]) -> JsonObject | None:
        reply = params.get("reply_parameters")
        allow_missing = bool(params.get("allow_sending_without_reply"))
        target_chat = chat
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
            if reply.get("chat_id") not in (None, ""):
                target_chat = self._resolve_chat(reply["chat_id"])
        else:
            message_id = params.get("reply_to_message_id")
        if message_id in (None, "", 0):
            return None
        found = self._messages.get((target_chat.id, _as_int(message_id)))
        if found is None:
            if allow_missing:
                return None
            raise ApiError.bad_request("message to be replied not found")
        return _strip_reply(found)

    def _format(self, raw: Any, parse_mode: Any, entities: Any) -> FormattedText:
        text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
        mode = parse_mode if isinstance(parse_mode, str) else None
        return format_text(text, parse_mode=mode, entities=entities, strict_html=self.strict_html)

    def _caption(self, params: Mapping[str, Any]) -> FormattedText:
        caption = self._format(
            params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
        )
        if caption.length > MAX_CAPTION_LENGTH:
            raise ApiError.bad_request("message caption is too long")
        return caption

    def _admit(self, chat: FakeChat, cost: int) -> None:
        if not self.enforce_rate_limits:
            return
        wait = self._flood.admit(chat.id, cost, self._clock())
        if wait > 0:
            self.rate_limit_hits += 1
            raise ApiError.too_many_requests(max(1, math.ceil(wait - 1e-9)))

    def _new_message(
        self,
        chat: FakeChat,
        params: Mapping[str, Any],
        *,
        thread_id: int | None,
        reply_to: JsonObject | None,
    ) -> JsonObject:
        markup = params.get("reply_markup")
        check_inline_keyboard(markup)  # before an id is taken: a refused message has none
        message: JsonObject = {"message_id": chat.take_message_id()}
        if chat.type == "channel":
            message["sender_chat"] = chat.as_chat()
        else:
            message["from"] = self._bot_user()
        message["chat"] = chat.as_chat()
        message["date"] = int(self._wall_clock())
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.is_forum:
                message["is_topic_message"] = True
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if params.get("protect_content") is True:
            message["has_protected_content"] = True
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    def _record(
        self,
        chat: FakeChat,
        message: JsonObject,
        *,
        kind: MessageKind,
        raw: Any,
        parse_mode: Any,
        formatted: FormattedText,
        media: _Media | None = None,
    ) -> SentMessage:
        sent = SentMessage(
            chat_id=chat.id,
            message_id=message["message_id"],
            kind=kind,
            text=formatted.text,
            html=raw if isinstance(raw, str) else None,
            parse_mode=parse_mode if isinstance(parse_mode, str) else None,
            entities=formatted.entities,
            date=message["date"],
            message=message,
            thread_id=message.get("message_thread_id"),
            reply_to=(message.get("reply_to_message") or {}).get("message_id"),
            media_group_id=message.get("media_group_id"),
            reply_markup=message.get("reply_markup"),
        )
        if media is not None:
            _apply_media(sent, media)
        self.sent.append(sent)
        self._sent_index[(chat.id, sent.message_id)] = sent
        self._messages[(chat.id, sent.message_id)] = message
        return sent
