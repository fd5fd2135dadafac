"""The route table: which handler answers which method and path, and whether it needs the
bot token."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .common import _Reply
from .records import _PLACEHOLDER, _Request


@dataclass(frozen=True)
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Callable[[_Request], Awaitable[_Reply]]
    auth: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"


def _template_pattern(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    last = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        name = match.group()[1:-1]
        parts.append(f"(?P<{name}>[0-9]+)" if name.endswith("_id") else f"(?P<{name}>[^/]+)")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("^" + "".join(parts) + "$")


class _Routing:
    """The routes of :class:`FakeDiscord` and the lookup of a request's route."""

    def _build_routes(self) -> list[_Route]:
        table: list[tuple[str, str, Callable[[_Request], Awaitable[_Reply]], bool]] = [
            ("GET", "/users/@me", self._get_me, True),
            ("POST", "/users/@me/channels", self._create_dm, True),
            ("GET", "/oauth2/applications/@me", self._get_application, True),
            ("GET", "/applications/@me", self._get_application, True),
            ("GET", "/gateway", self._get_gateway, False),
            ("GET", "/gateway/bot", self._get_gateway_bot, True),
            ("GET", "/guilds/{guild_id}", self._get_guild, True),
            ("GET", "/guilds/{guild_id}/roles", self._list_roles, True),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member, True),
            ("GET", "/channels/{channel_id}", self._get_channel, True),
            ("DELETE", "/channels/{channel_id}", self._delete_channel, True),
            ("POST", "/channels/{channel_id}/threads", self._create_thread, True),
            ("GET", "/channels/{channel_id}/messages/pins", self._list_pins, True),
            ("PUT", "/channels/{channel_id}/messages/pins/{message_id}", self._pin_message, True),
            (
                "DELETE",
                "/channels/{channel_id}/messages/pins/{message_id}",
                self._unpin_message,
                True,
            ),
            ("GET", "/channels/{channel_id}/pins", self._list_pins, True),  # the older routes
            ("PUT", "/channels/{channel_id}/pins/{message_id}", self._pin_message, True),
            ("DELETE", "/channels/{channel_id}/pins/{message_id}", self._unpin_message, True),
            ("GET", "/channels/{channel_id}/messages", self._list_messages, True),
            ("POST", "/channels/{channel_id}/messages", self._create_message, True),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message, True),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message, True),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message, True),
            (
                "POST",
                "/channels/{channel_id}/messages/{message_id}/crosspost",
                self._crosspost_message,
                True,
            ),
            ("GET", "/webhooks/{webhook_id}", self._get_webhook, True),
            ("GET", "/webhooks/{webhook_id}/{webhook_token}", self._get_webhook, False),
            ("DELETE", "/webhooks/{webhook_id}/{webhook_token}", self._delete_webhook, False),
            ("POST", "/webhooks/{webhook_id}/{webhook_token}", self._execute_webhook, False),
            (
                "GET",
                "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
                self._get_webhook_message,
                False,
            ),
            (
                "PATCH",
                "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
                self._edit_webhook_message,
                False,
            ),
            (
                "DELETE",
                "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
                self._delete_webhook_message,
                False,
            ),
            (
                "GET",
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                self._get_webhook_message,
                False,
            ),
            (
                "PATCH",
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                self._edit_webhook_message,
                False,
            ),
            (
                "DELETE",
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                self._delete_webhook_message,
                False,
            ),
            (
                "POST",
                "/interactions/{interaction_id}/{interaction_token}/callback",
                self._interaction_callback,
                False,
            ),
            ("GET", "/applications/{application_id}/commands", self._list_commands, True),
            ("PUT", "/applications/{application_id}/commands", self._overwrite_commands, True),
            ("POST", "/applications/{application_id}/commands", self._upsert_command, True),
            (
                "DELETE",
                "/applications/{application_id}/commands/{command_id}",
                self._delete_command,
                True,
            ),
            (
                "GET",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._list_commands,
                True,
            ),
            (
                "PUT",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._overwrite_commands,
                True,
            ),
            (
                "POST",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._upsert_command,
                True,
            ),
            (
                "DELETE",
                "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
                self._delete_command,
                True,
            ),
            ("GET", "/guilds/{guild_id}/scheduled-events", self._list_events, True),
            ("POST", "/guilds/{guild_id}/scheduled-events", self._create_event, True),
            (
                "GET",
                "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}",
                self._get_event,
                True,
            ),
            (
                "PATCH",
                "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}",
                self._edit_event,
                True,
            ),
            (
                "DELETE",
                "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}",
                self._delete_event,
                True,
            ),
        ]
        return [
            _Route(method, template, _template_pattern(template), handler, auth)
            for method, template, handler, auth in table
        ]

    def _match(self, method: str, path: str) -> tuple[_Route | None, dict[str, str], bool]:
        path_exists = False
        for route in self._routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            path_exists = True
            if route.method == method:
                return route, found.groupdict(), True
        return None, {}, path_exists
