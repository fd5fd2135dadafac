"""Routes of interaction callbacks and of application commands (global and per guild)."""

from __future__ import annotations

import re
from typing import Any

from .common import (
    MESSAGE_FLAG_EPHEMERAL,
    MESSAGE_FLAG_LOADING,
    MESSAGE_TYPE_CHAT_INPUT_COMMAND,
    JsonObject,
    _ApiError,
    _FormErrors,
    _Reply,
)
from .records import _Request

_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")


class _InteractionRoutes:
    """``/interactions/.../callback`` and ``/applications/{application_id}/.../commands``."""

    async def _interaction_callback(self, req: _Request) -> _Reply:
        interaction = self._interactions.get(req.int_param("interaction_id"))
        if interaction is None or interaction.token != req.params["interaction_token"]:
            raise _ApiError(404, "Unknown interaction", 10062)
        if interaction.acknowledged:
            raise _ApiError(400, "Interaction has already been acknowledged.", 40060)
        body = req.body()
        callback_type = body.get("type")
        if callback_type not in {1, 4, 5, 6, 7, 8, 9, 12}:
            errors = _FormErrors()
            errors.add(
                ("type",), "BASE_TYPE_CHOICES", "Value must be one of {1, 4, 5, 6, 7, 8, 9, 12}."
            )
            errors.raise_if_any()
        raw_data = body.get("data")
        data: JsonObject = raw_data if isinstance(raw_data, dict) else {}

        message: JsonObject | None = None
        if callback_type == 4:
            self._check_message_payload(data, req.files, webhook=True)
            message = self._build_message(
                interaction.channel_id,
                data,
                req.files,
                author=self._bot_user(),
                webhook_id=self.application_id,
                interaction=interaction,
                message_type=MESSAGE_TYPE_CHAT_INPUT_COMMAND,
            )
        elif callback_type == 7:
            self._update_component_message(interaction, data, req.files)
        elif callback_type == 5:
            flags = MESSAGE_FLAG_LOADING | (int(data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL)
            message = self._build_message(
                interaction.channel_id,
                {},
                (),
                author=self._bot_user(),
                webhook_id=self.application_id,
                interaction=interaction,
                message_type=MESSAGE_TYPE_CHAT_INPUT_COMMAND,
                flags=flags,
            )

        self.interaction_responses.append(body)
        interaction.acknowledged = True
        if message is not None:
            self._store_message(message)
            interaction.original_message_id = int(message["id"])

        if not req.flag("with_response"):
            return _Reply(204)
        info: JsonObject = {
            "id": str(interaction.id),
            "type": interaction.type,
            "channel_id": str(interaction.channel_id),
        }
        if interaction.guild_id is not None:
            info["guild_id"] = str(interaction.guild_id)
        response: JsonObject = {"interaction": info}
        if message is not None:
            info["response_message_id"] = message["id"]
            info["response_message_loading"] = callback_type == 5
            info["response_message_ephemeral"] = bool(message["flags"] & MESSAGE_FLAG_EPHEMERAL)
            if callback_type == 4:
                response["resource"] = {"type": 4, "message": self._public(message)}
        return _Reply(200, response)

    # ---------------------------------------------------------------- application commands

    def _commands_scope(self, req: _Request) -> tuple[int, int | None]:
        application_id = req.int_param("application_id")
        if application_id != self.application_id:
            raise _ApiError(403, "Missing Access", 50001)
        guild_id = int(req.params["guild_id"]) if "guild_id" in req.params else None
        if guild_id is not None and guild_id not in self.guilds:
            raise _ApiError(404, "Unknown Guild", 10004)
        if guild_id in self.commands_denied:
            raise _ApiError(403, "Missing Access", 50001)
        return application_id, guild_id

    def _find_command(self, name: str, guild_id: int | None) -> JsonObject | None:
        for scope in ((self.application_id, guild_id), (self.application_id, None)):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command["type"] == 1:
                    return command
        return None

    def _check_options(
        self, errors: _FormErrors, path: tuple[str | int, ...], options: Any, depth: int = 0
    ) -> None:
        if options is None:
            return
        if not isinstance(options, list):
            errors.add(path, "BASE_TYPE_LIST", "Must be an array.")
            return
        errors.max_length(path, options, 25)
        seen_optional = False
        for index, option in enumerate(options):
            opt_path = (*path, index)
            if not isinstance(option, dict):
                errors.add(opt_path, "DICT_TYPE_CONVERT", "Only dictionaries may be used")
                continue
            name = option.get("name")
            if not isinstance(name, str) or not _COMMAND_NAME.match(name) or name != name.lower():
                errors.add(
                    (*opt_path, "name"),
                    "APPLICATION_COMMAND_INVALID_NAME",
                    "Command name is invalid",
                )
            description = option.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 100:
                errors.add(
                    (*opt_path, "description"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                )
            choices = option.get("choices")
            if isinstance(choices, list):
                errors.max_length((*opt_path, "choices"), choices, 25)
            if option.get("type") in {1, 2}:
                if depth >= 2:
                    errors.add(
                        (*opt_path, "type"),
                        "APPLICATION_COMMAND_TOO_DEEP",
                        "Subcommands nest too deep",
                    )
                self._check_options(
                    errors, (*opt_path, "options"), option.get("options"), depth + 1
                )
                continue
            if option.get("required"):
                if seen_optional:
                    errors.add(
                        (*opt_path, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
            else:
                seen_optional = True

    def _check_command(
        self, errors: _FormErrors, path: tuple[str | int, ...], command: Any
    ) -> None:
        if not isinstance(command, dict):
            errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used")
            return
        command_type = command.get("type") or 1
        name = command.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 32:
            errors.add(
                (*path, "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length."
            )
        elif command_type == 1 and (not _COMMAND_NAME.match(name) or name != name.lower()):
            errors.add(
                (*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
            )
        description = command.get("description") or ""
        if command_type == 1 and not 1 <= len(description) <= 100:
            errors.add(
                (*path, "description"),
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            )
        elif command_type != 1 and description:
            errors.add(
                (*path, "description"),
                "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                "Context menu commands cannot have description",
            )
        self._check_options(errors, (*path, "options"), command.get("options"))

    def _command_record(
        self, command: JsonObject, guild_id: int | None, previous: JsonObject | None
    ) -> JsonObject:
        permissions = command.get("default_member_permissions")
        record: JsonObject = {
            "id": previous["id"] if previous else str(self._ids.next()),
            "application_id": str(self.application_id),
            "version": previous["version"] if previous else str(self._ids.next()),
            "default_member_permissions": None if permissions is None else str(permissions),
            "type": command.get("type") or 1,
            "name": command["name"],
            "name_localizations": command.get("name_localizations"),
            "description": command.get("description") or "",
            "description_localizations": command.get("description_localizations"),
            "nsfw": bool(command.get("nsfw")),
            "contexts": command.get("contexts"),
            "integration_types": command.get("integration_types") or [0],
        }
        if command.get("options"):
            record["options"] = command["options"]
        if guild_id is None:
            record["dm_permission"] = command.get("dm_permission", True) is not False
        else:
            record["guild_id"] = str(guild_id)
        if previous is not None:
            comparable = {k: v for k, v in record.items() if k not in {"id", "version"}}
            before = {k: v for k, v in previous.items() if k not in {"id", "version"}}
            if comparable != before:
                record["version"] = str(self._ids.next())
        return record

    async def _list_commands(self, req: _Request) -> _Reply:
        scope = self._commands_scope(req)
        return _Reply(200, list(self.commands.get(scope, [])))

    async def _overwrite_commands(self, req: _Request) -> _Reply:
        scope = self._commands_scope(req)
        body = req.json if req.json is not None else []
        if not isinstance(body, list):
            raise _ApiError(
                400,
                "Invalid Form Body",
                50035,
                errors={"_errors": [{"code": "BASE_TYPE_LIST", "message": "Must be an array."}]},
            )
        errors = _FormErrors()
        seen: set[tuple[int, str]] = set()
        for index, command in enumerate(body):
            self._check_command(errors, (index,), command)
            if isinstance(command, dict):
                key = (command.get("type") or 1, str(command.get("name")))
                if key in seen:
                    errors.add(
                        (index, "name"),
                        "APPLICATION_COMMANDS_DUPLICATE_NAME",
                        "Application command names must be unique",
                    )
                seen.add(key)
        if sum(1 for c in body if isinstance(c, dict) and (c.get("type") or 1) == 1) > 100:
            errors.add((), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
        errors.raise_if_any()
        previous = {(c["type"], c["name"]): c for c in self.commands.get(scope, [])}
        records = [
            self._command_record(c, scope[1], previous.get((c.get("type") or 1, c["name"])))
            for c in body
        ]
        self.commands[scope] = records
        return _Reply(200, records)

    async def _upsert_command(self, req: _Request) -> _Reply:
        scope = self._commands_scope(req)
        command = req.body()
        errors = _FormErrors()
        self._check_command(errors, (), command)
        errors.raise_if_any()
        existing = self.commands.setdefault(scope, [])
        key = (command.get("type") or 1, command["name"])
        for index, previous in enumerate(existing):
            if (previous["type"], previous["name"]) == key:
                existing[index] = self._command_record(command, scope[1], previous)
                return _Reply(200, existing[index])
        record = self._command_record(command, scope[1], None)
        existing.append(record)
        return _Reply(201, record)

    async def _delete_command(self, req: _Request) -> _Reply:
        scope = self._commands_scope(req)
        command_id = req.params["command_id"]
        existing = self.commands.get(scope, [])
        remaining = [c for c in existing if c["id"] != command_id]
        if len(remaining) == len(existing):
            raise _ApiError(404, "Unknown application command", 10063)
        self.commands[scope] = remaining
        return _Reply(204)
