"""What the Telegram fake records and keeps: calls, sent messages, chats, files, faults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from .common import ApiError, ChatType, JsonObject, MediaType, MessageKind
from .formatting import FormattedText


@dataclass
class Call:
    """One HTTP request to the Bot API."""

    method: str
    params: JsonObject
    files: dict[str, bytes]
    chat_id: int | str | None
    time: float
    http_method: str = "POST"
    status: int | None = None
    response: JsonObject | None = None
    unknown_params: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == HTTPStatus.OK

    @property
    def result(self) -> Any:
        return (self.response or {}).get("result")

    @property
    def description(self) -> str | None:
        return (self.response or {}).get("description")


@dataclass
class SentMessage:
    """A message the bot created, as it currently stands.

    ``text`` is the visible text (or caption) after entity parsing and trimming; ``html`` is
    the parameter as sent, markup included.
    """

    chat_id: int
    message_id: int
    kind: MessageKind
    text: str
    html: str | None
    parse_mode: str | None
    entities: list[JsonObject]
    date: int
    message: JsonObject
    thread_id: int | None = None
    reply_to: int | None = None
    media_type: MediaType | None = None
    media_group_id: str | None = None
    file_id: str | None = None
    file_size: int | None = None
    width: int | None = None
    height: int | None = None
    file_name: str | None = None
    media_url: str | None = None
    reply_markup: JsonObject | None = None
    edit_count: int = 0
    deleted: bool = False

    @property
    def caption(self) -> str | None:
        return None if self.kind == "text" else self.text

    @property
    def photo_size(self) -> int | None:
        """Size in bytes of the uploaded photo."""
        return self.file_size if self.media_type == "photo" else None


@dataclass
class FakeChat:
    """A chat the server knows about."""

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    is_forum: bool = False
    owner_id: int | None = None
    admin_ids: tuple[int, ...] = ()
    bot_is_admin: bool = True
    kicked: bool = False
    next_message_id: int = 1
    bot_status: str = "administrator"  # administrator | member | restricted | left
    bot_rights: dict[str, bool] = field(default_factory=dict)  # over the status's defaults
    permissions: dict[str, bool] | None = None  # the members' defaults, in groups

    def as_chat(self) -> JsonObject:
        chat: JsonObject = {"id": self.id, "type": self.type}
        if self.type == "private":
            chat["first_name"] = self.first_name or f"User {self.id}"
        else:
            chat["title"] = self.title or f"Chat {self.id}"
        if self.username:
            chat["username"] = self.username
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    kind: MediaType
    data: bytes | None
    file_size: int | None
    file_path: str
    width: int | None = None
    height: int | None = None
    file_name: str | None = None
    mime_type: str | None = None
    payload: Any = None


@dataclass
class _Media:
    kind: MediaType
    payload: Any
    file_id: str
    file_size: int | None = None
    width: int | None = None
    height: int | None = None
    file_name: str | None = None
    url: str | None = None


def front_server_page(status: int) -> str:
    """The HTML page a front server answers with when the Bot API behind it is down."""
    phrase = HTTPStatus(status).phrase
    return (
        f"<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


@dataclass
class _Fault:
    method: str | None
    status: int
    retry_after: int | None
    description: str | None
    times: int
    delay: float
    html: bool = False  # answer with a front server's HTML page instead of JSON

    def matches(self, method: str) -> bool:
        if self.method is None:
            return method.lower() != "getupdates"
        return self.method.lower() == method.lower()

    def error(self) -> ApiError:
        if self.status == HTTPStatus.TOO_MANY_REQUESTS:
            retry_after = self.retry_after or 1
            return ApiError(
                self.status,
                self.description or f"Too Many Requests: retry after {retry_after}",
                retry_after=retry_after,
            )
        try:
            default = HTTPStatus(self.status).phrase
        except ValueError:
            default = "Error"
        if self.status == HTTPStatus.BAD_REQUEST:
            default = "Bad Request: scripted failure"
        elif self.status == HTTPStatus.FORBIDDEN:
            default = "Forbidden: scripted failure"
        return ApiError(self.status, self.description or default, retry_after=self.retry_after)


def _strip_reply(message: JsonObject) -> JsonObject:
    return {key: value for key, value in message.items() if key != "reply_to_message"}


def _infer_chat_type(chat_id: int) -> ChatType:
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


def _kicked_description(chat: FakeChat) -> str:
    if chat.type == "private":
        return "Forbidden: bot was blocked by the user"
    return f"Forbidden: bot was kicked from the {chat.type} chat"


def _put_media(
    message: JsonObject, media: _Media, caption: FormattedText, params: Mapping[str, Any]
) -> None:
    message[media.kind] = media.payload
    if caption.text:
        message["caption"] = caption.text
    if caption.entities:
        message["caption_entities"] = caption.entities
    if params.get("show_caption_above_media") is True and media.kind in ("photo", "video"):
        message["show_caption_above_media"] = True
    if params.get("has_spoiler") is True and media.kind in ("photo", "video"):
        message["has_media_spoiler"] = True


def _apply_media(sent: SentMessage, media: _Media) -> None:
    sent.media_type = media.kind
    sent.file_id = media.file_id
    sent.file_size = media.file_size
    sent.width = media.width
    sent.height = media.height
    sent.file_name = media.file_name
    sent.media_url = media.url


def _administrator(user: JsonObject, chat: FakeChat, *, can_be_edited: bool) -> JsonObject:
    member: JsonObject = {
        "status": "administrator",
        "user": user,
        "can_be_edited": can_be_edited,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": True,
        "can_manage_video_chats": True,
        "can_restrict_members": True,
        "can_promote_members": False,
        "can_change_info": True,
        "can_invite_users": True,
        "can_post_stories": True,
        "can_edit_stories": True,
        "can_delete_stories": True,
    }
    if chat.type == "channel":
        member.update(can_post_messages=True, can_edit_messages=True)
    else:
        member["can_pin_messages"] = True
    if chat.type == "supergroup":
        member["can_manage_topics"] = chat.is_forum
    return member
