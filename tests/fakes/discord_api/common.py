"""Ids, limits, flags and error answers shared by the Discord fake's modules."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

JsonObject = dict[str, Any]


DISCORD_EPOCH_MS = 1_420_070_400_000
DEFAULT_TOKEN = "FAKE.discord.bot-token"
DEFAULT_APPLICATION_ID = 1_302_145_887_411_208_192
DEFAULT_GUILD_ID = 1_302_146_010_203_684_864
MIB = 1024 * 1024

MAX_CONTENT_LENGTH = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_FILES = 10
MAX_NONCE_LENGTH = 25

MESSAGE_FLAG_CROSSPOSTED = 1 << 0
MESSAGE_FLAG_SUPPRESS_EMBEDS = 1 << 2
MESSAGE_FLAG_EPHEMERAL = 1 << 6
MESSAGE_FLAG_LOADING = 1 << 7
MESSAGE_FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12

MESSAGE_TYPE_DEFAULT = 0
MESSAGE_TYPE_REPLY = 19
MESSAGE_TYPE_CHAT_INPUT_COMMAND = 20


class _ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        code: int = 0,
        *,
        errors: JsonObject | None = None,
        headers: Mapping[str, str] | None = None,
        body: JsonObject | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.errors = errors
        self.headers = dict(headers or {})
        self.body = body

    def reply(self) -> _Reply:
        body: JsonObject
        if self.body is not None:
            body = self.body
        else:
            body = {"message": self.message, "code": self.code}
            if self.errors is not None:
                body["errors"] = self.errors
        return _Reply(self.status, body, dict(self.headers))


@dataclass
class _Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class _FormErrors:
    """Collects field errors into Discord's nested ``errors`` object."""

    def __init__(self) -> None:
        self.tree: JsonObject = {}

    def add(self, path: Sequence[str | int], code: str, message: str) -> None:
        node = self.tree
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: Sequence[str | int], value: Any, limit: int) -> None:
        if isinstance(value, str | list) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def raise_if_any(self) -> None:
        if self.tree:
            raise _ApiError(400, "Invalid Form Body", 50035, errors=self.tree)


class _Snowflakes:
    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (now_ms << 22) | (1 << 17)
        self._last = max(candidate, self._last + 1)
        return self._last


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso_or_none(value: Any) -> str | None:
    parsed = _parse_time(value)
    return parsed.isoformat() if parsed is not None else None


def _is_int_like(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and value.isdigit()
