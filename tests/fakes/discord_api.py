"""A local stand-in for Discord's REST API (v10) that unmodified discord.py can talk to.

Point discord.py at it with ``discord.http.Route.BASE = fake.api_url``; webhooks built with
``discord.Webhook.partial(...)`` use the same base. The server listens on 127.0.0.1 on a free
port and keeps everything it receives so tests can assert on it:

* ``calls`` — every request (method, path, route key, JSON payload, uploaded files, headers with
  the token redacted, response status);
* ``messages`` — channel id → messages as Discord would store them;
* ``commands``, ``scheduled_events``, ``interaction_responses``.

It enforces Discord's documented message limits (content, embeds, files, ``attachment://``
references, empty messages), nonce de-duplication, per-route and global rate limits reported
through the ``X-RateLimit-*`` headers, and can script faults with :meth:`FakeDiscord.fail_next`.
Response bodies follow the shapes of Discord's OpenAPI description (``MessageResponse``,
``UserResponse``, ``ApplicationCommandResponse``, ``ScheduledEventResponse``, ...).
"""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import io
import json
import math
import mimetypes
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, NamedTuple, Self
from urllib.parse import quote, urlsplit

from aiohttp import BodyPartReader, web
from PIL import Image, UnidentifiedImageError

__all__ = [
    "DEFAULT_APPLICATION_ID",
    "DEFAULT_GUILD_ID",
    "DEFAULT_TOKEN",
    "DISCORD_EPOCH_MS",
    "Call",
    "FakeDiscord",
    "FakeWebhook",
    "UploadedFile",
]

JsonObject = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000
DEFAULT_TOKEN = "FAKE.discord.bot-token"
DEFAULT_APPLICATION_ID = 1_302_145_887_411_208_192
DEFAULT_GUILD_ID = 1_302_146_010_203_684_864
MIB = 1024 * 1024

MAX_CONTENT_LENGTH = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_FILES = 10
MAX_NONCE_LENGTH = 25

MESSAGE_FLAG_CROSSPOSTED = 1 << 0
MESSAGE_FLAG_SUPPRESS_EMBEDS = 1 << 2
MESSAGE_FLAG_EPHEMERAL = 1 << 6
MESSAGE_FLAG_LOADING = 1 << 7
MESSAGE_FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12

MESSAGE_TYPE_DEFAULT = 0
MESSAGE_TYPE_REPLY = 19
MESSAGE_TYPE_CHAT_INPUT_COMMAND = 20

_API_PATH = re.compile(r"^/api(?:/v(?P<version>[0-9]+))?(?P<rest>/.*)$")
_CDN_PATH = re.compile(r"^/attachments/(?P<channel>[0-9]+)/(?P<attachment>[0-9]+)/[^/]+$")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
_USER_MENTION = re.compile(r"<@!?([0-9]{15,21})>")
_ROLE_MENTION = re.compile(r"<@&([0-9]{15,21})>")


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


class UploadedFile(NamedTuple):
    """One file part of a multipart request."""

    field: str
    filename: str
    data: bytes
    content_type: str


@dataclass
class Call:
    """One request received by the fake, in arrival order.

    ``route`` is the route key in discord.py's spelling, e.g.
    ``"POST /channels/{channel_id}/messages"``; ``path`` is the concrete path without the
    ``/api/v10`` prefix. ``json`` is the JSON body, or the ``payload_json`` part of a multipart
    body. The ``Authorization`` header value is redacted; ``authenticated`` tells whether it
    carried the expected bot token. ``scripted`` marks answers produced by
    :meth:`FakeDiscord.fail_next`, ``rate_limited`` real 429s, ``deduplicated`` message creates
    answered with an earlier message because of ``enforce_nonce``.
    """

    method: str
    path: str
    route: str
    params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    authenticated: bool
    json: Any = None
    files: list[UploadedFile] = field(default_factory=list)
    status: int = 0
    response: Any = None
    response_headers: dict[str, str] = field(default_factory=dict)
    scripted: bool = False
    rate_limited: bool = False
    deduplicated: bool = False
    at: float = field(default_factory=time.monotonic)

    def matches(self, route: str) -> bool:
        """Whether ``route`` names this call (see :meth:`FakeDiscord.fail_next`)."""
        return _route_matches(route, self.method, self.path, self.route)


@dataclass(frozen=True)
class FakeWebhook:
    """An incoming webhook known to the fake."""

    id: int
    token: str
    channel_id: int
    guild_id: int
    name: str
    url: str


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------


class _ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        code: int = 0,
        *,
        errors: JsonObject | None = None,
        headers: Mapping[str, str] | None = None,
        body: JsonObject | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.errors = errors
        self.headers = dict(headers or {})
        self.body = body

    def reply(self) -> _Reply:
        body: JsonObject
        if self.body is not None:
            body = self.body
        else:
            body = {"message": self.message, "code": self.code}
            if self.errors is not None:
                body["errors"] = self.errors
        return _Reply(self.status, body, dict(self.headers))


@dataclass
class _Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class _FormErrors:
    """Collects field errors into Discord's nested ``errors`` object."""

    def __init__(self) -> None:
        self.tree: JsonObject = {}

    def add(self, path: Sequence[str | int], code: str, message: str) -> None:
        node = self.tree
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: Sequence[str | int], value: Any, limit: int) -> None:
        if isinstance(value, str | list) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def raise_if_any(self) -> None:
        if self.tree:
            raise _ApiError(400, "Invalid Form Body", 50035, errors=self.tree)


class _Window:
    """A fixed rate-limit window: ``limit`` requests per ``per`` seconds."""

    def __init__(self, limit: int, per: float) -> None:
        self.limit = limit
        self.per = per
        self.started = -math.inf
        self.count = 0

    def hit(self, now: float) -> tuple[bool, int, float]:
        if now >= self.started + self.per:
            self.started = now
            self.count = 0
        reset_after = _ceil_ms(self.started + self.per - now)
        if self.count >= self.limit:
            return False, 0, reset_after
        self.count += 1
        return True, self.limit - self.count, reset_after


@dataclass
class _Fault:
    route: str | None
    status: int
    retry_after: float | None
    is_global: bool
    times: int
    delay: float
    code: int | None
    message: str | None
    scope: str | None


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


@dataclass
class _Request:
    method: str
    path: str
    params: dict[str, str]
    query: Mapping[str, str]
    json: Any
    files: list[UploadedFile]
    call: Call

    def int_param(self, name: str) -> int:
        return int(self.params[name])

    def flag(self, name: str) -> bool:
        return self.query.get(name, "").lower() in {"1", "true", "yes"}

    def body(self) -> JsonObject:
        if self.json is None:
            return {}
        if not isinstance(self.json, dict):
            raise _ApiError(
                400,
                "Invalid Form Body",
                50035,
                errors={
                    "_errors": [
                        {
                            "code": "DICT_TYPE_CONVERT",
                            "message": "Only dictionaries may be used in a DictType",
                        }
                    ]
                },
            )
        return self.json


