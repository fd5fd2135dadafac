"""What tests call on :class:`FakeDiscord` to set it up, script it and inspect it."""

from __future__ import annotations

import secrets

from .common import JsonObject
from .ratelimits import _Fault
from .records import Call, FakeWebhook, _Interaction


class _Controls:
    """Channels, webhooks, scripted faults, interactions and the records, for the tests' side."""

    def add_channel(
        self,
        channel_id: int | None = None,
        *,
        guild_id: int | None = None,
        name: str = "announcements",
        channel_type: int = 0,
    ) -> int:
        """Create a guild channel (text by default; 5 is an announcement channel)."""
        channel_id = channel_id if channel_id is not None else self._ids.next()
        self._create_channel(
            channel_id, guild_id=guild_id or self.guild_id, name=name, channel_type=channel_type
        )
        if self.known_channels is not None:
            self.known_channels.add(channel_id)
        return channel_id

    def add_forum(
        self,
        channel_id: int | None = None,
        *,
        tags: tuple[str, ...] = (),
        require_tag: bool = False,
        name: str = "announcements",
    ) -> int:
        """Create a forum channel (type 15) offering these tags (their ids: ``forum_tag_id``)."""
        channel_id = self.add_channel(channel_id, name=name, channel_type=15)
        channel = self.channels[channel_id]
        channel["available_tags"] = [
            {"id": str(self._ids.next()), "name": tag, "moderated": False, "emoji_id": None,
             "emoji_name": None}
            for tag in tags
        ]  # fmt: skip
        channel["flags"] = 1 << 4 if require_tag else 0
        return channel_id

    def forum_tag_id(self, channel_id: int, name: str) -> str:
        """The id of a forum's tag, by its name."""
        tags = self.channels[channel_id].get("available_tags", [])
        return next(str(t["id"]) for t in tags if t["name"] == name)

    def forbid_pins(self, channel_id: int) -> None:
        """The bot may post in the channel but not pin (403 Missing Permissions)."""
        self.pins_forbidden.add(channel_id)

    def thread_messages(self, thread_id: int | str) -> list[JsonObject]:
        """The messages of a forum post's thread, its starter message first."""
        return list(self.messages.get(int(thread_id), []))

    def forbid_channel(
        self, channel_id: int, *, code: int = 50001, message: str = "Missing Access"
    ) -> None:
        """Make every request touching ``channel_id`` answer 403 with this error."""
        self.forbidden_channels[channel_id] = (code, message)

    def allow_channel(self, channel_id: int) -> None:
        """Undo :meth:`forbid_channel`."""
        self.forbidden_channels.pop(channel_id, None)

    def create_webhook(
        self,
        webhook_id: int | None = None,
        *,
        channel_id: int | None = None,
        name: str = "Announcements",
    ) -> FakeWebhook:
        """Create (or return the existing) incoming webhook bound to a channel."""
        if webhook_id is not None and webhook_id in self.webhooks:
            return self.webhooks[webhook_id]
        webhook_id = webhook_id if webhook_id is not None else self._ids.next()
        if channel_id is None:
            channel_id = self.add_channel(name=f"webhook-{webhook_id}")
        channel = self._create_channel(channel_id, guild_id=self.guild_id, name="announcements")
        if self.known_channels is not None:
            self.known_channels.add(channel_id)
        webhook_token = secrets.token_urlsafe(51)
        webhook = FakeWebhook(
            id=webhook_id,
            token=webhook_token,
            channel_id=channel_id,
            guild_id=int(channel["guild_id"]),
            name=name,
            url=f"{self.base_url}/api/webhooks/{webhook_id}/{webhook_token}",
        )
        self.webhooks[webhook_id] = webhook
        return webhook

    def webhook_url(self, webhook_id: int | None = None, *, channel_id: int | None = None) -> str:
        """Create (or reuse) a webhook; ``http://127.0.0.1:PORT/api/webhooks/{id}/{token}``."""
        return self.create_webhook(webhook_id, channel_id=channel_id).url

    def delete_webhook(self, webhook_id: int) -> None:
        """Forget a webhook; later requests to it answer ``404 Unknown Webhook``."""
        self.webhooks.pop(webhook_id, None)

    def fail_next(
        self,
        route: str | None = None,
        *,
        status: int = 500,
        retry_after: float | None = None,
        is_global: bool = False,
        times: int = 1,
        delay: float = 0.0,
        code: int | None = None,
        message: str | None = None,
        scope: str | None = None,
    ) -> None:
        """Script a fault for the next ``times`` requests matching ``route``.

        ``route`` is a route key (``"POST /channels/{channel_id}/messages"``; placeholder names
        do not matter), a concrete ``"METHOD /path"`` or ``None`` for any request. A 429 carries
        ``retry_after`` (default 0.1 s), ``global`` and ``X-RateLimit-Scope`` (``scope``, else
        ``global``/``user``). ``delay`` waits before answering; a ``status`` below 400 serves
        the request normally first and then holds the answer back (a lost answer when the
        client gives up waiting: the message exists). Scripted faults are not counted in
        :attr:`rate_limit_hits`.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        self._faults.append(
            _Fault(route, status, retry_after, is_global, times, delay, code, message, scope)
        )

    def new_interaction(
        self,
        command: str = "announce",
        *,
        options: list[JsonObject] | None = None,
        channel_id: int | None = None,
        guild_id: int | None = None,
        user_id: int | None = None,
        username: str = "member",
        permissions: int = 0x7FFFFFFFFFFF,
        locale: str = "en-US",
    ) -> JsonObject:
        """Register an application-command interaction and return its gateway payload.

        The payload can be turned into an object with
        ``discord.Interaction(data=payload, state=client._connection)``; its token then works
        for ``/interactions/{id}/{token}/callback`` and the follow-up webhook routes.
        """
        guild_id = guild_id or self.guild_id
        channel_id = channel_id if channel_id is not None else self.add_channel(guild_id=guild_id)
        channel = self._create_channel(channel_id, guild_id=guild_id, name="announcements")
        user = self._user(user_id or self._ids.next(), username, bot=False)
        interaction = _Interaction(
            id=self._ids.next(),
            token="aW50ZXJhY3Rpb246" + secrets.token_urlsafe(120),
            type=2,
            channel_id=channel_id,
            guild_id=guild_id,
            user=user,
        )
        self._interactions[interaction.id] = interaction
        registered = self._find_command(command, guild_id)
        data: JsonObject = {
            "id": registered["id"] if registered else str(self._ids.next()),
            "name": command,
            "type": 1,
        }
        if registered is not None and "guild_id" in registered:
            data["guild_id"] = registered["guild_id"]
        if options:
            data["options"] = options
        return self._interaction_payload(
            interaction,
            data,
            permissions=permissions,
            roles=(),
            locale=locale,
            message=None,
            channel=channel,
        )

    # ---------------------------------------------------------------- inspection helpers

    @property
    def all_messages(self) -> list[JsonObject]:
        """Every stored message, in creation order."""
        return sorted(self._message_index.values(), key=lambda m: int(m["id"]))

    def message(self, message_id: int | str) -> JsonObject:
        """A stored message by id (``KeyError`` if unknown or deleted)."""
        return self._message_index[int(message_id)]

    def attachment_bytes(self, attachment_id: int | str) -> bytes:
        """The uploaded bytes of a stored attachment."""
        return self._attachment_data[int(attachment_id)][0]

    def calls_to(self, route: str) -> list[Call]:
        """The calls matching ``route`` (same syntax as :meth:`fail_next`)."""
        return [call for call in self.calls if call.matches(route)]

    @property
    def deduplicated_calls(self) -> list[Call]:
        """Message creates answered with an earlier message because of ``enforce_nonce``."""
        return [call for call in self.calls if call.deduplicated]
