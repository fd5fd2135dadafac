"""What the bot may do in a chat: its ChatMember object, the chat's default permissions, and
the refusals the Bot API answers when the bot sends where it may not."""

from __future__ import annotations

from http import HTTPStatus

from .common import ApiError, JsonObject
from .models import FakeChat, _administrator

# ChatPermissions, as a new group starts (the Bot API's field order)
DEFAULT_PERMISSIONS: dict[str, bool] = {
    "can_send_messages": True,
    "can_send_audios": True,
    "can_send_documents": True,
    "can_send_photos": True,
    "can_send_videos": True,
    "can_send_video_notes": True,
    "can_send_voice_notes": True,
    "can_send_polls": True,
    "can_send_other_messages": True,
    "can_add_web_page_previews": True,
    "can_react_to_messages": True,
    "can_edit_tag": False,
    "can_change_info": False,
    "can_invite_users": True,
    "can_pin_messages": False,
    "can_manage_topics": False,
}
STATUSES = ("administrator", "member", "restricted", "left")
_WHAT = {
    "text": ("can_send_messages", "text messages"),
    "photo": ("can_send_photos", "photos"),
    "document": ("can_send_documents", "documents"),
    "video": ("can_send_videos", "videos"),
    "audio": ("can_send_audios", "audios"),
}


def chat_permissions(chat: FakeChat) -> JsonObject | None:
    """`ChatFullInfo.permissions`: given for groups and supergroups only."""
    if chat.type not in ("group", "supergroup"):
        return None
    return {**DEFAULT_PERMISSIONS, **(chat.permissions or {})}


def bot_member(chat: FakeChat, user: JsonObject) -> JsonObject:
    """The bot's ChatMember object in `chat`, by its status and rights."""
    rights = chat.bot_rights
    if chat.bot_status == "administrator":
        member = _administrator(user, chat, can_be_edited=False)
        member.update((k, v) for k, v in rights.items() if k.startswith("can_"))
        return member
    if chat.bot_status == "restricted":
        restricted: JsonObject = {"status": "restricted", "user": user, "is_member": True}
        restricted.update(DEFAULT_PERMISSIONS)
        restricted.update(rights)
        restricted["until_date"] = 0
        return restricted
    return {"status": chat.bot_status, "user": user}


def check_may_send(chat: FakeChat, kind: str) -> None:
    """Refuse as the Bot API does when the bot may not send `kind` (text, photo, ...)."""
    if chat.type == "private":
        return
    status = chat.bot_status
    if chat.type == "channel":
        if status == "left":
            raise ApiError(
                HTTPStatus.FORBIDDEN, "Forbidden: bot is not a member of the channel chat"
            )
        if status != "administrator" or not chat.bot_rights.get("can_post_messages", True):
            raise ApiError.bad_request("need administrator rights in the channel chat")
        return
    if status == "left":
        raise ApiError(
            HTTPStatus.FORBIDDEN, f"Forbidden: bot is not a member of the {chat.type} chat"
        )
    if status == "administrator":
        return
    field, words = _WHAT[kind]
    allowed = {**DEFAULT_PERMISSIONS, **(chat.permissions or {})}
    if status == "restricted":
        allowed = {**DEFAULT_PERMISSIONS, **chat.bot_rights}
    if not allowed.get(field, True):
        raise ApiError.bad_request(f"not enough rights to send {words} to the chat")
