"""The intermediate message model shared by every renderer, and the requests they produce.

A post is first turned into `Block`s of styled `Span`s (platform-neutral); each renderer then
turns blocks into the exact API requests of its platform. Requests are plain data: previews print
them, publishers send them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

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
    purpose: str = "post"  # what the request carries: post, continuation, gallery, files
    reply_to_step: int | None = None  # reply to the message sent by this earlier step

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"platform": self.platform, "method": self.method}
        if self.path:
            out["path"] = self.path
        out["params"] = self.params
        if self.uploads:
            out["files"] = [
                {"field": u.field, "filename": u.filename, "path": u.path} for u in self.uploads
            ]
        return out


@dataclass(frozen=True, slots=True)
class Rendering:
    """Everything one post becomes on one platform, plus notes for the admins."""

    requests: tuple[Request, ...]
    notes: tuple[str, ...] = field(default=())
