"""Bot commands by scope and language, chats and their members, callback queries, getFile."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .common import (
    _COMMAND_NAME,
    COMMAND_SCOPES,
    MAX_COMMANDS,
    MAX_DOWNLOAD_BYTES,
    ApiError,
    JsonObject,
    ScopeKey,
)
from .decoding import _as_int, _loose_json, _Request
from .models import FakeChat, _administrator


class _CommandMethods:
    """setMyCommands and friends, getChat and its members, answerCallbackQuery, getFile."""

    def _scope_key(self, scope: Any, language_code: Any) -> ScopeKey:
        if isinstance(scope, str):
            scope = _loose_json(scope)
        if scope is None:
            scope = {"type": "default"}
        if not isinstance(scope, Mapping) or scope.get("type") not in COMMAND_SCOPES:
            raise ApiError.bad_request("unsupported bot command scope type")
        language = language_code if isinstance(language_code, str) else ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError.bad_request("invalid language code specified")
        kind = str(scope["type"])
        chat_id: int | None = None
        user_id: int | None = None
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat_id = self._resolve_chat(scope.get("chat_id")).id
        if kind == "chat_member":
            user_id = _as_int(scope.get("user_id"), 0)
            if user_id <= 0:
                raise ApiError.bad_request("user not found")
        return (kind, chat_id, user_id, language)

    async def _set_my_commands(self, req: _Request) -> bool:
        commands = req.params.get("commands")
        if not isinstance(commands, list):
            raise ApiError.bad_request('parameter "commands" is required')
        if len(commands) > MAX_COMMANDS:
            raise ApiError.bad_request("too many commands specified")
        cleaned: list[JsonObject] = []
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError.bad_request("can't parse BotCommand JSON object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name):
                raise ApiError.bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._scope_key(req.params.get("scope"), req.params.get("language_code"))
        if cleaned:
            self.commands[key] = cleaned
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, req: _Request) -> list[JsonObject]:
        key = self._scope_key(req.params.get("scope"), req.params.get("language_code"))
        return list(self.commands.get(key, []))

    async def _delete_my_commands(self, req: _Request) -> bool:
        key = self._scope_key(req.params.get("scope"), req.params.get("language_code"))
        self.commands.pop(key, None)
        return True

    async def _get_chat(self, req: _Request) -> JsonObject:
        chat = self._target_chat(req.params)
        info = chat.as_chat()
        info.update(
            accent_color_id=chat.id % 7 if chat.id > 0 else 0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        if chat.type == "private":
            info["has_private_forwards"] = False
        return info

    def _member(self, chat: FakeChat, user_id: int) -> JsonObject:
        if user_id == self.bot_id:
            user = self._bot_user()
            if chat.bot_is_admin:
                return _administrator(user, chat, can_be_edited=False, can_pin=chat.bot_can_pin)
            return {"status": "member", "user": user}
        user = self.make_user(user_id, language_code=None)
        if user_id == chat.owner_id:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in chat.admin_ids:
            return _administrator(user, chat, can_be_edited=False)
        return {"status": "member", "user": user}

    async def _get_chat_administrators(self, req: _Request) -> list[JsonObject]:
        chat = self._target_chat(req.params)
        if chat.type == "private":
            raise ApiError.bad_request("there are no administrators in the private chat")
        members = []
        if chat.owner_id is not None:
            members.append(self._member(chat, chat.owner_id))
        members.extend(self._member(chat, admin_id) for admin_id in chat.admin_ids)
        if chat.bot_is_admin:
            members.append(self._member(chat, self.bot_id))
        return members

    async def _get_chat_member(self, req: _Request) -> JsonObject:
        chat = self._target_chat(req.params)
        user_id = _as_int(req.params.get("user_id"), 0)
        if user_id <= 0:
            raise ApiError.bad_request("invalid user_id specified")
        return self._member(chat, user_id)

    async def _answer_callback_query(self, req: _Request) -> bool:
        query_id = str(req.params.get("callback_query_id", ""))
        if query_id not in self._callback_ids:
            raise ApiError.bad_request(
                "query is too old and response timeout expired or query id is invalid"
            )
        self._callback_ids.discard(query_id)
        self.answered_callbacks.append(dict(req.params))
        return True

    async def _get_file(self, req: _Request) -> JsonObject:
        file_id = req.params.get("file_id")
        if not isinstance(file_id, str) or not file_id:
            raise ApiError.bad_request('parameter "file_id" is required')
        stored = self._files.get(file_id)
        if stored is None:
            raise ApiError.bad_request("invalid file_id")
        if stored.file_size is not None and stored.file_size > MAX_DOWNLOAD_BYTES:
            raise ApiError.bad_request("file is too big")
        result: JsonObject = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if stored.file_size is not None:
            result["file_size"] = stored.file_size
        result["file_path"] = stored.file_path
        return result
