"""What the Discord fake records and passes around: calls, uploads, webhooks, requests and
interactions, and how a route name given by a test matches a call."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .common import JsonObject, _ApiError

_PLACEHOLDER = re.compile(r"\{[^}]*\}")


class UploadedFile(NamedTuple):
    """One file part of a multipart request."""

    field: str
    filename: str
    data: bytes
    content_type: str


@dataclass
class Call:
    """One request received by the fake, in arrival order.

    ``route`` is the route key in discord.py's spelling, e.g.
    ``"POST /channels/{channel_id}/messages"``; ``path`` is the concrete path without the
    ``/api/v10`` prefix. ``json`` is the JSON body, or the ``payload_json`` part of a multipart
    body. The ``Authorization`` header value is redacted; ``authenticated`` tells whether it
    carried the expected bot token. ``scripted`` marks answers produced by
    :meth:`FakeDiscord.fail_next`, ``rate_limited`` real 429s, ``deduplicated`` message creates
    answered with an earlier message because of ``enforce_nonce``.
    """

    method: str
    path: str
    route: str
    params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    authenticated: bool
    json: Any = None
    files: list[UploadedFile] = field(default_factory=list)
    status: int = 0
    response: Any = None
    response_headers: dict[str, str] = field(default_factory=dict)
    scripted: bool = False
    rate_limited: bool = False
    deduplicated: bool = False
    at: float = field(default_factory=time.monotonic)

    def matches(self, route: str) -> bool:
        """Whether ``route`` names this call (see :meth:`FakeDiscord.fail_next`)."""
        return _route_matches(route, self.method, self.path, self.route)


@dataclass(frozen=True)
class FakeWebhook:
    """An incoming webhook known to the fake."""

    id: int
    token: str
    channel_id: int
    guild_id: int
    name: str
    url: str


@dataclass
class _Request:
    method: str
    path: str
    params: dict[str, str]
    query: Mapping[str, str]
    json: Any
    files: list[UploadedFile]
    call: Call

    def int_param(self, name: str) -> int:
        return int(self.params[name])

    def flag(self, name: str) -> bool:
        return self.query.get(name, "").lower() in {"1", "true", "yes"}

    def body(self) -> JsonObject:
        if self.json is None:
            return {}
        if not isinstance(self.json, dict):
            raise _ApiError(
                400,
                "Invalid Form Body",
                50035,
                errors={
                    "_errors": [
                        {
                            "code": "DICT_TYPE_CONVERT",
                            "message": "Only dictionaries may be used in a DictType",
                        }
                    ]
                },
            )
        return self.json


@dataclass
class _Interaction:
    id: int
    token: str
    type: int
    channel_id: int
    guild_id: int | None
    user: JsonObject
    acknowledged: bool = False
    original_message_id: int | None = None
    message_id: int | None = None  # the message a component interaction came from


def _normalize_route(text: str) -> str:
    return _PLACEHOLDER.sub("{}", text.strip())


def _route_matches(route: str, method: str, path: str, route_key: str) -> bool:
    wanted = _normalize_route(route)
    return wanted in {
        _normalize_route(route_key),
        f"{method} {path}",
        _normalize_route(route_key.split(" ", 1)[1]),
        path,
    }
