"""What `doctor` reads of a Discord server: its owner, roles and the bot's member object, and
the translation of discord.py's errors into lines that say what to do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
import discord

from . import discord_permissions as perm
from .probe import PROBE_TIMEOUT, Unanswered, failed

INVITE = "https://discord.com/oauth2/authorize?client_id={app}&scope=bot+applications.commands"


@dataclass(frozen=True)
class Role:
    permissions: int
    mentionable: bool


@dataclass(frozen=True)
class GuildFacts:
    id: int
    name: str
    roles: dict[int, Role]
    member: perm.Member
    base: int  # the bot's permissions server-wide


def invite_url(application_id: int, permissions: int) -> str:
    url = INVITE.format(app=application_id)
    return f"{url}&permissions={permissions}" if permissions else url


@asynccontextmanager
async def translated(name: str, what: str, fix: str) -> AsyncIterator[None]:
    """Reading `what` within the probe's time; its failure as a line naming the fix."""
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            yield
    except discord.NotFound as exc:
        raise Unanswered(failed(name, f"Discord knows no {what} ({exc.text})", fix)) from None
    except discord.Forbidden as exc:
        raise Unanswered(failed(name, f"the bot may not see {what} ({exc.text})", fix)) from None
    except discord.HTTPException as exc:
        detail = f"Discord answered {exc.status} for {what}: {exc.text}"
        raise Unanswered(failed(name, detail, "try again")) from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        detail = f"Discord did not answer for {what}: {type(exc).__name__}"
        raise Unanswered(failed(name, detail, "try again")) from None


async def guild_facts(
    client: discord.Client, guild_id: int, name: str, now: datetime
) -> GuildFacts:
    """The server, its roles and the bot's membership: what its permissions come from."""
    invite = invite_url(client.application_id or 0, 0)
    fix = f"invite the bot to the server: {invite}"
    async with translated(name, f"server {guild_id}", fix):
        guild: Any = await client.http.get_guild(guild_id, with_counts=False)
    async with translated(name, f"the roles of server {guild_id}", "try again"):
        roles: Any = await client.http.get_roles(guild_id)
    user_id = client.user.id if client.user else 0
    async with translated(name, f"the bot as a member of server {guild_id}", fix):
        member: Any = await client.http.get_member(guild_id, user_id)
    by_id = {int(r["id"]): Role(int(r["permissions"]), bool(r.get("mentionable"))) for r in roles}
    until = member.get("communication_disabled_until")
    timed_out = bool(until) and datetime.fromisoformat(until) > now
    bot = perm.Member(user_id, frozenset(int(r) for r in member.get("roles", [])), timed_out)
    base = perm.base_permissions(
        bot, guild_id=guild_id, owner_id=int(guild.get("owner_id") or 0),
        roles={rid: role.permissions for rid, role in by_id.items()},
    )  # fmt: skip
    return GuildFacts(guild_id, str(guild.get("name", guild_id)), by_id, bot, base)
