"""Routes of channels and their messages: fetch, list, create (with nonce
de-duplication), edit, delete and crosspost."""

from __future__ import annotations

import time

from .common import MESSAGE_FLAG_CROSSPOSTED, _ApiError, _Reply
from .records import _Request


class _MessageRoutes:
    """``/channels/{channel_id}`` and its messages."""

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
        self._check_may_post(self._channel(channel_id), bool(req.files))
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
