"""Roles, the bot's membership and channel overwrites; the bot's permissions, computed by the
fake itself (independently of the bot's own code) to refuse what Discord would refuse."""

from __future__ import annotations

from collections.abc import Iterable

from .common import JsonObject, _ApiError, _now_iso, _Reply
from .records import _Request

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
ATTACH_FILES = 1 << 15
ADMINISTRATOR = 1 << 3
ALL = (1 << 53) - 1


class _MemberRoutes:
    """``/guilds/{guild_id}/roles``, ``/guilds/{guild_id}/members/{user_id}`` and the controls
    that shape them."""

    # ---------------------------------------------------------------- controls

    def add_role(
        self,
        permissions: int,
        *,
        role_id: int | None = None,
        guild_id: int | None = None,
        name: str = "role",
        mentionable: bool = False,
        to_bot: bool = True,
    ) -> int:
        """A role with these permission bits; given to the bot unless ``to_bot`` is false."""
        guild_id = guild_id or self.guild_id
        guild = self._ensure_guild(guild_id)
        role_id = role_id or self._ids.next()
        role = {**guild["roles"][0], "id": str(role_id), "name": name}
        role.update(permissions=str(permissions), position=len(guild["roles"]))
        role["mentionable"] = mentionable
        guild["roles"].append(role)
        if to_bot:
            self.bot_roles.setdefault(guild_id, []).append(role_id)
        return role_id

    def set_everyone_permissions(self, permissions: int, *, guild_id: int | None = None) -> None:
        self._ensure_guild(guild_id or self.guild_id)["roles"][0]["permissions"] = str(permissions)

    def set_overwrites(self, channel_id: int, overwrites: Iterable[JsonObject]) -> None:
        """The channel's ``permission_overwrites``: ``{"id", "type", "allow", "deny"}`` each,
        ``type`` 0 for a role (the guild's id is @everyone), 1 for a member."""
        channel = self._channel(channel_id)
        channel["permission_overwrites"] = [
            {"id": str(o["id"]), "type": int(o["type"]), "allow": str(o.get("allow", 0)),
             "deny": str(o.get("deny", 0))}
            for o in overwrites
        ]  # fmt: skip

    def leave_guild(self, guild_id: int) -> None:
        """The bot is no longer a member: its member object answers 404."""
        self.bot_absent.add(guild_id)

    def time_out_bot(self, until: str, *, guild_id: int | None = None) -> None:
        """The bot's ``communication_disabled_until`` (an ISO 8601 time) in that server."""
        self.bot_timeouts[guild_id or self.guild_id] = until

    def deny_commands(self, guild_id: int) -> None:
        """The bot was invited without the ``applications.commands`` scope there."""
        self.commands_denied.add(guild_id)

    # ---------------------------------------------------------------- routes

    async def _list_roles(self, req: _Request) -> _Reply:
        guild_id = req.int_param("guild_id")
        if guild_id not in self.guilds:
            raise _ApiError(404, "Unknown Guild", 10004)
        return _Reply(200, [dict(role) for role in self.guilds[guild_id]["roles"]])

    async def _get_member(self, req: _Request) -> _Reply:
        guild_id = req.int_param("guild_id")
        if guild_id not in self.guilds:
            raise _ApiError(404, "Unknown Guild", 10004)
        if req.int_param("user_id") != self.bot_user_id or guild_id in self.bot_absent:
            raise _ApiError(404, "Unknown Member", 10007)
        return _Reply(200, self._bot_member(guild_id))

    def _bot_member(self, guild_id: int) -> JsonObject:
        return {
            "avatar": None,
            "banner": None,
            "communication_disabled_until": self.bot_timeouts.get(guild_id),
            "flags": 0,
            "joined_at": _now_iso(),
            "nick": None,
            "pending": False,
            "premium_since": None,
            "roles": [str(r) for r in self.bot_roles.get(guild_id, [])],
            "user": self._bot_user(),
            "mute": False,
            "deaf": False,
        }

    # ---------------------------------------------------------------- enforcement

    def _bot_permissions(self, channel: JsonObject) -> int:
        guild_id = int(channel["guild_id"])
        guild = self.guilds[guild_id]
        mine = {str(r) for r in self.bot_roles.get(guild_id, [])}
        if str(self.bot_user_id) == guild["owner_id"]:
            return ALL
        granted = 0
        for role in guild["roles"]:
            if role["id"] == str(guild_id) or role["id"] in mine:
                granted |= int(role["permissions"])
        if granted & ADMINISTRATOR:
            return ALL
        overwrites = {(o["type"], o["id"]): o for o in channel.get("permission_overwrites", [])}
        if everyone := overwrites.get((0, str(guild_id))):
            granted = granted & ~int(everyone["deny"]) | int(everyone["allow"])
        allow = deny = 0
        for role_id in mine:
            if found := overwrites.get((0, role_id)):
                allow, deny = allow | int(found["allow"]), deny | int(found["deny"])
        granted = granted & ~deny | allow
        if own := overwrites.get((1, str(self.bot_user_id))):
            granted = granted & ~int(own["deny"]) | int(own["allow"])
        return granted

    def _check_may_post(self, channel: JsonObject, with_files: bool) -> None:
        """403 as Discord answers a bot that cannot see, post or upload in the channel."""
        if "guild_id" not in channel:  # a direct message: no roles, no overwrites
            return
        granted = self._bot_permissions(channel)
        if not granted & VIEW_CHANNEL:
            raise _ApiError(403, "Missing Access", 50001)
        if not granted & SEND_MESSAGES or (with_files and not granted & ATTACH_FILES):
            raise _ApiError(403, "Missing Permissions", 50013)
