"""Discord for `doctor`: reading calls only (`/users/@me`, channels, servers, roles, the bot's
member object, the command list, webhooks by token); nothing is sent.

The bot's permissions in each channel are computed from what these calls answer
(`discord_permissions`); discord.py's errors become lines that say what to do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import aiohttp
import discord

from ..domain import Channel
from ..errors import DeliveryError
from . import discord_permissions as perm
from .discord import make_client, parse_webhook_url
from .discord_guild import GuildFacts, guild_facts, invite_url, translated
from .probe import PROBE_TIMEOUT, Check, Needs, Unanswered, failed, passed, warning

TOKEN_ENV = "DISCORD_BOT_TOKEN"
WEBHOOK_HELP = "the channel's settings → Integrations → Webhooks → Copy Webhook URL"


class DiscordProbe:
    def __init__(
        self,
        token: str | None,
        webhook_urls: Mapping[str, str],
        *,
        guild_ids: Sequence[str] = (),
        scheduled_events: bool = False,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._clock = clock
        self.token = token
        self.webhook_urls = webhook_urls  # channel name -> URL (secret)
        self.guild_ids = list(guild_ids)
        self.scheduled_events = scheduled_events
        self.client: discord.Client | None = None
        self._session: aiohttp.ClientSession | None = None
        self._guilds: dict[int, GuildFacts] = {}
        self._wanted = 0  # every permission some check asked for: the invite link's

    async def open(self, channels: Sequence[Channel]) -> list[Check]:
        self._session = aiohttp.ClientSession()
        needs_bot = self.guild_ids or any(c.platform == "discord" for c in channels)
        if not needs_bot:
            return []
        if self.token is None:
            return [failed(
                "discord", f"{TOKEN_ENV} is not set, so nothing can be sent to Discord channels",
                f"set {TOKEN_ENV} to the bot's token (Developer Portal → the application → Bot)",
            )]  # fmt: skip
        client = make_client()
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                await client.login(self.token)  # GET /users/@me, then the application
        except discord.LoginFailure:
            await client.close()
            return [failed(
                "discord", "Discord refused the bot token",
                f"set {TOKEN_ENV} to the bot's current token (Developer Portal → the "
                "application → Bot → Reset Token)",
            )]  # fmt: skip
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            await client.close()
            return [failed(
                "discord", f"Discord did not answer: {type(exc).__name__}",
                "check the network, or [discord] api_url",
            )]  # fmt: skip
        self.client = client
        return [passed("discord", f"the token works: the bot is {client.user}")]

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self.client is not None:
            await self.client.close()

    async def channel(self, channel: Channel, needs: Needs) -> list[Check]:
        if channel.platform == "discord-webhook":
            return [await self._webhook(channel)]
        if self.client is None:
            return [warning(channel.name, "not checked: no working Discord token (see above)")]
        try:
            return await self._bot_channel(self.client, channel, needs)
        except Unanswered as exc:
            return [exc.check]

    async def _bot_channel(
        self, client: discord.Client, channel: Channel, needs: Needs
    ) -> list[Check]:
        name, cid = channel.name, channel.channel_id or "0"
        key = "[discord] admin_channel" if needs.reports else "channel_id"
        if not cid.isdigit():
            return [failed(name, f"{key} {cid!r} is not a Discord id", f"set {key} to digits")]
        fix = f"check {key} (Developer Mode on, then right-click the channel → Copy Channel ID)"
        async with translated(name, f"channel {cid}", fix):
            data: Any = await client.http.get_channel(int(cid))
        kind, title = int(data.get("type", -1)), f"#{data.get('name', cid)}"
        if kind not in perm.KINDS:
            return [failed(
                name, f"{title} is not a text, announcement or forum channel (type {kind})",
                f"set {key} to a text, announcement or forum channel",
            )]  # fmt: skip
        if needs.crosspost and kind != perm.ANNOUNCEMENT:
            return [failed(
                name, f"crosspost = true, but {title} is not an announcement channel",
                f"make {title} an announcement channel (Edit Channel → Overview), or set "
                "crosspost = false",
            )]  # fmt: skip
        guild = await self._guild(client, int(data["guild_id"]), name)
        problems: list[Check] = []
        mention_everyone = False
        if needs.mention is not None and not needs.reports:
            role = guild.roles.get(int(needs.mention)) if needs.mention.isdigit() else None
            if role is None:
                problems.append(failed(
                    name, f"mention = {needs.mention}: no such role in “{guild.name}”",
                    "set mention to a role id (Server Settings → Roles → … → Copy Role ID)",
                ))  # fmt: skip
            mention_everyone = role is not None and not role.mentionable
        wanted = perm.needed(
            kind, pin=needs.pin, mention_everyone=mention_everyone, reports=needs.reports
        )
        self._wanted |= wanted
        overwrites = [
            perm.Overwrite(int(o["id"]), int(o["type"]), int(o["allow"]), int(o["deny"]))
            for o in data.get("permission_overwrites") or []
        ]
        have = perm.channel_permissions(
            guild.base, guild.member, guild_id=guild.id, overwrites=overwrites, channel_type=kind
        )
        lacking = perm.missing(have, wanted)
        if lacking:
            problems.append(_lacking(name, title, guild, lacking, kind))
        if problems:
            return problems
        what = "reports" if needs.reports else "announcements"
        extra = ", pin them" if needs.pin else ""
        extra += ", ping the role" if needs.mention and not needs.reports else ""
        return [passed(
            name, f"{perm.KINDS[kind]} {title} in “{guild.name}”: the bot may post {what}{extra}"
        )]  # fmt: skip

    async def _guild(self, client: discord.Client, guild_id: int, name: str) -> GuildFacts:
        if guild_id not in self._guilds:
            now = self._clock()
            self._guilds[guild_id] = await guild_facts(client, guild_id, name, now)
        return self._guilds[guild_id]

    async def extras(self) -> list[Check]:
        """Each server in [discord] guild_ids: the bot is there, may register its commands,
        and may create events where scheduled_events = true."""
        if self.client is None:
            return []
        checks = []
        for gid in self.guild_ids:
            try:
                checks += await self._server(self.client, gid)
            except Unanswered as exc:
                checks.append(exc.check)
        return checks

    async def _server(self, client: discord.Client, gid: str) -> list[Check]:
        name, app = f"server {gid}", client.application_id or 0
        events = perm.CREATE_EVENTS if self.scheduled_events else 0
        invite = invite_url(app, self._wanted | events)
        if not gid.isdigit():
            return [failed(name, "guild_ids holds a server id: digits only", "fix guild_ids")]
        guild = await self._guild(client, int(gid), name)
        fix = f"invite the bot again with the applications.commands scope: {invite}"
        async with translated(name, f"the command list of “{guild.name}”", fix):
            await client.http.get_guild_commands(app, guild.id)
        if events and not guild.base & (perm.CREATE_EVENTS | perm.MANAGE_EVENTS):
            return [failed(
                name, f"scheduled_events = true, but the bot may not create events in "
                f"“{guild.name}”", "give the bot's role 'Create Events' (Server Settings → Roles)",
            )]  # fmt: skip
        also = " and create events" if events else ""
        return [passed(name, f"“{guild.name}”: the bot is a member, may register commands{also}")]

    async def _webhook(self, channel: Channel) -> Check:
        name, env = channel.name, channel.webhook_url_env or "?"
        url = self.webhook_urls.get(name)
        if not url:
            return failed(
                name, f"${env} is not set", f"set {env} to the webhook's URL ({WEBHOOK_HELP})"
            )
        try:
            webhook_id, token = parse_webhook_url(url)
        except DeliveryError:
            return failed(name, f"${env} is not a Discord webhook URL", f"set it ({WEBHOOK_HELP})")
        assert self._session is not None, "open() the probe first"
        hook = discord.Webhook.partial(webhook_id, token, session=self._session)
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                found = await hook.fetch(prefer_auth=False)  # GET /webhooks/{id}/{token}
        except (discord.NotFound, discord.Forbidden) as exc:
            gone = "no longer exists" if isinstance(exc, discord.NotFound) else "is refused"
            return failed(
                name,
                f"the webhook in ${env} {gone} ({exc.status} {exc.text})",
                f"create a webhook and put its URL in {env} ({WEBHOOK_HELP})",
            )
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            return failed(name, f"Discord did not answer: {type(exc).__name__}", "try again")
        return passed(name, f"webhook “{found.name}” answers (channel {found.channel_id})")


def _lacking(name: str, title: str, guild: GuildFacts, lacking: list[int], kind: int) -> Check:
    """Where to fix it: the server's roles for what the bot lacks everywhere, the channel's
    permissions for what an overwrite there takes away."""
    forum = kind == perm.FORUM
    server_wide = [bit for bit in lacking if not guild.base & bit]
    denied_here = [bit for bit in lacking if guild.base & bit]
    fixes = []
    if server_wide:
        fixes.append(
            f"give the bot's role {perm.names(server_wide, forum=forum)} (Server Settings → "
            f"Roles, or only in {title}: Edit Channel → Permissions)"
        )
    if denied_here:
        fixes.append(
            f"give the bot's role {perm.names(denied_here, forum=forum)} in {title} (Edit "
            "Channel → Permissions: an overwrite there denies it)"
        )
    timed_out = " (the bot is timed out in the server)" if guild.member.timed_out else ""
    detail = f"the bot lacks {perm.names(lacking, forum=forum)} in {title}{timed_out}"
    return failed(name, detail, "; ".join(fixes))
