"""Types, limits and the error answer shared by the Telegram fake's modules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Final, Literal

JsonObject = dict[str, Any]
ChatType = Literal["private", "group", "supergroup", "channel"]
MessageKind = Literal["text", "photo", "document", "media_group_item"]
MediaType = Literal["photo", "video", "document", "audio"]
ScopeKey = tuple[str, int | None, int | None, str]
"""``(scope type, chat id, user id, language code)``; ``("default", None, None, "")`` by default."""

DEFAULT_TOKEN: Final = "123456:TEST-token-for-the-fake-server-000000"

MIB: Final = 1024 * 1024
MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MIN_ALBUM_ITEMS: Final = 2
MAX_ALBUM_ITEMS: Final = 10
MAX_PHOTO_BYTES: Final = 10 * MIB
MAX_UPLOAD_BYTES: Final = 50 * MIB
MAX_DOWNLOAD_BYTES: Final = 20 * MIB
MAX_PHOTO_DIMENSION_SUM: Final = 10_000
MAX_PHOTO_ASPECT_RATIO: Final = 20
MAX_COMMANDS: Final = 100
URL_PHOTO_SIZE: Final = (1280, 720)
PHOTO_SIZE_STEPS: Final = (90, 320, 800, 1280, 2560)

CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
COMMAND_SCOPES: Final = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
UPDATES_OFF_BY_DEFAULT: Final = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
FILE_ID_PREFIXES: Final[Mapping[str, str]] = {
    "photo": "AgACAgIAAxkBAAI",
    "video": "BAACAgIAAxkBAAI",
    "document": "BQACAgIAAxkBAAI",
    "audio": "CQACAgIAAxkBAAI",
}
FILE_FOLDERS: Final[Mapping[str, str]] = {
    "photo": "photos",
    "video": "videos",
    "document": "documents",
    "audio": "music",
}

_INTEGER = re.compile(r"-?\d+")
_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_USERNAME = re.compile(r"@[A-Za-z0-9_]{1,32}")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


class ApiError(Exception):
    """An answer with ``"ok": false``, as the Bot API sends it."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    @classmethod
    def bad_request(cls, detail: str) -> ApiError:
        return cls(HTTPStatus.BAD_REQUEST, f"Bad Request: {detail}")

    @classmethod
    def too_many_requests(cls, retry_after: int) -> ApiError:
        return cls(
            HTTPStatus.TOO_MANY_REQUESTS,
            f"Too Many Requests: retry after {retry_after}",
            retry_after=retry_after,
        )

    def payload(self) -> JsonObject:
        body: JsonObject = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body
