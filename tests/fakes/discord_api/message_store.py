"""Messages as Discord stores them: attachments, rendered embeds, mentions, replies, and
creating, editing and deleting stored messages."""

from __future__ import annotations

import copy
import io
import mimetypes
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from PIL import Image, UnidentifiedImageError

from .common import (
    MESSAGE_FLAG_LOADING,
    MESSAGE_FLAG_SUPPRESS_EMBEDS,
    MESSAGE_TYPE_DEFAULT,
    MESSAGE_TYPE_REPLY,
    JsonObject,
    _ApiError,
    _FormErrors,
    _now_iso,
)
from .records import UploadedFile, _Interaction

_USER_MENTION = re.compile(r"<@!?([0-9]{15,21})>")
_ROLE_MENTION = re.compile(r"<@&([0-9]{15,21})>")


def _image_info(data: bytes) -> tuple[int, int, str] | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            mime = Image.MIME.get(image.format or "", "")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return width, height, mime


class _MessageStore:
    """The messages and attachments :class:`FakeDiscord` keeps."""

    def _store_uploads(
        self,
        channel_id: int,
        files: Sequence[UploadedFile],
        entries: Sequence[Any] | None,
    ) -> list[JsonObject]:
        stored: list[JsonObject] = []
        for upload, filename, description, _ in self._describe_uploads(files, entries):
            attachment_id = self._ids.next()
            url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{quote(filename)}"
            attachment: JsonObject = {
                "id": str(attachment_id),
                "filename": filename,
                "size": len(upload.data),
                "url": url,
                "proxy_url": url,
            }
            info = _image_info(upload.data)
            guessed = mimetypes.guess_type(filename)[0]
            if info is not None:
                attachment["width"], attachment["height"] = info[0], info[1]
                content_type = info[2] or guessed or "application/octet-stream"
            else:
                content_type = guessed or "application/octet-stream"
            attachment["content_type"] = content_type
            if description:
                attachment["description"] = description
            self._attachment_data[attachment_id] = (upload.data, content_type)
            stored.append(attachment)
        return stored

    @staticmethod
    def _render_embeds(
        embeds: Sequence[JsonObject], attachments: Sequence[JsonObject]
    ) -> list[JsonObject]:
        by_name = {a["filename"]: a for a in attachments}
        rendered: list[JsonObject] = []
        for embed in embeds:
            out: JsonObject = {"type": embed.get("type") or "rich"}
            for key in ("url", "title", "description", "color", "timestamp"):
                if embed.get(key) is not None:
                    out[key] = embed[key]
            if embed.get("fields"):
                out["fields"] = [
                    {"name": f["name"], "value": f["value"], "inline": bool(f.get("inline"))}
                    for f in embed["fields"]
                ]
            for key in ("image", "thumbnail"):
                media = embed.get(key)
                if isinstance(media, dict) and media.get("url"):
                    url = str(media["url"])
                    target = (
                        by_name.get(url[len("attachment://") :])
                        if url.startswith("attachment://")
                        else None
                    )
                    if target is not None:
                        resolved: JsonObject = {
                            "url": target["url"],
                            "proxy_url": target["proxy_url"],
                        }
                        for extra in ("width", "height", "content_type"):
                            if extra in target:
                                resolved[extra] = target[extra]
                        out[key] = resolved
                    else:
                        out[key] = {"url": url, "proxy_url": url}
            for key, required in (("footer", "text"), ("author", "name")):
                part = embed.get(key)
                if isinstance(part, dict) and part.get(required):
                    out[key] = {k: v for k, v in part.items() if v is not None}
            rendered.append(out)
        return rendered

    def _mentions(self, content: str, allowed: Any) -> tuple[bool, list[JsonObject], list[str]]:
        parse: list[str] = ["everyone", "users", "roles"]
        users_allowed: set[str] = set()
        roles_allowed: set[str] = set()
        if isinstance(allowed, dict):
            parse = [p for p in allowed.get("parse") or [] if isinstance(p, str)]
            users_allowed = {str(u) for u in allowed.get("users") or []}
            roles_allowed = {str(r) for r in allowed.get("roles") or []}
        everyone = "everyone" in parse and ("@everyone" in content or "@here" in content)
        users = [
            self._user(int(uid), f"user{uid[-4:]}", bot=False)
            for uid in dict.fromkeys(_USER_MENTION.findall(content))
            if "users" in parse or uid in users_allowed
        ]
        roles = [
            rid
            for rid in dict.fromkeys(_ROLE_MENTION.findall(content))
            if "roles" in parse or rid in roles_allowed
        ]
        return everyone, users, roles

    def _apply_content(self, message: JsonObject, payload: JsonObject) -> None:
        if "content" in payload:
            message["content"] = payload["content"] or ""
        if "embeds" in payload:
            message["embeds"] = self._render_embeds(payload["embeds"] or [], message["attachments"])
        if "components" in payload:
            message["components"] = payload["components"] or []
        if "allowed_mentions" in payload or "content" in payload:
            message_id = int(message["id"])
            allowed = payload.get("allowed_mentions", self._allowed_mentions.get(message_id))
            self._allowed_mentions[message_id] = allowed
            everyone, users, roles = self._mentions(message["content"], allowed)
            message["mention_everyone"] = everyone
            message["mentions"] = users
            message["mention_roles"] = roles

    @staticmethod
    def _is_empty(message: JsonObject) -> bool:
        """Whether an edited message would have nothing left to show."""
        return not (
            message["content"].strip()
            or message["embeds"]
            or message["attachments"]
            or message["components"]
            or message.get("sticker_items")
            or message.get("poll")
        )

    @staticmethod
    def _public(message: JsonObject) -> JsonObject:
        return copy.deepcopy(message)

    def _build_message(
        self,
        channel_id: int,
        payload: JsonObject,
        files: Sequence[UploadedFile],
        *,
        author: JsonObject,
        webhook_id: int | None = None,
        interaction: _Interaction | None = None,
        message_type: int = MESSAGE_TYPE_DEFAULT,
        flags: int = 0,
    ) -> JsonObject:
        reference = self._resolve_reference(channel_id, payload.get("message_reference"))
        if not flags & MESSAGE_FLAG_LOADING and not (
            (isinstance(payload.get("content"), str) and payload["content"].strip())
            or payload.get("embeds")
            or files
            or payload.get("components")
            or payload.get("sticker_ids")
            or payload.get("poll")
        ):
            raise _ApiError(400, "Cannot send an empty message", 50006)

        attachments = self._store_uploads(channel_id, files, payload.get("attachments"))
        requested_flags = payload.get("flags") or 0
        message: JsonObject = {
            "type": message_type,
            "content": "",
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments,
            "embeds": [],
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "flags": (int(requested_flags) if isinstance(requested_flags, int) else 0) | flags,
            "components": [],
            "id": str(self._ids.next()),
            "channel_id": str(channel_id),
            "author": author,
            "pinned": False,
            "mention_everyone": False,
            "tts": bool(payload.get("tts")),
        }
        self._apply_content(message, payload)
        if payload.get("nonce") is not None:
            message["nonce"] = payload["nonce"]
        if webhook_id is not None:
            message["webhook_id"] = str(webhook_id)
        if interaction is not None:
            message["application_id"] = str(self.application_id)
            message["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user,
                "authorizing_integration_owners": {"0": str(interaction.guild_id or 0)},
            }
        if payload.get("sticker_ids"):
            message["sticker_items"] = [
                {"id": str(s), "name": "sticker", "format_type": 1} for s in payload["sticker_ids"]
            ]
        if isinstance(payload.get("poll"), dict):
            message["poll"] = payload["poll"]

        if reference is not None:
            target, ref_type = reference
            channel = self.channels.get(int(target["channel_id"]), {})
            if message_type == MESSAGE_TYPE_DEFAULT:
                message["type"] = MESSAGE_TYPE_REPLY
            message["message_reference"] = {
                "type": ref_type,
                "channel_id": target["channel_id"],
                "message_id": target["id"],
                **({"guild_id": channel["guild_id"]} if "guild_id" in channel else {}),
            }
            message["referenced_message"] = {
                k: v for k, v in self._public(target).items() if k != "referenced_message"
            }
        return message

    def _resolve_reference(self, channel_id: int, reference: Any) -> tuple[JsonObject, int] | None:
        """The message a ``message_reference`` points at, with the reference type."""
        if not isinstance(reference, dict):
            return None
        target_channel = int(reference.get("channel_id") or channel_id)
        target = self._message_index.get(int(reference["message_id"]))
        if target is None or int(target["channel_id"]) != target_channel:
            if reference.get("fail_if_not_exists", True) is False:
                return None
            errors = _FormErrors()
            errors.add(
                ("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
            )
            errors.raise_if_any()
            return None
        return target, int(reference.get("type") or 0)

    def _store_message(self, message: JsonObject) -> JsonObject:
        channel_id = int(message["channel_id"])
        self.messages[channel_id].append(message)
        self._message_index[int(message["id"])] = message
        channel = self.channels.get(channel_id)
        if channel is not None:
            channel["last_message_id"] = message["id"]
        return message

    def _edit_stored_message(
        self, message: JsonObject, payload: JsonObject, files: Sequence[UploadedFile]
    ) -> JsonObject:
        entries = payload.get("attachments")
        existing = {a["id"]: a for a in message["attachments"]}
        if entries is None:
            kept = list(message["attachments"])
        else:
            kept = [
                existing[str(e["id"])]
                for e in entries
                if isinstance(e, dict) and str(e.get("id")) in existing
            ]
        self._check_message_payload(
            payload, files, kept_names=[a["filename"] for a in kept], creating=False
        )
        updated = dict(message)
        added = self._store_uploads(int(message["channel_id"]), files, entries)
        updated["attachments"] = kept + added
        self._apply_content(updated, payload)
        if "flags" in payload and isinstance(payload["flags"], int):
            keep = updated["flags"] & ~MESSAGE_FLAG_SUPPRESS_EMBEDS
            updated["flags"] = keep | (payload["flags"] & MESSAGE_FLAG_SUPPRESS_EMBEDS)
        updated["flags"] &= ~MESSAGE_FLAG_LOADING
        if self._is_empty(updated):
            for attachment in added:
                self._attachment_data.pop(int(attachment["id"]), None)
            raise _ApiError(400, "Cannot send an empty message", 50006)
        updated["edited_timestamp"] = _now_iso()
        message.clear()
        message.update(updated)
        return message

    def _delete_stored_message(self, message: JsonObject) -> None:
        channel_id = int(message["channel_id"])
        self.messages[channel_id] = [
            m for m in self.messages[channel_id] if m["id"] != message["id"]
        ]
        self._message_index.pop(int(message["id"]), None)
        self.deleted_messages.append(message)
