"""Forum posts (a thread with its starter message, whose id is the thread's), deleting a
channel or thread, and pinned messages, with the limits Discord documents: a thread name of 1
to 100 characters, at most 5 applied tags, each one of the forum's, a tag where the forum
requires one; at most 50 pins per channel, and the right to pin."""

from __future__ import annotations

from .common import JsonObject, _ApiError, _FormErrors, _now_iso, _Reply
from .records import _Request

FORUM_TYPES = (15, 16)  # forum and media channels
PUBLIC_THREAD = 11
REQUIRE_TAG = 1 << 4  # channel flag of a forum whose posts need a tag
MAX_TAGS = 5
MAX_PINS = 50
MESSAGE_TYPE_PIN = 6  # the system message announcing a pin


class _ThreadRoutes:
    """``POST /channels/{channel_id}/threads``, ``DELETE /channels/{channel_id}`` and pins."""

    async def _create_thread(self, req: _Request) -> _Reply:
        forum = self._channel(req.int_param("channel_id"))
        body = req.body()
        if forum["type"] not in FORUM_TYPES or not isinstance(body.get("message"), dict):
            raise _ApiError(400, "Cannot execute action on this channel type", 50024)
        errors = _FormErrors()
        name = body.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            errors.add(("name",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        tags = body.get("applied_tags") or []
        known = {t["id"] for t in forum.get("available_tags", [])}
        if not isinstance(tags, list) or len(tags) > MAX_TAGS:
            errors.add(("applied_tags",), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        elif any(str(t) not in known for t in tags):
            errors.add(("applied_tags",), "UNKNOWN_TAG", "The tag is not one of this forum's.")
        errors.raise_if_any()
        if forum["flags"] & REQUIRE_TAG and not tags:
            raise _ApiError(400, "A tag is required to create a forum post in this channel", 40067)
        message_payload: JsonObject = body["message"]
        self._check_message_payload(message_payload, req.files)

        thread_id = self._ids.next()
        thread = self._create_channel(
            thread_id, guild_id=int(forum["guild_id"]), name=name, channel_type=PUBLIC_THREAD
        )
        thread.update(
            parent_id=forum["id"], owner_id=str(self.bot_user_id),
            applied_tags=[str(t) for t in tags], member_count=1, message_count=0,
            total_message_sent=0,
            thread_metadata={"archived": False, "auto_archive_duration": 4320, "locked": False,
                             "archive_timestamp": _now_iso(), "create_timestamp": _now_iso()},
        )  # fmt: skip
        if self.known_channels is not None:
            self.known_channels.add(thread_id)
        message = self._build_message(
            thread_id, message_payload, req.files, author=self._bot_user()
        )
        message["id"] = str(thread_id)  # a forum post's starter message has the thread's id
        self._store_message(message)
        self.threads.append(thread)
        return _Reply(201, {**dict(thread), "message": self._public(message)})

    async def _delete_channel(self, req: _Request) -> _Reply:
        channel_id = req.int_param("channel_id")
        channel = dict(self._channel(channel_id))
        for message in list(self.messages.get(channel_id, [])):
            self._delete_stored_message(message)
        self.channels.pop(channel_id, None)
        if self.known_channels is not None:
            self.known_channels.discard(channel_id)
        return _Reply(200, channel)

    def _pin_target(self, req: _Request) -> tuple[int, JsonObject]:
        channel_id = req.int_param("channel_id")
        self._channel(channel_id)
        if channel_id in self.pins_forbidden:
            raise _ApiError(403, "Missing Permissions", 50013)
        return channel_id, self._stored_message(channel_id, req.int_param("message_id"))

    async def _pin_message(self, req: _Request) -> _Reply:
        channel_id, message = self._pin_target(req)
        pinned = self.pins.setdefault(channel_id, [])
        if int(message["id"]) not in pinned:
            if len(pinned) >= MAX_PINS:
                raise _ApiError(400, f"Maximum number of pins reached ({MAX_PINS})", 30003)
            pinned.append(int(message["id"]))
            message["pinned"] = True
            notice = self._build_message(
                channel_id, {"content": ""}, [], author=self._bot_user(), flags=1 << 7
            )
            notice.update(type=MESSAGE_TYPE_PIN, flags=0, message_reference={
                "type": 0, "channel_id": str(channel_id), "message_id": message["id"]})  # fmt: skip
            self._store_message(notice)
        return _Reply(204)

    async def _unpin_message(self, req: _Request) -> _Reply:
        channel_id, message = self._pin_target(req)
        pinned = self.pins.setdefault(channel_id, [])
        if int(message["id"]) in pinned:
            pinned.remove(int(message["id"]))
        message["pinned"] = False
        return _Reply(204)

    async def _list_pins(self, req: _Request) -> _Reply:
        channel_id = req.int_param("channel_id")
        self._channel(channel_id)
        newest = [self._public(self.message(m)) for m in reversed(self.pins.get(channel_id, []))]
        if req.path.endswith("/messages/pins"):
            items = [{"pinned_at": _now_iso(), "message": m} for m in newest]
            return _Reply(200, {"items": items, "has_more": False})
        return _Reply(200, newest)  # the older route answers a plain list
