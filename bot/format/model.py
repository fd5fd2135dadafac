"""The intermediate message model shared by every renderer, and the requests they produce.

A post is first turned into `Block`s of styled `Span`s (platform-neutral); each renderer then
turns blocks into the exact API requests of its platform. Requests are plain data: previews print
them, publishers send them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

BlockKind = Literal["para", "heading", "quote", "code", "item", "rule"]


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    strike: bool = False
    code: bool = False
    href: str | None = None

    def with_text(self, text: str) -> Span:
        return replace(self, text=text)


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    spans: tuple[Span, ...] = ()
    prefix: str = ""  # list marker, e.g. "• " or "2. ", indented for nesting
    lang: str = ""  # code blocks

    @property
    def plain(self) -> str:
        """The visible text of the block as a reader sees it."""
        return self.prefix + "".join(s.text for s in self.spans)


@dataclass(frozen=True, slots=True)
class Upload:
    """A local file sent with a request."""

    field: str  # the multipart name (`attach://<field>` on Telegram)
    filename: str
    path: str


@dataclass(frozen=True, slots=True)
class Request:
    """One API call, as data.

    Telegram: `method` is the Bot API method (`sendMediaGroup`), `path` is empty.
    Discord: `method` is the HTTP verb and `path` the route with `{placeholders}`.
    """

    platform: Literal["telegram", "discord"]
    method: str
    params: dict[str, Any]
    path: str = ""
    uploads: tuple[Upload, ...] = ()
    purpose: str = "post"  # what it carries: post, continuation, album, text, calendar, edit, ...

    def to_json(self) -> dict[str, Any]:
        """The one serialised form: previews print it, outbox rows keep it."""
        out: dict[str, Any] = {"platform": self.platform, "method": self.method}
        if self.path:
            out["path"] = self.path
        out["params"] = self.params
        if self.uploads:
            out["files"] = [
                {"field": u.field, "filename": u.filename, "path": u.path} for u in self.uploads
            ]
        out["purpose"] = self.purpose
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Request:
        files = data.get("files", [])
        return cls(
            platform=data["platform"],
            method=data["method"],
            params=dict(data.get("params", {})),
            path=data.get("path", ""),
            uploads=tuple(Upload(f["field"], f["filename"], f["path"]) for f in files),
            purpose=data.get("purpose", "post"),
        )

    def with_params(self, **changes: Any) -> Request:
        return replace(self, params={**self.params, **changes})


@dataclass(frozen=True, slots=True)
class Step:
    """One request of an outbox delivery, and which sent message it stands for.

    `slot` is the position of the message in the post's rendering (an edit of slot 2 is step
    0 of its delivery); `keep_ids` are the ids an edit leaves in place. A request that names a
    message sent before it (`sent_message`) names one of the post in its channel, or, with
    `source`, one that the delivery `source` sent.
    """

    request: Request
    slot: int | None = None
    keep_ids: tuple[str, ...] | None = None
    source: int | None = None

    def to_json(self) -> dict[str, Any]:
        out = self.request.to_json()
        if self.slot is not None:
            out["slot"] = self.slot
        if self.keep_ids is not None:
            out["keep_ids"] = list(self.keep_ids)
        if self.source is not None:
            out["source"] = self.source
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Step:
        kept = data.get("keep_ids")
        slot = data.get("slot")
        source = data.get("source")
        return cls(
            Request.from_json(data),
            None if slot is None else int(slot),
            None if kept is None else tuple(str(k) for k in kept),
            None if source is None else int(source),
        )


class Sent(Protocol):
    """A message already sent, as the store records it: its slot in the rendering, what made
    it, its platform ids."""

    @property
    def step(self) -> int: ...

    @property
    def method(self) -> str: ...

    @property
    def ids(self) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class Rendering:
    """Everything one post becomes on one platform, plus notes for the admins."""

    requests: tuple[Request, ...]
    notes: tuple[str, ...] = field(default=())


# -- requests that name a message sent before them ---------------------------------------------
_SENT = re.compile(r"\{message:(\d+)\}")


def sent_message(slot: int = 0) -> str:
    """A stand-in for the id of the first message the post's slot `slot` created (an album's
    first photo, a forum post's thread): the outbox fills it in when the request goes out.

    It is honoured in a request's path and as a whole parameter value (Telegram's
    `message_id`), never inside text, so a post that writes it is sent as written.
    """
    return f"{{message:{slot}}}"


def needs_sent(request: Request) -> set[int]:
    """The slots whose messages `request` names."""
    found = {int(m) for m in _SENT.findall(request.path)}
    for value in request.params.values():
        if isinstance(value, str) and (whole := _SENT.fullmatch(value)):
            found.add(int(whole.group(1)))
    return found


def resolve_sent(request: Request, ids: Mapping[int, Sequence[str]]) -> Request:
    """`request` with the ids of the messages it names filled in (`ids`: slot → ids); a
    whole parameter becomes a number on Telegram. KeyError for a slot that has no message."""

    def first(match: re.Match[str]) -> str:
        found = ids.get(int(match.group(1))) or []
        if not found:
            raise KeyError(int(match.group(1)))
        return str(found[0])

    params = dict(request.params)
    for key, value in request.params.items():
        if isinstance(value, str) and (whole := _SENT.fullmatch(value)):
            filled = first(whole)
            params[key] = int(filled) if request.platform == "telegram" else filled
    return replace(request, path=_SENT.sub(first, request.path), params=params)
