"""getMe, logOut, close, getUpdates (long polling) and the webhook methods."""

from __future__ import annotations

import asyncio
from http import HTTPStatus

from .common import ApiError, JsonObject
from .decoding import _as_int, _as_number, _Request


class _UpdateMethods:
    """The bot itself and how it receives updates."""

    async def _ok(self, req: _Request) -> bool:
        return True

    async def _get_me(self, req: _Request) -> JsonObject:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _wake_pollers(self) -> None:
        self._updates_event.set()
        self._updates_event = asyncio.Event()

    async def _get_updates(self, req: _Request) -> list[JsonObject]:
        params = req.params
        if self.webhook_url:
            raise ApiError(
                HTTPStatus.CONFLICT,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(params.get("offset"), 0)
        limit = min(max(_as_int(params.get("limit"), 100), 1), 100)
        wait = max(0.0, float(_as_number(params.get("timeout"), 0)))
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(kind) for kind in allowed)
        if offset > 0:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            if self._updates or self._closing.is_set():
                return self._updates[:limit]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            try:
                await asyncio.wait_for(self._updates_event.wait(), remaining)
            except TimeoutError:
                return []
            if generation != self._poll_generation:
                if not req.connected():
                    return []  # the poller went away (stopped or killed): nobody is told
                self.poll_conflicts += 1
                raise ApiError(
                    HTTPStatus.CONFLICT,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    async def _set_webhook(self, req: _Request) -> bool:
        url = req.params.get("url")
        if not isinstance(url, str):
            raise ApiError.bad_request('parameter "url" is required')
        if url and not url.startswith("https://"):
            raise ApiError.bad_request("bad webhook: HTTPS url must be provided for webhook")
        self.webhook_url = url
        if req.params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    async def _delete_webhook(self, req: _Request) -> bool:
        self.webhook_url = ""
        if req.params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    async def _get_webhook_info(self, req: _Request) -> JsonObject:
        info: JsonObject = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook_url:
            info["max_connections"] = 40
            if self._allowed_updates:
                info["allowed_updates"] = sorted(self._allowed_updates)
        return info
