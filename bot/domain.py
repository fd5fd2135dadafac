"""Core value types shared by every layer. Frozen, timezone-aware, free of I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Platform = Literal["telegram", "discord", "discord-webhook"]


@dataclass(frozen=True, slots=True)
class Event:
    """A post that announces something happening at a given time."""

    start: datetime
    end: datetime | None = None
    location: str | None = None
    url: str | None = None
    reminders: tuple[str, ...] | None = None  # offsets like "7d", "2h"; None = config default


@dataclass(frozen=True, slots=True)
class Post:
    """One announcement, parsed from a file in the content folder."""

    key: str  # stable identity: frontmatter `slug`, else derived from the file name
    source: str  # path relative to the content folder, POSIX separators
    title: str
    date: datetime
    body: str  # Markdown, typographic indentation removed
    abstract: str | None = None
    images: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    lang: str | None = None
    publish_at: datetime | None = None
    event: Event | None = None
    channels: tuple[str, ...] | None = None  # None = every channel
    has_frontmatter: bool = True
    warnings: tuple[str, ...] = ()
    digest: str = ""  # sha256 of the file's bytes

    @property
    def due_at(self) -> datetime:
        """When the post should go out: `publish_at`, else its date."""
        return self.publish_at or self.date


@dataclass(frozen=True, slots=True)
class Media:
    """An image ready to be sent: a local file inside the static folder, or a public URL."""

    src: str  # as written in the post
    filename: str  # upload name, unique within a post, safe for attachment://
    path: str | None = None  # absolute local path to upload (possibly a downscaled copy)
    url: str | None = None  # used when no local file is available
    width: int = 0
    height: int = 0
    size: int = 0
    as_document: bool = False  # too large for a photo even after downscaling


@dataclass(frozen=True, slots=True)
class Channel:
    """One destination, from a `[[channels]]` table of the configuration."""

    name: str
    platform: Platform
    chat_id: str | None = None
    thread_id: int | None = None
    channel_id: str | None = None
    webhook_url_env: str | None = None
    tags: tuple[str, ...] = ()  # when set, only posts with one of these tags go here


def channels_for(post: Post, channels: Sequence[Channel]) -> list[Channel]:
    """The channels a post goes to: those it names, else all whose tag filter it passes."""
    if post.channels is not None:
        wanted = set(post.channels)
        return [c for c in channels if c.name in wanted]
    return [c for c in channels if not c.tags or set(c.tags) & set(post.tags)]
