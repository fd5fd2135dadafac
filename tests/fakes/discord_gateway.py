"""Discord's gateway for tests: :class:`FakeDiscord` plus a websocket at ``/gateway``.

The REST fake's ``GET /gateway`` and ``GET /gateway/bot`` already answer
``ws://127.0.0.1:PORT/gateway``; this subclass serves that URL on the same port, so discord.py
can be aimed at either: ``DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)``.

Spoken (JSON text frames, no compression): HELLO (op 10) on connect; HEARTBEAT (op 1) →
HEARTBEAT_ACK (op 11); IDENTIFY (op 2) with the bot token → READY (the guilds listed as
unavailable) and one GUILD_CREATE per guild; a wrong token closes with 4004. RESUME (op 6)
answers INVALID_SESSION (op 9, not resumable), so the client identifies again. Tests push
events with :meth:`GatewayDiscord.dispatch`, interactions with
:meth:`GatewayDiscord.dispatch_interaction` (payloads from :meth:`FakeDiscord.new_interaction`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.discord_api import FakeDiscord, _now_iso

__all__ = ["GatewayDiscord"]

JsonObject = dict[str, Any]
MANAGE_GUILD = 1 << 5


class GatewayDiscord(FakeDiscord):
    def __init__(self, *, heartbeat_interval_ms: int = 41_250, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.identifies: list[JsonObject] = []  # the IDENTIFY payloads, token redacted
        self.heartbeats = 0
        self.received: list[JsonObject] = []  # every client frame, decoded
        self._sessions: dict[web.WebSocketResponse, int] = {}  # live socket → last sequence
        self._ready: asyncio.Event | None = None

    # ---------------------------------------------------------------- public helpers

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    async def wait_ready(self, within: float = 5.0) -> None:
        """Until a client has identified and received READY and its GUILD_CREATEs."""
        await asyncio.wait_for(self._ready_event().wait(), within)

    def add_role(self, role_id: int, name: str = "Committee", permissions: int = 0) -> None:
        """A role in the default guild, as GUILD_CREATE will list it."""
        self.guilds[self.guild_id]["roles"].append({
            "id": str(role_id), "name": name, "permissions": str(permissions),
            "position": len(self.guilds[self.guild_id]["roles"]), "color": 0, "hoist": False,
            "managed": False, "mentionable": False, "icon": None, "unicode_emoji": None,
            "flags": 0,
        })  # fmt: skip

    def add_attachment(
        self, data: bytes, filename: str, content_type: str = "image/jpeg", channel_id: int = 1
    ) -> JsonObject:
        """An uploaded file the client can download, as an interaction's ``resolved`` lists it."""
        attachment_id = self._ids.next()
        self._attachment_data[attachment_id] = (data, content_type)
        url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{filename}"
        return {
            "id": str(attachment_id), "filename": filename, "size": len(data), "url": url,
            "proxy_url": url, "content_type": content_type,
        }  # fmt: skip

    async def dispatch(self, event: str, data: JsonObject) -> None:
        """Send a DISPATCH event to every identified client."""
        for socket in list(self._sessions):
            await self._send_event(socket, event, data)

    async def dispatch_interaction(self, payload: JsonObject) -> None:
        await self.dispatch("INTERACTION_CREATE", payload)

    # ---------------------------------------------------------------- protocol

    async def _before_stop(self) -> None:
        for socket in list(self._sessions):
            with contextlib.suppress(Exception):
                await socket.close(code=1001)
        self._sessions.clear()
        await super()._before_stop()

    def _ready_event(self) -> asyncio.Event:
        if self._ready is None:
            self._ready = asyncio.Event()
        return self._ready

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
        if upgrade and request.path.rstrip("/") == "/gateway":
            return await self._gateway(request)
        return await super()._dispatch(request)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await socket.prepare(request)
        await socket.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        try:
            async for frame in socket:
                if frame.type is not WSMsgType.TEXT:
                    continue
                await self._on_frame(socket, json.loads(frame.data))
        finally:
            self._sessions.pop(socket, None)
        return socket

    async def _on_frame(self, socket: web.WebSocketResponse, frame: JsonObject) -> None:
        op, data = frame.get("op"), frame.get("d")
        self.received.append({"op": op} if op in (2, 6) else frame)
        if op == 1:
            self.heartbeats += 1
            await socket.send_str(json.dumps({"op": 11}))
        elif op == 2:
            await self._identify(socket, data if isinstance(data, dict) else {})
        elif op == 6:
            await socket.send_str(json.dumps({"op": 9, "d": False}))

    async def _identify(self, socket: web.WebSocketResponse, data: JsonObject) -> None:
        if data.get("token") != self.token:
            await socket.close(code=4004, message=b"Authentication failed.")
            return
        self.identifies.append({**data, "token": "[REDACTED]"})
        self._sessions[socket] = 0
        guilds = sorted(self.guilds)
        await self._send_event(socket, "READY", {
            "v": 10, "user": self._bot_user(), "session_id": secrets.token_hex(16),
            "resume_gateway_url": self.gateway_url, "guilds": [
                {"id": str(g), "unavailable": True} for g in guilds
            ], "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [], "relationships": [], "shard": [0, 1],
        })  # fmt: skip
        for guild_id in guilds:
            await self._send_event(socket, "GUILD_CREATE", self._guild_create(guild_id))
        self._ready_event().set()

    def _guild_create(self, guild_id: int) -> JsonObject:
        channels = [dict(c) for c in self.channels.values() if c.get("guild_id") == str(guild_id)]
        return {
            **self.guilds[guild_id], "unavailable": False, "large": False, "joined_at": _now_iso(),
            "member_count": 1, "members": [], "channels": channels, "threads": [],
            "voice_states": [], "presences": [], "stage_instances": [],
            "guild_scheduled_events": [], "soundboard_sounds": [],
        }  # fmt: skip

    async def _send_event(
        self, socket: web.WebSocketResponse, event: str, data: JsonObject
    ) -> None:
        sequence = self._sessions.get(socket, 0) + 1
        self._sessions[socket] = sequence
        if not socket.closed:
            await socket.send_str(json.dumps({"op": 0, "t": event, "s": sequence, "d": data}))
