"""The Discord fake itself: its state, lifecycle and request dispatch."""

from __future__ import annotations

import asyncio
import copy
import json
import re
from collections import defaultdict
from typing import Any

from aiohttp import BodyPartReader, web

from ..loopback import LoopbackServer
from .common import (
    DEFAULT_APPLICATION_ID,
    DEFAULT_GUILD_ID,
    DEFAULT_TOKEN,
    MIB,
    JsonObject,
    _ApiError,
    _Reply,
    _Snowflakes,
)
from .controls import _Controls
from .guilds import _GuildRoutes
from .interactions import _InteractionRoutes
from .members import _MemberRoutes
from .message_store import _MessageStore
from .messages import _MessageRoutes
from .models import _ObjectBuilders
from .presses import _Presses
from .ratelimits import _Fault, _RateLimiting, _Window
from .records import Call, FakeWebhook, UploadedFile, _Interaction, _Request
from .routing import _Route, _Routing
from .threads import _ThreadRoutes
from .validation import _PayloadValidation
from .webhooks import _WebhookRoutes

_API_PATH = re.compile(r"^/api(?:/v(?P<version>[0-9]+))?(?P<rest>/.*)$")
_CDN_PATH = re.compile(r"^/attachments/(?P<channel>[0-9]+)/(?P<attachment>[0-9]+)/[^/]+$")


class FakeDiscord(
    _Controls,
    _Presses,
    _Routing,
    _RateLimiting,
    _ObjectBuilders,
    _PayloadValidation,
    _MessageStore,
    _GuildRoutes,
    _MemberRoutes,
    _MessageRoutes,
    _ThreadRoutes,
    _WebhookRoutes,
    _InteractionRoutes,
    LoopbackServer,
):
    """A Discord REST API served on 127.0.0.1 for tests.

    Rate limits are ``(requests, seconds)`` pairs: ``message_rate`` is the per-channel bucket
    of ``POST /channels/{channel_id}/messages``, ``webhook_rate`` the per-webhook bucket of
    webhook executes, ``crosspost_rate`` the per-channel bucket of crossposts (Discord allows
    about 10 an hour), ``route_rate`` every other route (per route and major parameter) and
    ``global_rate`` all bot-authenticated requests together. With
    ``enforce_rate_limits=False`` no limits apply and no ``X-RateLimit-*`` headers are sent.

    ``known_channels``: when given, only those channels exist (others answer
    ``404 Unknown Channel``); when ``None`` any channel id is accepted and created on first use.
    """

    _not_running_message = "FakeDiscord is not started; call start() or use 'async with'"
    _shutdown_timeout = 0.5

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
        crosspost_rate: tuple[int, float] = (10, 3600.0),
        global_rate: tuple[int, float] = (50, 1.0),
        nonce_ttl: float = 300.0,
        max_file_size: int = 10 * MIB,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host=host, port=port)
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
        self.crosspost_rate = crosspost_rate
        self.global_rate = global_rate
        self.nonce_ttl = nonce_ttl
        self.max_file_size = max_file_size

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
        self.bot_roles: dict[int, list[int]] = {}  # guild id -> the bot member's role ids
        self.bot_absent: set[int] = set()  # guilds the bot has left
        self.bot_timeouts: dict[int, str] = {}  # guild id -> communication_disabled_until
        self.commands_denied: set[int] = set()  # guilds without the applications.commands scope
        self.threads: list[JsonObject] = []  # forum posts, as created
        self.pins: dict[int, list[int]] = {}  # channel id → pinned message ids, oldest first
        self.pins_forbidden: set[int] = set()

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

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=256 * MIB)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        return app

    def _port_to_bind(self) -> int:
        """A restarted fake listens on the port it had, so the URLs it gave out stay valid."""
        return self._requested_port if self._port is None else self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The value for ``discord.http.Route.BASE``: ``http://127.0.0.1:PORT/api/v10``."""
        return f"{self.base_url}/api/v10"

    # ---------------------------------------------------------------- HTTP

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
        if fault is not None and fault.status >= 400:
            if fault.delay > 0:
                await asyncio.sleep(fault.delay)
            req.call.scripted = True
            return self._fault_reply(fault)
        reply = await self._serve(route, req, path_exists)
        if fault is not None and fault.delay > 0:
            # carried out first, answered late: the client may give up, the message exists
            await asyncio.sleep(fault.delay)
        return reply

    async def _serve(self, route: _Route | None, req: _Request, path_exists: bool) -> _Reply:
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
