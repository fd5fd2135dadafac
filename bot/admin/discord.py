"""Admin commands on Discord: a CommandTree on the publisher's client, connected to the gateway.

The client is already logged in over REST by the publisher. Commands are registered in the
configured guilds only, visible by default to members with Manage Server; the handler also
accepts members holding one of ``[discord] admin_roles``. The gateway connection runs as a task
(``Client.connect``), aimed at ``[discord] gateway_url``: a plain client never asks
``/gateway/bot`` and connects to ``DiscordWebSocket.DEFAULT_GATEWAY``. Stopping closes only the
websocket: the client's REST session belongs to the publisher, which closes it last.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from datetime import datetime

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from ..config import AdminCfg, DiscordCfg
from ..i18n import words
from ..service.admin import AdminOps
from ..service.drafts import Drafts
from .commands import EDITOR_COMMANDS
from .discord_commands import Commands, install
from .discord_drafts import DiscordDrafts, refusal
from .discord_form import report_error, words_of
from .telegram_answers import Send

log = logging.getLogger(__name__)
REFUSAL = refusal(words("en"))


def _ids(values: list[str], what: str) -> set[int]:
    found: set[int] = set()
    for value in values:
        if str(value).strip().isdigit():
            found.add(int(value))
        else:
            log.warning("Discord: %s %r is not an id; ignored", what, value)
    return found


def _command_name(interaction: discord.Interaction) -> str:
    data: dict[str, object] = dict(interaction.data or {})
    return str(data.get("name", "?"))


class AdminTree(app_commands.CommandTree[discord.Client]):
    def __init__(
        self, client: discord.Client, guild_ids: set[int], roles: set[int],
        editor_roles: set[int] = frozenset(),  # type: ignore[assignment]
    ) -> None:  # fmt: skip
        super().__init__(client)
        self.guild_ids = guild_ids
        self.roles = roles
        self.editor_roles = set(editor_roles)

    def role(self, interaction: discord.Interaction) -> str | None:
        """admin (Manage Server, or an admin role), editor (an editor role), or None."""
        if interaction.guild_id not in self.guild_ids:
            return None
        perms = interaction.permissions
        if perms.manage_guild or perms.administrator:
            return "admin"
        user = interaction.user
        held = {r.id for r in user.roles} if isinstance(user, discord.Member) else set()
        if held & self.roles:
            return "admin"
        return "editor" if held & self.editor_roles else None

    def allows(self, interaction: discord.Interaction) -> bool:
        role = self.role(interaction)
        return role == "admin" or (
            role == "editor" and _command_name(interaction) in EDITOR_COMMANDS
        )

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if self.allows(interaction):
            return True
        if interaction.type is discord.InteractionType.autocomplete:
            await interaction.response.autocomplete([])
            return False
        name = _command_name(interaction)
        log.warning("Discord: refused /%s from user %s (%s) in guild %s",
                    name, interaction.user.id, interaction.user, interaction.guild_id)  # fmt: skip
        await interaction.response.send_message(refusal(words_of(interaction)), ephemeral=True)
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        original = getattr(error, "original", error)
        await report_error(interaction, original, f"/{_command_name(interaction)}")


class DiscordAdmin:
    def __init__(
        self, ops: AdminOps, client: discord.Client, cfg: DiscordCfg, *,
        drafts: Drafts, send: Send, admin_cfg: AdminCfg,
    ) -> None:  # fmt: skip
        self.admin, self.client, self.gateway_url = ops, client, cfg.gateway_url
        editors = _ids(admin_cfg.editor_roles, "editor role")
        self.tree = AdminTree(
            client, _ids(cfg.guild_ids, "guild"), _ids(cfg.admin_roles, "role"), editors
        )
        self.drafts = DiscordDrafts(
            drafts, client, send, role=self.tree.role, admin_channel=cfg.admin_channel,
            tz=ops.queries.tz, clock=ops.clock, publish_hour=ops.publish_hour,
        )  # fmt: skip
        drafts.desks["discord"] = self.drafts
        install(self.tree, Commands(ops, self.drafts, admin_cfg.confirm, self.tree.role))
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        for guild_id in sorted(self.tree.guild_ids):
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
                log.info("admin commands: %d registered in Discord guild %s", len(synced), guild_id)
            except discord.HTTPException as exc:
                log.warning("Discord: cannot register the commands in guild %s: %s", guild_id, exc)
        self.task = asyncio.create_task(self._connect(), name="discord-gateway")

    async def _connect(self) -> None:
        try:
            await self.client.connect(reconnect=True)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("Discord: the gateway connection ended (%s); admin commands are offline", exc)

    def problem(self, now: datetime) -> str | None:
        """For the health check: the gateway session that receives the commands is down."""
        if self.task is not None and self.task.done():
            return "Discord: the gateway connection ended; admin commands are offline"
        if self.client.is_ready() and not math.isfinite(self.client.latency):
            return "Discord: the gateway is not connected"
        return None

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        ws = self.client.ws
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close(code=1000)
