"""JSON builders for users, the guild and channels, and the lookups of a request's channel
and message."""

from __future__ import annotations

from .common import JsonObject, _ApiError
from .records import FakeWebhook


class _ObjectBuilders:
    """Users, guilds and channels as Discord's API returns them."""

    def _user(self, user_id: int, username: str, *, bot: bool) -> JsonObject:
        user: JsonObject = {
            "id": str(user_id),
            "username": username,
            "discriminator": "0001" if bot else "0",
            "global_name": None if bot else username,
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "collectibles": None,
            "primary_guild": None,
        }
        if bot:
            user["bot"] = True
        return user

    def _bot_user(self) -> JsonObject:
        return self._user(self.bot_user_id, self.bot_username, bot=True)

    def _webhook_user(self, webhook: FakeWebhook, username: str | None) -> JsonObject:
        user = self._user(webhook.id, username or webhook.name, bot=True)
        user["discriminator"] = "0000"
        return user

    def _ensure_guild(self, guild_id: int) -> JsonObject:
        guild = self.guilds.get(guild_id)
        if guild is None:
            everyone = {
                "id": str(guild_id),
                "name": "@everyone",
                "permissions": "2248473465835073",
                "position": 0,
                "color": 0,
                "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "icon": None,
                "unicode_emoji": None,
                "flags": 0,
            }
            guild = self.guilds[guild_id] = {
                "id": str(guild_id),
                "name": "Student Association",
                "icon": None,
                "description": None,
                "home_header": None,
                "splash": None,
                "discovery_splash": None,
                "features": [],
                "banner": None,
                "owner_id": str(guild_id + 1),
                "application_id": None,
                "region": "deprecated",
                "afk_channel_id": None,
                "afk_timeout": 300,
                "system_channel_id": None,
                "system_channel_flags": 0,
                "widget_enabled": False,
                "widget_channel_id": None,
                "verification_level": 1,
                "roles": [everyone],
                "default_message_notifications": 1,
                "mfa_level": 0,
                "explicit_content_filter": 2,
                "max_presences": None,
                "max_members": 500000,
                "max_stage_video_channel_users": 50,
                "max_video_channel_users": 25,
                "vanity_url_code": None,
                "premium_tier": 0,
                "premium_subscription_count": 0,
                "preferred_locale": "en-US",
                "rules_channel_id": None,
                "safety_alerts_channel_id": None,
                "public_updates_channel_id": None,
                "premium_progress_bar_enabled": False,
                "nsfw": False,
                "nsfw_level": 0,
                "emojis": [],
                "stickers": [],
                "incidents_data": None,
            }
        return guild

    def _create_channel(
        self, channel_id: int, *, guild_id: int, name: str, channel_type: int = 0
    ) -> JsonObject:
        channel = self.channels.get(channel_id)
        if channel is None:
            self._ensure_guild(guild_id)
            channel = self.channels[channel_id] = {
                "id": str(channel_id),
                "type": channel_type,
                "last_message_id": None,
                "flags": 0,
                "guild_id": str(guild_id),
                "name": name,
                "parent_id": None,
                "rate_limit_per_user": 0,
                "topic": None,
                "position": len(self.channels),
                "permission_overwrites": [],
                "nsfw": False,
            }
        return channel

    def _channel(self, channel_id: int) -> JsonObject:
        """The channel a request targets, honouring ``known_channels`` and forbidden channels."""
        if channel_id in self.forbidden_channels:
            code, message = self.forbidden_channels[channel_id]
            raise _ApiError(403, message, code)
        if self.known_channels is not None and channel_id not in self.known_channels:
            raise _ApiError(404, "Unknown Channel", 10003)
        return self._create_channel(
            channel_id, guild_id=self.guild_id, name=f"channel-{channel_id}"
        )

    def _stored_message(self, channel_id: int, message_id: int) -> JsonObject:
        message = self._message_index.get(message_id)
        if message is None or int(message["channel_id"]) != channel_id:
            raise _ApiError(404, "Unknown Message", 10008)
        return message
