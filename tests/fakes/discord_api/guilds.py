"""Routes of the bot's user and application, the gateway URL, guilds and their scheduled
events."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

from .common import (
    JsonObject,
    _ApiError,
    _FormErrors,
    _is_int_like,
    _iso_or_none,
    _parse_time,
    _Reply,
)
from .records import _Request


class _GuildRoutes:
    """``/users/@me``, ``/applications/@me``, ``/gateway``, ``/guilds/{guild_id}`` and its
    scheduled events."""

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
        if guild_id in self.bot_absent:
            raise _ApiError(403, "Missing Access", 50001)
        guild = dict(self.guilds[guild_id])
        if req.flag("with_counts"):
            members = 1 + len({int(m["author"]["id"]) for m in self._message_index.values()})
            guild["approximate_member_count"] = members
            guild["approximate_presence_count"] = 0
        return _Reply(200, guild)

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
