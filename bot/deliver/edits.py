"""Plans edits and retractions of messages already sent. Pure: requests and ids in, requests out.

Telegram cannot swap an album's photos, only its caption; Discord messages are patched whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..domain import Channel
from ..format.model import Request
from ..format.model_io import request_to_json
from ..store.repo import Sent

_TG_TEXT = {"sendMessage"}
_TG_MEDIA = {"sendMediaGroup", "sendPhoto", "sendDocument"}


def _tg_target(channel: Channel, message_id: str) -> dict[str, Any]:
    return {"chat_id": channel.chat_id, "message_id": int(message_id)}


def _discord_message_path(channel: Channel, message_id: str) -> str:
    if channel.platform == "discord-webhook":
        return f"/webhooks/{{webhook_id}}/{{webhook_token}}/messages/{message_id}"
    return f"/channels/{channel.channel_id}/messages/{message_id}"


def _caption(request: Request) -> str | None:
    params = request.params
    if request.method == "sendMediaGroup":
        caption = params["media"][0].get("caption")
        return str(caption) if caption is not None else None
    caption = params.get("caption")
    return str(caption) if caption is not None else None


def _edit_one(channel: Channel, new: Request, old: Sent) -> Request | None:
    """The edit that turns `old` into `new`, or None when only a re-send would do."""
    if new.platform == "discord":
        payload = {k: v for k, v in new.params.items() if k not in ("nonce", "enforce_nonce")}
        path = _discord_message_path(channel, old.ids[0])
        return Request("discord", "PATCH", payload, path=path, uploads=new.uploads, purpose="edit")
    if new.method in _TG_TEXT and old.method in _TG_TEXT:
        params = {
            **_tg_target(channel, old.ids[0]),
            "text": new.params["text"],
            "parse_mode": new.params.get("parse_mode"),
        }
        return Request("telegram", "editMessageText", params, purpose="edit")
    if new.method in _TG_MEDIA and old.method in _TG_MEDIA:
        params = {**_tg_target(channel, old.ids[0]), "caption": _caption(new) or ""}
        if _caption(new):
            params["parse_mode"] = "HTML"
        return Request("telegram", "editMessageCaption", params, purpose="edit")
    return None


def delete_requests(channel: Channel, old: Sent) -> list[Request]:
    if channel.platform == "telegram":
        return [
            Request("telegram", "deleteMessage", _tg_target(channel, mid), purpose="delete")
            for mid in old.ids
        ]
    path = _discord_message_path(channel, old.ids[0])
    return [Request("discord", "DELETE", {}, path=path, purpose="delete")]


def _entry(request: Request, slot: int, keep: list[str] | None = None) -> dict[str, Any]:
    data = request_to_json(request)
    data["slot"] = slot
    if keep is not None:
        data["keep_ids"] = keep
    return data


def plan_edit(
    channel: Channel, new: Sequence[Request], old: Sequence[Sent]
) -> list[dict[str, Any]]:
    """Requests (as outbox JSON, each tagged with its slot) that bring `old` up to `new`."""
    by_slot = {s.step: s for s in old}
    planned: list[dict[str, Any]] = []
    trailing: list[dict[str, Any]] = []
    for slot, request in enumerate(new):
        previous = by_slot.pop(slot, None)
        if previous is None or not previous.ids:
            planned.append(_entry(request, slot))
            continue
        edit = _edit_one(channel, request, previous)
        if edit is not None:
            planned.append(_entry(edit, slot, keep=previous.ids))
        else:  # the message changed kind: replace it
            trailing.extend(_entry(d, slot) for d in delete_requests(channel, previous))
            planned.append(_entry(request, slot))
    for slot, previous in sorted(by_slot.items()):
        trailing.extend(_entry(d, slot) for d in delete_requests(channel, previous))
    return trailing + planned


def plan_retract(channel: Channel, old: Sequence[Sent]) -> list[dict[str, Any]]:
    return [_entry(d, s.step) for s in old for d in delete_requests(channel, s)]