@dataclass
class _Interaction:
    id: int
    token: str
    type: int
    channel_id: int
    guild_id: int | None
    user: JsonObject
    acknowledged: bool = False
    original_message_id: int | None = None


class _Snowflakes:
    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (now_ms << 22) | (1 << 17)
        self._last = max(candidate, self._last + 1)
        return self._last


def _ceil_ms(seconds: float) -> float:
    return max(0.0, math.ceil(seconds * 1000) / 1000)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _normalize_route(text: str) -> str:
    return _PLACEHOLDER.sub("{}", text.strip())


def _route_matches(route: str, method: str, path: str, route_key: str) -> bool:
    wanted = _normalize_route(route)
    return wanted in {
        _normalize_route(route_key),
        f"{method} {path}",
        _normalize_route(route_key.split(" ", 1)[1]),
        path,
    }


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


def _bucket_hash(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:32]


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso_or_none(value: Any) -> str | None:
    parsed = _parse_time(value)
    return parsed.isoformat() if parsed is not None else None


def _is_int_like(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and value.isdigit()


def _image_info(data: bytes) -> tuple[int, int, str] | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            mime = Image.MIME.get(image.format or "", "")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return width, height, mime


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class FakeDiscord:
    """A Discord REST API served on 127.0.0.1 for tests.

    Rate limits are ``(requests, seconds)`` pairs: ``message_rate`` is the per-channel bucket
    of ``POST /channels/{channel_id}/messages``, ``webhook_rate`` the per-webhook bucket of
    webhook executes, ``route_rate`` every other route (per route and major parameter) and
    ``global_rate`` all bot-authenticated requests together. With
    ``enforce_rate_limits=False`` no limits apply and no ``X-RateLimit-*`` headers are sent.

    ``known_channels``: when given, only those channels exist (others answer
    ``404 Unknown Channel``); when ``None`` any channel id is accepted and created on first use.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        application_id: int = DEFAULT_APPLICATION_ID,
        bot_user_id: int = DEFAULT_APPLICATION_ID,
        bot_username: str = "Announcer",
        guild_id: int = DEFAULT_GUILD_ID,
        enforce_rate_limits: bool = True,
        known_channels: set[int] | None = None,
        message_rate: tuple[int, float] = (5, 5.0),
        webhook_rate: tuple[int, float] = (5, 2.0),
        route_rate: tuple[int, float] = (50, 1.0),
        global_rate: tuple[int, float] = (50, 1.0),
        nonce_ttl: float = 300.0,
        max_file_size: int = 10 * MIB,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = token
        self.application_id = application_id
        self.bot_user_id = bot_user_id
        self.bot_username = bot_username
        self.guild_id = guild_id
        self.enforce_rate_limits = enforce_rate_limits
        self.known_channels: set[int] | None = (
            set(known_channels) if known_channels is not None else None
        )
        self.message_rate = message_rate
        self.webhook_rate = webhook_rate
        self.route_rate = route_rate
        self.global_rate = global_rate
        self.nonce_ttl = nonce_ttl
        self.max_file_size = max_file_size
        self.host = host

        self.calls: list[Call] = []
        self.messages: dict[int, list[JsonObject]] = defaultdict(list)
        self.deleted_messages: list[JsonObject] = []
        self.rate_limit_hits = 0
        self.commands: dict[tuple[int, int | None], list[JsonObject]] = {}
        self.scheduled_events: dict[int, list[JsonObject]] = defaultdict(list)
        self.interaction_responses: list[JsonObject] = []
        self.webhooks: dict[int, FakeWebhook] = {}
        self.channels: dict[int, JsonObject] = {}
        self.guilds: dict[int, JsonObject] = {}
        self.forbidden_channels: dict[int, tuple[int, str]] = {}

        self._port = port
        self._runner: web.AppRunner | None = None
        self._ids = _Snowflakes()
        self._faults: list[_Fault] = []
        self._windows: dict[tuple[str, str], _Window] = {}
        self._global_window = _Window(*global_rate)
        self._message_index: dict[int, JsonObject] = {}
        self._allowed_mentions: dict[int, Any] = {}
        self._attachment_data: dict[int, tuple[bytes, str]] = {}
        self._nonces: dict[tuple[int, str], tuple[float, int]] = {}
        self._interactions: dict[int, _Interaction] = {}
        self._routes = self._build_routes()

        self._ensure_guild(guild_id)
        for channel_id in sorted(self.known_channels or ()):
            self._create_channel(channel_id, guild_id=guild_id, name=f"channel-{channel_id}")

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Start serving on a free port (idempotent)."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=256 * MIB)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop serving and close every open connection (idempotent)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._runner is None:
            raise RuntimeError("FakeDiscord is not started; call start() or use 'async with'")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The value for ``discord.http.Route.BASE``: ``http://127.0.0.1:PORT/api/v10``."""
        return f"{self.base_url}/api/v10"

    # ---------------------------------------------------------------- setup helpers

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
        ``global``/``user``). ``delay`` waits before answering; a ``status`` below 400 only
        delays and then serves the request normally. Scripted faults are not counted in
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
        return {
            "id": str(interaction.id),
            "application_id": str(self.application_id),
            "type": 2,
            "token": interaction.token,
            "version": 1,
            "data": data,
            "guild_id": str(guild_id),
            "guild": {"id": str(guild_id), "locale": "en-US", "features": []},
            "channel_id": str(channel_id),
            "channel": dict(channel),
            "member": {
                "user": user,
                "roles": [],
                "joined_at": _now_iso(),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "pending": False,
                "nick": None,
                "avatar": None,
                "premium_since": None,
                "permissions": str(permissions),
            },
            "app_permissions": str(permissions),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
            "attachment_size_limit": self.max_file_size,
        }

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

    # ---------------------------------------------------------------- routing

    def _build_routes(self) -> list[_Route]:
        table: list[tuple[str, str, Callable[[_Request], Awaitable[_Reply]], bool]] = [
            ("GET", "/users/@me", self._get_me, True),
            ("GET", "/oauth2/applications/@me", self._get_application, True),
            ("GET", "/applications/@me", self._get_application, True),
            ("GET", "/gateway", self._get_gateway, False),
            ("GET", "/gateway/bot", self._get_gateway_bot, True),
            ("GET", "/guilds/{guild_id}", self._get_guild, True),
            ("GET", "/channels/{channel_id}", self._get_channel, True),
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

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        cdn = _CDN_PATH.match(request.path)
        if cdn is not None and request.method in {"GET", "HEAD"}:
            return self._serve_attachment(int(cdn["attachment"]))
        api = _API_PATH.match(request.path)
        if api is None:
            return self._to_response(_Reply(404, {"message": "404: Not Found", "code": 0}))

        path = api["rest"].rstrip("/") or "/"
        method = request.method.upper()
        route, params, path_exists = self._match(method, path)
        authorization = request.headers.get("Authorization", "")
        headers = dict(request.headers)
        if "Authorization" in headers:
            scheme = authorization.split(" ", 1)[0] if " " in authorization else ""
            headers["Authorization"] = f"{scheme} [REDACTED]".strip()
        call = Call(
            method=method,
            path=path,
            route=route.key if route is not None else f"{method} {path}",
            params=params,
            query=dict(request.query),
            headers=headers,
            authenticated=authorization == f"Bot {self.token}",
        )
        self.calls.append(call)

        try:
            call.json, call.files = await self._read_body(request)
            req = _Request(method, path, params, request.query, call.json, call.files, call)
            reply = await self._process(route, req, path_exists)
        except _ApiError as error:
            reply = error.reply()
        call.status = reply.status
        call.response = copy.deepcopy(reply.body)
        response = self._to_response(reply)
        call.response_headers = dict(response.headers)
        return response

    async def _process(self, route: _Route | None, req: _Request, path_exists: bool) -> _Reply:
        fault = self._take_fault(req.call)
        if fault is not None:
            if fault.delay > 0:
                await asyncio.sleep(fault.delay)
            if fault.status >= 400:
                req.call.scripted = True
                return self._fault_reply(fault)
        if route is None:
            if path_exists:
                return _Reply(405, {"message": "405: Method Not Allowed", "code": 0})
            return _Reply(404, {"message": "404: Not Found", "code": 0})
        if route.auth and not req.call.authenticated:
            return _Reply(401, {"message": "401: Unauthorized", "code": 0})

        limit_headers = self._consume_rate_limit(route, req)
        try:
            reply = await route.handler(req)
        except _ApiError as error:
            reply = error.reply()
        reply.headers.update(limit_headers)
        return reply

    @staticmethod
    def _to_response(reply: _Reply) -> web.Response:
        if reply.body is None:
            return web.Response(status=reply.status, headers=reply.headers)
        body = json.dumps(reply.body, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {**reply.headers, "Content-Type": "application/json"}
        return web.Response(status=reply.status, body=body, headers=headers)

    def _serve_attachment(self, attachment_id: int) -> web.Response:
        stored = self._attachment_data.get(attachment_id)
        if stored is None:
            return web.Response(status=404, text="Not Found")
        data, content_type = stored
        return web.Response(status=200, body=data, headers={"Content-Type": content_type})

    async def _read_body(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        if request.content_type.startswith("multipart/"):
            return await self._read_multipart(request)
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise _ApiError(400, "The request body contains invalid JSON.", 50109) from error

    async def _read_multipart(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        reader = await request.multipart()
        payload: Any = None
        form: JsonObject = {}
        files: list[UploadedFile] = []
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            if part.filename is not None or name.startswith("files["):
                data = bytes(await part.read(decode=False))
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                files.append(UploadedFile(name, part.filename or name, data, content_type))
            elif name == "payload_json":
                text = await part.text()
                try:
                    payload = json.loads(text)
                except json.JSONDecodeError as error:
                    raise _ApiError(
                        400, "The request body contains invalid JSON.", 50109
                    ) from error
            else:
                form[name] = await part.text()
        if payload is None and form:
            payload = form
        return payload, files

    # ---------------------------------------------------------------- faults and limits

    def _take_fault(self, call: Call) -> _Fault | None:
        for fault in self._faults:
            if fault.route is None or call.matches(fault.route):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _fault_reply(self, fault: _Fault) -> _Reply:
        if fault.status == 429:
            retry_after = fault.retry_after if fault.retry_after is not None else 0.1
            scope = fault.scope or ("global" if fault.is_global else "user")
            body: JsonObject = {
                "message": fault.message or "You are being rate limited.",
                "retry_after": retry_after,
                "global": fault.is_global,
            }
            if fault.code is not None:
                body["code"] = fault.code
            return _Reply(429, body, self._too_many_headers(retry_after, scope, fault.is_global))
        reasons = {
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
            504: "Gateway Timeout",
        }
        text = fault.message or f"{fault.status}: {reasons.get(fault.status, 'Error')}"
        return _Reply(fault.status, {"message": text, "code": fault.code or 0})

    @staticmethod
    def _too_many_headers(retry_after: float, scope: str, is_global: bool) -> dict[str, str]:
        headers = {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": scope,
            "Via": "1.1 google",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        return headers

    def _bucket_for(
        self, route: _Route, params: Mapping[str, str]
    ) -> tuple[str, str, tuple[int, float]]:
        if route.key == "POST /channels/{channel_id}/messages":
            return "message-create", params["channel_id"], self.message_rate
        if route.key == "POST /webhooks/{webhook_id}/{webhook_token}":
            return "webhook-execute", params["webhook_id"], self.webhook_rate
        major = "+".join(
            params[name]
            for name in ("channel_id", "guild_id", "webhook_id", "interaction_id")
            if name in params
        )
        return route.key, major, self.route_rate

    def _consume_rate_limit(self, route: _Route, req: _Request) -> dict[str, str]:
        if not self.enforce_rate_limits:
            return {}
        now = time.monotonic()
        if route.auth or req.call.authenticated:
            allowed, _, reset_after = self._global_window.hit(now)
            if not allowed:
                self.rate_limit_hits += 1
                req.call.rate_limited = True
                raise _ApiError(
                    429,
                    "You are being rate limited.",
                    body={
                        "message": "You are being rate limited.",
                        "retry_after": reset_after,
                        "global": True,
                    },
                    headers=self._too_many_headers(reset_after, "global", True),
                )
        name, major, (limit, per) = self._bucket_for(route, req.params)
        window = self._windows.get((name, major))
        if window is None:
            window = self._windows[(name, major)] = _Window(limit, per)
        allowed, remaining, reset_after = window.hit(now)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{_ceil_ms(time.time() + reset_after):.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": _bucket_hash(name),
        }
        if not allowed:
            self.rate_limit_hits += 1
            req.call.rate_limited = True
            raise _ApiError(
                429,
                "You are being rate limited.",
                body={
                    "message": "You are being rate limited.",
                    "retry_after": reset_after,
                    "global": False,
                },
                headers={**headers, **self._too_many_headers(reset_after, "user", False)},
            )
        return headers

    # ---------------------------------------------------------------- shared object builders

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

    # ---------------------------------------------------------------- message validation

    def _check_url(
        self,
        errors: _FormErrors,
        path: Sequence[str | int],
        value: Any,
        upload_names: set[str] | None,
    ) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")
            return
        errors.max_length(path, value, 2048)
        parts = urlsplit(value)
        if parts.scheme == "attachment":
            name = value[len("attachment://") :]
            if not name:
                errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")
            elif upload_names is not None and name not in upload_names:
                errors.add(
                    path,
                    "URL_TYPE_INVALID_URL",
                    f'Attachment "{name}" is not an attachment of this message.',
                )
        elif parts.scheme not in {"http", "https"}:
            errors.add(
                path,
                "URL_TYPE_INVALID_SCHEME",
                f'Scheme "{parts.scheme}" is not supported. Scheme must be one of '
                "('http', 'https').",
            )
        elif not parts.netloc:
            errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")

    def _check_text(
        self,
        errors: _FormErrors,
        path: Sequence[str | int],
        value: Any,
        limit: int,
        *,
        required: bool = False,
    ) -> int:
        if value is None or value == "":
            if required:
                errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
            return 0
        if not isinstance(value, str):
            errors.add(path, "BASE_TYPE_STRING", "Could not interpret value as string.")
            return 0
        errors.max_length(path, value, limit)
        return len(value)

    def _check_embed(
        self,
        errors: _FormErrors,
        path: tuple[str | int, ...],
        embed: JsonObject,
        upload_names: set[str],
    ) -> int:
        size = self._check_text(errors, (*path, "title"), embed.get("title"), 256)
        size += self._check_text(errors, (*path, "description"), embed.get("description"), 4096)
        self._check_url(errors, (*path, "url"), embed.get("url"), None)
        color = embed.get("color")
        if color is not None and (not isinstance(color, int) or isinstance(color, bool)):
            errors.add((*path, "color"), "NUMBER_TYPE_COERCE", "Value is not int.")
        elif isinstance(color, int) and not 0 <= color <= 0xFFFFFF:
            errors.add(
                (*path, "color"),
                "NUMBER_TYPE_MAX" if color > 0 else "NUMBER_TYPE_MIN",
                "int value should be less than or equal to 16777215.",
            )
        timestamp = embed.get("timestamp")
        if timestamp is not None and _parse_time(timestamp) is None:
            errors.add(
                (*path, "timestamp"), "DATE_TIME_TYPE_PARSE", "Could not parse the timestamp."
            )

        fields = embed.get("fields")
        if fields is not None:
            if not isinstance(fields, list):
                errors.add((*path, "fields"), "BASE_TYPE_LIST", "Must be an array.")
            else:
                errors.max_length((*path, "fields"), fields, 25)
                for index, item in enumerate(fields):
                    item_path = (*path, "fields", index)
                    if not isinstance(item, dict):
                        errors.add(item_path, "DICT_TYPE_CONVERT", "Only dictionaries may be used")
                        continue
                    size += self._check_text(
                        errors, (*item_path, "name"), item.get("name"), 256, required=True
                    )
                    size += self._check_text(
                        errors, (*item_path, "value"), item.get("value"), 1024, required=True
                    )

        footer = embed.get("footer")
        if isinstance(footer, dict):
            size += self._check_text(
                errors, (*path, "footer", "text"), footer.get("text"), 2048, required=True
            )
            self._check_url(
                errors, (*path, "footer", "icon_url"), footer.get("icon_url"), upload_names
            )
        author = embed.get("author")
        if isinstance(author, dict):
            size += self._check_text(
                errors, (*path, "author", "name"), author.get("name"), 256, required=True
            )
            self._check_url(errors, (*path, "author", "url"), author.get("url"), None)
            self._check_url(
                errors, (*path, "author", "icon_url"), author.get("icon_url"), upload_names
            )
        for key in ("image", "thumbnail"):
            media = embed.get(key)
            if isinstance(media, dict):
                if not media.get("url"):
                    errors.add((*path, key, "url"), "BASE_TYPE_REQUIRED", "This field is required")
                else:
                    self._check_url(errors, (*path, key, "url"), media["url"], upload_names)
        return size

    def _check_message_payload(
        self,
        payload: JsonObject,
        files: Sequence[UploadedFile],
        *,
        kept_names: Iterable[str] = (),
        webhook: bool = False,
    ) -> None:
        """Validate a create/edit body; raise 413 or 400 like Discord does."""
        for upload in files:
            if len(upload.data) > self.max_file_size:
                raise _ApiError(413, "Request entity too large", 40005)

        errors = _FormErrors()
        content = payload.get("content")
        if content is not None and not isinstance(content, str):
            errors.add(("content",), "BASE_TYPE_STRING", "Could not interpret value as string.")
        else:
            errors.max_length(("content",), content, MAX_CONTENT_LENGTH)

        entries = payload.get("attachments")
        if entries is not None and not isinstance(entries, list):
            errors.add(("attachments",), "BASE_TYPE_LIST", "Must be an array.")
            entries = None
        if len(files) > MAX_FILES or (entries is not None and len(entries) > MAX_FILES):
            errors.add(
                ("attachments",), "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_FILES} or fewer in length."
            )
        upload_names = set(kept_names)
        upload_names.update(name for _, name, _, _ in self._describe_uploads(files, entries))

        embeds = payload.get("embeds")
        if embeds is not None:
            if not isinstance(embeds, list):
                errors.add(("embeds",), "BASE_TYPE_LIST", "Must be an array.")
            else:
                errors.max_length(("embeds",), embeds, MAX_EMBEDS)
                total = 0
                for index, embed in enumerate(embeds):
                    if not isinstance(embed, dict):
                        errors.add(
                            ("embeds", index), "DICT_TYPE_CONVERT", "Only dictionaries may be used"
                        )
                        continue
                    total += self._check_embed(errors, ("embeds", index), embed, upload_names)
                if total > MAX_EMBED_TOTAL:
                    errors.add(
                        ("embeds",),
                        "MAX_EMBED_SIZE_EXCEEDED",
                        f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}",
                    )

        nonce = payload.get("nonce")
        if nonce is not None:
            if isinstance(nonce, str):
                errors.max_length(("nonce",), nonce, MAX_NONCE_LENGTH)
            elif not isinstance(nonce, int) or isinstance(nonce, bool) or abs(nonce) >= 2**63:
                errors.add(("nonce",), "BASE_TYPE_STRING", "Could not interpret value as nonce.")

        reference = payload.get("message_reference")
        if reference is not None and (
            not isinstance(reference, dict) or not _is_int_like(reference.get("message_id"))
        ):
            errors.add(
                ("message_reference", "message_id"), "BASE_TYPE_REQUIRED", "This field is required"
            )

        if webhook:
            username = payload.get("username")
            if username is not None and (
                not isinstance(username, str) or not 1 <= len(username) <= 80
            ):
                errors.add(
                    ("username",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 80 in length."
                )
            self._check_url(errors, ("avatar_url",), payload.get("avatar_url"), None)
        errors.raise_if_any()

    @staticmethod
    def _describe_uploads(
        files: Sequence[UploadedFile], entries: Sequence[Any] | None
    ) -> list[tuple[UploadedFile, str, str | None, bool]]:
        """Pair each upload with its ``attachments`` entry.

        Returns ``(file, filename, description, spoiler)`` tuples in upload order.
        """
        by_index: dict[int, JsonObject] = {}
        for entry in entries or ():
            if isinstance(entry, dict) and _is_int_like(entry.get("id")):
                by_index[int(entry["id"])] = entry
        described: list[tuple[UploadedFile, str, str | None, bool]] = []
        for position, upload in enumerate(files):
            match = re.fullmatch(r"files\[([0-9]+)\]", upload.field)
            index = int(match.group(1)) if match else position
            entry = by_index.get(index, {})
            filename = entry.get("filename") or upload.filename
            spoiler = bool(entry.get("is_spoiler")) or filename.startswith("SPOILER_")
            if spoiler and not filename.startswith("SPOILER_"):
                filename = f"SPOILER_{filename}"
            described.append((upload, filename, entry.get("description"), spoiler))
        return described

    def _store_uploads(
        self,
        channel_id: int,
        files: Sequence[UploadedFile],
        entries: Sequence[Any] | None,
    ) -> list[JsonObject]:
        stored: list[JsonObject] = []
        for upload, filename, description, _ in self._describe_uploads(files, entries):
            attachment_id = self._ids.next()
            url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{quote(filename)}"
            attachment: JsonObject = {
                "id": str(attachment_id),
                "filename": filename,
                "size": len(upload.data),
                "url": url,
                "proxy_url": url,
            }
            info = _image_info(upload.data)
            guessed = mimetypes.guess_type(filename)[0]
            if info is not None:
                attachment["width"], attachment["height"] = info[0], info[1]
                content_type = info[2] or guessed or "application/octet-stream"
            else:
                content_type = guessed or "application/octet-stream"
            attachment["content_type"] = content_type
            if description:
                attachment["description"] = description
            self._attachment_data[attachment_id] = (upload.data, content_type)
            stored.append(attachment)
        return stored

    @staticmethod
    def _render_embeds(
        embeds: Sequence[JsonObject], attachments: Sequence[JsonObject]
    ) -> list[JsonObject]:
        by_name = {a["filename"]: a for a in attachments}
        rendered: list[JsonObject] = []
        for embed in embeds:
            out: JsonObject = {"type": embed.get("type") or "rich"}
            for key in ("url", "title", "description", "color", "timestamp"):
                if embed.get(key) is not None:
                    out[key] = embed[key]
            if embed.get("fields"):
                out["fields"] = [
                    {"name": f["name"], "value": f["value"], "inline": bool(f.get("inline"))}
                    for f in embed["fields"]
                ]
            for key in ("image", "thumbnail"):
                media = embed.get(key)
                if isinstance(media, dict) and media.get("url"):
                    url = str(media["url"])
                    target = (
                        by_name.get(url[len("attachment://") :])
                        if url.startswith("attachment://")
                        else None
                    )
                    if target is not None:
                        resolved: JsonObject = {
                            "url": target["url"],
                            "proxy_url": target["proxy_url"],
                        }
                        for extra in ("width", "height", "content_type"):
                            if extra in target:
                                resolved[extra] = target[extra]
                        out[key] = resolved
                    else:
                        out[key] = {"url": url, "proxy_url": url}
            for key, required in (("footer", "text"), ("author", "name")):
                part = embed.get(key)
                if isinstance(part, dict) and part.get(required):
                    out[key] = {k: v for k, v in part.items() if v is not None}
            rendered.append(out)
        return rendered

    def _mentions(self, content: str, allowed: Any) -> tuple[bool, list[JsonObject], list[str]]:
        parse: list[str] = ["everyone", "users", "roles"]
        users_allowed: set[str] = set()
        roles_allowed: set[str] = set()
        if isinstance(allowed, dict):
            parse = [p for p in allowed.get("parse") or [] if isinstance(p, str)]
            users_allowed = {str(u) for u in allowed.get("users") or []}
            roles_allowed = {str(r) for r in allowed.get("roles") or []}
        everyone = "everyone" in parse and ("@everyone" in content or "@here" in content)
        users = [
            self._user(int(uid), f"user{uid[-4:]}", bot=False)
            for uid in dict.fromkeys(_USER_MENTION.findall(content))
            if "users" in parse or uid in users_allowed
        ]
        roles = [
            rid
            for rid in dict.fromkeys(_ROLE_MENTION.findall(content))
            if "roles" in parse or rid in roles_allowed
        ]
        return everyone, users, roles

    def _apply_content(self, message: JsonObject, payload: JsonObject) -> None:
        if "content" in payload:
            message["content"] = payload["content"] or ""
        if "embeds" in payload:
            message["embeds"] = self._render_embeds(payload["embeds"] or [], message["attachments"])
        if "components" in payload:
            message["components"] = payload["components"] or []
        if "allowed_mentions" in payload or "content" in payload:
            message_id = int(message["id"])
            allowed = payload.get("allowed_mentions", self._allowed_mentions.get(message_id))
            self._allowed_mentions[message_id] = allowed
            everyone, users, roles = self._mentions(message["content"], allowed)
            message["mention_everyone"] = everyone
            message["mentions"] = users
            message["mention_roles"] = roles

    @staticmethod
    def _is_empty(message: JsonObject) -> bool:
        """Whether an edited message would have nothing left to show."""
        return not (
            message["content"].strip()
            or message["embeds"]
            or message["attachments"]
            or message["components"]
            or message.get("sticker_items")
            or message.get("poll")
        )

    @staticmethod
    def _public(message: JsonObject) -> JsonObject:
        return copy.deepcopy(message)

    def _build_message(
        self,
        channel_id: int,
        payload: JsonObject,
        files: Sequence[UploadedFile],
        *,
        author: JsonObject,
        webhook_id: int | None = None,
        interaction: _Interaction | None = None,
        message_type: int = MESSAGE_TYPE_DEFAULT,
        flags: int = 0,
    ) -> JsonObject:
        reference = self._resolve_reference(channel_id, payload.get("message_reference"))
        if not flags & MESSAGE_FLAG_LOADING and not (
            (isinstance(payload.get("content"), str) and payload["content"].strip())
            or payload.get("embeds")
            or files
            or payload.get("components")
            or payload.get("sticker_ids")
            or payload.get("poll")
        ):
            raise _ApiError(400, "Cannot send an empty message", 50006)

        attachments = self._store_uploads(channel_id, files, payload.get("attachments"))
        requested_flags = payload.get("flags") or 0
        message: JsonObject = {
            "type": message_type,
            "content": "",
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments,
            "embeds": [],
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "flags": (int(requested_flags) if isinstance(requested_flags, int) else 0) | flags,
            "components": [],
            "id": str(self._ids.next()),
            "channel_id": str(channel_id),
            "author": author,
            "pinned": False,
            "mention_everyone": False,
            "tts": bool(payload.get("tts")),
        }
        self._apply_content(message, payload)
        if payload.get("nonce") is not None:
            message["nonce"] = payload["nonce"]
        if webhook_id is not None:
            message["webhook_id"] = str(webhook_id)
        if interaction is not None:
            message["application_id"] = str(self.application_id)
            message["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user,
                "authorizing_integration_owners": {"0": str(interaction.guild_id or 0)},
            }
        if payload.get("sticker_ids"):
            message["sticker_items"] = [
                {"id": str(s), "name": "sticker", "format_type": 1} for s in payload["sticker_ids"]
            ]
        if isinstance(payload.get("poll"), dict):
            message["poll"] = payload["poll"]

        if reference is not None:
            target, ref_type = reference
            channel = self.channels.get(int(target["channel_id"]), {})
            if message_type == MESSAGE_TYPE_DEFAULT:
                message["type"] = MESSAGE_TYPE_REPLY
            message["message_reference"] = {
                "type": ref_type,
                "channel_id": target["channel_id"],
                "message_id": target["id"],
                **({"guild_id": channel["guild_id"]} if "guild_id" in channel else {}),
            }
            message["referenced_message"] = {
                k: v for k, v in self._public(target).items() if k != "referenced_message"
            }
        return message

    def _resolve_reference(self, channel_id: int, reference: Any) -> tuple[JsonObject, int] | None:
        """The message a ``message_reference`` points at, with the reference type."""
        if not isinstance(reference, dict):
            return None
        target_channel = int(reference.get("channel_id") or channel_id)
        target = self._message_index.get(int(reference["message_id"]))
        if target is None or int(target["channel_id"]) != target_channel:
            if reference.get("fail_if_not_exists", True) is False:
                return None
            errors = _FormErrors()
            errors.add(
                ("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
            )
            errors.raise_if_any()
            return None
        return target, int(reference.get("type") or 0)

    def _store_message(self, message: JsonObject) -> JsonObject:
        channel_id = int(message["channel_id"])
        self.messages[channel_id].append(message)
        self._message_index[int(message["id"])] = message
        channel = self.channels.get(channel_id)
        if channel is not None:
            channel["last_message_id"] = message["id"]
        return message

    def _edit_stored_message(
        self, message: JsonObject, payload: JsonObject, files: Sequence[UploadedFile]
    ) -> JsonObject:
        entries = payload.get("attachments")
        existing = {a["id"]: a for a in message["attachments"]}
        if entries is None:
            kept = list(message["attachments"])
        else:
            kept = [
                existing[str(e["id"])]
                for e in entries
                if isinstance(e, dict) and str(e.get("id")) in existing
            ]
        self._check_message_payload(payload, files, kept_names=[a["filename"] for a in kept])
        updated = dict(message)
        added = self._store_uploads(int(message["channel_id"]), files, entries)
        updated["attachments"] = kept + added
        self._apply_content(updated, payload)
        if "flags" in payload and isinstance(payload["flags"], int):
            keep = updated["flags"] & ~MESSAGE_FLAG_SUPPRESS_EMBEDS
            updated["flags"] = keep | (payload["flags"] & MESSAGE_FLAG_SUPPRESS_EMBEDS)
        updated["flags"] &= ~MESSAGE_FLAG_LOADING
        if self._is_empty(updated):
            for attachment in added:
                self._attachment_data.pop(int(attachment["id"]), None)
            raise _ApiError(400, "Cannot send an empty message", 50006)
        updated["edited_timestamp"] = _now_iso()
        message.clear()
        message.update(updated)
        return message

    def _delete_stored_message(self, message: JsonObject) -> None:
        channel_id = int(message["channel_id"])
        self.messages[channel_id] = [
            m for m in self.messages[channel_id] if m["id"] != message["id"]
        ]
        self._message_index.pop(int(message["id"]), None)
        self.deleted_messages.append(message)

    # ---------------------------------------------------------------- user / app / gateway

    async def _get_me(self, req: _Request) -> _Reply:
        user = self._bot_user()
        user.update({"mfa_enabled": True, "locale": "en-US", "verified": True, "email": None})
        return _Reply(200, user)

    async def _get_application(self, req: _Request) -> _Reply:
        owner = self._user(self.guild_id + 1, "association-admin", bot=False)
        return _Reply(
            200,
            {
                "id": str(self.application_id),
                "name": self.bot_username,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "bot": self._bot_user(),
                "bot_public": False,
                "bot_require_code_grant": False,
                "verify_key": hashlib.sha256(str(self.application_id).encode()).hexdigest(),
                "flags": 0,
                "flags_new": "0",
                "hook": True,
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "role_connections_verification_url": None,
                "owner": owner,
                "approximate_guild_count": len(self.guilds),
                "approximate_user_install_count": 0,
                "approximate_user_authorization_count": 0,
                "explicit_content_filter": 0,
                "team": None,
                "eligible_oauth2_scopes": [],
                "integration_types_config": {"0": {}},
                "tags": [],
                "rpc_origins": [],
            },
        )

    async def _get_gateway(self, req: _Request) -> _Reply:
        return _Reply(200, {"url": f"ws://{self.host}:{self.port}/gateway"})

    async def _get_gateway_bot(self, req: _Request) -> _Reply:
        return _Reply(
            200,
            {
                "url": f"ws://{self.host}:{self.port}/gateway",
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            },
        )

    async def _get_guild(self, req: _Request) -> _Reply:
        guild_id = req.int_param("guild_id")
        if guild_id not in self.guilds:
            raise _ApiError(404, "Unknown Guild", 10004)
        guild = dict(self.guilds[guild_id])
        if req.flag("with_counts"):
            members = 1 + len({int(m["author"]["id"]) for m in self._message_index.values()})
            guild["approximate_member_count"] = members
            guild["approximate_presence_count"] = 0
        return _Reply(200, guild)

    # ---------------------------------------------------------------- channels and messages

    async def _get_channel(self, req: _Request) -> _Reply:
        return _Reply(200, dict(self._channel(req.int_param("channel_id"))))

    async def _list_messages(self, req: _Request) -> _Reply:
        channel_id = req.int_param("channel_id")
        self._channel(channel_id)
        limit = min(max(int(req.query.get("limit", "50") or 50), 1), 100)
        newest_first = [self._public(m) for m in reversed(self.messages.get(channel_id, []))]
        before = req.query.get("before")
        after = req.query.get("after")
        if before:
            newest_first = [m for m in newest_first if int(m["id"]) < int(before)]
        if after:
            newest_first = [m for m in newest_first if int(m["id"]) > int(after)]
        return _Reply(200, newest_first[:limit])

    async def _create_message(self, req: _Request) -> _Reply:
        channel_id = req.int_param("channel_id")
        self._channel(channel_id)
        payload = req.body()
        self._check_message_payload(payload, req.files)

        nonce = payload.get("nonce")
        now = time.monotonic()
        if nonce is not None and payload.get("enforce_nonce"):
            seen = self._nonces.get((channel_id, str(nonce)))
            if (
                seen is not None
                and now - seen[0] <= self.nonce_ttl
                and seen[1] in self._message_index
            ):
                req.call.deduplicated = True
                return _Reply(200, self._public(self._message_index[seen[1]]))

        message = self._build_message(channel_id, payload, req.files, author=self._bot_user())
        self._store_message(message)
        if nonce is not None and payload.get("enforce_nonce"):
            self._nonces[(channel_id, str(nonce))] = (now, int(message["id"]))
        return _Reply(200, self._public(message))

    async def _get_message(self, req: _Request) -> _Reply:
        channel_id = req.int_param("channel_id")
        self._channel(channel_id)
        return _Reply(
            200, self._public(self._stored_message(channel_id, req.int_param("message_id")))
        )

    async def _edit_message(self, req: _Request) -> _Reply:
        channel_id = req.int_param("channel_id")
        self._channel(channel_id)
        message = self._stored_message(channel_id, req.int_param("message_id"))
        if message["author"]["id"] != str(self.bot_user_id) or "webhook_id" in message:
            raise _ApiError(403, "Cannot edit a message authored by another user", 50005)
        return _Reply(200, self._public(self._edit_stored_message(message, req.body(), req.files)))

    async def _delete_message(self, req: _Request) -> _Reply:
        channel_id = req.int_param("channel_id")
        self._channel(channel_id)
        self._delete_stored_message(self._stored_message(channel_id, req.int_param("message_id")))
        return _Reply(204)

    async def _crosspost_message(self, req: _Request) -> _Reply:
        channel_id = req.int_param("channel_id")
        channel = self._channel(channel_id)
        message = self._stored_message(channel_id, req.int_param("message_id"))
        if channel["type"] != 5:
            raise _ApiError(400, "Cannot execute action on this channel type", 50024)
        if message["flags"] & MESSAGE_FLAG_CROSSPOSTED:
            raise _ApiError(400, "This message has already been crossposted.", 40033)
        message["flags"] |= MESSAGE_FLAG_CROSSPOSTED
        return _Reply(200, self._public(message))

    # ---------------------------------------------------------------- webhooks

    def _webhook_payload(self, webhook: FakeWebhook, *, with_token: bool) -> JsonObject:
        payload: JsonObject = {
            "id": str(webhook.id),
            "type": 1,
            "name": webhook.name,
            "avatar": None,
            "channel_id": str(webhook.channel_id),
            "guild_id": str(webhook.guild_id),
            "application_id": None,
            "user": self._bot_user(),
        }
        if with_token:
            payload["token"] = webhook.token
            payload["url"] = webhook.url
        return payload

    def _resolve_webhook(self, req: _Request) -> FakeWebhook | _Interaction:
        webhook_id = req.int_param("webhook_id")
        token = req.params.get("webhook_token")
        if webhook_id == self.application_id and token is not None:
            for interaction in self._interactions.values():
                if interaction.token == token:
                    return interaction
            raise _ApiError(404, "Unknown Webhook", 10015)
        webhook = self.webhooks.get(webhook_id)
        if webhook is None:
            raise _ApiError(404, "Unknown Webhook", 10015)
        if token is not None and token != webhook.token:
            raise _ApiError(401, "Invalid Webhook Token", 50027)
        return webhook

    async def _get_webhook(self, req: _Request) -> _Reply:
        target = self._resolve_webhook(req)
        if isinstance(target, _Interaction):
            raise _ApiError(404, "Unknown Webhook", 10015)
        return _Reply(200, self._webhook_payload(target, with_token=True))

    async def _delete_webhook(self, req: _Request) -> _Reply:
        target = self._resolve_webhook(req)
        if isinstance(target, _Interaction):
            raise _ApiError(404, "Unknown Webhook", 10015)
        self.delete_webhook(target.id)
        return _Reply(204)

    async def _execute_webhook(self, req: _Request) -> _Reply:
        target = self._resolve_webhook(req)
        payload = req.body()
        if isinstance(target, _Interaction):
            if not target.acknowledged:
                raise _ApiError(404, "Unknown Webhook", 10015)
            self._check_message_payload(payload, req.files, webhook=True)
            message = self._build_message(
                target.channel_id,
                payload,
                req.files,
                author=self._bot_user(),
                webhook_id=self.application_id,
                interaction=target,
                message_type=MESSAGE_TYPE_CHAT_INPUT_COMMAND,
            )
            return _Reply(200, self._public(self._store_message(message)))

        channel_id = target.channel_id
        thread_id = req.query.get("thread_id")
        if thread_id:
            if not thread_id.isdigit():
                raise _ApiError(
                    400,
                    "Invalid Form Body",
                    50035,
                    errors={
                        "thread_id": {
                            "_errors": [
                                {"code": "NUMBER_TYPE_COERCE", "message": "Value is not snowflake."}
                            ]
                        }
                    },
                )
            channel_id = int(thread_id)
            self._channel(channel_id)
        self._check_message_payload(payload, req.files, webhook=True)
        message = self._build_message(
            channel_id,
            payload,
            req.files,
            author=self._webhook_user(target, payload.get("username")),
            webhook_id=target.id,
        )
        self._store_message(message)
        if req.flag("wait"):
            return _Reply(200, self._public(message))
        return _Reply(204)

    def _webhook_message(self, req: _Request) -> JsonObject:
        target = self._resolve_webhook(req)
        raw_id = req.path.rsplit("/", 1)[1]
        if raw_id == "@original":
            if not isinstance(target, _Interaction) or target.original_message_id is None:
                raise _ApiError(404, "Unknown Message", 10008)
            message_id = target.original_message_id
        else:
            message_id = int(raw_id)
        message = self._message_index.get(message_id)
        owner = self.application_id if isinstance(target, _Interaction) else target.id
        if message is None or message.get("webhook_id") != str(owner):
            raise _ApiError(404, "Unknown Message", 10008)
        thread_id = req.query.get("thread_id")
        if thread_id and message["channel_id"] != thread_id:
            raise _ApiError(404, "Unknown Message", 10008)
        return message

    async def _get_webhook_message(self, req: _Request) -> _Reply:
        return _Reply(200, self._public(self._webhook_message(req)))

    async def _edit_webhook_message(self, req: _Request) -> _Reply:
        message = self._webhook_message(req)
        return _Reply(200, self._public(self._edit_stored_message(message, req.body(), req.files)))

    async def _delete_webhook_message(self, req: _Request) -> _Reply:
        self._delete_stored_message(self._webhook_message(req))
        return _Reply(204)

    # ---------------------------------------------------------------- interactions

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

    # ---------------------------------------------------------------- scheduled events

    def _guild_events(self, req: _Request) -> tuple[int, list[JsonObject]]:
        guild_id = req.int_param("guild_id")
        if guild_id not in self.guilds:
            raise _ApiError(404, "Unknown Guild", 10004)
        return guild_id, self.scheduled_events[guild_id]

    def _find_event(self, req: _Request) -> tuple[list[JsonObject], JsonObject]:
        _, events = self._guild_events(req)
        event_id = req.params["guild_scheduled_event_id"]
        for event in events:
            if event["id"] == event_id:
                return events, event
        raise _ApiError(404, "Unknown Guild Scheduled Event", 10070)

    def _check_event(self, event: JsonObject, *, start_changed: bool) -> None:
        errors = _FormErrors()
        name = event.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            errors.add(("name",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        description = event.get("description")
        if description is not None:
            if not isinstance(description, str):
                errors.add(
                    ("description",), "BASE_TYPE_STRING", "Could not interpret value as string."
                )
            else:
                errors.max_length(("description",), description, 1000)
        if event.get("privacy_level") != 2:
            errors.add(("privacy_level",), "BASE_TYPE_CHOICES", "Value must be one of {2}.")
        entity_type = event.get("entity_type")
        if entity_type not in {1, 2, 3}:
            errors.add(("entity_type",), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
        start = _parse_time(event.get("scheduled_start_time"))
        end = _parse_time(event.get("scheduled_end_time"))
        if start is None:
            errors.add(
                ("scheduled_start_time",), "DATE_TIME_TYPE_PARSE", "Could not parse the timestamp."
            )
        elif start_changed and start <= datetime.now(UTC):
            errors.add(
                ("scheduled_start_time",),
                "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
                "Cannot schedule event in the past.",
            )
        if event.get("scheduled_end_time") is not None and end is None:
            errors.add(
                ("scheduled_end_time",), "DATE_TIME_TYPE_PARSE", "Could not parse the timestamp."
            )
        if start is not None and end is not None and end <= start:
            errors.add(
                ("scheduled_end_time",),
                "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                "Cannot schedule event to end before starting.",
            )
        if entity_type == 3:
            metadata = event.get("entity_metadata")
            location = metadata.get("location") if isinstance(metadata, dict) else None
            if not isinstance(location, str) or not 1 <= len(location) <= 100:
                errors.add(
                    ("entity_metadata", "location"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                )
            if end is None:
                errors.add(("scheduled_end_time",), "BASE_TYPE_REQUIRED", "This field is required")
            if event.get("channel_id") is not None:
                errors.add(
                    ("channel_id",),
                    "GUILD_SCHEDULED_EVENT_CHANNEL_NOT_ALLOWED",
                    "External events cannot have a channel.",
                )
        elif entity_type in {1, 2} and not _is_int_like(event.get("channel_id")):
            errors.add(("channel_id",), "BASE_TYPE_REQUIRED", "This field is required")
        errors.raise_if_any()

    @staticmethod
    def _image_hash(image: Any) -> str | None:
        if not isinstance(image, str) or not image:
            return None
        encoded = image.split(",", 1)[1] if image.startswith("data:") else image
        try:
            data = base64.b64decode(encoded, validate=True)
        except ValueError as error:
            raise _ApiError(
                400,
                "Invalid Form Body",
                50035,
                errors={
                    "image": {
                        "_errors": [{"code": "IMAGE_INVALID", "message": "Invalid image data"}]
                    }
                },
            ) from error
        return hashlib.md5(data).hexdigest()

    def _event_response(self, event: JsonObject, with_user_count: bool) -> JsonObject:
        response = dict(event)
        if not with_user_count:
            response.pop("user_count", None)
        return response

    async def _list_events(self, req: _Request) -> _Reply:
        _, events = self._guild_events(req)
        with_count = req.flag("with_user_count")
        return _Reply(200, [self._event_response(e, with_count) for e in events])

    async def _get_event(self, req: _Request) -> _Reply:
        _, event = self._find_event(req)
        return _Reply(200, self._event_response(event, req.flag("with_user_count")))

    async def _create_event(self, req: _Request) -> _Reply:
        guild_id, events = self._guild_events(req)
        body = req.body()
        self._check_event(body, start_changed=True)
        entity_type = body["entity_type"]
        channel_id = body.get("channel_id")
        if channel_id is not None:
            self._channel(int(channel_id))
        metadata = body.get("entity_metadata") if entity_type == 3 else None
        event: JsonObject = {
            "id": str(self._ids.next()),
            "guild_id": str(guild_id),
            "name": body["name"],
            "description": body.get("description"),
            "channel_id": None if channel_id is None else str(channel_id),
            "creator_id": str(self.bot_user_id),
            "creator": self._bot_user(),
            "image": self._image_hash(body.get("image")),
            "scheduled_start_time": _iso_or_none(body.get("scheduled_start_time")),
            "scheduled_end_time": _iso_or_none(body.get("scheduled_end_time")),
            "status": 1,
            "entity_type": entity_type,
            "entity_id": None,
            "entity_metadata": {"location": metadata["location"]}
            if isinstance(metadata, dict)
            else None,
            "recurrence_rule": body.get("recurrence_rule"),
            "privacy_level": 2,
            "guild_scheduled_event_exceptions": [],
            "user_count": 0,
        }
        events.append(event)
        return _Reply(200, self._event_response(event, False))

    async def _edit_event(self, req: _Request) -> _Reply:
        _, event = self._find_event(req)
        body = req.body()
        merged = {**event, **body}
        if "entity_metadata" in body and body["entity_metadata"] is None:
            merged["entity_metadata"] = None
        status = body.get("status")
        if status is not None and status != event["status"]:
            allowed = {1: {2, 4}, 2: {3}}.get(event["status"], set())
            if status not in allowed:
                errors = _FormErrors()
                errors.add(
                    ("status",),
                    "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
                    "Cannot transition the event to this status.",
                )
                errors.raise_if_any()
        start_changed = "scheduled_start_time" in body and _parse_time(
            body["scheduled_start_time"]
        ) != _parse_time(event["scheduled_start_time"])
        self._check_event(merged, start_changed=start_changed)
        if "image" in body:
            merged["image"] = self._image_hash(body["image"])
        for key in ("scheduled_start_time", "scheduled_end_time"):
            merged[key] = _iso_or_none(merged.get(key))
        if merged.get("entity_type") == 3 and isinstance(merged.get("entity_metadata"), dict):
            merged["entity_metadata"] = {"location": merged["entity_metadata"]["location"]}
        if merged.get("channel_id") is not None:
            merged["channel_id"] = str(merged["channel_id"])
        known = set(event)
        event.update({k: v for k, v in merged.items() if k in known})
        return _Reply(200, self._event_response(event, False))

    async def _delete_event(self, req: _Request) -> _Reply:
        events, event = self._find_event(req)
        events.remove(event)
        return _Reply(204)
