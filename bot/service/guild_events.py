"""Keeps a Discord guild scheduled event per event post, where the configuration asks for it.

Ids are kept in the state's key/value table, so a moved event is edited and a removed post's
event deleted. Failures are reported and never block the announcement itself.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from ..domain import Post
from ..format.guild_event import guild_event_payload
from ..format.layout import FormatOptions, post_url
from ..store.repo import Store

log = logging.getLogger(__name__)


class GuildEventApi(Protocol):
    async def create_guild_event(self, guild_id: str, payload: dict[str, Any]) -> str: ...

    async def edit_guild_event(
        self, guild_id: str, event_id: str, payload: dict[str, Any]
    ) -> None: ...

    async def delete_guild_event(self, guild_id: str, event_id: str) -> None: ...


class GuildEvents:
    def __init__(
        self,
        api: GuildEventApi,
        guild_ids: list[str],
        store: Store,
        options: FormatOptions,
        report: Callable[[str, str], Awaitable[None]],
    ) -> None:
        self.api = api
        self.guild_ids = guild_ids
        self.store = store
        self.options = options
        self.report = report

    def _key(self, post_key: str, guild: str) -> str:
        return f"guild_event:{guild}:{post_key}"

    async def sync(self, post: Post) -> None:
        if post.event is None:
            return
        payload = guild_event_payload(post, post_url(post, self.options))
        for guild in self.guild_ids:
            key = self._key(post.key, guild)
            known = self.store.get_meta(key)
            try:
                if known:
                    await self.api.edit_guild_event(guild, known, payload)
                else:
                    event_id = await self.api.create_guild_event(guild, payload)
                    self.store.set_meta(key, event_id)
            except Exception as exc:
                await self.report(f"guild-event:{guild}", f"Discord event for {post.source}: {exc}")

    async def remove(self, post_key: str) -> None:
        for guild in self.guild_ids:
            key = self._key(post_key, guild)
            known = self.store.get_meta(key)
            if not known:
                continue
            try:
                await self.api.delete_guild_event(guild, known)
            except Exception as exc:
                log.warning("could not delete the Discord event of %s: %s", post_key, exc)
            self.store.set_meta(key, "")
