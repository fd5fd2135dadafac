"""What members' and admins' clients do with components: the interactions a button press
makes (type 3), the submits of the forms they open (type 5), and direct-message channels.
The components' limits are checked in `components`."""

from __future__ import annotations

import secrets
from typing import Any

from .common import JsonObject, _ApiError, _now_iso, _Reply
from .records import _Interaction, _Request


class _Presses:
    # ---------------------------------------------------------------- what tests call

    def _register_interaction(
        self, kind: int, user_id: int, channel_id: int, message: JsonObject | None
    ) -> _Interaction:
        user = self._user(user_id, f"user{str(user_id)[-4:]}", bot=False)
        interaction = _Interaction(
            id=self._ids.next(),
            token="aW50ZXJhY3Rpb246" + secrets.token_urlsafe(120),
            type=kind, channel_id=channel_id, guild_id=self.guild_id,
            user=user,
        )  # fmt: skip
        if message is not None:
            interaction.original_message_id = int(message["id"])
            interaction.message_id = int(message["id"])
        self._interactions[interaction.id] = interaction
        return interaction

    def _interaction_payload(
        self, interaction: _Interaction, data: JsonObject, *, permissions: int,
        roles: tuple[int, ...], locale: str, message: JsonObject | None,
        channel: JsonObject | None = None,
    ) -> JsonObject:  # fmt: skip
        """The gateway payload of a registered interaction; its channel (when not given) must
        be one the bot can see."""
        guild_id = str(interaction.guild_id)
        if channel is None:
            channel = self._channel(interaction.channel_id)
        payload: JsonObject = {
            "id": str(interaction.id), "application_id": str(self.application_id),
            "type": interaction.type, "token": interaction.token, "version": 1, "data": data,
            "guild_id": guild_id, "guild": {"id": guild_id, "locale": "en-US", "features": []},
            "channel_id": str(interaction.channel_id), "channel": dict(channel),
            "member": {
                "user": interaction.user, "roles": [str(r) for r in roles],
                "joined_at": _now_iso(), "deaf": False, "mute": False, "flags": 0,
                "pending": False, "nick": None, "avatar": None, "premium_since": None,
                "permissions": str(permissions),
            },
            "app_permissions": str(permissions), "locale": locale, "guild_locale": "en-US",
            "entitlements": [], "authorizing_integration_owners": {"0": guild_id},
            "context": 0, "attachment_size_limit": self.max_file_size,
        }  # fmt: skip
        if message is not None:
            payload["message"] = self._public(message)
        return payload

    def new_component_interaction(
        self, message: JsonObject, custom_id: str, *, user_id: int, permissions: int = 0,
        roles: tuple[int, ...] = (), locale: str = "en-US", component_type: int = 2,
    ) -> JsonObject:  # fmt: skip
        """A press of the button ``custom_id`` under ``message`` (a stored message, ephemeral
        ones included, as the member's client showed it), as the gateway delivers it. Its
        callback may answer with type 7 (update that message) or 6 (defer, then edit
        ``@original``: that message)."""
        interaction = self._register_interaction(3, user_id, int(message["channel_id"]), message)
        data = {"custom_id": custom_id, "component_type": component_type}
        return self._interaction_payload(interaction, data, permissions=permissions, roles=roles,
                                         locale=locale, message=message)  # fmt: skip

    def new_modal_submit(
        self, custom_id: str, values: dict[str, str], *, user_id: int, channel_id: int,
        message: JsonObject | None = None, permissions: int = 0, roles: tuple[int, ...] = (),
        locale: str = "en-US",
    ) -> JsonObject:  # fmt: skip
        """The submit of the form ``custom_id`` with its text fields' values (by custom id);
        with ``message``, a form opened from a button under that message."""
        stored = None
        if message is not None:
            stored = self._message_index.get(int(message["id"]), message)
        interaction = self._register_interaction(5, user_id, channel_id, stored)
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ]
        data = {"custom_id": custom_id, "components": rows}
        return self._interaction_payload(interaction, data, permissions=permissions, roles=roles,
                                         locale=locale, message=stored)  # fmt: skip

    def dm_channel(self, user_id: int) -> int | None:
        """The id of the direct-message channel opened with ``user_id``, if any."""
        for channel in self.channels.values():
            recipients = channel.get("recipients") or []
            if channel.get("type") == 1 and any(r["id"] == str(user_id) for r in recipients):
                return int(channel["id"])
        return None

    # ---------------------------------------------------------------- routes

    async def _create_dm(self, req: _Request) -> _Reply:
        body = req.body()
        recipient = body.get("recipient_id")
        if not str(recipient or "").isdigit():
            raise _ApiError(400, "Invalid Form Body", 50035, errors={"recipient_id": {"_errors": [
                {"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]}})  # fmt: skip
        found = self.dm_channel(int(recipient))
        if found is None:
            found = self._ids.next()
            user = self._user(int(recipient), f"user{str(recipient)[-4:]}", bot=False)
            self.channels[found] = {
                "id": str(found), "type": 1, "last_message_id": None, "flags": 0,
                "recipients": [user],
            }  # fmt: skip
            if self.known_channels is not None:
                self.known_channels.add(found)
        return _Reply(200, dict(self.channels[found]))

    def _update_component_message(self, interaction: _Interaction, data: JsonObject,
                                  files: Any) -> None:  # fmt: skip
        """Callback type 7: the message the component is on becomes ``data``."""
        if interaction.message_id is None:
            raise _ApiError(400, "Interaction has no message to update", 50035)
        message = self._message_index.get(interaction.message_id)
        if message is None:
            raise _ApiError(404, "Unknown Message", 10008)
        self._edit_stored_message(message, data, files)
