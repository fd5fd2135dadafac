"""Push notifications from GitHub, Gitea and Forgejo: signature, payload, replays (pure).

GitHub signs the raw body as ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256>``; Gitea and
Forgejo send the same header (and ``X-Gitea-Signature`` / ``X-Forgejo-Signature``: the bare
hex digest). The body is JSON, or a form with the JSON in its ``payload`` field when GitHub's
content type is left at ``application/x-www-form-urlencoded``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

FORGES = ("GitHub", "Gitea", "Forgejo", "Gogs")
EVENT_HEADERS = tuple(f"X-{forge}-Event" for forge in FORGES)
DELIVERY_HEADERS = tuple(f"X-{forge}-Delivery" for forge in FORGES)
PREFIXED_SIGNATURES = ("X-Hub-Signature-256",)  # "sha256=<hex>"
BARE_SIGNATURES = ("X-Gitea-Signature", "X-Forgejo-Signature", "X-Gogs-Signature")  # "<hex>"


class PayloadError(ValueError):
    """The body is signed correctly but is not a push notification the bot understands."""


@dataclass(frozen=True)
class PushEvent:
    """One push to the website's repository, as the forge described it."""

    delivery: str | None
    ref: str
    before: str | None
    after: str | None
    pusher: str | None
    commits: int


def has_signature(headers: Mapping[str, str]) -> bool:
    return any(headers.get(name) for name in (*PREFIXED_SIGNATURES, *BARE_SIGNATURES))


def signature_valid(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """True when a signature header carries the HMAC-SHA256 of ``body`` with ``secret``."""
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().encode()
    given: list[str] = []
    for name in PREFIXED_SIGNATURES:
        value = headers.get(name, "").strip()
        algorithm, _, digest = value.partition("=")
        if algorithm.lower() == "sha256" and digest:
            given.append(digest)
    given.extend(headers.get(name, "").strip() for name in BARE_SIGNATURES)
    return any(
        hmac.compare_digest(expected, digest.lower().encode("utf-8", "replace"))
        for digest in given
        if digest
    )


def first_header(headers: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = headers.get(name, "").strip()
        if value:
            return value
    return None


def decode_payload(body: bytes, content_type: str) -> dict[str, Any]:
    """The JSON object of a notification body; ``PayloadError`` when there is none."""
    try:
        text = body.decode("utf-8")
        if content_type == "application/x-www-form-urlencoded":
            fields = parse_qs(text, strict_parsing=True)
            text = fields["payload"][0]
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError, KeyError, IndexError) as exc:
        raise PayloadError(f"the body is not a JSON notification ({type(exc).__name__})") from None
    if not isinstance(payload, dict):
        raise PayloadError("the body is JSON but not an object")
    return payload


def push_event(payload: Mapping[str, Any], delivery: str | None) -> PushEvent:
    """A ``PushEvent`` from a push payload; ``PayloadError`` when it has no ``ref``."""
    ref = payload.get("ref")
    if not isinstance(ref, str) or not ref:
        raise PayloadError('the push notification has no "ref"')
    commits = payload.get("commits")
    return PushEvent(
        delivery=delivery,
        ref=ref,
        before=_text(payload.get("before")),
        after=_text(payload.get("after")),
        pusher=_pusher(payload.get("pusher")),
        commits=len(commits) if isinstance(commits, list) else 0,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _pusher(value: object) -> str | None:
    if isinstance(value, Mapping):  # GitHub: name/email; Gitea and Forgejo: login/username
        for key in ("name", "login", "username"):
            name = _text(value.get(key))
            if name:
                return name
    return None


class RecentDeliveries:
    """Delivery ids seen within ``keep``; at most ``capacity`` of them, oldest dropped first."""

    def __init__(self, *, keep: timedelta = timedelta(hours=24), capacity: int = 4096) -> None:
        self._keep = keep
        self._capacity = capacity
        self._seen: OrderedDict[str, datetime] = OrderedDict()

    def replayed(self, delivery: str, now: datetime) -> bool:
        """True when ``delivery`` was seen recently; records it otherwise."""
        while self._seen:
            oldest, when = next(iter(self._seen.items()))
            if now - when <= self._keep:
                break
            del self._seen[oldest]
        if delivery in self._seen:
            return True
        self._seen[delivery] = now
        while len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
        return False
